//! User DaemonSets: one pod per eligible node (nodeSelector, taints against the template's and
//! the controller's automatic tolerations), pods recreated when deleted, RollingUpdate with
//! maxUnavailable and OnDelete, drains, status and `kubectl get daemonsets`.
//! Cases follow K8S pkg/controller/daemon/daemon_controller_test.go (TestSimpleDaemonSetLaunchesPods,
//! TestNodeAffinityDaemonLaunchesPods / TestSelectorDaemonLaunchesPods, TestTaintedNodeDaemonDoesNotLaunchIntolerantPods,
//! TestTaintedNodeDaemonLaunchesToleratePod, TestUnschedulableNodeDaemonDoesLaunchPod) and
//! update_test.go (TestDaemonSetUpdatesPods: maxUnavailable bounds the nodes being replaced;
//! TestDaemonSetUpdatesPodsWithMaxSurge: 5 nodes, maxSurge 3 ⇒ 3 new pods, then 2 more as 3 old
//! go, then the last 2 old go).

use stevedore_sim::eks::daemonset_json::get_daemon_sets;
use stevedore_sim::eks::engine::Owner;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};
use serde_json::Value;

fn cluster(groups: &str) -> String {
    format!("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: c, region: us-west-2}}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n{groups}")
}

fn group(name: &str, n: usize, extra: &str) -> String {
    format!("  - {{name: {name}, instanceType: m5.large, desiredCapacity: {n}{extra}}}\n")
}

fn ds(spec_extra: &str, pod_extra: &str) -> String {
    format!("---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: agent}}\nspec:\n{spec_extra}  selector: {{matchLabels: {{app: agent}}}}\n  template:\n    metadata: {{labels: {{app: agent}}}}\n    spec:\n{pod_extra}      containers:\n        - name: agent\n          image: \"fluent-bit:3.0\"\n          resources: {{requests: {{cpu: 50m, memory: 64Mi}}}}\n")
}

fn timeline(lines: &[&str]) -> String {
    let mut s = String::from("---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n  timeline:\n");
    for l in lines {
        s.push_str(&format!("    - {l}\n"));
    }
    s
}

fn status(r: &EksRun) -> Value {
    let list = output::list(r, 0);
    list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "DaemonSet").unwrap()["status"].clone()
}

fn agent_pods(r: &EksRun) -> Vec<&stevedore_sim::eks::engine::PodRecord> {
    r.pods.iter().filter(|p| matches!(p.owner, Owner::UserDaemonSet(0))).collect()
}

#[test]
fn one_pod_per_node_bound_by_the_scheduler() {
    // TestSimpleDaemonSetLaunchesPods: 5 nodes ⇒ 5 pods, one on each.
    let m = parse(&format!("{}{}", cluster(&group("ng", 5, "")), ds("", ""))).unwrap();
    let r = run_until(&m, false, 60);
    let pods = agent_pods(&r);
    assert_eq!(pods.len(), 5);
    let mut nodes: Vec<usize> = pods.iter().map(|p| p.node.expect("bound")).collect();
    nodes.sort();
    nodes.dedup();
    assert_eq!(nodes.len(), 5, "one per node");
    // The default scheduler bound them (a decision each), not the controller.
    assert_eq!(r.decisions.iter().filter(|d| d.pod.contains("agent-")).count(), 5);
    let st = status(&r);
    for k in ["desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled", "numberAvailable"] {
        assert_eq!(st[k], 5, "{k}");
    }
    assert_eq!(st["numberMisscheduled"], 0);
    assert_eq!(r.events.iter().filter(|e| e.reason == "SuccessfulCreate" && e.kind == "DaemonSet").count(), 5);
    let list = output::list(&r, 0);
    let pod = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "Pod" && i["metadata"]["name"].as_str().unwrap().starts_with("agent-")).unwrap();
    assert_eq!(pod["metadata"]["ownerReferences"][0]["kind"], "DaemonSet");
    assert_eq!(pod["metadata"]["ownerReferences"][0]["name"], "agent");
    assert!(pod["metadata"]["labels"]["controller-revision-hash"].is_string());
    assert_eq!(pod["metadata"]["labels"]["pod-template-generation"], "1");
}

#[test]
fn node_selector_picks_the_nodes() {
    // TestSelectorDaemonLaunchesPods: only the labelled nodes get a pod.
    let groups = format!("{}{}", group("web", 3, ""), group("logs", 2, ", labels: {role: logs}"));
    let m = parse(&format!("{}{}", cluster(&groups), ds("", "      nodeSelector: {role: logs}\n"))).unwrap();
    let r = run_until(&m, false, 60);
    assert_eq!(status(&r)["desiredNumberScheduled"], 2);
    for p in agent_pods(&r) {
        let n = &r.state.nodes[p.node.unwrap()].node;
        assert_eq!(n.labels.get("role").map(String::as_str), Some("logs"));
    }
    let table = get_daemon_sets(output::list(&r, 0)["items"].as_array().unwrap(), 60, false);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE"]);
    assert_eq!(lines[1].split_whitespace().collect::<Vec<_>>(), ["agent", "2", "2", "2", "2", "2", "role=logs", "60s"]);
}

