//! Pods of one template that fail one after another on an unchanged cluster reuse the first
//! one's decision (`schedule_cycle`'s failure memo): each still gets its own FailedScheduling,
//! decision and verdicts under its own name, and a pod of another template is scheduled on its
//! own merits right after them.

use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::run::run_until;

fn deployment(name: &str, replicas: i64, cpu: &str) -> String {
    format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: c, image: \"nginx:1.26\", resources: {{requests: {{cpu: {cpu}, memory: 128Mi}}}}}}]\n")
}

fn manifest(second: &str) -> stevedore_sim::eks::manifest::Manifest {
    // One m5.large: 1930m allocatable, 125m of it taken by the system pods.
    let cluster = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n  - {name: ng, instanceType: m5.large, desiredCapacity: 1}\n";
    parse(&format!("{cluster}{}{second}", deployment("huge", 3, "2500m"))).unwrap()
}

#[test]
fn each_pod_of_a_failing_template_gets_its_own_failure_and_other_templates_still_fit() {
    let r = run_until(&manifest(&deployment("web", 2, "250m")), true, 5);
    let failed: Vec<_> = r.events.iter().filter(|e| e.reason == "FailedScheduling").collect();
    let mut names: Vec<&str> = failed.iter().map(|e| e.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 3, "one FailedScheduling per huge pod: {names:?}");
    assert!(names.iter().all(|n| n.starts_with("huge-")), "{names:?}");
    for e in &failed {
        assert_eq!(e.message, "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
    }
    // Every attempt is recorded under its own pod, with the one node's verdict.
    let huge: Vec<_> = r.decisions.iter().filter(|d| d.pod.starts_with("default/huge-")).collect();
    let mut pods: Vec<&str> = huge.iter().map(|d| d.pod.as_str()).collect();
    pods.sort();
    pods.dedup();
    assert_eq!(pods.len(), 3);
    assert!(huge.iter().all(|d| d.node.is_none() && d.verdicts.len() == 1 && d.evaluated == 1));
    // The web pods, queued after them, are not refused with huge's verdict.
    let web: Vec<_> = r.decisions.iter().filter(|d| d.pod.starts_with("default/web-")).collect();
    assert_eq!(web.len(), 2);
    assert!(web.iter().all(|d| d.node == Some(0)), "{:?}", web.iter().map(|d| &d.message).collect::<Vec<_>>());
}

#[test]
fn a_pod_that_differs_only_in_its_request_is_judged_afresh() {
    // Bare pods with the same labels share a label set and have no owner: only the spec tells
    // them apart, so the memo must not carry big's refusal over to small, which fits.
    let pod = |name: &str, cpu: &str| format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: solo}}}}\nspec:\n  containers: [{{name: c, image: busybox, resources: {{requests: {{cpu: {cpu}}}}}}}]\n");
    let r = run_until(&manifest(&format!("{}{}", pod("big", "2500m"), pod("small", "100m"))), false, 5);
    let of = |name: &str| r.decisions.iter().find(|d| d.pod == format!("default/{name}")).map(|d| d.node);
    assert_eq!(of("big"), Some(None));
    assert_eq!(of("small"), Some(Some(0)));
    let at = |name: &str| r.decisions.iter().position(|d| d.pod == format!("default/{name}"));
    assert!(at("big") < at("small"), "big is tried first, so small meets the memo");
}
