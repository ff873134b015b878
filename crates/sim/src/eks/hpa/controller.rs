//! One HPA's controller loop (K8S pkg/controller/podautoscaler/horizontal.go `reconcileAutoscaler`,
//! v1.33): metrics → the largest proposal → stabilisation → rate limits → min/max, with the
//! status conditions and events in Kubernetes' words. The engine calls `reconcile` every
//! `SYNC_PERIOD_MS` and applies `Outcome::desired` to the target's `spec.replicas`.

use super::replicas::{self, PodInput, Proposal};
use super::{Behavior, Hpa, MetricSpec, PolicyType, Rules, SelectPolicy, Target, DOWNSCALE_STABILIZATION_S, SCALE_UP_LIMIT_FACTOR, SCALE_UP_LIMIT_MINIMUM};
use crate::time::SimTime;

/// What the engine observed for one `spec.metrics[i]`, in the same order.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    /// Resource / ContainerResource / Pods metrics: the target's pods with this metric's samples.
    Pods(Vec<PodInput>),
    /// Object / External metrics: the value (External: the sum of the matching series) and
    /// the target's pods (for the ready-pod count).
    Value { value: i64, pods: Vec<PodInput> },
    /// The metrics API returned nothing or failed (e.g. Metrics Server not installed).
    Unavailable(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionType {
    AbleToScale,
    ScalingActive,
    ScalingLimited,
}

impl ConditionType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionType::AbleToScale => "AbleToScale",
            ConditionType::ScalingActive => "ScalingActive",
            ConditionType::ScalingLimited => "ScalingLimited",
        }
    }
}

/// `HorizontalPodAutoscalerCondition`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub kind: ConditionType,
    pub status: bool,
    pub reason: String,
    pub message: String,
    pub last_transition_ms: SimTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `Normal` or `Warning`.
    pub warning: bool,
    pub reason: String,
    pub message: String,
}

/// What one sync decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The new `spec.replicas` (equal to the current count when nothing changes).
    pub desired: i64,
    pub rescaled: bool,
    /// `status.currentMetrics[i]`: the utilization / value each valid metric reported.
    pub current_metrics: Vec<Option<i64>>,
    pub events: Vec<Event>,
}

/// The controller's memory for one HPA: recommendations and scale events (bounded by the
/// longest window), and the status conditions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Controller {
    recommendations: Vec<(i64, SimTime)>,
    scale_up_events: Vec<(i64, SimTime)>,
    scale_down_events: Vec<(i64, SimTime)>,
    pub conditions: Vec<Condition>,
    pub last_scale_ms: Option<SimTime>,
    /// The first sync has recorded its initial recommendation.
    seeded: bool,
    /// `validateAndParseSelector`'s refusal (another HPA also controls the target's pods):
    /// set by the engine, checked where upstream computes the metrics.
    pub selector_error: Option<String>,
    /// Set by the engine before `reconcile`: which observation it passes. The same id again
    /// means the same pods, each in the same `groupPods` class, with the same samples (the
    /// engine's memo, `engine/hpa_memo.rs`), so a metric's proposal for the same scale and
    /// tolerances is the last one. None: always computed.
    pub observation: Option<u64>,
    /// Per metric: (observation, spec, status, tolerances) and the proposal made for them.
    proposals: Vec<Option<ProposalMemo>>,
}

type ProposalMemo = ((u64, i64, i64, super::Tolerances), Result<Proposal, String>);

fn ms(s: i64) -> SimTime {
    (s.max(0) as u64) * 1000
}

impl Controller {
    pub fn new() -> Controller {
        Controller::default()
    }

    /// A controller whose recommendation history is already `recs` (an empty list means the
    /// first sync does not seed it: the test harness's `recommendations: []`).
    pub fn with_recommendations(recs: Vec<(i64, SimTime)>) -> Controller {
        Controller { recommendations: recs, seeded: true, ..Controller::default() }
    }

    /// `setCondition`: replaces the condition of that type; the transition time moves only
    /// when the status flips.
    fn set(&mut self, kind: ConditionType, status: bool, reason: &str, message: String, now: SimTime) {
        match self.conditions.iter_mut().find(|c| c.kind == kind) {
            Some(c) => {
                if c.status != status {
                    c.last_transition_ms = now;
                }
                c.status = status;
                c.reason = reason.into();
                c.message = message;
            }
            None => self.conditions.push(Condition { kind, status, reason: reason.into(), message, last_transition_ms: now }),
        }
    }