#[test]
fn taints_keep_intolerant_pods_off_and_tolerations_let_them_on() {
    let groups = format!("{}{}", group("web", 2, ""), group("gpu", 1, ", taints: [{key: gpu, value: \"true\", effect: NoSchedule}]"));
    // TestTaintedNodeDaemonDoesNotLaunchIntolerantPods.
    let m = parse(&format!("{}{}", cluster(&groups), ds("", ""))).unwrap();
    assert_eq!(status(&run_until(&m, false, 60))["desiredNumberScheduled"], 2);
    // TestTaintedNodeDaemonLaunchesToleratePod.
    let tol = "      tolerations: [{key: gpu, operator: Exists, effect: NoSchedule}]\n";
    let m = parse(&format!("{}{}", cluster(&groups), ds("", tol))).unwrap();
    let st = status(&run_until(&m, false, 60));
    assert_eq!((st["desiredNumberScheduled"].as_i64(), st["numberReady"].as_i64()), (Some(3), Some(3)));
}

#[test]
fn a_cordoned_node_keeps_its_daemon_pod_and_a_deleted_pod_comes_back() {
    // TestUnschedulableNodeDaemonDoesLaunchPod: the controller's automatic
    // node.kubernetes.io/unschedulable toleration lets the pod onto a cordoned node.
    let m = parse(&format!("{}{}{}", cluster(&group("ng", 2, "")), ds("", ""), timeline(&["{at: 1m, kubectl: \"cordon -l eks.amazonaws.com/nodegroup=ng\"}", "{at: 2m, kubectl: \"delete pod -l app=agent\"}"]))).unwrap();
    let before: Vec<String> = agent_pods(&run_until(&m, false, 100)).iter().map(|p| p.info.name.clone()).collect();
    let r = run_until(&m, false, 200);
    let after = agent_pods(&r);
    assert_eq!(after.len(), 2);
    assert!(after.iter().all(|p| !before.contains(&p.info.name)), "new pods replace the deleted ones");
    assert_eq!(status(&r)["numberReady"], 2);
    assert!(r.state.nodes.iter().all(|n| n.node.unschedulable));
}

#[test]
fn rolling_update_replaces_at_most_max_unavailable_nodes_at_a_time() {
    // TestDaemonSetUpdatesPods: maxUnavailable bounds the nodes whose pod is being replaced.
    let spec = "  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}\n  minReadySeconds: 10\n";
    let m = parse(&format!("{}{}{}", cluster(&group("ng", 5, "")), ds(spec, ""), timeline(&["{at: 2m, kubectl: \"set image daemonset/agent agent=fluent-bit:3.1\"}"]))).unwrap();
    let mut worst = i64::MAX;
    for t in 118..260 {
        let st = status(&run_until(&m, false, t));
        worst = worst.min(st["numberAvailable"].as_i64().unwrap());
    }
    assert_eq!(worst, 3, "5 nodes, maxUnavailable 2 ⇒ never fewer than 3 available, and it uses the room");
    let done = run_until(&m, false, 400);
    let st = status(&done);
    assert_eq!((st["updatedNumberScheduled"].as_i64(), st["numberAvailable"].as_i64()), (Some(5), Some(5)));
    assert!(agent_pods(&done).iter().all(|p| p.info.spec.containers[0].image == "fluent-bit:3.1"));
    assert_eq!(done.events.iter().filter(|e| e.reason == "SuccessfulDelete" && e.kind == "DaemonSet").count(), 5);
}

#[test]
fn default_max_unavailable_is_one() {
    let m = parse(&format!("{}{}{}", cluster(&group("ng", 3, "")), ds("", ""), timeline(&["{at: 2m, kubectl: \"set image daemonset/agent agent=fluent-bit:3.1\"}"]))).unwrap();
    let worst = (118..200).map(|t| status(&run_until(&m, false, t))["numberAvailable"].as_i64().unwrap()).min();
    assert_eq!(worst, Some(2));
    assert_eq!(status(&run_until(&m, false, 300))["updatedNumberScheduled"], 3);
}

#[test]
fn on_delete_waits_for_the_pod_to_be_deleted() {
    let spec = "  updateStrategy: {type: OnDelete}\n";
    let first = "{at: 1m, kubectl: \"set image daemonset/agent agent=fluent-bit:3.1\"}";
    let m = parse(&format!("{}{}{}", cluster(&group("ng", 3, "")), ds(spec, ""), timeline(&[first]))).unwrap();
    let r = run_until(&m, false, 300);
    assert_eq!((status(&r)["updatedNumberScheduled"].as_i64(), status(&r)["numberAvailable"].as_i64()), (Some(0), Some(3)));
    let victim = agent_pods(&r)[0].info.name.clone();
    let del = format!("{{at: 5m, kubectl: \"delete pod {victim}\"}}");
    let m = parse(&format!("{}{}{}", cluster(&group("ng", 3, "")), ds(spec, ""), timeline(&[first, &del]))).unwrap();
    let st = status(&run_until(&m, false, 400));
    assert_eq!((st["updatedNumberScheduled"].as_i64(), st["numberAvailable"].as_i64()), (Some(1), Some(3)));
}

