//! The HorizontalPodAutoscaler controller on the engine's clock: every `SYNC_PERIOD_MS` (15 s,
//! from time 0) each HPA reads its Deployment's pods with the metrics-server samples the
//! Scenario's `SetPodUsage` entries set, runs `hpa::controller`, and applies the new size
//! through the Deployment's scale (the rollout's `Scale`, as `kubectl scale` does).
//!
//! Our metrics-server: a Running pod (containers started, not Terminating) reports the usage
//! of the last `SetPodUsage` entry matching it, sampled at the sync instant with a 15 s window;
//! a pod no entry matches reports nothing (a missing metric). metrics-server's own ~15 s
//! scrape lag is not modelled.

use super::{hpa_memo, Engine, Ev, Owner};
use crate::eks::hpa::controller::{Controller, Observed};
use crate::eks::hpa::replicas::{pod_request, Phase, PodInput, Sample};
use crate::eks::hpa::{Hpa, MetricSpec, ResourceName, CPU_INITIALIZATION_PERIOD_MS, SYNC_PERIOD_MS};
use crate::eks::manifest::pod_usage::PodUsage;
use crate::eks::rollout::Action;

/// One HPA and what its controller last reported (`status`).
#[derive(Debug, Clone)]
pub struct HpaState {
    pub hpa: Hpa,
    pub controller: Controller,
    /// `status.currentReplicas` / `desiredReplicas` after the last sync.
    pub current_replicas: i64,
    pub desired_replicas: i64,
    /// `status.currentMetrics[i]`: utilization percent or value (milli), per `spec.metrics[i]`.
    pub current_metrics: Vec<Option<i64>>,
    /// Resource metrics: the average usage (milli) behind `current_metrics`.
    pub current_average: Vec<Option<i64>>,
    pub last_scale_s: Option<i64>,
    /// The target Deployment was found.
    pub target_found: bool,
}

impl HpaState {
    pub fn new(hpa: Hpa) -> HpaState {
        let n = hpa.metrics.len();
        HpaState { hpa, controller: Controller::new(), current_replicas: 0, desired_replicas: 0, current_metrics: vec![None; n], current_average: vec![None; n], last_scale_s: None, target_found: false }
    }
}

/// What the adapters answer when they have no value (`rest_metrics_client.go`).
const NO_CUSTOM: &str = "no metrics returned from custom metrics API";
const NO_EXTERNAL: &str = "no metrics returned from external metrics API";

impl Engine {
    /// Schedules the first sync at time 0 when the manifest has HPAs.
    pub(super) fn hpa_start(&mut self) {
        if !self.hpas.is_empty() {
            self.at(0, Ev::HpaSync);
        }
        self.hpa_ambiguity();
    }

    /// horizontal.go `validateAndParseSelector`: an HPA whose target's pods are also selected by
    /// another HPA's target selector does not scale (`AmbiguousSelector`). HPAs and Deployment
    /// selectors are fixed for the run, so this is decided once. Our choice: a Deployment's pods
    /// are read as its template's labels (the `pod-template-hash` it adds is in no selector).
    fn hpa_ambiguity(&mut self) {
        let target = |e: &Engine, h: &Hpa| (h.target_kind == "Deployment").then(|| e.rollouts.iter().position(|r| r.deployment.name == h.target_name && r.deployment.namespace == h.namespace)).flatten();
        let targets: Vec<Option<usize>> = self.hpas.iter().map(|s| target(self, &s.hpa)).collect();
        for h in 0..self.hpas.len() {
            let Some(k) = targets[h] else { continue };
            let d = &self.rollouts[k].deployment;
            let mut selecting: Vec<String> = (0..self.hpas.len())
                .filter(|&o| targets[o].is_some_and(|ko| {
                    let other = &self.rollouts[ko].deployment;
                    other.namespace == d.namespace && other.selector.matches(&d.template.labels)
                }))
                .map(|o| format!("{}/{}", self.hpas[o].hpa.namespace, self.hpas[o].hpa.name))
                .collect();
            if selecting.len() > 1 {
                selecting.sort();
                let sel = crate::eks::hpa::format_label_selector(&d.selector);
                self.hpas[h].controller.selector_error = Some(format!("pods by selector {sel} are controlled by multiple HPAs: [{}]", selecting.join(" ")));
            }
        }
    }

