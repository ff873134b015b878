//! The replica calculator (K8S pkg/controller/podautoscaler/replica_calculator.go, v1.33):
//! one metric → a proposed replica count, from the target's pods and their samples.
//! Values are milli-units (`MilliValue`): cpu in millicores, memory in milli-bytes.

use super::{Tolerances, CPU_INITIALIZATION_PERIOD_MS, INITIAL_READINESS_DELAY_MS};
use crate::eks::objects::PodSpec;
use crate::time::SimTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed,
}

/// One metrics-server (or custom metrics) sample for a pod.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub value: i64,
    pub timestamp_ms: SimTime,
    /// metrics-server's window (typically 15 s–1 min).
    pub window_ms: SimTime,
}

/// A pod selected by the HPA's target, as the controller's pod lister sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PodInput {
    pub name: String,
    pub phase: Phase,
    /// Has a deletion timestamp.
    pub deleting: bool,
    /// `status.startTime`.
    pub start_ms: Option<SimTime>,
    /// The `Ready` condition: (status True?, lastTransitionTime); None when absent.
    pub ready: Option<(bool, SimTime)>,
    /// Σ container requests of the metric's resource (milli), or the controller's error for a
    /// container without one. Only Resource metrics read it.
    pub request: Result<i64, String>,
    pub sample: Option<Sample>,
}

/// `calculatePodRequests` for one pod: the sum over its containers (or the one named), with
/// the controller's error when a container lacks the request.
pub fn pod_request(spec: &PodSpec, pod: &str, cpu: bool, container: Option<&str>) -> Result<i64, String> {
    let mut sum = 0;
    for c in spec.containers.iter().filter(|c| container.is_none_or(|n| n == c.name)) {
        let (has, v) = if cpu { (c.has_cpu, c.requests.cpu) } else { (c.has_memory, c.requests.memory.saturating_mul(1000)) };
        if !has {
            return Err(format!("missing request for {} in container {} of Pod {pod}", if cpu { "cpu" } else { "memory" }, c.name));
        }
        sum += v;
    }
    Ok(sum)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub replicas: i64,
    /// Current utilization (percent of request) for `Utilization` targets, else the current
    /// value the status reports (average or total, milli).
    pub utilization: i64,
    /// Resource metrics: the average raw usage per counted pod (milli).
    pub raw_average: i64,
}

/// `groupPods`' verdict on one pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Deleted or Failed: left out entirely.
    Dropped,
    /// Pending, or (cpu) not yet ready: set aside ("ignored").
    Unready,
    /// Running without a sample.
    Missing,
    Counted,
}

/// `groupPods` for one pod. Deleted and Failed pods drop out; Pending pods are unready; a
/// Running pod without a sample is missing; for CPU only, readiness and the initialisation
/// period decide.
fn class(p: &PodInput, cpu: bool, now: SimTime) -> Class {
    if p.deleting || p.phase == Phase::Failed {
        return Class::Dropped;
    }
    if p.phase == Phase::Pending {
        return Class::Unready;
    }
    let Some(sample) = p.sample else { return Class::Missing };
    if cpu {
        let unready = match (p.ready, p.start_ms) {
            (None, _) | (_, None) => true,
            (Some((ready, transition)), Some(start)) => {
                if start + CPU_INITIALIZATION_PERIOD_MS > now {
                    // Within the initialisation period: ignore an unready pod, or a sample
                    // whose window began before it turned Ready.
                    !ready || sample.timestamp_ms < transition + sample.window_ms
                } else {
                    // Afterwards only a pod that has never been ready is ignored.
                    !ready && start + INITIAL_READINESS_DELAY_MS > transition
                }
            }
        };
        if unready {
            return Class::Unready;
        }
    }
    Class::Counted
}

const NO_PODS: &str = "no pods returned by selector while calculating replica count";
const NO_METRICS: &str = "did not receive metrics for targeted pods (pods might be unready)";

/// Running totals of one group of pods: how many, Σ sample values, Σ requests.
#[derive(Default, Clone, Copy)]
struct Sums {
    n: i64,
    usage: i64,
    request: i64,
}

