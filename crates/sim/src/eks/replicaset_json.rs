//! A standalone ReplicaSet as the API server returns it (`apps/v1`; no ownerReferences). The
//! `kubectl get replicasets` rows come from `kubectl::get_workloads`, as for a Deployment's.

use super::engine::replicaset_ctl::{ReplicaSetCounts, ReplicaSetCtl};
use crate::time::format_iso;
use serde_json::{json, Value};

pub fn replica_set_json(c: &ReplicaSetCtl, n: &ReplicaSetCounts, start: i64) -> Value {
    let r = &c.rs;
    let containers: Vec<Value> = r.template.spec.containers.iter().map(|x| json!({"name": x.name, "image": x.image})).collect();
    json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": r.name, "namespace": r.namespace, "labels": r.labels, "creationTimestamp": format_iso(start), "generation": 1},
        "spec": {"replicas": r.replicas, "minReadySeconds": r.strategy.min_ready_seconds, "selector": {"matchLabels": r.selector.match_labels},
            "template": {"metadata": {"labels": r.template.labels}, "spec": {"containers": containers}}},
        "status": {"replicas": n.replicas, "fullyLabeledReplicas": n.replicas, "readyReplicas": n.ready, "availableReplicas": n.available, "observedGeneration": 1},
    })
}
