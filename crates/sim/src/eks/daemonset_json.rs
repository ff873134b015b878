//! DaemonSets as the API server returns them (`apps/v1`, Kubernetes' status field names) and
//! the `kubectl get daemonsets` rows (`NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE
//! SELECTOR AGE`).

use super::engine::daemonset_ctl::{DaemonSetCtl, DaemonSetStatus};
use crate::time::format_iso;
use serde_json::{json, Value};

pub fn daemon_set_json(c: &DaemonSetCtl, st: &DaemonSetStatus, start: i64) -> Value {
    let d = &c.ds;
    let strategy = if d.on_delete {
        json!({"type": "OnDelete"})
    } else {
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": d.max_unavailable.to_json(), "maxSurge": 0}})
    };
    let containers: Vec<Value> = d.template.spec.containers.iter().map(|x| json!({"name": x.name, "image": x.image})).collect();
    let mut pod_spec = json!({"containers": containers});
    if !d.template.spec.node_selector.is_empty() {
        pod_spec["nodeSelector"] = json!(d.template.spec.node_selector);
    }
    json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": d.name, "namespace": d.namespace, "labels": d.labels, "creationTimestamp": format_iso(start), "generation": c.generation,
            "annotations": {"deprecated.daemonset.template.generation": c.generation.to_string()}},
        "spec": {"selector": {"matchLabels": d.selector.match_labels}, "updateStrategy": strategy, "minReadySeconds": d.min_ready_seconds,
            "revisionHistoryLimit": 10, "template": {"metadata": {"labels": d.template.labels}, "spec": pod_spec}},
        "status": {
            "desiredNumberScheduled": st.desired, "currentNumberScheduled": st.current, "numberMisscheduled": st.misscheduled,
            "numberReady": st.ready, "updatedNumberScheduled": st.updated, "numberAvailable": st.available,
            "numberUnavailable": (st.desired - st.available).max(0), "observedGeneration": c.generation,
        },
    })
}

/// `kubectl get daemonsets`: NODE SELECTOR is the template's nodeSelector as `k=v,…`, `<none>` without one.
pub fn get_daemon_sets(items: &[Value], now_unix_s: i64, all: bool) -> String {
    let mut head: Vec<String> = ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"].iter().map(|s| s.to_string()).collect();
    if all {
        head.insert(0, "NAMESPACE".into());
    }
    let mut rows = vec![head];
    let n = |v: &Value| v.as_i64().unwrap_or(0).to_string();
    for i in items.iter().filter(|i| i["kind"] == "DaemonSet" && (all || i["metadata"]["namespace"] == "default")) {
        let st = &i["status"];
        let sel = i["spec"]["template"]["spec"]["nodeSelector"].as_object().map(|m| m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(","));
        let mut row = vec![i["metadata"]["name"].as_str().unwrap_or("").to_string(), n(&st["desiredNumberScheduled"]), n(&st["currentNumberScheduled"]), n(&st["numberReady"]), n(&st["updatedNumberScheduled"]), n(&st["numberAvailable"]), sel.filter(|s| !s.is_empty()).unwrap_or_else(|| "<none>".into()), super::kubectl::age_of(i, now_unix_s)];
        if all {
            row.insert(0, i["metadata"]["namespace"].as_str().unwrap_or("").to_string());
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return if all { "No resources found\n".into() } else { "No resources found in default namespace.\n".into() };
    }
    super::kubectl::table(rows)
}
