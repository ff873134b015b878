//! CloudWatch: metric statistics over the datapoint store (`metric_store`) and metric alarms'
//! evaluation (state, reason, the newest datapoint). Who publishes what, and what an alarm's
//! actions do, is the orchestrator's.

use super::metric_store::MetricStore;
use crate::model::scaling::{Alarm, MetricKey, Statistic};
use crate::time::SimTime;

pub const MINUTE_MS: SimTime = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlarmState {
    Ok,
    Alarm,
    InsufficientData,
}

impl AlarmState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

#[derive(Debug, Clone)]
pub struct AlarmStatus {
    pub state: AlarmState,
    pub reason: String,
    pub since: SimTime,
}

impl AlarmStatus {
    /// A new alarm's state, before its first evaluation.
    pub fn initial() -> AlarmStatus {
        AlarmStatus { state: AlarmState::InsufficientData, reason: "Unchecked: Initial alarm creation".into(), since: 0 }
    }
}

/// The statistic of `metric` over the minutes `[from, to)`, if any sample exists.
pub fn metric_value(store: &MetricStore, metric: &MetricKey, statistic: Statistic, from: u64, to: u64) -> Option<f64> {
    value_by_id(store, store.id(metric)?, statistic, from, to)
}

/// `metric_value` for an interned metric id.
pub fn value_by_id(store: &MetricStore, id: usize, statistic: Statistic, from: u64, to: u64) -> Option<f64> {
    // No allocation: this runs for every policy every minute.
    store.series(id).stat(from, to).map(|s| s.value(statistic))
}

/// An alarm's evaluation: its state, the reason CloudWatch gives, and the newest datapoint.
pub struct Verdict {
    pub state: AlarmState,
    pub reason: String,
    pub last: Option<f64>,
}

/// Evaluates `alarm` at `minute` over its last `EvaluationPeriods` whole periods; None when
/// `minute` does not end one of its periods.
pub fn evaluate(alarm: &Alarm, store: &MetricStore, minute: u64) -> Option<Verdict> {
    let period_min = (alarm.period_s / 60).max(1) as u64;
    if minute % period_min != 0 {
        return None;
    }
    // The last `evaluation_periods` whole periods, oldest first.
    let values: Vec<Option<f64>> = (0..alarm.evaluation_periods as u64)
        .rev()
        .map(|k| {
            let end = minute.checked_sub(k * period_min)?;
            let start = end.checked_sub(period_min)?;
            metric_value(store, &alarm.metric, alarm.statistic, start, end)
        })
        .collect();
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let breaching = present.iter().filter(|v| alarm.comparison.breaches(**v, alarm.threshold)).count() as u32;
    let (state, reason) = if present.is_empty() {
        (AlarmState::InsufficientData, "Insufficient Data: no datapoints were received for the evaluation periods.".to_string())
    } else if breaching >= alarm.datapoints_to_alarm {
        (AlarmState::Alarm, format!("Threshold Crossed: {breaching} out of the last {} datapoints were {:?} the threshold ({}).", alarm.evaluation_periods, alarm.comparison, alarm.threshold))
    } else {
        (AlarmState::Ok, format!("Threshold Crossed: {breaching} out of the last {} datapoints breached the threshold ({}).", alarm.evaluation_periods, alarm.threshold))
    };
    Some(Verdict { state, reason, last: present.last().copied() })
}
