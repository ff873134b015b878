//! batch/v1 Jobs: parallelism and completions, pod Succeeded / Failed from the sim's run-time
//! annotations, the failure back-off and backoffLimit, activeDeadlineSeconds, the TTL after
//! finishing, conditions and events in Kubernetes' words, and `kubectl get jobs`.
//! Cases after K8S pkg/controller/job/job_controller_test.go (TestControllerSyncJob "job
//! finish", "too many active pods"/parallelism bound, "fail: backoff limit exceeded",
//! TestSyncJobPastDeadline "activeDeadlineSeconds less than single pod execution") and the Job
//! concept page (kubernetes.io/docs/concepts/workloads/controllers/job/).

use serde_json::Value;
use stevedore_sim::eks::engine::Owner;
use stevedore_sim::eks::job_json::get_jobs;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};

fn cluster(n: usize) -> String {
    format!("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: c, region: us-west-2}}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n  - {{name: ng, instanceType: m5.large, desiredCapacity: {n}}}\n")
}

fn job(spec: &str, run_s: i64, exit: i64, restart: &str) -> String {
    format!("---\napiVersion: batch/v1\nkind: Job\nmetadata: {{name: pi}}\nspec:\n{spec}  template:\n    metadata:\n      annotations: {{stevedore.dev/run-seconds: \"{run_s}\", stevedore.dev/exit-code: \"{exit}\"}}\n    spec:\n      restartPolicy: {restart}\n      containers:\n        - name: pi\n          image: \"perl:5.34\"\n          resources: {{requests: {{cpu: 500m, memory: 128Mi}}}}\n")
}

fn item(r: &EksRun, kind: &str) -> Value {
    output::list(r, 0)["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).cloned().unwrap_or(Value::Null)
}

fn job_pods(r: &EksRun) -> Vec<&stevedore_sim::eks::engine::PodRecord> {
    r.pods.iter().filter(|p| matches!(p.owner, Owner::Job(0))).collect()
}

#[test]
fn completions_with_parallelism_bound_the_active_pods_and_complete() {
    let m = parse(&format!("{}{}", cluster(2), job("  completions: 5\n  parallelism: 2\n", 30, 0, "Never"))).unwrap();
    for t in (0..200).step_by(3) {
        let st = item(&run_until(&m, false, t), "Job")["status"].clone();
        assert!(st["active"].as_i64().unwrap() <= 2, "at {t}: {st}");
        assert!(st["succeeded"].as_i64().unwrap() <= 5);
    }
    let r = run_until(&m, false, 400);
    let j = item(&r, "Job");
    assert_eq!((j["status"]["succeeded"].as_i64(), j["status"]["active"].as_i64(), j["status"]["failed"].as_i64()), (Some(5), Some(0), Some(0)));
    let c = &j["status"]["conditions"][0];
    assert_eq!((c["type"].as_str(), c["status"].as_str()), (Some("Complete"), Some("True")));
    assert!(j["status"]["completionTime"].is_string());
    assert_eq!(r.events.iter().filter(|e| e.kind == "Job" && e.reason == "SuccessfulCreate").count(), 5);
    let done = r.events.iter().find(|e| e.kind == "Job" && e.reason == "Completed").expect("Completed event");
    assert_eq!(done.message, "Job completed");
    // Three waves of ≤2 pods, each pull/start + 30 s.
    assert!(done.first_s >= 90, "{}", done.first_s);
    // The pods stay listed, Succeeded, and no longer hold their node's requests.
    let list = output::list(&r, 0);
    let pods: Vec<&Value> = list["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Pod" && i["metadata"]["labels"]["job-name"] == "pi").collect();
    assert_eq!(pods.len(), 5);
    assert!(pods.iter().all(|p| p["status"]["phase"] == "Succeeded" && p["status"]["containerStatuses"][0]["state"]["terminated"]["reason"] == "Completed"));
    assert!(r.state.pods.iter().all(|bp| !bp.pod.name.starts_with("pi-")));
    let table = get_jobs(list["items"].as_array().unwrap(), 400, false);
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(table.lines().next().unwrap().split_whitespace().collect::<Vec<_>>(), ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]);
    assert_eq!(&row[..3], ["pi", "Complete", "5/5"]);
    assert_eq!(row[3], stevedore_sim::eks::kubectl::human_duration(done.first_s));
}

