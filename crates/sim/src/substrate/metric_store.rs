//! Metric datapoints, kept the way CloudWatch keeps them: "Data points with a period of 60
//! seconds (1-minute) are available for 15 days. Data points with a period of 300 seconds
//! (5-minute) are available for 63 days. Data points with a period of 3600 seconds (1 hour) are
//! available for 455 days (15 months). Data points that are initially published with a shorter
//! period are aggregated together for long-term storage."
//! (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html)
//!
//! So a run's metrics cost at most 15 days of minutes, 48 days of 5-minute statistic sets and
//! 392 days of hourly ones per series, however long the run. Ages count from the newest minute a
//! series received.

use super::minute_tier::MinuteTier;
use crate::model::scaling::{MetricKey, Statistic};
use std::collections::{BTreeMap, VecDeque};

const DAY_MIN: u64 = 24 * 60;
pub const ONE_MINUTE_RETENTION_MIN: u64 = 15 * DAY_MIN;
pub const FIVE_MINUTE_RETENTION_MIN: u64 = 63 * DAY_MIN;
pub const ONE_HOUR_RETENTION_MIN: u64 = 455 * DAY_MIN;

/// A statistic set: what CloudWatch keeps of a period's samples once it aggregates them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    pub sum: f64,
    pub count: f64,
    pub min: f64,
    pub max: f64,
}

impl Stat {
    const EMPTY: Stat = Stat { sum: 0.0, count: 0.0, min: f64::INFINITY, max: f64::NEG_INFINITY };

    fn one(v: f64) -> Stat {
        Stat { sum: v, count: 1.0, min: v, max: v }
    }

    fn add(&mut self, v: f64) {
        self.merge(Stat::one(v));
    }

    fn merge(&mut self, o: Stat) {
        self.sum += o.sum;
        self.count += o.count;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    pub fn value(self, statistic: Statistic) -> f64 {
        match statistic {
            Statistic::Average => self.sum / self.count,
            Statistic::Sum => self.sum,
            Statistic::Minimum => self.min,
            Statistic::Maximum => self.max,
            Statistic::SampleCount => self.count,
        }
    }
}

/// Past this gap a tier's old periods could not survive anyway (see `Data::age`).
const MAX_GAP_MIN: u64 = ONE_HOUR_RETENTION_MIN;

/// A dense run of periods: `points[k]` covers the period starting at minute `start + k × period`.
#[derive(Debug, Clone)]
struct Tier<T> {
    start: u64,
    points: VecDeque<T>,
}

impl<T> Default for Tier<T> {
    fn default() -> Self {
        Tier { start: 0, points: VecDeque::new() }
    }
}

impl<T: Copy> Tier<T> {
    fn end(&self, period: u64) -> u64 {
        self.start + self.points.len() as u64 * period
    }

    /// The slot for the period holding `minute`, growing the tier forward (with `empty`) as
    /// needed. `None` for minutes before the tier's first period.
    fn slot(&mut self, minute: u64, period: u64, empty: T) -> Option<&mut T> {
        let p = minute / period * period;
        if self.points.is_empty() || p >= self.end(period) + MAX_GAP_MIN {
            // Empty, or a gap longer than any tier keeps: start afresh rather than fill it.
            self.points.clear();
            self.start = p;
        }
        if p < self.start {
            return None;
        }
        let k = ((p - self.start) / period) as usize;
        while self.points.len() <= k {
            self.points.push_back(empty);
        }
        self.points.get_mut(k)
    }

    fn pop_front(&mut self, period: u64) -> Option<(u64, T)> {
        let v = self.points.pop_front()?;
        let at = self.start;
        self.start += period;
        Some((at, v))
    }

    /// Periods whose start is in `[from, to)`.
    fn range(&self, from: u64, to: u64, period: u64) -> impl Iterator<Item = (u64, T)> + '_ {
        let first = from.saturating_sub(self.start).div_ceil(period) as usize;
        let start = self.start;
        self.points.iter().enumerate().skip(first).map(move |(k, v)| (start + k as u64 * period, *v)).take_while(move |(m, _)| *m < to)
    }
}

/// One metric: 1-minute samples, then 5-minute and 1-hour statistic sets.
#[derive(Debug, Clone, Default)]
struct Data {
    /// One sample per minute (stored by the hour); NaN where none (CloudWatch rejects NaN values, and no sample the
    /// sim computes is one).
    minutes: MinuteTier,
    /// Further samples of minutes that received several (PutMetricData), in arrival order.
    extra: BTreeMap<u64, Vec<f64>>,
    five: Tier<Stat>,
    hour: Tier<Stat>,
    /// The newest minute received.
    newest: u64,
}

