//! Load, metrics and Application Auto Scaling, resolved and validated.

use crate::time::SimTime;

/// A requests-per-second curve over sim time.
#[derive(Debug, Clone, PartialEq)]
pub enum Curve {
    Constant(f64),
    /// Value from each point's time until the next.
    Steps(Vec<(SimTime, f64)>),
    Ramp { from: f64, to: f64, start: SimTime, end: SimTime },
    Sine { mean: f64, amplitude: f64, period: SimTime, peak_at: SimTime },
    Spike { base: f64, peak: f64, at: SimTime, duration: SimTime },
    /// Linear between points, flat before the first and after the last.
    Points(Vec<(SimTime, f64)>),
}

impl Curve {
    pub fn at(&self, t: SimTime) -> f64 {
        let v = match self {
            Curve::Constant(v) => *v,
            Curve::Steps(steps) => steps.iter().take_while(|(at, _)| *at <= t).last().map_or(0.0, |s| s.1),
            Curve::Ramp { from, to, start, end } => {
                if t <= *start {
                    *from
                } else if t >= *end {
                    *to
                } else {
                    from + (to - from) * (t - start) as f64 / (end - start) as f64
                }
            }
            Curve::Sine { mean, amplitude, period, peak_at } => {
                let phase = (t as f64 - *peak_at as f64) / (*period).max(1) as f64;
                mean + amplitude * (phase * std::f64::consts::TAU).cos()
            }
            Curve::Spike { base, peak, at, duration } => {
                if t >= *at && t < at + duration {
                    *peak
                } else {
                    *base
                }
            }
            Curve::Points(points) => match points.iter().position(|(at, _)| *at > t) {
                None => points.last().map_or(0.0, |p| p.1),
                Some(0) => points[0].1,
                Some(k) => {
                    let ((t0, v0), (t1, v1)) = (points[k - 1], points[k]);
                    v0 + (v1 - v0) * (t - t0) as f64 / (t1 - t0).max(1) as f64
                }
            },
        };
        v.max(0.0)
    }
}

#[derive(Debug, Clone)]
pub struct TargetGroupTraffic {
    pub target_group: usize,
    pub curve: Curve,
    pub noise: f64,
}

#[derive(Debug, Clone, Default)]
pub struct ServiceLoad {
    pub cpu_units_per_request: f64,
    pub memory_mib_per_request: f64,
    pub base_cpu_units: f64,
    pub base_memory_mib: f64,
}

/// A metric's identity: namespace, name, and dimensions sorted by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MetricKey {
    pub namespace: String,
    pub name: String,
    pub dimensions: Vec<(String, String)>,
}

impl MetricKey {
    pub fn new(namespace: &str, name: &str, mut dimensions: Vec<(String, String)>) -> MetricKey {
        dimensions.sort();
        MetricKey { namespace: namespace.into(), name: name.into(), dimensions }
    }
    pub fn describe(&self) -> String {
        let dims: Vec<String> = self.dimensions.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}/{} {{{}}}", self.namespace, self.name, dims.join(", "))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    Average,
    Sum,
    Minimum,
    Maximum,
    SampleCount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl Comparison {
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThanOrEqualToThreshold => value >= threshold,
            Comparison::GreaterThanThreshold => value > threshold,
            Comparison::LessThanThreshold => value < threshold,
            Comparison::LessThanOrEqualToThreshold => value <= threshold,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Alarm {
    pub name: String,
    pub metric: MetricKey,
    pub statistic: Statistic,
    pub period_s: u32,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: u32,
    pub threshold: f64,
    pub comparison: Comparison,
    /// Scaling policies (by index) to invoke while in ALARM.
    pub actions: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct ScalableTarget {
    pub resource_id: String,
    pub service: usize,
    pub min: u32,
    pub max: u32,
    pub scale_in_suspended: bool,
    pub scale_out_suspended: bool,
    pub scheduled_suspended: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustmentType {
    ChangeInCapacity,
    ExactCapacity,
    PercentChangeInCapacity,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepAdjustment {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub adjustment: i64,
}

#[derive(Debug, Clone)]
pub enum PolicyKind {
    TargetTracking { target: f64, metric: MetricKey, statistic: Statistic, scale_out_cooldown_s: u32, scale_in_cooldown_s: u32, disable_scale_in: bool },
    Step { adjustment_type: AdjustmentType, steps: Vec<StepAdjustment>, min_adjustment_magnitude: Option<i64>, cooldown_s: u32 },
}

#[derive(Debug, Clone)]
pub struct ScheduledAction {
    pub name: String,
    pub target: usize,
    pub schedule: crate::schedule::Schedule,
    pub zone: crate::schedule::Zone,
    /// Unix seconds: when the schedule starts (rate() counts from here) and stops.
    pub start_unix_s: i64,
    pub end_unix_s: Option<i64>,
    pub min: Option<u32>,
    pub max: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct ScalingPolicy {
    pub name: String,
    pub arn: String,
    pub target: usize,
    pub kind: PolicyKind,
}
