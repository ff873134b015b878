//! Standalone ReplicaSets: replicas kept (a deleted pod replaced), scaled up and down with the
//! ReplicaSet controller's deletion ranking, in the List and `kubectl get replicasets`.
//! Cases after K8S pkg/controller/replicaset/replica_set_test.go (TestSyncReplicaSetCreateFailures
//! / TestSyncReplicaSetDormancy: creates the missing pods; TestDeleteControllerAndExpectations:
//! deletes the surplus).

use stevedore_sim::eks::engine::Owner;
use stevedore_sim::eks::kubectl::get_workloads;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};

fn text(timeline: &[&str]) -> String {
    let mut s = String::from("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n  - {name: ng, instanceType: m5.large, desiredCapacity: 2}\n---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: frontend, labels: {tier: frontend}}\nspec:\n  replicas: 3\n  selector: {matchLabels: {tier: frontend}}\n  template:\n    metadata: {labels: {tier: frontend}}\n    spec:\n      containers: [{name: php, image: \"php-redis:v5\", resources: {requests: {cpu: 100m}}}]\n---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  timeline:\n");
    for l in timeline {
        s.push_str(&format!("    - {l}\n"));
    }
    s
}

fn live(r: &EksRun) -> usize {
    r.pods.iter().filter(|p| matches!(p.owner, Owner::ReplicaSet(0)) && p.deleting_at.is_none()).count()
}

#[test]
fn keeps_its_replicas_and_scales() {
    // kubernetes.io/docs/concepts/workloads/controllers/replicaset/ example: frontend, 3 replicas.
    let m = parse(&text(&["{at: 1m, kubectl: \"delete pod -l tier=frontend\"}", "{at: 2m, kubectl: \"scale replicaset/frontend --replicas=5\"}", "{at: 3m, kubectl: \"scale rs/frontend --replicas=1\"}"])).unwrap();
    let r = run_until(&m, false, 30);
    assert_eq!(live(&r), 3);
    let list = output::list(&r, 0);
    let rs = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "ReplicaSet").unwrap().clone();
    assert_eq!((rs["status"]["replicas"].as_i64(), rs["status"]["readyReplicas"].as_i64()), (Some(3), Some(3)));
    let pod = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "Pod" && i["metadata"]["name"].as_str().unwrap().starts_with("frontend-")).unwrap();
    assert_eq!(pod["metadata"]["ownerReferences"][0]["name"], "frontend");
    let row = get_workloads(&[rs], "ReplicaSet", 30, false);
    assert_eq!(row.lines().nth(1).unwrap().split_whitespace().collect::<Vec<_>>(), ["frontend", "3", "3", "3", "30s"]);
    // Deleted pods are replaced; then 5; then 1.
    assert_eq!(live(&run_until(&m, false, 61)), 3);
    assert_eq!(live(&run_until(&m, false, 121)), 5);
    let r = run_until(&m, false, 181);
    assert_eq!(live(&r), 1);
    assert_eq!(r.events.iter().filter(|e| e.kind == "ReplicaSet" && e.reason == "SuccessfulDelete").count(), 4);
    assert!(parse(&text(&["{at: 1m, kubectl: \"scale replicaset/nope --replicas=2\"}"])).unwrap_err().iter().any(|e| e.message.contains("replicasets.apps \"nope\" not found")));
}