/// `GetResourceReplicas` (and the ContainerResource variant: fill `request`/`sample` for the
/// one container). `target_utilization` in percent of request. One pass over the pods, no
/// allocation: the fill-ins of the conservative recomputation only add to the totals.
pub fn resource_utilization(pods: &[PodInput], current: i64, target_utilization: i64, cpu: bool, tol: Tolerances, now: SimTime) -> Result<Proposal, String> {
    let resource = if cpu { "cpu" } else { "memory" };
    if !pods.iter().any(|p| p.sample.is_some()) {
        return Err(format!("unable to get metrics for resource {resource}: no metrics returned from resource metrics API"));
    }
    let (mut counted, mut missing, mut unready) = (Sums::default(), Sums::default(), Sums::default());
    let mut request_error: Option<&String> = None;
    // What the missing pods are assumed to use on a scale-down: `fallbackUtilization =
    // max(100, targetUtilization)` percent of each one's request (newer upstream
    // replica_calculator.go; the copy @00067268 still used 100 %), so a target above 100 % does
    // not read missing pods as under-used.
    let fallback = target_utilization.max(100);
    let mut missing_fill = 0i64;
    for p in pods {
        // `calculatePodRequests` reads every pod the selector returns.
        let request = match &p.request {
            Ok(r) => *r,
            Err(e) => {
                request_error.get_or_insert(e);
                0
            }
        };
        let c = class(p, cpu, now);
        let g = match c {
            Class::Dropped => continue,
            Class::Unready => &mut unready,
            Class::Missing => &mut missing,
            Class::Counted => &mut counted,
        };
        g.n += 1;
        g.usage = g.usage.saturating_add(p.sample.map_or(0, |s| s.value));
        g.request = g.request.saturating_add(request);
        if c == Class::Missing {
            missing_fill = missing_fill.saturating_add(request.saturating_mul(fallback) / 100);
        }
    }
    if counted.n == 0 {
        return Err(NO_METRICS.into());
    }
    if let Some(e) = request_error {
        return Err(e.clone());
    }
    // `GetResourceUtilizationRatio`: utilization is truncated to a whole percent before the ratio.
    let ratio_of = |usage: i64, request: i64| -> Result<(f64, i64), String> {
        if request == 0 {
            return Err("no metrics returned matched known pods".into());
        }
        let utilization = usage.saturating_mul(100) / request;
        Ok((utilization as f64 / target_utilization as f64, utilization))
    };
    let (ratio, utilization) = ratio_of(counted.usage, counted.request)?;
    let keep = Proposal { replicas: current, utilization, raw_average: counted.usage / counted.n };
    let scale_up_with_unready = unready.n > 0 && ratio > 1.0;
    if !scale_up_with_unready && missing.n == 0 {
        if tol.is_within(ratio) {
            return Ok(keep);
        }
        return Ok(Proposal { replicas: (ratio * counted.n as f64).ceil() as i64, ..keep });
    }
    // Conservative fill-in: missing pods use `fallback` % of their request on a scale-down and 0
    // on a scale-up; unready pods use 0 when scaling up.
    let (mut usage, mut request, mut n) = (counted.usage, counted.request, counted.n);
    if ratio != 1.0 {
        usage += if ratio < 1.0 { missing_fill } else { 0 };
        request += missing.request;
        n += missing.n;
    }
    if scale_up_with_unready {
        request += unready.request;
        n += unready.n;
    }
    let (new_ratio, _) = ratio_of(usage, request)?;
    if tol.is_within(new_ratio) || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0) {
        return Ok(keep);
    }
    let replicas = (new_ratio * n as f64).ceil() as i64;
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return Ok(keep);
    }
    Ok(Proposal { replicas, ..keep })
}

