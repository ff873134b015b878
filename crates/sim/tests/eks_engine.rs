//! The EKS engine over sim time: pods scheduled, started and Ready on one clock, the Deployment
//! controller reacting to real readiness, scheduler retries, the progress deadline, drains under
//! a PodDisruptionBudget, and the same run however it is sliced.

use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};

fn cluster(nodes: usize, kind: &str) -> String {
    format!("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: c, region: us-west-2}}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n  - {{name: ng, instanceType: {kind}, desiredCapacity: {nodes}}}\n")
}

fn web(replicas: i64, extra: &str, pod_extra: &str) -> String {
    format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n{extra}  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n{pod_extra}      containers:\n        - name: web\n          image: \"nginx:1.26\"\n          resources: {{requests: {{cpu: 250m, memory: 256Mi}}}}\n")
}

fn timeline(lines: &[&str]) -> String {
    let mut s = String::from("---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n  timeline:\n");
    for l in lines {
        s.push_str(&format!("    - {l}\n"));
    }
    s
}

fn events<'a>(r: &'a EksRun, reason: &str) -> Vec<&'a stevedore_sim::eks::engine::events::KEvent> {
    r.events.iter().filter(|e| e.reason == reason).collect()
}

#[test]
fn rolling_update_follows_the_documented_steps_on_real_readiness() {
    // kubernetes.io/docs/concepts/workloads/controllers/deployment/ "Updating a Deployment": 3
    // replicas, 25%/25% ⇒ surge 1, unavailable 0; always 3–4 pods.
    let m = parse(&format!("{}{}{}", cluster(2, "m5.large"), web(3, "", ""), timeline(&["{at: 2m, kubectl: \"set image deployment/web web=nginx:1.27\"}"]))).unwrap();
    // New image: scheduled at 120, pulled (4 s) and started (1 s) at 125, Ready (no probe).
    let mid = run_until(&m, false, 125);
    let list = output::list(&mid, 0);
    let d = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "Deployment").unwrap().clone();
    assert_eq!(d["status"]["updatedReplicas"], 2);
    assert_eq!(d["status"]["replicas"], 4);
    assert_eq!(d["status"]["availableReplicas"], 3);
    let at_124 = run_until(&m, false, 124);
    assert_eq!(at_124.rollouts[0].sets.last().unwrap().ready(124), 0, "not Ready before its containers start");
    let done = run_until(&m, false, 600);
    let steps: Vec<String> = done.rollouts[0].events.iter().skip(1).map(|e| e.message.split_whitespace().take(2).chain(e.message.split_whitespace().last()).collect::<Vec<_>>().join(" ")).collect();
    assert_eq!(steps, ["Scaled up 1", "Scaled down 2", "Scaled up 2", "Scaled down 1", "Scaled up 3", "Scaled down 0"]);
    assert_eq!(done.rollouts[0].progressing.0, "NewReplicaSetAvailable");
    assert!(done.pending.is_empty());
    assert_eq!(done.pods.iter().filter(|p| p.info.name.starts_with("web-")).count(), 3);
}

