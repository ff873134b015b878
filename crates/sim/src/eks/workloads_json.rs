//! Deployments and ReplicaSets as the API server returns them (`apps/v1`, Kubernetes' status
//! field names and condition reasons), their `ScalingReplicaSet` events, and the
//! `kubectl get deployments|replicasets` rows.

use super::fenceposts::max_unavailable;
use super::rollout::Rollout;
use crate::time::format_iso;
use serde_json::{json, Value};

fn condition(t: &str, ok: bool, reason: &str, message: &str, at: &str) -> Value {
    status_condition(t, if ok { "True" } else { "False" }, reason, message, at)
}

fn status_condition(t: &str, status: &str, reason: &str, message: &str, at: &str) -> Value {
    json!({"type": t, "status": status, "reason": reason, "message": message, "lastUpdateTime": at, "lastTransitionTime": at})
}

/// Progressing's status by reason (deployment_util.go): False once the deadline passed,
/// Unknown while paused or just resumed (`checkPausedConditions`), else True.
fn progressing_status(reason: &str) -> &'static str {
    match reason {
        "ProgressDeadlineExceeded" => "False",
        "DeploymentPaused" | "DeploymentResumed" => "Unknown",
        _ => "True",
    }
}

pub fn deployment_json(r: &Rollout, start: i64) -> Value {
    let d = &r.deployment;
    let (now, min_ready) = (r.now, d.strategy.min_ready_seconds);
    let created = format_iso(start);
    let at = format_iso(start + now);
    let new = r.new_set();
    let pods: i64 = r.sets.iter().map(|s| s.pods.len() as i64).sum();
    let ready: i64 = r.sets.iter().map(|s| s.ready(now)).sum();
    let available: i64 = r.sets.iter().map(|s| s.available(now, min_ready)).sum();
    let spec_total: i64 = r.sets.iter().map(|s| s.replicas).sum();
    let min_available = d.replicas - max_unavailable(d.strategy.max_surge, d.strategy.max_unavailable, d.replicas);
    let avail_ok = available >= min_available;
    let (avail_reason, avail_msg) = if avail_ok { ("MinimumReplicasAvailable", "Deployment has minimum availability.") } else { ("MinimumReplicasUnavailable", "Deployment does not have minimum availability.") };
    let strategy = if d.strategy.recreate {
        json!({"type": "Recreate"})
    } else {
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": d.strategy.max_surge.to_json(), "maxUnavailable": d.strategy.max_unavailable.to_json()}})
    };
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": d.name, "namespace": d.namespace, "labels": d.labels, "creationTimestamp": created,
            "annotations": {"deployment.kubernetes.io/revision": new.map_or(0, |s| s.revision).to_string()}},
        "spec": {"replicas": d.replicas, "selector": {"matchLabels": d.selector.match_labels}, "strategy": strategy,
            "minReadySeconds": min_ready, "paused": d.strategy.paused, "revisionHistoryLimit": d.strategy.revision_history_limit,
            "progressDeadlineSeconds": d.strategy.progress_deadline_seconds,
            "template": {"metadata": {"labels": d.template.labels}, "spec": {"containers": containers(r.deployment.template.spec.containers.iter())}}},
        "status": {
            "observedGeneration": 1 + r.events_dropped as i64 + r.events.len() as i64,
            "replicas": pods, "updatedReplicas": new.map_or(0, |s| s.pods.len() as i64),
            "readyReplicas": ready, "availableReplicas": available, "unavailableReplicas": (spec_total - available).max(0),
            "conditions": [condition("Available", avail_ok, avail_reason, avail_msg, &at), status_condition("Progressing", progressing_status(r.progressing.0), r.progressing.0, &r.progressing.1, &at)],
        },
    })
}

fn containers<'a>(cs: impl Iterator<Item = &'a super::objects::Container>) -> Value {
    cs.map(|c| json!({"name": c.name, "image": c.image})).collect()
}

pub fn replica_sets_json(r: &Rollout, start: i64) -> Vec<Value> {
    let d = &r.deployment;
    r.sets
        .iter()
        .map(|s| {
            let mut labels = s.template.labels.clone();
            labels.insert("pod-template-hash".into(), s.hash.clone());
            let mut sel = d.selector.match_labels.clone();
            sel.insert("pod-template-hash".into(), s.hash.clone());
            json!({
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": s.name, "namespace": d.namespace, "labels": labels, "creationTimestamp": format_iso(start + s.created_at),
                    "annotations": {"deployment.kubernetes.io/revision": s.revision.to_string(), "deployment.kubernetes.io/desired-replicas": d.replicas.to_string()},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": d.name, "controller": true, "blockOwnerDeletion": true}]},
                "spec": {"replicas": s.replicas, "minReadySeconds": d.strategy.min_ready_seconds, "selector": {"matchLabels": sel},
                    "template": {"metadata": {"labels": labels}, "spec": {"containers": containers(s.template.spec.containers.iter())}}},
                "status": {"replicas": s.pods.len(), "fullyLabeledReplicas": s.pods.len(), "readyReplicas": s.ready(r.now),
                    "availableReplicas": s.available(r.now, d.strategy.min_ready_seconds), "observedGeneration": 1},
            })
        })
        .collect()
}

/// `ScalingReplicaSet` Normal events from `deployment-controller`.
pub fn events_json(r: &Rollout, start: i64) -> Vec<Value> {
    let d = &r.deployment;
    r.live_events()
        .map(|(i, e)| {
            let at = format_iso(start + e.at);
            json!({
                "apiVersion": "v1", "kind": "Event",
                "metadata": {"name": format!("{}.{:016x}", d.name, i), "namespace": d.namespace, "creationTimestamp": at},
                "involvedObject": {"apiVersion": "apps/v1", "kind": "Deployment", "name": d.name, "namespace": d.namespace},
                "reason": e.reason, "message": e.message, "type": "Normal", "count": 1,
                "source": {"component": "deployment-controller"}, "reportingComponent": "deployment-controller",
                "firstTimestamp": at, "lastTimestamp": at,
            })
        })
        .collect()
}