    /// One sync of every HPA, then the next one 15 s later.
    pub(super) fn hpa_sync(&mut self) {
        let now = self.now;
        let now_ms = (now.max(0) as u64) * 1000;
        self.refresh_traffic();
        for h in 0..self.hpas.len() {
            let hpa = self.hpas[h].hpa.clone();
            let k = (hpa.target_kind == "Deployment").then(|| self.rollouts.iter().position(|r| r.deployment.name == hpa.target_name && r.deployment.namespace == hpa.namespace)).flatten();
            let Some(k) = k else {
                // The scale client's NotFound (`deployments.apps "web" not found`).
                let err = format!("{} \"{}\" not found", scale_resource(&hpa.target_kind, &hpa.target_api_version), hpa.target_name);
                let ev = self.hpas[h].controller.failed_get_scale(&err, now_ms);
                self.events.repeatable(now, "HorizontalPodAutoscaler", &hpa.namespace, &hpa.name, reason(&ev.reason), ev.message, ev.warning, "horizontal-pod-autoscaler");
                continue;
            };
            let spec = self.rollouts[k].deployment.replicas;
            let key = self.hpa_memo_key(k, &hpa.metrics);
            let memo = std::mem::take(&mut self.hpa_memos[h]).filter(|m| key.as_ref() == Some(&m.key) && now_ms < m.valid_until_ms);
            let (observed, valid_until_ms, id) = match memo {
                Some(mut m) => {
                    hpa_memo::restamp(&mut m.observed, now_ms);
                    (m.observed, m.valid_until_ms, m.id)
                }
                None => {
                    let pods = self.hpa_pods(k);
                    let mut until = u64::MAX;
                    let observed: Vec<Observed> = hpa.metrics.iter().map(|m| self.observe(&hpa, m, &pods, now, now_ms, &mut until)).collect();
                    self.hpa_readings += 1;
                    (observed, until, self.hpa_readings)
                }
            };
            // The pods not Terminating: counted from a metric's inputs, which read every pod
            // already, so a sync reads each pod record once.
            let status = match observed.iter().find_map(|o| match o {
                Observed::Pods(inputs) | Observed::Value { pods: inputs, .. } => Some(inputs),
                Observed::Unavailable(_) => None,
            }) {
                Some(inputs) => inputs.iter().filter(|p| !p.deleting).count() as i64,
                None => self.hpa_pods(k).iter().filter(|&&i| self.pods[i].deleting_at.is_none()).count() as i64,
            };
            let st = &mut self.hpas[h];
            st.target_found = true;
            // A reading without a memo key (traffic, a shared cpuTotal…) is never reused.
            st.controller.observation = key.is_some().then_some(id);
            let out = st.controller.reconcile(&hpa, now_ms, spec, status, &observed);
            st.current_replicas = status;
            st.desired_replicas = out.desired;
            st.current_metrics = out.current_metrics.clone();
            st.current_average = hpa.metrics.iter().zip(&observed).map(|(m, o)| average(m, o, &out.current_metrics)).collect();
            if out.rescaled {
                st.last_scale_s = Some(now);
                let _ = self.rollouts[k].apply(&Action::Scale(out.desired));
            }
            for ev in &out.events {
                self.events.repeatable(now, "HorizontalPodAutoscaler", &hpa.namespace, &hpa.name, reason(&ev.reason), ev.message.clone(), ev.warning, "horizontal-pod-autoscaler");
            }
            if let Some(key) = key {
                self.hpa_memos[h] = Some(hpa_memo::Memo { id, key, valid_until_ms, observed });
            }
        }
        self.at(now + (SYNC_PERIOD_MS / 1000) as i64, Ev::HpaSync);
    }

