//! Load, metrics and Application Auto Scaling, resolved and validated.

use crate::sort::SortSmall;
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceLoad {
    pub cpu_units_per_request: f64,
    pub memory_mib_per_request: f64,
    pub base_cpu_units: f64,
    pub base_memory_mib: f64,
}

impl ServiceLoad {
    /// The request-cost model ECS's CPUUtilization / MemoryUtilization and the EKS pods'
    /// metrics-server usage share: `tasks` tasks (or pods) serving `requests` per second use
    /// `tasks × base + perRequest × requests` CPU units and MiB in all.
    pub fn used(&self, tasks: f64, requests: f64) -> (f64, f64) {
        (tasks * self.base_cpu_units + self.cpu_units_per_request * requests, tasks * self.base_memory_mib + self.memory_mib_per_request * requests)
    }
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
        dimensions.sort_small();
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

#[cfg(test)]
mod tests {
    use super::Curve;

    #[test]
    fn curves() {
        let min = |m: u64| m * 60_000;
        let sine = Curve::Sine { mean: 500.0, amplitude: 400.0, period: min(24 * 60), peak_at: min(14 * 60) };
        assert!((sine.at(min(14 * 60)) - 900.0).abs() < 1e-9, "peak at 14:00");
        assert!((sine.at(min(2 * 60)) - 100.0).abs() < 1e-9, "trough twelve hours later");
        let spike = Curve::Spike { base: 100.0, peak: 2000.0, at: min(10), duration: min(5) };
        assert_eq!([spike.at(min(9)), spike.at(min(10)), spike.at(min(14)), spike.at(min(15))], [100.0, 2000.0, 2000.0, 100.0]);
        let ramp = Curve::Ramp { from: 100.0, to: 300.0, start: min(0), end: min(10) };
        assert_eq!([ramp.at(0), ramp.at(min(5)), ramp.at(min(20))], [100.0, 200.0, 300.0]);
        let points = Curve::Points(vec![(min(0), 0.0), (min(10), 100.0)]);
        assert_eq!([points.at(min(5)), points.at(min(30))], [50.0, 100.0]);
        let steps = Curve::Steps(vec![(min(0), 5.0), (min(10), 7.0)]);
        assert_eq!([steps.at(min(9)), steps.at(min(10))], [5.0, 7.0]);
        assert_eq!(Curve::Constant(-3.0).at(0), 0.0, "never negative");
    }
}