/// `GetRawResourceReplicas` (Resource `AverageValue`) and `GetMetricReplicas` (Pods metrics):
/// `calcPlainMetricReplicas`. Missing pods count as exactly the target on a scale-down.
pub fn plain_average(pods: &[PodInput], current: i64, target: i64, cpu: bool, tol: Tolerances, now: SimTime) -> Result<Proposal, String> {
    if pods.is_empty() {
        return Err(NO_PODS.into());
    }
    let (mut counted, mut missing, mut unready) = (Sums::default(), 0i64, 0i64);
    for p in pods {
        match class(p, cpu, now) {
            Class::Dropped => {}
            Class::Unready => unready += 1,
            Class::Missing => missing += 1,
            Class::Counted => {
                counted.n += 1;
                counted.usage = counted.usage.saturating_add(p.sample.map_or(0, |s| s.value));
            }
        }
    }
    if counted.n == 0 {
        return Err(NO_METRICS.into());
    }
    let usage = counted.usage / counted.n;
    let ratio = usage as f64 / target as f64;
    let keep = Proposal { replicas: current, utilization: usage, raw_average: usage };
    let scale_up_with_unready = unready > 0 && ratio > 1.0;
    if !scale_up_with_unready && missing == 0 {
        if tol.is_within(ratio) {
            return Ok(keep);
        }
        return Ok(Proposal { replicas: (ratio * counted.n as f64).ceil() as i64, ..keep });
    }
    let (mut sum, mut n) = (counted.usage, counted.n + missing);
    if ratio < 1.0 {
        sum = sum.saturating_add(target.saturating_mul(missing));
    }
    if scale_up_with_unready {
        n += unready;
    }
    let new_ratio = (sum / n) as f64 / target as f64;
    if tol.is_within(new_ratio) || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0) {
        return Ok(keep);
    }
    let replicas = (new_ratio * n as f64).ceil() as i64;
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return Ok(keep);
    }
    Ok(Proposal { replicas, ..keep })
}

/// Pods that are Running and Ready (`getReadyPodsCount`).
fn ready_pods(pods: &[PodInput]) -> Result<i64, String> {
    if pods.is_empty() {
        return Err(NO_PODS.into());
    }
    Ok(pods.iter().filter(|p| p.phase == Phase::Running && p.ready.is_some_and(|r| r.0)).count() as i64)
}

/// `getUsageRatioReplicaCount`: from 0 replicas `ceil(ratio)` with no tolerance; otherwise
/// `ceil(ratio × ready pods)` when outside the tolerance.
fn usage_ratio_replicas(pods: &[PodInput], current: i64, ratio: f64, tol: Tolerances) -> Result<i64, String> {
    if current == 0 {
        return Ok(ratio.ceil() as i64);
    }
    if tol.is_within(ratio) {
        return Ok(current);
    }
    let ready = ready_pods(pods).map_err(|e| format!("unable to calculate ready pods: {e}"))?;
    Ok((ratio * ready as f64).ceil() as i64)
}

/// Object metric with a `Value` target (`GetObjectMetricReplicas`), and External `Value`
/// (`GetExternalMetricReplicas`, `value` = the sum of the returned series).
pub fn object_value(pods: &[PodInput], current: i64, value: i64, target: i64, tol: Tolerances) -> Result<Proposal, String> {
    let ratio = value as f64 / target as f64;
    let replicas = usage_ratio_replicas(pods, current, ratio, tol)?;
    Ok(Proposal { replicas, utilization: value, raw_average: value })
}

/// Object / External metric with an `AverageValue` target (`GetObjectPerPodMetricReplicas`,
/// `GetExternalPerPodMetricReplicas`): `status_replicas` is the target's current replicas.
pub fn per_pod_value(status_replicas: i64, value: i64, target_average: i64, tol: Tolerances) -> Proposal {
    let mut replicas = status_replicas;
    let ratio = value as f64 / (target_average as f64 * status_replicas as f64);
    if !tol.is_within(ratio) {
        replicas = (value as f64 / target_average as f64).ceil() as i64;
    }
    let average = if status_replicas == 0 { value } else { (value as f64 / status_replicas as f64).ceil() as i64 };
    Proposal { replicas, utilization: average, raw_average: average }
}