impl Data {
    fn record(&mut self, minute: u64, value: f64) {
        let newest = self.newest.max(minute);
        if newest >= minute + ONE_MINUTE_RETENTION_MIN {
            return; // older than the 1-minute tier keeps
        }
        self.newest = newest;
        if !self.minutes.is_empty() && minute >= self.minutes.end() + MAX_GAP_MIN {
            self.minutes = MinuteTier::default(); // all of it older than any tier keeps
        }
        let slot = self.minutes.slot(minute);
        if slot.is_nan() {
            *slot = value;
        } else {
            self.extra.entry(minute).or_default().push(value);
        }
        self.age((newest + 1).saturating_sub(ONE_MINUTE_RETENTION_MIN));
    }

    /// Rolls minutes before `keep_from` into 5-minute sets, 5-minute sets past their retention
    /// into hours, and drops hours past theirs.
    fn age(&mut self, keep_from: u64) {
        while self.minutes.start() < keep_from {
            let Some((m, v)) = self.minutes.pop_front() else { break };
            if v.is_nan() {
                continue;
            }
            let mut stat = Stat::one(v);
            for x in self.extra.remove(&m).unwrap_or_default() {
                stat.add(x);
            }
            if let Some(slot) = self.five.slot(m, 5, Stat::EMPTY) {
                slot.merge(stat);
            }
        }
        let five_from = (self.newest + 1).saturating_sub(FIVE_MINUTE_RETENTION_MIN);
        while self.five.start < five_from {
            let Some((m, s)) = self.five.pop_front(5) else { break };
            if s.count > 0.0 {
                if let Some(slot) = self.hour.slot(m, 60, Stat::EMPTY) {
                    slot.merge(s);
                }
            }
        }
        let hour_from = (self.newest + 1).saturating_sub(ONE_HOUR_RETENTION_MIN);
        while self.hour.start < hour_from && self.hour.pop_front(60).is_some() {}
    }

    fn is_empty(&self) -> bool {
        self.minutes.is_empty() && self.five.points.is_empty() && self.hour.points.is_empty()
    }

    /// Statistic sets of the periods starting in `[from, to)`, oldest first: hours, then
    /// 5-minute sets, then minutes (a minute's samples summed in arrival order).
    fn periods(&self, from: u64, to: u64) -> impl Iterator<Item = (u64, Stat)> + '_ {
        let hours = self.hour.range(from, to, 60).filter(|(_, s)| s.count > 0.0);
        let fives = self.five.range(from, to, 5).filter(|(_, s)| s.count > 0.0);
        let minutes = self.minutes.range(from, to).filter(|(_, v)| !v.is_nan()).map(|(m, v)| {
            let mut s = Stat::one(v);
            for &x in self.extra.get(&m).into_iter().flatten() {
                s.add(x);
            }
            (m, s)
        });
        hours.chain(fives).chain(minutes)
    }
}

/// Samples per metric. Metrics are interned: the engine records by id (an index), so the
/// once-a-minute publishing of hundreds of series compares no strings; lookups by key (charts,
/// reports, alarms on custom metrics) go through a sorted map.
#[derive(Debug, Clone, Default)]
pub struct MetricStore {
    /// The metrics' names, set up once and rarely added to: shared by rewind copies.
    ids: std::sync::Arc<BTreeMap<MetricKey, usize>>,
    keys: std::sync::Arc<Vec<MetricKey>>,
    series: Vec<Data>,
}

/// One metric's datapoints, oldest first.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a>(&'a Data);

impl<'a> Series<'a> {
    /// The start minute of every period with data: hours, 5-minute periods, then minutes.
    pub fn minutes(self) -> impl Iterator<Item = u64> + 'a {
        self.periods().map(|(m, _)| m)
    }

    /// Every period with data and its statistic set, oldest first.
    pub fn periods(self) -> impl Iterator<Item = (u64, Stat)> + 'a {
        self.0.periods(0, u64::MAX)
    }

    /// The samples kept, oldest first: each sample of the 1-minute tier, and the average of
    /// each rolled-up period (at the period's start).
    pub fn samples(self) -> impl Iterator<Item = (u64, f64)> + 'a {
        let d = self.0;
        let rolled = d.hour.range(0, u64::MAX, 60).chain(d.five.range(0, u64::MAX, 5)).filter(|(_, s)| s.count > 0.0).map(|(m, s)| (m, s.value(Statistic::Average)));
        let minutes = d.minutes.range(0, u64::MAX).filter(|(_, v)| !v.is_nan()).flat_map(move |(m, v)| std::iter::once(v).chain(d.extra.get(&m).into_iter().flatten().copied()).map(move |x| (m, x)));
        rolled.chain(minutes)
    }

    /// The statistic set of the periods starting in the minutes `[from, to)`, if any sample.
    pub fn stat(self, from: u64, to: u64) -> Option<Stat> {
        let mut periods = self.0.periods(from, to);
        let (_, mut total) = periods.next()?;
        for (_, s) in periods {
            total.merge(s);
        }
        Some(total)
    }
}