#[test]
fn readiness_probe_and_min_ready_seconds_time_availability() {
    // readinessProbe initialDelaySeconds 10, periodSeconds 5, successThreshold 2: Ready 15 s
    // after the containers start (start at 5) ⇒ 20; Available 30 s later (minReadySeconds).
    let probe = "      terminationGracePeriodSeconds: 10\n";
    let mut text = format!("{}{}", cluster(1, "m5.large"), web(1, "  minReadySeconds: 30\n", probe));
    text = text.replace("          resources:", "          readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 10, periodSeconds: 5, successThreshold: 2}\n          resources:");
    let m = parse(&text).unwrap();
    let ready = |t| run_until(&m, false, t).rollouts[0].sets[0].ready(t);
    assert_eq!((ready(19), ready(20)), (0, 1));
    let avail = |t| run_until(&m, false, t).rollouts[0].sets[0].available(t, 30);
    assert_eq!((avail(49), avail(50)), (0, 1));
    let r = run_until(&m, false, 60);
    let kinds: Vec<&str> = r.events.iter().filter(|e| e.kind == "Pod").map(|e| e.reason).collect();
    assert_eq!(kinds, ["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
    assert!(events(&r, "Pulled")[0].message.starts_with("Successfully pulled image \"nginx:1.26\" in 4s"));
}

#[test]
fn unschedulable_pods_retry_when_the_cluster_changes() {
    // One m5.large (1930m allocatable; the system pods take 125m): the bare pod (500m) is
    // queued first and fits, then 5 × 250m; the 6th web pod waits with FailedScheduling.
    // Deleting the bare pod frees room: the pool is retried when it is gone.
    let base = format!("{}{}", cluster(1, "m5.large"), web(6, "", ""));
    let solo = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: big, labels: {app: big}}\nspec:\n  containers: [{name: c, image: busybox, resources: {requests: {cpu: 500m}}}]\n";
    let m = parse(&format!("{base}{solo}{}", timeline(&["{at: 1m, kubectl: \"delete pod big\"}"]))).unwrap();
    let r = run_until(&m, false, 59);
    assert_eq!(r.pending.len(), 1);
    let waiting = r.pending[0].pod.name.clone();
    let fs = events(&r, "FailedScheduling");
    assert_eq!(fs.len(), 1);
    assert!(fs[0].message.starts_with("0/1 nodes are available: 1 Insufficient cpu."), "{}", fs[0].message);
    // Terminating at 60 (Killing), its container exits 1 s later: gone at 61, and the waiting
    // pod (its 1 s backoff long over) is scheduled at once.
    let at60 = run_until(&m, false, 60);
    assert!(at60.record("default", "big").unwrap().deleting_at == Some(60));
    assert_eq!(events(&at60, "Killing")[0].message, "Stopping container c");
    let after = run_until(&m, false, 61);
    assert!(after.pending.is_empty());
    assert_eq!(after.record("default", &waiting).unwrap().scheduled_at, Some(61));
    assert!(after.record("default", "big").is_none());
}

#[test]
fn progress_deadline_is_reported_without_rollback() {
    // 12 replicas cannot fit one m5.large: the rollout stalls, and 60 s after its last
    // progress the Deployment reads ProgressDeadlineExceeded; nothing rolls back.
    let m = parse(&format!("{}{}", cluster(1, "m5.large"), web(12, "  progressDeadlineSeconds: 60\n", ""))).unwrap();
    let r = run_until(&m, false, 600);
    let ro = &r.rollouts[0];
    assert_eq!(ro.progressing.0, "ProgressDeadlineExceeded");
    assert_eq!(ro.progressing.1, format!("ReplicaSet {:?} has timed out progressing.", ro.sets[0].name));
    assert_eq!(ro.last_progress, 5, "the last progress was the 7 pods turning Ready");
    assert_eq!(run_until(&m, false, 65).rollouts[0].progressing.0, "NewReplicaSetCreated");
    assert_eq!(run_until(&m, false, 66).rollouts[0].progressing.0, "ProgressDeadlineExceeded");
    assert_eq!(ro.sets.len(), 1);
    assert_eq!(r.pending.len(), 5);
}

fn drain_manifest(node: &str) -> String {
    let pdb = "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  minAvailable: 3\n  selector: {matchLabels: {app: web}}\n";
    format!("{}{}{pdb}{}", cluster(2, "m5.large"), web(4, "", ""), timeline(&[&format!("{{at: 1m, kubectl: \"drain {node} --ignore-daemonsets\"}}")]))
}

#[test]
fn drain_waits_for_the_disruption_budget_and_retries_every_5s() {
    let probe = Engine::new(&parse(&drain_manifest("x")).unwrap(), false);
    let node = probe.state.nodes[0].node.name.clone();
    let m = parse(&drain_manifest(&node)).unwrap();
    let r = run_until(&m, false, 120);
    let log: Vec<String> = r.drain_log.iter().map(|(t, l)| format!("{t} {l}")).collect();
    assert_eq!(log[0], format!("60 node/{node} cordoned"));
    assert!(log[1].starts_with("60 Warning: ignoring DaemonSet-managed Pods: kube-system/aws-node-"), "{log:?}");
    // Two web pods on the node; 4 healthy, minAvailable 3 ⇒ one eviction at a time.
    let refused: Vec<&String> = log.iter().filter(|l| l.contains("Cannot evict pod as it would violate the pod's disruption budget.")).collect();
    assert!(refused[0].starts_with("60 error when evicting pods/\"web-") && refused[0].contains("-n \"default\" (will retry after 5s): "), "{log:?}");
    assert!(log.iter().any(|l| l.starts_with("65 ") && l.contains(" evicted")), "the replacement (image cached: Ready 1 s after binding) lets the retry pass: {log:?}");
    assert_eq!(log.last().unwrap(), &format!("66 node/{node} drained"));
    assert!(r.state.nodes[0].node.unschedulable);
    let on_node = r.pods.iter().filter(|p| p.node == Some(0) && p.info.namespace == "default").count();
    assert_eq!(on_node, 0);
    assert_eq!(r.pods.iter().filter(|p| p.info.name.starts_with("web-") && p.ready(120)).count(), 4);
    let st = &r.pdbs[0].1;
    assert_eq!((st.current_healthy, st.desired_healthy, st.disruptions_allowed, st.expected_pods), (4, 3, 1, 4));
}

#[test]
fn the_same_run_however_it_is_sliced() {
    let text = format!(
        "{}{}{}",
        cluster(2, "m5.large"),
        web(6, "  minReadySeconds: 7\n", ""),
        timeline(&["{at: 30s, kubectl: \"set image deployment/web web=nginx:1.27\"}", "{at: 50s, kubectl: \"scale deployment/web --replicas=9\"}", "{at: 2m, kubectl: \"rollout undo deployment/web\"}"])
    );
    let m = parse(&text).unwrap();
    let whole = output::list(&run_until(&m, false, 300), 0);
    let mut e = Engine::new(&m, false);
    let mut calls = 0;
    for t in (0..=300).step_by(7).chain([300]) {
        while !e.advance_within(t, 1) {
            calls += 1;
            assert!(calls < 100_000);
        }
    }
    let sliced = output::list(&EksRun::from_engine(e), 0);
    let brief = |l: &serde_json::Value| -> Vec<String> { l["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Event").map(|i| format!("{} {} {}", i["firstTimestamp"], i["reason"], i["message"])).collect() };
    assert_eq!(brief(&whole), brief(&sliced));
    assert!(whole == sliced);
    assert!(calls > 10, "the slices really cut the run ({calls})");
}
