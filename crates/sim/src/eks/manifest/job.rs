//! `batch/v1` Job: `completions`, `parallelism`, `backoffLimit`, `activeDeadlineSeconds`,
//! `ttlSecondsAfterFinished`, `completionMode` (NonIndexed / Indexed), the pod template with its
//! `restartPolicy`, and the sim's run-time annotations (what a container does is not in a
//! manifest): `stevedore.dev/run-seconds` on the template's metadata (how long the container
//! runs after it starts; default 10) and `stevedore.dev/exit-code` (default 0: Succeeded).
//! Defaults and messages are the API server's (batch `SetDefaults_Job`, `ValidateJobSpec`).

use super::pod_spec;
use super::read::{self, key_path};
use crate::eks::objects::PodTemplate;
use crate::eks::selector::Labels;
use crate::error::Errors;
use serde_json::Value;

pub const RUN_SECONDS: &str = "stevedore.dev/run-seconds";
pub const EXIT_CODE: &str = "stevedore.dev/exit-code";
/// What a container runs for when the template does not say (a choice, documented).
pub const DEFAULT_RUN_S: i64 = 10;

#[derive(Debug, Clone, PartialEq)]
pub struct JobSpec {
    /// None: any one success completes the Job (`completions` unset with `parallelism` set).
    pub completions: Option<i64>,
    pub parallelism: i64,
    pub backoff_limit: i64,
    pub active_deadline_s: Option<i64>,
    pub ttl_after_finished_s: Option<i64>,
    pub template: PodTemplate,
    pub restart_on_failure: bool,
    pub run_s: i64,
    pub exit_code: i64,
    /// `completionMode: Indexed`: each pod carries a completion index 0…completions−1.
    pub indexed: bool,
}

/// The pod annotation and label with an Indexed Job pod's index.
pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
/// Most completions (and parallelism) an Indexed Job may ask for (`ValidateJobSpec`).
pub const MAX_INDEXED_COMPLETIONS: i64 = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub name: String,
    pub namespace: String,
    pub labels: Labels,
    pub spec: JobSpec,
}

pub fn job_spec(s: &Value, sp: &str, e: &mut Errors) -> Option<JobSpec> {
    let c = read::int(s, "completions", sp, 0, i32::MAX as i64, e);
    let p = read::int(s, "parallelism", sp, 0, i32::MAX as i64, e);
    // SetDefaults_Job: both unset ⇒ 1 and 1; one set ⇒ the other stays (parallelism 1).
    let (completions, parallelism) = match (c, p) {
        (None, None) => (Some(1), 1),
        (c, p) => (c, p.unwrap_or(1)),
    };
    let backoff_limit = read::int(s, "backoffLimit", sp, 0, i32::MAX as i64, e).unwrap_or(6);
    let active_deadline_s = read::int(s, "activeDeadlineSeconds", sp, 1, i64::MAX / 4, e);
    let ttl_after_finished_s = read::int(s, "ttlSecondsAfterFinished", sp, 0, i32::MAX as i64, e);
    let indexed = match read::string(s, "completionMode", sp, e).as_deref() {
        None | Some("NonIndexed") => false,
        Some("Indexed") => {
            match c {
                None => e.push(key_path(sp, "completions"), "Required value: when completion mode is Indexed"),
                Some(n) if n > MAX_INDEXED_COMPLETIONS => e.push(key_path(sp, "completions"), format!("Invalid value: {n}: must be less than or equal to {MAX_INDEXED_COMPLETIONS} when completion mode is Indexed")),
                _ => {}
            }
            if parallelism > MAX_INDEXED_COMPLETIONS {
                e.push(key_path(sp, "parallelism"), format!("Invalid value: {parallelism}: must be less than or equal to {MAX_INDEXED_COMPLETIONS} when completion mode is Indexed"));
            }
            true
        }
        Some(other) => {
            e.push(key_path(sp, "completionMode"), format!("Unsupported value: {other:?}: supported values: \"NonIndexed\", \"Indexed\""));
            false
        }
    };
    let Some((tp, t)) = read::object(s, "template", sp, e) else {
        e.push(key_path(sp, "template"), "is required");
        return None;
    };
    let (labels, annotations) = match read::object(t, "metadata", &tp, e) {
        Some((mp, m)) => (read::string_map(m, "labels", &mp, e), Some((key_path(&mp, "annotations"), read::string_map(m, "annotations", &mp, e)))),
        None => (Labels::new(), None),
    };
    let Some((psp, ps)) = read::object(t, "spec", &tp, e) else {
        e.push(key_path(&tp, "spec"), "is required");
        return None;
    };
    let mut spec = pod_spec::pod_spec(ps, &psp, e);
    if let Some((_, a)) = &annotations {
        spec.node_scaler = crate::eks::objects::PodAnnotations::of(a);
    }
    let restart_on_failure = match read::string(ps, "restartPolicy", &psp, e).as_deref() {
        Some("Never") => false,
        Some("OnFailure") => true,
        None => {
            e.push(key_path(&psp, "restartPolicy"), "Required value: a Job's pods need restartPolicy OnFailure or Never");
            false
        }
        Some(other) => {
            e.push(key_path(&psp, "restartPolicy"), format!("Unsupported value: {other:?}: supported values: \"OnFailure\", \"Never\""));
            false
        }
    };
    let (mut run_s, mut exit_code) = (DEFAULT_RUN_S, 0);
    if let Some((ap, a)) = annotations {
        let num = |key: &str, min: i64, max: i64, e: &mut Errors| -> Option<i64> {
            let v = a.get(key)?;
            let n = v.parse::<i64>().ok().filter(|n| (min..=max).contains(n));
            if n.is_none() {
                e.push(format!("{ap}[{key:?}]"), format!("{v:?} must be a whole number from {min} to {max}"));
            }
            n
        };
        run_s = num(RUN_SECONDS, 0, 366 * 86_400, e).unwrap_or(run_s);
        exit_code = num(EXIT_CODE, 0, 255, e).unwrap_or(exit_code);
    }
    if restart_on_failure && exit_code != 0 {
        e.push(key_path(&psp, "restartPolicy"), "the simulator models restartPolicy OnFailure only for containers that succeed: use Never with a failing stevedore.dev/exit-code");
    }
    Some(JobSpec { completions, parallelism, backoff_limit, active_deadline_s, ttl_after_finished_s, template: PodTemplate { labels, spec }, restart_on_failure, run_s, exit_code, indexed })
}