impl MetricStore {
    /// The id of a metric, creating it (without datapoints) the first time.
    pub fn intern(&mut self, key: &MetricKey) -> usize {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = self.keys.len();
        std::sync::Arc::make_mut(&mut self.ids).insert(key.clone(), id);
        std::sync::Arc::make_mut(&mut self.keys).push(key.clone());
        self.series.push(Data::default());
        id
    }

    pub fn id(&self, key: &MetricKey) -> Option<usize> {
        self.ids.get(key).copied()
    }

    pub fn record(&mut self, id: usize, minute: u64, value: f64) {
        self.series[id].record(minute, value);
    }

    /// A metric's datapoints, if it has any.
    pub fn get(&self, key: &MetricKey) -> Option<Series<'_>> {
        self.id(key).map(|id| Series(&self.series[id])).filter(|s| !s.0.is_empty())
    }

    /// Metrics with datapoints, in key order.
    pub fn keys(&self) -> impl Iterator<Item = &MetricKey> {
        self.iter().map(|(k, _)| k)
    }

    /// Metrics with datapoints and their series, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&MetricKey, Series<'_>)> {
        self.ids.iter().map(|(k, &id)| (k, Series(&self.series[id]))).filter(|(_, s)| !s.0.is_empty())
    }

    /// What a copy of the store costs beyond what it shares with the original.
    pub fn approx_bytes(&self) -> usize {
        let per = |d: &Data| d.minutes.approx_bytes() + (d.five.points.len() + d.hour.points.len()) * std::mem::size_of::<Stat>() + d.extra.len() * 64;
        self.series.iter().map(per).sum::<usize>() + self.series.len() * std::mem::size_of::<Data>()
    }

    pub(crate) fn series(&self, id: usize) -> Series<'_> {
        Series(&self.series[id])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> MetricKey {
        MetricKey::new("Custom", "M", vec![])
    }

    #[test]
    fn a_minute_with_several_samples_keeps_each() {
        let mut store = MetricStore::default();
        let id = store.intern(&key());
        store.record(id, 3, 1.0);
        store.record(id, 3, 3.0);
        store.record(id, 1, 5.0); // late, before the first minute kept
        let s = store.get(&key()).unwrap();
        assert_eq!(s.samples().collect::<Vec<_>>(), vec![(1, 5.0), (3, 1.0), (3, 3.0)]);
        let st = s.stat(0, 4).unwrap();
        assert_eq!((st.sum, st.count, st.min, st.max), (9.0, 3.0, 1.0, 5.0));
        assert!(s.stat(2, 3).is_none());
    }

    #[test]
    fn old_minutes_roll_up_into_five_minute_then_hourly_sets_and_expire() {
        let mut store = MetricStore::default();
        let id = store.intern(&key());
        let end = 500 * DAY_MIN;
        for m in 0..end {
            store.record(id, m, (m % 7) as f64);
        }
        let s = store.get(&key()).unwrap();
        let periods: Vec<(u64, Stat)> = s.periods().collect();
        let newest = end - 1;
        // Nothing older than 455 days; hours up to 63 days back, 5-minute sets up to 15 days.
        assert!(periods[0].0 + ONE_HOUR_RETENTION_MIN >= newest && periods[0].0 + ONE_HOUR_RETENTION_MIN < newest + 60);
        let fine = periods.iter().filter(|(m, _)| *m + ONE_MINUTE_RETENTION_MIN > newest).count() as u64;
        assert_eq!(fine, ONE_MINUTE_RETENTION_MIN);
        let fives = periods.iter().filter(|(_, st)| st.count == 5.0).count() as u64;
        assert_eq!(fives, (FIVE_MINUTE_RETENTION_MIN - ONE_MINUTE_RETENTION_MIN) / 5);
        assert!(periods.iter().filter(|(_, st)| st.count == 60.0).count() as u64 >= (ONE_HOUR_RETENTION_MIN - FIVE_MINUTE_RETENTION_MIN) / 60 - 1);
        // Aggregation keeps every statistic exact: an hour of 0..6 repeating.
        let hour = periods.iter().find(|(_, st)| st.count == 60.0).unwrap().1;
        assert_eq!((hour.min, hour.max), (0.0, 6.0));
    }

    #[test]
    fn a_long_gap_rolls_up_at_once() {
        let mut store = MetricStore::default();
        let id = store.intern(&key());
        store.record(id, 10, 2.0);
        store.record(id, 100 * DAY_MIN, 4.0);
        let s = store.get(&key()).unwrap();
        // Minute 10 is now over 63 days old: an hourly set.
        assert_eq!(s.periods().map(|(m, st)| (m, st.count)).collect::<Vec<_>>(), vec![(0, 1.0), (100 * DAY_MIN, 1.0)]);
        store.record(id, 600 * DAY_MIN, 1.0);
        assert_eq!(store.get(&key()).unwrap().samples().collect::<Vec<_>>(), vec![(600 * DAY_MIN, 1.0)]);
    }
}