    /// The pods the Deployment's selector picks in its namespace: its own live pods and the
    /// matching bare ones (HPAs here scale Deployments; other owners' pods are no HPA's), from
    /// the live lists kept on create/gone.
    fn hpa_pods(&self, k: usize) -> Vec<usize> {
        let d = &self.rollouts[k].deployment;
        let owned = self.live_of(k);
        let bare = self.live_bare.iter().filter(|i| self.pods[**i].info.namespace == d.namespace && d.selector.matches(&self.pods[**i].info.labels));
        // The calculator only sums over them, so their order does not matter: one Vec. The owned
        // slice goes in by exact-size `extend` (no per-pod capacity check), the bare ones after.
        let mut out = Vec::with_capacity(owned.len());
        out.extend_from_slice(owned);
        out.extend(bare);
        out
    }

    fn observe(&self, hpa: &Hpa, m: &MetricSpec, pods: &[usize], now: i64, now_ms: u64, until: &mut u64) -> Observed {
        let (res, container) = match m {
            MetricSpec::Resource { name, container, .. } => (Some(*name), container.as_deref()),
            MetricSpec::Pods { .. } => (None, None),
            MetricSpec::Object { kind, object_name, metric, .. } => {
                return match self.object_metric(&hpa.namespace, kind, object_name, metric, now) {
                    Some(value) => Observed::Value { value, pods: self.pod_inputs(pods, now, now_ms, until, |_| None) },
                    // `GetObjectMetricReplicas`'s format puts its arguments in this order
                    // (`unable to get metric %s: %v on %s %s/%s` with kind, namespace, name, err).
                    None => Observed::Unavailable(format!("unable to get metric {metric}: {kind} on {} {object_name}/unable to fetch metrics from custom metrics API: {NO_OBJECT}", hpa.namespace)),
                };
            }
            MetricSpec::External { metric, selector, .. } => {
                return match self.external_metric(&hpa.namespace, metric, selector.as_ref(), now) {
                    Some(value) => Observed::Value { value, pods: self.pod_inputs(pods, now, now_ms, until, |_| None) },
                    None => Observed::Unavailable(format!("unable to get external metric {}/{metric}/{}: {NO_EXTERNAL}", hpa.namespace, crate::eks::hpa::go_selector(selector.as_ref()))),
                };
            }
        };
        let Some(res) = res else {
            let MetricSpec::Pods { metric, .. } = m else { unreachable!() };
            // One lookup per run of pods of one ReplicaSet (one template: labels), as for usage below.
            let mut memo: Option<(RunKey, Option<i64>)> = None;
            let inputs = self.pod_inputs(pods, now, now_ms, until, |p| {
                let key = RunKey::of(p).filter(|_| !self.sources.routed_alone(p));
                let v = match (&memo, key) {
                    (Some((run, v)), Some(mine)) if run.same(&mine) => *v,
                    (_, key) => {
                        let v = self.pod_metric(p, metric, now);
                        memo = key.map(|k| (k, v));
                        v
                    }
                };
                Some((v, Ok(0)))
            });
            if !inputs.iter().any(|p| p.sample.is_some()) {
                return Observed::Unavailable(format!("unable to get metric {metric}: {NO_CUSTOM}"));
            }
            return Observed::Pods(inputs);
        };
        let cpu = res == ResourceName::Cpu;
        // Pods of one ReplicaSet share its template — labels and requests — so their usage
        // source and request are the same, looked up once per run of such pods.
        let mut memo: Option<(RunKey, Usage, Result<i64, String>)> = None;
        let inputs = self.pod_inputs(pods, now, now_ms, until, |p| {
            let key = RunKey::of(p);
            let (u, r) = match (&memo, key) {
                (Some((run, u, r)), Some(mine)) if run.same(&mine) => (*u, r.clone()),
                (_, key) => {
                    let u = self.usage_of(p, now, cpu);
                    let r = pod_request(&p.info.spec, &p.info.name, cpu, container);
                    if let (Some(k), Ok(_)) = (key, &r) {
                        memo = Some((k, u, r.clone()));
                    }
                    (u, r)
                }
            };
            let used = match u {
                Usage::Fixed(v) => v,
                Usage::Traffic { ready, unready } => Some(if p.ready(now) { ready } else { unready }),
            };
            Some((used, r))
        });
        Observed::Pods(inputs)
    }