    pub fn condition(&self, kind: ConditionType) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }

    /// The target's scale could not be read (horizontal.go `reconcileAutoscaler`): a Warning
    /// `FailedGetScale` with the API error, and `AbleToScale=False`; nothing else is touched.
    pub fn failed_get_scale(&mut self, err: &str, now: SimTime) -> Event {
        self.set(ConditionType::AbleToScale, false, "FailedGetScale", format!("the HPA controller was unable to get the target's current scale: {err}"), now);
        Event { warning: true, reason: "FailedGetScale".into(), message: err.into() }
    }

    /// One sync. `spec_replicas` is the target's `spec.replicas`, `status_replicas` its
    /// `status.replicas`; `observed[i]` answers `hpa.metrics[i]`.
    pub fn reconcile(&mut self, hpa: &Hpa, now: SimTime, spec_replicas: i64, status_replicas: i64, observed: &[Observed]) -> Outcome {
        let current = spec_replicas;
        let mut out = Outcome { desired: current, rescaled: false, current_metrics: vec![None; hpa.metrics.len()], events: Vec::new() };
        self.set(ConditionType::AbleToScale, true, "SucceededGetScale", "the HPA controller was able to get the target's current scale".into(), now);
        // recordInitialRecommendation: a new HPA cannot scale down for one window.
        if !self.seeded {
            self.recommendations.push((current, now));
            self.seeded = true;
        }
        let min = hpa.min_replicas;
        let (desired, reason) = if current == 0 && min != 0 {
            self.set(ConditionType::ScalingActive, false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero".into(), now);
            return out;
        } else if current > hpa.max_replicas {
            (hpa.max_replicas, "Current number of replicas above Spec.MaxReplicas".to_string())
        } else if current < min {
            (min, "Current number of replicas below Spec.MinReplicas".to_string())
        } else if let Some(msg) = self.selector_error.clone() {
            // `validateAndParseSelector` fails inside computeReplicasForMetrics: both events carry
            // its message and the HPA does not scale.
            self.set(ConditionType::ScalingActive, false, "AmbiguousSelector", msg.clone(), now);
            out.events.push(Event { warning: true, reason: "AmbiguousSelector".into(), message: msg.clone() });
            out.events.push(Event { warning: true, reason: "FailedComputeMetricsReplicas".into(), message: msg });
            return out;
        } else {
            let Some((proposal, metric)) = self.compute_for_metrics(hpa, now, spec_replicas, status_replicas, observed, &mut out) else {
                return out;
            };
            let reason = if proposal > current {
                format!("{metric} above target")
            } else if proposal < current {
                "All metrics below target".to_string()
            } else {
                String::new()
            };
            let d = match &hpa.behavior {
                None => self.normalize(hpa, now, current, proposal),
                Some(b) => self.normalize_with_behaviors(hpa, b, now, current, proposal),
            };
            (d, reason)
        };
        if desired != current {
            self.set(ConditionType::AbleToScale, true, "SucceededRescale", format!("the HPA controller was able to update the target scale to {desired}"), now);
            out.events.push(Event { warning: false, reason: "SuccessfulRescale".into(), message: format!("New size: {desired}; reason: {reason}") });
            self.store_scale_event(hpa, now, current, desired);
            self.last_scale_ms = Some(now);
            out.desired = desired;
            out.rescaled = true;
        }
        out
    }

    /// `computeReplicasForMetrics`: each metric independently, the largest proposal wins;
    /// None (no change) when every metric failed, or some failed and the rest say scale down.
    fn compute_for_metrics(&mut self, hpa: &Hpa, now: SimTime, spec: i64, status: i64, observed: &[Observed], out: &mut Outcome) -> Option<(i64, String)> {
        let tol = hpa.tolerances();
        let mut best: Option<(i64, String)> = None;
        let mut invalid = 0;
        let mut first_error: Option<(String, String, String)> = None;
        for (i, m) in hpa.metrics.iter().enumerate() {
            let result = match observed.get(i) {
                None => Err("no metrics returned".to_string()),
                Some(o) => self.proposal_for(i, m, o, (spec, status), tol, now),
            };
            match result {
                Ok(p) => {
                    out.current_metrics[i] = Some(p.utilization);
                    if best.as_ref().is_none_or(|b| p.replicas > b.0) {
                        best = Some((p.replicas, m.reason_name()));
                    }
                }
                Err(err) => {
                    // The event and the condition carry the calculator's error; the
                    // FailedComputeMetricsReplicas text carries it as `computeReplicasForMetric`
                    // wrapped it.
                    invalid += 1;
                    let (reason, wrapped) = failure(m, &err);
                    out.events.push(Event { warning: true, reason: reason.into(), message: err.clone() });
                    first_error.get_or_insert((reason.into(), err, wrapped));
                }
            }
        }
        let scale_down_with_invalid = invalid > 0 && best.as_ref().is_some_and(|b| b.0 < spec);
        if invalid >= hpa.metrics.len() || scale_down_with_invalid {
            let (reason, err, wrapped) = first_error.unwrap_or_default();
            self.set(ConditionType::ScalingActive, false, &reason, format!("the HPA was unable to compute the replica count: {err}"), now);
            out.events.push(Event {
                warning: true,
                reason: "FailedComputeMetricsReplicas".into(),
                message: format!("invalid metrics ({invalid} invalid out of {}), first error is: {wrapped}", hpa.metrics.len()),
            });
            return None;
        }
        let best = best?;
        self.set(ConditionType::ScalingActive, true, "ValidMetricFound", format!("the HPA was able to successfully calculate a replica count from {}", best.1), now);
        Some(best)
    }

    /// `proposal`, or the one made for the same observation, scale and tolerances (the
    /// replica calculator walks every pod: a settled HPA's syncs would repeat it unchanged).
    fn proposal_for(&mut self, i: usize, m: &MetricSpec, o: &Observed, (spec, status): (i64, i64), tol: super::Tolerances, now: SimTime) -> Result<Proposal, String> {
        let Some(id) = self.observation else { return proposal(m, o, spec, status, tol, now) };
        let key = (id, spec, status, tol);
        if let Some(Some((k, r))) = self.proposals.get(i) {
            if *k == key {
                return r.clone();
            }
        }
        let r = proposal(m, o, spec, status, tol, now);
        if self.proposals.len() <= i {
            self.proposals.resize(i + 1, None);
        }
        self.proposals[i] = Some((key, r.clone()));
        r
    }

    /// Without `behavior` (`normalizeDesiredReplicas`): the highest recommendation of the last
    /// 5 min, then min/max and the scale-up limit max(2 × current, 4).
    fn normalize(&mut self, hpa: &Hpa, now: SimTime, current: i64, proposal: i64) -> i64 {
        let stabilized = self.stabilize(now, proposal);
        if stabilized != proposal {
            self.set(ConditionType::AbleToScale, true, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation".into(), now);
        } else {
            self.set(ConditionType::AbleToScale, true, "ReadyForNewScale", "recommended size matches current size".into(), now);
        }
        let (desired, reason, message) = convert_with_rules(current, stabilized, hpa.min_replicas, hpa.max_replicas);
        self.set(ConditionType::ScalingLimited, desired != stabilized, reason, message.into(), now);
        desired
    }

    /// `stabilizeRecommendation`: one sample older than the window is overwritten, so the
    /// history stays at about one window of syncs.
    fn stabilize(&mut self, now: SimTime, proposal: i64) -> i64 {
        let cutoff = now.saturating_sub(ms(DOWNSCALE_STABILIZATION_S));
        let mut max = proposal;
        let mut old = None;
        for (i, &(rec, t)) in self.recommendations.iter().enumerate() {
            if t < cutoff {
                old = Some(i);
            } else if rec > max {
                max = rec;
            }
        }
        match old {
            Some(i) => self.recommendations[i] = (proposal, now),
            None => self.recommendations.push((proposal, now)),
        }
        max
    }

    /// With `behavior` (`normalizeDesiredReplicasWithBehaviors`).
    fn normalize_with_behaviors(&mut self, hpa: &Hpa, b: &Behavior, now: SimTime, current: i64, proposal: i64) -> i64 {
        let (stabilized, reason, message) = self.stabilize_with_behaviors(&b.scale_up, &b.scale_down, now, current, proposal);
        if stabilized != proposal {
            self.set(ConditionType::AbleToScale, true, reason, message.into(), now);
        } else {
            self.set(ConditionType::AbleToScale, true, "ReadyForNewScale", "recommended size matches current size".into(), now);
        }
        let (desired, reason, message) = self.convert_with_behavior_rate(hpa, b, now, current, stabilized);
        self.set(ConditionType::ScalingLimited, desired != stabilized, reason, message.into(), now);
        desired
    }

    /// `stabilizeRecommendationWithBehaviors`: up = min over the scale-up window, down = max
    /// over the scale-down window (both including this proposal); current is moved into
    /// [up, down].
    fn stabilize_with_behaviors(&mut self, up: &Rules, down: &Rules, now: SimTime, current: i64, proposal: i64) -> (i64, &'static str, &'static str) {
        let up_cutoff = now.saturating_sub(ms(up.stabilization_window_s));
        let down_cutoff = now.saturating_sub(ms(down.stabilization_window_s));
        let (mut up_rec, mut down_rec) = (proposal, proposal);
        let mut old = None;
        for (i, &(rec, t)) in self.recommendations.iter().enumerate() {
            if t > up_cutoff {
                up_rec = up_rec.min(rec);
            }
            if t > down_cutoff {
                down_rec = down_rec.max(rec);
            }
            if t < up_cutoff && t < down_cutoff {
                old = Some(i);
            }
        }
        let recommendation = current.max(up_rec).min(down_rec);
        match old {
            Some(i) => self.recommendations[i] = (proposal, now),
            None => self.recommendations.push((proposal, now)),
        }
        if proposal >= current {
            (recommendation, "ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation")
        } else {
            (recommendation, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation")
        }
    }

    /// `convertDesiredReplicasWithBehaviorRate`.
    fn convert_with_behavior_rate(&self, hpa: &Hpa, b: &Behavior, now: SimTime, current: i64, desired: i64) -> (i64, &'static str, &'static str) {
        if desired > current {
            let limit = scale_up_limit(current, &self.scale_up_events, &self.scale_down_events, &b.scale_up, now).max(current);
            let (max, reason, message) = if hpa.max_replicas > limit {
                (limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
            } else {
                (hpa.max_replicas, "TooManyReplicas", "the desired replica count is more than the maximum replica count")
            };
            if desired > max {
                return (max, reason, message);
            }
        } else if desired < current {
            let limit = scale_down_limit(current, &self.scale_up_events, &self.scale_down_events, &b.scale_down, now).min(current);
            let (min, reason, message) = if hpa.min_replicas < limit {
                (limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
            } else {
                (hpa.min_replicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count")
            };
            if desired < min {
                return (min, reason, message);
            }
        }
        (desired, "DesiredWithinRange", "the desired count is within the acceptable range")
    }

    /// `storeScaleEvent`: only with `behavior`; events older than the longest policy period
    /// are dropped (the controller marks and reuses them).
    fn store_scale_event(&mut self, hpa: &Hpa, now: SimTime, prev: i64, new: i64) {
        let Some(b) = &hpa.behavior else { return };
        let (events, rules) = if new > prev { (&mut self.scale_up_events, &b.scale_up) } else { (&mut self.scale_down_events, &b.scale_down) };
        let longest = rules.policies.iter().map(|p| p.period_s).max().unwrap_or(0);
        let cutoff = now.saturating_sub(ms(longest));
        events.retain(|e| e.1 >= cutoff);
        events.push(((new - prev).abs(), now));
    }
}

/// `getReplicasChangePerPeriod`.
fn change_in_period(period_s: i64, events: &[(i64, SimTime)], now: SimTime) -> i64 {
    let cutoff = now.saturating_sub(ms(period_s));
    events.iter().filter(|e| e.1 > cutoff).map(|e| e.0).sum()
}

/// `calculateScaleUpLimitWithScalingRules`.
pub fn scale_up_limit(current: i64, up_events: &[(i64, SimTime)], down_events: &[(i64, SimTime)], rules: &Rules, now: SimTime) -> i64 {
    let pick: fn(i64, i64) -> i64 = match rules.select {
        SelectPolicy::Disabled => return current,
        SelectPolicy::Min => i64::min,
        SelectPolicy::Max => i64::max,
    };
    let mut result = if rules.select == SelectPolicy::Min { i64::from(i32::MAX) } else { i64::from(i32::MIN) };
    for p in &rules.policies {
        let start = current - change_in_period(p.period_s, up_events, now) + change_in_period(p.period_s, down_events, now);
        let proposed = match p.kind {
            PolicyType::Pods => start + p.value,
            PolicyType::Percent => (start as f64 * (1.0 + p.value as f64 / 100.0)).ceil() as i64,
        };
        result = pick(result, proposed);
    }
    result
}

/// `calculateScaleDownLimitWithBehaviors`: Percent truncates, so the removed count rounds up.
pub fn scale_down_limit(current: i64, up_events: &[(i64, SimTime)], down_events: &[(i64, SimTime)], rules: &Rules, now: SimTime) -> i64 {
    let pick: fn(i64, i64) -> i64 = match rules.select {
        SelectPolicy::Disabled => return current,
        SelectPolicy::Min => i64::max,
        SelectPolicy::Max => i64::min,
    };
    let mut result = if rules.select == SelectPolicy::Min { i64::from(i32::MIN) } else { i64::from(i32::MAX) };
    for p in &rules.policies {
        let start = current - change_in_period(p.period_s, up_events, now) + change_in_period(p.period_s, down_events, now);
        let proposed = match p.kind {
            PolicyType::Pods => start - p.value,
            PolicyType::Percent => (start as f64 * (1.0 - p.value as f64 / 100.0)) as i64,
        };
        result = pick(result, proposed);
    }
    result
}

/// `convertDesiredReplicasWithRules` (no `behavior`).
pub fn convert_with_rules(current: i64, desired: i64, min: i64, max: i64) -> (i64, &'static str, &'static str) {
    let scale_up_limit = (SCALE_UP_LIMIT_FACTOR * current as f64).max(SCALE_UP_LIMIT_MINIMUM) as i64;
    let (max_allowed, cond, reason) = if max > scale_up_limit {
        (scale_up_limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
    } else {
        (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count")
    };
    if desired < min {
        return (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
    }
    if desired > max_allowed {
        return (max_allowed, cond, reason);
    }
    (desired, "DesiredWithinRange", "the desired count is within the acceptable range")
}

/// One metric's proposal (`computeReplicasForMetric`).
pub fn proposal(m: &MetricSpec, o: &Observed, spec: i64, status: i64, tol: super::Tolerances, now: SimTime) -> Result<Proposal, String> {
    match (m, o) {
        (_, Observed::Unavailable(err)) => Err(err.clone()),
        (MetricSpec::Resource { name, target: Target::Utilization(u), .. }, Observed::Pods(pods)) => {
            replicas::resource_utilization(pods, spec, *u, *name == super::ResourceName::Cpu, tol, now)
        }
        (MetricSpec::Resource { name, target, .. }, Observed::Pods(pods)) => {
            let (Target::AverageValue(v) | Target::Value(v) | Target::Utilization(v)) = target;
            replicas::plain_average(pods, spec, *v, *name == super::ResourceName::Cpu, tol, now)
        }
        (MetricSpec::Pods { target, .. }, Observed::Pods(pods)) => {
            let (Target::AverageValue(v) | Target::Value(v) | Target::Utilization(v)) = target;
            replicas::plain_average(pods, spec, *v, false, tol, now)
        }
        (MetricSpec::Object { target: Target::AverageValue(v), .. } | MetricSpec::External { target: Target::AverageValue(v), .. }, Observed::Value { value, .. }) => {
            Ok(replicas::per_pod_value(status, *value, *v, tol))
        }
        (MetricSpec::Object { target, .. } | MetricSpec::External { target, .. }, Observed::Value { value, pods }) => {
            let (Target::Value(v) | Target::AverageValue(v) | Target::Utilization(v)) = target;
            replicas::object_value(pods, spec, *value, *v, tol)
        }
        _ => Err("the observation does not fit the metric's type".into()),
    }
}

/// The condition reason, and the error as `computeStatusFor*Metric` and `computeReplicasForMetric`
/// wrap it (horizontal.go @00067268).
fn failure(m: &MetricSpec, err: &str) -> (&'static str, String) {
    match m {
        MetricSpec::Resource { name, container: None, .. } => ("FailedGetResourceMetric", format!("failed to get {} utilization: {err}", name.as_str())),
        MetricSpec::Resource { name, container: Some(c), .. } => ("FailedGetContainerResourceMetric", format!("failed to get {} usage of container {c}: {err}", name.as_str())),
        MetricSpec::Pods { .. } => ("FailedGetPodsMetric", format!("failed to get pods metric value: {err}")),
        MetricSpec::Object { metric, target: Target::AverageValue(_), .. } => ("FailedGetObjectMetric", format!("failed to get object metric value: failed to get {metric} object metric: {err}")),
        MetricSpec::Object { .. } => ("FailedGetObjectMetric", format!("failed to get object metric value: {err}")),
        MetricSpec::External { metric, target: Target::AverageValue(_), .. } => ("FailedGetExternalMetric", format!("failed to get {metric} external metric: {err}")),
        MetricSpec::External { metric, .. } => ("FailedGetExternalMetric", format!("failed to get external metric {metric}: {err}")),
    }
}