#[test]
fn drain_refuses_daemon_pods_without_ignore_daemonsets_and_leaves_them_with_it() {
    let text = |flags: &str| format!("{}{}{}", cluster(&group("ng", 2, "")), ds("", ""), timeline(&[&format!("{{at: 1m, kubectl: \"drain -l eks.amazonaws.com/nodegroup=ng {flags}\"}}")]));
    let r = run_until(&parse(&text("")).unwrap(), false, 120);
    assert!(r.timeline_errors.iter().any(|e| e.contains("cannot delete DaemonSet-managed Pods") && e.contains("default/agent-")), "{:?}", r.timeline_errors);
    let r = run_until(&parse(&text("--ignore-daemonsets")).unwrap(), false, 300);
    assert!(r.drain_log.iter().any(|(_, l)| l.contains("ignoring DaemonSet-managed Pods") && l.contains("default/agent-")), "{:?}", r.drain_log);
    assert_eq!(status(&r)["numberReady"], 2, "the agent keeps running on the drained nodes");
}

#[test]
fn bad_daemon_sets_are_errors_at_their_path() {
    let bad = format!("{}{}", cluster(&group("ng", 1, "")), ds("  updateStrategy: {type: Recreate, rollingUpdate: {maxSurge: 1, maxUnavailable: 1}}\n", "").replace("matchLabels: {app: agent}", "matchLabels: {app: other}"));
    let errs: Vec<String> = parse(&bad).unwrap_err().iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    let has = |s: &str| errs.iter().any(|e| e.contains(s));
    assert!(has("$[1].spec.updateStrategy.type: Unsupported value: \"Recreate\""), "{errs:?}");
    assert!(has("$[1].spec.updateStrategy.rollingUpdate.maxSurge: may not be set when maxUnavailable is non-zero"), "{errs:?}");
    let zero = format!("{}{}", cluster(&group("ng", 1, "")), ds("  updateStrategy: {rollingUpdate: {maxSurge: 0%, maxUnavailable: 0}}\n", ""));
    let errs: Vec<String> = parse(&zero).unwrap_err().iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    assert!(errs.iter().any(|e| e == "$[1].spec.updateStrategy.rollingUpdate.maxUnavailable: cannot be 0 when maxSurge is 0"), "{errs:?}");
    assert!(has("$[1].spec.selector: does not match the template's labels"), "{errs:?}");
    let unknown = format!("{}{}{}", cluster(&group("ng", 1, "")), ds("", ""), timeline(&["{at: 1m, kubectl: \"set image daemonset/nope agent=x\"}"]));
    let errs: Vec<String> = parse(&unknown).unwrap_err().iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    assert!(errs.iter().any(|e| e.contains("spec.timeline[0].kubectl") && e.contains("daemonsets.apps \"nope\" not found")), "{errs:?}");
}

#[test]
fn surge_rolling_update_starts_new_pods_beside_the_old_and_keeps_every_node_served() {
    // TestDaemonSetUpdatesPodsWithMaxSurge: 5 nodes, maxSurge 3, maxUnavailable 0.
    let spec = "  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 3, maxUnavailable: 0}}\n";
    let m = parse(&format!("{}{}{}", cluster(&group("ng", 5, "")), ds(spec, ""), timeline(&["{at: 2m, kubectl: \"set image daemonset/agent agent=fluent-bit:3.1\"}"]))).unwrap();
    let mut peak = 0;
    let mut waves: Vec<usize> = Vec::new();
    for t in 119..200 {
        let r = run_until(&m, false, t);
        let live: Vec<_> = agent_pods(&r).into_iter().filter(|p| p.deleting_at.is_none()).collect();
        peak = peak.max(live.len());
        // Every node always has a Ready agent (surge keeps 100% availability).
        assert_eq!(status(&r)["numberAvailable"], 5, "at {t}");
        let nodes: std::collections::BTreeSet<usize> = live.iter().filter(|p| p.ready(t)).filter_map(|p| p.node).collect();
        assert_eq!(nodes.len(), 5, "at {t}");
        let new_not_ready = live.iter().filter(|p| p.info.spec.containers[0].image == "fluent-bit:3.1" && !p.ready(t)).count();
        assert!(new_not_ready <= 3, "at {t}: {new_not_ready} surging");
        if new_not_ready > 0 && waves.last() != Some(&new_not_ready) {
            waves.push(new_not_ready);
        }
    }
    assert_eq!(peak, 8, "5 + maxSurge 3 pods at most");
    assert_eq!(waves, [3, 2], "3 nodes surge, then the other 2");
    let done = run_until(&m, false, 300);
    let st = status(&done);
    assert_eq!((st["updatedNumberScheduled"].as_i64(), st["numberAvailable"].as_i64(), st["currentNumberScheduled"].as_i64()), (Some(5), Some(5), Some(5)));
    assert_eq!(agent_pods(&done).iter().filter(|p| p.deleting_at.is_none()).count(), 5);
}