    /// The target's pods as the calculator reads them; `sample_of` gives a pod's (value,
    /// request) — None for Object/External metrics, which read only phases and readiness.
    /// One `PodInput` per pod and no other allocation.
    fn pod_inputs<'s>(&'s self, pods: &[usize], now: i64, now_ms: u64, until: &mut u64, mut sample_of: impl FnMut(&'s super::PodRecord) -> Option<(Option<i64>, Result<i64, String>)>) -> Vec<PodInput> {
        let mut inputs = Vec::with_capacity(pods.len());
        let ms = |s: i64| (s.max(0) as u64) * 1000;
        // `extend` over the exact-size slice: a push per pod per HPA every 15 s was a call each.
        inputs.extend(pods.iter().map(|&id| {
            let p = &self.pods[id];
            let deleting = p.deleting_at.is_some();
            let running = p.started(now);
            let ready = if p.ready(now) { (true, ms(p.ready_at.unwrap_or(0))) } else { (false, ms(p.started_at.filter(|t| *t <= now).unwrap_or(p.created_at))) };
            let (used, request) = sample_of(p).unwrap_or((None, Ok(0)));
            let sample = if running && !deleting { used.map(|value| Sample { value, timestamp_ms: now_ms, window_ms: SYNC_PERIOD_MS }) } else { None };
            // The first instant this reading changes by the clock alone (`hpa_memo`): the pod
            // starts, turns Ready or finishes; the calculator's CPU initialisation period ends,
            // or its first sample window after turning Ready.
            let start_ms = p.scheduled_at.map(ms);
            let clock = [p.started_at, p.ready_at, p.finished_at].into_iter().flatten().map(ms).chain(start_ms.map(|s| s + CPU_INITIALIZATION_PERIOD_MS)).chain([ready.1 + SYNC_PERIOD_MS]);
            *until = clock.filter(|&t| t > now_ms).fold(*until, u64::min);
            PodInput {
                // The calculator reads no name: a String per pod per HPA every 15 s was most
                // of the sync's cost, so the engine leaves it empty.
                name: String::new(),
                phase: if running { Phase::Running } else { Phase::Pending },
                deleting,
                start_ms,
                ready: Some(ready),
                request,
                sample,
            }
        }));
        inputs
    }
}

/// A Deployment pod's ReplicaSet: pods with the same one have the same template. The spec's
/// pointer decides without reading a string when `sync_pods_of` created them together; pods
/// created in different passes have different pointers, and then the ReplicaSet's name does.
#[derive(Clone, Copy)]
struct RunKey<'a> {
    deployment: usize,
    rs: &'a str,
    spec: *const crate::eks::objects::PodSpec,
}

