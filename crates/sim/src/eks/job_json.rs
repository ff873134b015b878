//! Jobs as the API server returns them (`batch/v1`: `status.active/ready/succeeded/failed`,
//! `startTime`, `completionTime`, conditions `Complete` / `Failed` with their reasons), a
//! finished pod's `Succeeded` / `Failed` status, and `kubectl get jobs` (`NAME STATUS
//! COMPLETIONS DURATION AGE`).

use super::engine::job_ctl::{JobCounts, JobCtl};
use super::engine::PodRecord;
use super::kubectl::{age_of, human_duration, table};
use crate::time::format_iso;
use serde_json::{json, Value};

pub fn job_json(c: &JobCtl, n: &JobCounts, start: i64) -> Value {
    let j = &c.job;
    let ts = |t: i64| format_iso(start + t);
    let containers: Vec<Value> = j.spec.template.spec.containers.iter().map(|x| json!({"name": x.name, "image": x.image})).collect();
    let mut spec = json!({"parallelism": j.spec.parallelism, "backoffLimit": j.spec.backoff_limit, "completionMode": if j.spec.indexed { "Indexed" } else { "NonIndexed" }, "suspend": false,
        "template": {"metadata": {"labels": j.spec.template.labels}, "spec": {"containers": containers, "restartPolicy": if j.spec.restart_on_failure { "OnFailure" } else { "Never" }}}});
    if let Some(x) = j.spec.completions {
        spec["completions"] = json!(x);
    }
    if let Some(x) = j.spec.active_deadline_s {
        spec["activeDeadlineSeconds"] = json!(x);
    }
    if let Some(x) = j.spec.ttl_after_finished_s {
        spec["ttlSecondsAfterFinished"] = json!(x);
    }
    let mut status = json!({"startTime": ts(c.created_at), "active": n.active, "ready": n.ready, "succeeded": n.succeeded, "failed": n.failed, "terminating": n.terminating, "uncountedTerminatedPods": {}});
    if !c.completed_indexes.is_empty() {
        status["completedIndexes"] = json!(super::engine::job_ctl::indexes_text(&c.completed_indexes));
    }
    if let Some(f) = &c.finish {
        status["conditions"] = json!([{"type": f.kind, "status": "True", "reason": f.reason, "message": f.message, "lastProbeTime": ts(f.at), "lastTransitionTime": ts(f.at)}]);
        if f.kind == "Complete" {
            status["completionTime"] = json!(ts(f.at));
        }
    }
    let mut meta = json!({"name": j.name, "namespace": j.namespace, "labels": j.labels, "creationTimestamp": ts(c.created_at)});
    if let Some(cron) = &c.cron {
        meta["ownerReferences"] = json!([{"apiVersion": "batch/v1", "kind": "CronJob", "name": cron, "controller": true, "blockOwnerDeletion": true}]);
    }
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": spec, "status": status})
}

/// A Job pod whose container exited: phase, Ready false (`PodCompleted`), the terminated state.
pub fn finish_pod(pod: &mut Value, rec: &PodRecord, start: i64) {
    let (Some(at), Some((_, code))) = (rec.finished_at, rec.run) else { return };
    let ts = format_iso(start + at);
    pod["status"]["phase"] = json!(if code == 0 { "Succeeded" } else { "Failed" });
    if let Some(cs) = pod["status"]["conditions"].as_array_mut() {
        for c in cs.iter_mut().filter(|c| c["type"] == "Ready" || c["type"] == "ContainersReady") {
            *c = json!({"type": c["type"], "status": "False", "reason": "PodCompleted", "lastTransitionTime": ts});
        }
    }
    if let Some(cs) = pod["status"]["containerStatuses"].as_array_mut() {
        for c in cs.iter_mut() {
            let started = c["state"]["running"]["startedAt"].clone();
            c["ready"] = json!(false);
            c["started"] = json!(false);
            c["state"] = json!({"terminated": {"exitCode": code, "reason": if code == 0 { "Completed" } else { "Error" }, "startedAt": started, "finishedAt": ts}});
        }
    }
}

/// kubectl's Job STATUS: Complete / Failed once finished, else Running.
fn job_status(i: &Value) -> &'static str {
    let conds = i["status"]["conditions"].as_array().cloned().unwrap_or_default();
    if conds.iter().any(|c| c["type"] == "Complete" && c["status"] == "True") {
        "Complete"
    } else if conds.iter().any(|c| c["type"] == "Failed" && c["status"] == "True") {
        "Failed"
    } else {
        "Running"
    }
}

pub fn get_jobs(items: &[Value], now_unix_s: i64, all: bool) -> String {
    let mut head: Vec<String> = ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"].iter().map(|s| s.to_string()).collect();
    if all {
        head.insert(0, "NAMESPACE".into());
    }
    let mut rows = vec![head];
    let secs = |v: &Value| v.as_str().and_then(|t| crate::time::parse_iso_seconds(t).ok());
    for i in items.iter().filter(|i| i["kind"] == "Job" && (all || i["metadata"]["namespace"] == "default")) {
        let (sp, st) = (&i["spec"], &i["status"]);
        let done = st["succeeded"].as_i64().unwrap_or(0);
        // kubectl printJob: completions when set; else "n/1 of p" for parallelism above 1.
        let completions = match (sp["completions"].as_i64(), sp["parallelism"].as_i64().unwrap_or(1)) {
            (Some(c), _) => format!("{done}/{c}"),
            (None, p) if p > 1 => format!("{done}/1 of {p}"),
            _ => format!("{done}/1"),
        };
        let duration = match (secs(&st["startTime"]), secs(&st["completionTime"])) {
            (Some(s), Some(c)) => human_duration(c - s),
            (Some(s), None) => human_duration(now_unix_s - s),
            _ => String::new(),
        };
        let mut row = vec![i["metadata"]["name"].as_str().unwrap_or("").to_string(), job_status(i).into(), completions, duration, age_of(i, now_unix_s)];
        if all {
            row.insert(0, i["metadata"]["namespace"].as_str().unwrap_or("").to_string());
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return if all { "No resources found\n".into() } else { "No resources found in default namespace.\n".into() };
    }
    table(rows)
}
