//! HorizontalPodAutoscaler `autoscaling/v2` (eks-semantics §3): the spec with the API server's
//! defaults, the replica calculator (`replicas`) and the controller's normalisation, conditions
//! and events (`controller`). Pure: the engine hands in pods, samples and the time; the HPA
//! hands back the new `spec.replicas` and what to show.
//!
//! Pinned behaviour: Kubernetes 1.33 (EKS standard support 2025–2026): the two-sided tolerance
//! test `1 − down ≤ ratio ≤ 1 + up` (so exactly +10 % does not scale), a scale-down with any
//! invalid metric is skipped, missing CPU samples count as 100 % of request on a scale-down.

pub mod controller;
pub mod replicas;

use crate::eks::selector::LabelSelector;

/// `--horizontal-pod-autoscaler-sync-period`: the engine calls `Controller::reconcile` this often.
pub const SYNC_PERIOD_MS: u64 = 15_000;
/// `--horizontal-pod-autoscaler-tolerance`.
pub const DEFAULT_TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-downscale-stabilization` (5 min).
pub const DOWNSCALE_STABILIZATION_S: i64 = 300;
/// `--horizontal-pod-autoscaler-cpu-initialization-period` (5 min).
pub const CPU_INITIALIZATION_PERIOD_MS: u64 = 300_000;
/// `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s).
pub const INITIAL_READINESS_DELAY_MS: u64 = 30_000;
/// API default when `metrics` is empty: cpu Utilization 80 % (`DefaultCPUUtilization`).
pub const DEFAULT_CPU_UTILIZATION: i64 = 80;
/// Without `behavior`: scale up at most to max(2 × current, 4) per sync.
pub const SCALE_UP_LIMIT_FACTOR: f64 = 2.0;
pub const SCALE_UP_LIMIT_MINIMUM: f64 = 4.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Hpa {
    pub name: String,
    pub namespace: String,
    /// `spec.scaleTargetRef`.
    pub target_kind: String,
    pub target_name: String,
    pub target_api_version: String,
    /// Default 1.
    pub min_replicas: i64,
    pub max_replicas: i64,
    /// Never empty: the API default (cpu 80 %) is filled in.
    pub metrics: Vec<MetricSpec>,
    /// None: `spec.behavior` absent (the older normalisation, no rate windows).
    pub behavior: Option<Behavior>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceName {
    Cpu,
    Memory,
}

impl ResourceName {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceName::Cpu => "cpu",
            ResourceName::Memory => "memory",
        }
    }
}