#[test]
fn failures_back_off_and_exceed_the_backoff_limit() {
    let m = parse(&format!("{}{}", cluster(1), job("  backoffLimit: 2\n", 10, 1, "Never"))).unwrap();
    let r = run_until(&m, false, 600);
    let j = item(&r, "Job");
    assert_eq!(j["status"]["failed"], 3, "backoffLimit 2 ⇒ the third failure fails the Job");
    let c = &j["status"]["conditions"][0];
    assert_eq!((c["type"].as_str(), c["reason"].as_str(), c["message"].as_str()), (Some("Failed"), Some("BackoffLimitExceeded"), Some("Job has reached the specified backoff limit")));
    let ev = r.events.iter().find(|e| e.reason == "BackoffLimitExceeded").unwrap();
    assert!(ev.warning);
    // Re-creation waits 10 s, then 20 s after each failure.
    let pods = job_pods(&r);
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|p| p.finished_at.is_some()));
    assert_eq!(pods[1].created_at - pods[0].finished_at.unwrap(), 10);
    assert_eq!(pods[2].created_at - pods[1].finished_at.unwrap(), 20);
    let list = output::list(&r, 0);
    let failed: Vec<&Value> = list["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Pod" && i["status"]["phase"] == "Failed").collect();
    assert_eq!(failed.len(), 3);
    assert_eq!(failed[0]["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 1);
    assert!(get_jobs(list["items"].as_array().unwrap(), 600, false).contains("Failed"));
    // kubectl get pods shows a failed Job pod as Error, a succeeded one as Completed.
    let pods = stevedore_sim::eks::kubectl::get_pods(list["items"].as_array().unwrap(), "10m", false, false);
    assert_eq!(pods.lines().filter(|l| l.starts_with("pi-")).map(|l| l.split_whitespace().nth(2).unwrap()).collect::<Vec<_>>(), ["Error", "Error", "Error"]);
}

#[test]
fn active_deadline_fails_the_job_and_stops_its_pods() {
    let m = parse(&format!("{}{}", cluster(1), job("  activeDeadlineSeconds: 20\n", 100, 0, "Never"))).unwrap();
    let before = item(&run_until(&m, false, 19), "Job");
    assert_eq!(before["status"]["active"], 1);
    assert!(before["status"]["conditions"].is_null());
    let r = run_until(&m, false, 25);
    let c = item(&r, "Job")["status"]["conditions"][0].clone();
    assert_eq!((c["reason"].as_str(), c["message"].as_str()), (Some("DeadlineExceeded"), Some("Job was active longer than specified deadline")));
    assert_eq!(c["lastTransitionTime"], stevedore_sim::time::format_iso(20));
    assert!(job_pods(&r).is_empty(), "the running pod was terminated");
    assert_eq!(item(&r, "Job")["status"]["failed"], 1, "a pod the controller terminated counts as failed");
    assert!(r.events.iter().any(|e| e.reason == "SuccessfulDelete" && e.kind == "Job"));
}

#[test]
fn ttl_after_finished_deletes_the_job_and_its_pods() {
    let m = parse(&format!("{}{}", cluster(1), job("  ttlSecondsAfterFinished: 60\n", 10, 0, "OnFailure"))).unwrap();
    // Pulled 4 s, started at 5, exits at 15: Complete at 15, deleted at 75.
    let r = run_until(&m, false, 74);
    assert_eq!(item(&r, "Job")["status"]["conditions"][0]["type"], "Complete");
    assert_eq!(job_pods(&r).len(), 1);
    let r = run_until(&m, false, 75);
    assert!(item(&r, "Job").is_null());
    assert!(job_pods(&r).is_empty());
}

#[test]
fn parallelism_without_completions_completes_on_the_first_success() {
    let m = parse(&format!("{}{}", cluster(2), job("  parallelism: 3\n", 10, 0, "Never"))).unwrap();
    let r = run_until(&m, false, 120);
    let j = item(&r, "Job");
    assert_eq!(j["status"]["conditions"][0]["type"], "Complete");
    assert_eq!(j["status"]["succeeded"], 3);
    assert!(j["spec"]["completions"].is_null());
    let row = get_jobs(&[j], 120, false);
    assert!(row.contains("3/1 of 3"), "{row}");
}

#[test]
fn bad_jobs_are_errors_at_their_path() {
    let text = format!("{}{}", cluster(1), job("  completionMode: Sometimes\n", 10, 0, "Always")).replace("\"10\"", "\"ten\"");
    let errs: Vec<String> = parse(&text).unwrap_err().iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    let has = |s: &str| errs.iter().any(|e| e.contains(s));
    assert!(has("$[1].spec.completionMode: Unsupported value: \"Sometimes\""), "{errs:?}");
    assert!(has("$[1].spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""), "{errs:?}");
    assert!(has("$[1].spec.template.metadata.annotations[\"stevedore.dev/run-seconds\"]: \"ten\" must be a whole number"), "{errs:?}");
}

#[test]
fn a_run_with_daemonsets_jobs_and_cronjobs_is_the_same_however_it_is_sliced() {
    use stevedore_sim::eks::engine::Engine;
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/eks/batch.yaml")).unwrap();
    let m = parse(&text).unwrap();
    let whole = output::list(&run_until(&m, false, 420), 0);
    let mut e = Engine::new(&m, false);
    let mut calls = 0;
    for t in (0..=420).step_by(11).chain([420]) {
        while !e.advance_within(t, 1) {
            calls += 1;
            assert!(calls < 100_000);
        }
    }
    let sliced = output::list(&EksRun::from_engine(e), 0);
    assert!(whole == sliced);
    assert!(calls > 10, "the slices really cut the run ({calls})");
    // And every kind is there.
    for kind in ["DaemonSet", "Job", "CronJob"] {
        assert!(whole["items"].as_array().unwrap().iter().any(|i| i["kind"] == kind), "{kind}");
    }
}

/// `completionMode: Indexed` (kubernetes.io/docs/concepts/workloads/controllers/job/
/// "Completion mode"; K8S pkg/controller/job/indexed_job_utils.go): each pod has an index in
/// the annotation and label `batch.kubernetes.io/job-completion-index`, the lowest pending
/// indexes start first, a lost index is retried with the same index, and the Job completes when
/// every index 0…completions−1 has succeeded (`status.completedIndexes` `0-4`).
#[test]
fn indexed_jobs_run_each_index_to_one_success() {
    let scenario = "---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n  timeline:\n    - {at: 10s, kubectl: \"delete pods -l batch.kubernetes.io/job-completion-index=1\"}\n";
    let m = parse(&format!("{}{}{scenario}", cluster(2), job("  completions: 5\n  parallelism: 2\n  completionMode: Indexed\n", 30, 0, "Never"))).unwrap();
    let index_of = |p: &stevedore_sim::eks::engine::PodRecord| p.annotations.iter().find(|(k, _)| k == "batch.kubernetes.io/job-completion-index").map(|(_, v)| v.parse::<i64>().unwrap());
    let first = run_until(&m, false, 5);
    let mut idx: Vec<i64> = job_pods(&first).iter().filter_map(|p| index_of(p)).collect();
    idx.sort();
    assert_eq!(idx, [0, 1], "the lowest indexes start first");
    for p in job_pods(&first) {
        let i = index_of(p).unwrap();
        assert_eq!(p.info.labels["batch.kubernetes.io/job-completion-index"], i.to_string());
        assert!(p.info.name.starts_with(&format!("pi-{i}-")), "{}", p.info.name);
    }
    // Index 1's pod was deleted at 10 s: index 2 does not jump the queue while 1 is pending.
    let mid = run_until(&m, false, 25);
    let mut live: Vec<i64> = job_pods(&mid).iter().filter(|p| p.finished_at.is_none() && p.deleting_at.is_none()).filter_map(|p| index_of(p)).collect();
    live.sort();
    assert_eq!(live, [0, 1], "index 1 is retried with the same index");
    let j = item(&run_until(&m, false, 45), "Job");
    assert_eq!((j["status"]["completedIndexes"].as_str(), j["status"]["succeeded"].as_i64()), (Some("0-1"), Some(2)), "{j}");
    let r = run_until(&m, false, 600);
    let j = item(&r, "Job");
    assert_eq!(j["spec"]["completionMode"], "Indexed");
    assert_eq!((j["status"]["succeeded"].as_i64(), j["status"]["failed"].as_i64()), (Some(5), Some(1)));
    assert_eq!(j["status"]["completedIndexes"], "0-4");
    assert_eq!(j["status"]["conditions"][0]["type"], "Complete");
    let mut done: Vec<i64> = job_pods(&r).iter().filter(|p| p.finished_at.is_some()).filter_map(|p| index_of(p)).collect();
    done.sort();
    assert_eq!(done, [0, 1, 2, 3, 4], "each index succeeded once");
    assert_eq!(stevedore_sim::eks::engine::job_ctl::indexes_text(&[0, 1, 2, 5, 7, 8]), "0-2,5,7-8");
}

#[test]
fn indexed_jobs_need_completions() {
    let errs: Vec<String> = parse(&format!("{}{}", cluster(1), job("  parallelism: 2\n  completionMode: Indexed\n", 10, 0, "Never"))).unwrap_err().iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    assert!(errs.iter().any(|e| e == "$[1].spec.completions: Required value: when completion mode is Indexed"), "{errs:?}");
}