impl<'a> RunKey<'a> {
    fn of(p: &'a super::PodRecord) -> Option<RunKey<'a>> {
        match (&p.owner, &p.rs) {
            (Owner::Deployment(k), Some(rs)) => Some(RunKey { deployment: *k, rs, spec: std::sync::Arc::as_ptr(&p.info.spec) }),
            _ => None,
        }
    }
    fn same(&self, other: &RunKey) -> bool {
        self.spec == other.spec || (self.deployment == other.deployment && self.rs == other.rs)
    }
}

/// Where a pod's usage of one resource comes from: a `SetPodUsage` figure (or none), or its
/// Services' traffic (its figure when a ready endpoint and when not).
#[derive(Debug, Clone, Copy)]
enum Usage {
    Fixed(Option<i64>),
    Traffic { ready: i64, unready: i64 },
}

/// The custom metrics API's answer for an object it has no value for. UNVERIFIED: adapters
/// word their NotFound differently; this is the API server's generic one.
const NO_OBJECT: &str = "the server could not find the requested resource";

impl Engine {
    /// The pod's usage now: the last `SetPodUsage` entry (by time, then file order) that
    /// matches it and sets this resource wins — a `cpuTotal` entry is shared evenly by the
    /// Running, not Terminating pods it matches now (integer millicores); else its Services'
    /// traffic (`hpa_metrics`); else nothing (a missing metric).
    fn usage_of(&self, p: &super::PodRecord, now: i64, cpu: bool) -> Usage {
        let Some(u) = usage(&self.usage, p, now, cpu) else {
            return match self.sources.traffic_usage(p) {
                Some((ready, unready)) if cpu => Usage::Traffic { ready: ready.0, unready: unready.0 },
                Some((ready, unready)) => Usage::Traffic { ready: ready.1, unready: unready.1 },
                None => Usage::Fixed(None),
            };
        };
        Usage::Fixed(match (cpu, u.cpu_total_m) {
            (true, Some(total)) => {
                let n = self.live_pods().filter(|q| q.started(now) && q.deleting_at.is_none() && q.info.namespace == u.namespace && u.selector.matches(&q.info.labels)).count();
                Some(total / n.max(1) as i64)
            }
            (true, None) => u.cpu_m,
            (false, _) => u.memory_milli,
        })
    }
}

/// The last `SetPodUsage` entry (by time, then file order) that matches the pod and sets this
/// resource.
fn usage<'a>(list: &'a [PodUsage], p: &super::PodRecord, now: i64, cpu: bool) -> Option<&'a PodUsage> {
    // Newest first: the usual hit is among the last few entries, not the whole day's list.
    let active = list.partition_point(|u| u.at_s <= now);
    list[..active]
        .iter()
        .rev()
        .filter(|u| if cpu { u.cpu_m.is_some() || u.cpu_total_m.is_some() } else { u.memory_milli.is_some() })
        .find(|u| u.namespace == p.info.namespace && u.selector.matches(&p.info.labels))
}

/// The average usage (milli) of a Resource metric's sampled pods, for `currentMetrics`.
fn average(m: &MetricSpec, o: &Observed, current: &[Option<i64>]) -> Option<i64> {
    let (MetricSpec::Resource { .. }, Observed::Pods(pods)) = (m, o) else { return None };
    current.iter().any(|c| c.is_some()).then_some(())?;
    let (sum, n) = pods.iter().filter(|p| !p.deleting).filter_map(|p| p.sample).fold((0i64, 0i64), |(s, n), x| (s.saturating_add(x.value), n + 1));
    (n > 0).then(|| sum / n)
}

/// A scale target's group-resource as API errors name it (`Deployment`, `apps/v1` →
/// `deployments.apps`; a core `v1` kind has no group).
fn scale_resource(kind: &str, api_version: &str) -> String {
    let resource = format!("{}s", kind.to_ascii_lowercase());
    match api_version.split_once('/') {
        Some((group, _)) => format!("{resource}.{group}"),
        None => resource,
    }
}

/// The controller's event reasons as the recorder's static names.
fn reason(r: &str) -> &'static str {
    match r {
        "SuccessfulRescale" => "SuccessfulRescale",
        "FailedComputeMetricsReplicas" => "FailedComputeMetricsReplicas",
        "FailedGetResourceMetric" => "FailedGetResourceMetric",
        "FailedGetContainerResourceMetric" => "FailedGetContainerResourceMetric",
        "FailedGetPodsMetric" => "FailedGetPodsMetric",
        "FailedGetObjectMetric" => "FailedGetObjectMetric",
        "FailedGetExternalMetric" => "FailedGetExternalMetric",
        "FailedRescale" => "FailedRescale",
        "FailedGetScale" => "FailedGetScale",
        "AmbiguousSelector" => "AmbiguousSelector",
        _ => "HorizontalPodAutoscaler",
    }
}