/// `MetricTarget`. Values are in milli-units (a quantity's `MilliValue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `averageUtilization`, percent of request.
    Utilization(i64),
    AverageValue(i64),
    Value(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum MetricSpec {
    /// `Resource`, or `ContainerResource` when `container` is set.
    Resource { name: ResourceName, container: Option<String>, target: Target },
    Pods { metric: String, selector: Option<LabelSelector>, target: Target },
    Object { kind: String, object_name: String, api_version: String, metric: String, selector: Option<LabelSelector>, target: Target },
    External { metric: String, selector: Option<LabelSelector>, target: Target },
}

impl MetricSpec {
    /// The metric's name in the controller's rescale reason (horizontal.go
    /// `computeReplicasForMetric` `metricNameProposal`).
    pub fn reason_name(&self) -> String {
        match self {
            MetricSpec::Resource { name, container: None, target: Target::Utilization(_) } => {
                format!("{} resource utilization (percentage of request)", name.as_str())
            }
            MetricSpec::Resource { name, container: None, .. } => format!("{} resource", name.as_str()),
            MetricSpec::Resource { name, container: Some(_), target: Target::Utilization(_) } => {
                format!("{} container resource utilization (percentage of request)", name.as_str())
            }
            MetricSpec::Resource { name, container: Some(_), .. } => format!("{} container resource", name.as_str()),
            MetricSpec::Pods { metric, .. } => format!("pods metric {metric}"),
            // horizontal.go names an AverageValue Object metric as if it were external.
            MetricSpec::Object { metric, selector, target: Target::AverageValue(_), .. } => format!("external metric {metric}({})", go_selector(selector.as_ref())),
            MetricSpec::Object { kind, metric, .. } => format!("{kind} metric {metric}"),
            MetricSpec::External { metric, selector, .. } => format!("external metric {metric}({})", go_selector(selector.as_ref())),
        }
    }

    pub fn target(&self) -> Target {
        match self {
            MetricSpec::Resource { target, .. } | MetricSpec::Pods { target, .. } | MetricSpec::Object { target, .. } | MetricSpec::External { target, .. } => *target,
        }
    }
}

/// How Go's `%+v` prints a `*metav1.LabelSelector` (its generated `String()`), which the
/// controller puts in an external metric's reason.
/// `metav1.FormatLabelSelector`: what a Deployment's scale subresource reports as
/// `status.selector` (`app=web,tier in (a,b)`; empty ⇒ `<none>`).
pub fn format_label_selector(s: &LabelSelector) -> String {
    let mut parts: Vec<String> = s.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    for r in &s.match_expressions {
        parts.push(match format!("{:?}", r.op).as_str() {
            "In" => format!("{} in ({})", r.key, r.values.join(",")),
            "NotIn" => format!("{} notin ({})", r.key, r.values.join(",")),
            "Exists" => r.key.clone(),
            _ => format!("!{}", r.key),
        });
    }
    if parts.is_empty() {
        return "<none>".into();
    }
    parts.join(",")
}

pub fn go_selector(s: Option<&LabelSelector>) -> String {
    let Some(s) = s else { return "nil".into() };
    let labels: String = s.match_labels.iter().map(|(k, v)| format!("{k}: {v},")).collect();
    let exprs: String = s
        .match_expressions
        .iter()
        .map(|r| format!("LabelSelectorRequirement{{Key:{},Operator:{:?},Values:[{}],}},", r.key, r.op, r.values.join(" ")))
        .collect();
    format!("&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectPolicy {
    Max,
    Min,
    Disabled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyType {
    Pods,
    Percent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub kind: PolicyType,
    pub value: i64,
    pub period_s: i64,
}

/// `HPAScalingRules` with the API defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    pub stabilization_window_s: i64,
    pub select: SelectPolicy,
    pub policies: Vec<Policy>,
    /// `tolerance` (feature `HPAConfigurableTolerance`); default the controller's 0.1.
    pub tolerance: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Behavior {
    pub scale_up: Rules,
    pub scale_down: Rules,
}

impl Rules {
    /// `GenerateHPAScaleUpRules`: window 0, Max of 4 pods / 100 % per 15 s.
    pub fn default_scale_up() -> Rules {
        Rules {
            stabilization_window_s: 0,
            select: SelectPolicy::Max,
            policies: vec![Policy { kind: PolicyType::Pods, value: 4, period_s: 15 }, Policy { kind: PolicyType::Percent, value: 100, period_s: 15 }],
            tolerance: DEFAULT_TOLERANCE,
        }
    }
    /// `GenerateHPAScaleDownRules`: window 300 s (the controller flag), 100 % per 15 s.
    pub fn default_scale_down() -> Rules {
        Rules {
            stabilization_window_s: DOWNSCALE_STABILIZATION_S,
            select: SelectPolicy::Max,
            policies: vec![Policy { kind: PolicyType::Percent, value: 100, period_s: 15 }],
            tolerance: DEFAULT_TOLERANCE,
        }
    }
}

impl Default for Behavior {
    fn default() -> Self {
        Behavior { scale_up: Rules::default_scale_up(), scale_down: Rules::default_scale_down() }
    }
}

/// `Tolerances`: scale down only below `1 − down`, up only above `1 + up`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerances {
    pub down: f64,
    pub up: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances { down: DEFAULT_TOLERANCE, up: DEFAULT_TOLERANCE }
    }
}

impl Tolerances {
    /// `Tolerances.isWithin` (float64, as the controller computes).
    pub fn is_within(self, ratio: f64) -> bool {
        (1.0 - self.down) <= ratio && ratio <= (1.0 + self.up)
    }
}

impl Hpa {
    pub fn tolerances(&self) -> Tolerances {
        match &self.behavior {
            Some(b) => Tolerances { down: b.scale_down.tolerance, up: b.scale_up.tolerance },
            None => Tolerances::default(),
        }
    }
}
