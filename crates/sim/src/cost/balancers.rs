//! Load balancers on the bill: every hour or partial hour since sim start, plus capacity units
//! per billed hour from the per-minute request counts (ALB `RequestCount`, NLB `NewFlowCount`)
//! of the target groups their listeners forward to.

use super::lcu::{self, Balancer};
use super::{billing, prices};
use crate::engine::metrics::MINUTE_MS;
use crate::engine::Sim;
use crate::model::scaling::MetricKey;
use crate::model::LoadBalancer;

/// What a load balancer's traffic is read from.
#[derive(Debug, Clone)]
pub struct Traffic {
    pub kind: Balancer,
    keys: Vec<MetricKey>,
}

pub fn traffic(sim: &Sim, lb: &LoadBalancer) -> Traffic {
    let kind = if lb.kind == "network" { Balancer::Network } else { Balancer::Application };
    let (namespace, metric) = match kind {
        Balancer::Network => ("AWS/NetworkELB", "NewFlowCount"),
        Balancer::Application => ("AWS/ApplicationELB", "RequestCount"),
    };
    let mut groups: Vec<usize> = lb.listeners.iter().filter_map(|l| l.2).collect();
    groups.sort_unstable();
    groups.dedup();
    let keys = groups
        .into_iter()
        .map(|tg| MetricKey::new(namespace, metric, vec![("TargetGroup".into(), crate::scenario::scaling::target_group_dimension(&sim.scenario.target_groups[tg].arn))]))
        .collect();
    Traffic { kind, keys }
}

pub fn rates(kind: Balancer) -> prices::LoadBalancerRates {
    if kind == Balancer::Network {
        prices::NLB
    } else {
        prices::ALB
    }
}

/// Requests in the minutes `[from, to)`.
fn requests(sim: &Sim, t: &Traffic, from: u64, to: u64) -> f64 {
    t.keys.iter().filter_map(|k| sim.metrics.get(k)).map(|s| s.stat(from, to).map_or(0.0, |st| st.sum)).sum()
}

/// Hours whose every minute is published: a minute's datapoint is recorded when the next
/// minute begins, so hour h is final once minute 60(h+1) + 1 has begun.
fn closed_hours(now_ms: u64) -> u64 {
    (now_ms / MINUTE_MS).saturating_sub(1) / 60
}

/// Closed hours already summed, so a meter asked every frame reads only the hour in progress.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HourCache {
    hours: u64,
    unit_hours: f64,
    requests: f64,
    /// The busiest closed hour's units and the dimension that set them.
    busiest: (f64, &'static str),
}

/// A load balancer's account at the sim's current time.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub billed_hours: u64,
    pub unit_hours: f64,
    pub requests: f64,
    pub usd: f64,
    /// Per hour at the last published minute's traffic.
    pub rate_usd_per_hour: f64,
    pub busiest_dimension: &'static str,
}

pub fn account(sim: &Sim, t: &Traffic, cache: &mut HourCache) -> Account {
    let now = sim.now();
    let billed_hours = billing::load_balancer_hours(0, now);
    let closed = closed_hours(now).min(billed_hours);
    let hour = |h: u64| {
        let r = requests(sim, t, h * 60, h * 60 + 60);
        (r, lcu::capacity_units(t.kind, r))
    };
    while cache.hours < closed {
        let (r, units) = hour(cache.hours);
        cache.requests += r;
        cache.unit_hours += units.0;
        if units.0 > cache.busiest.0 {
            cache.busiest = units;
        }
        cache.hours += 1;
    }
    let (mut unit_hours, mut total_requests, mut busiest) = (cache.unit_hours, cache.requests, cache.busiest);
    for h in cache.hours..billed_hours {
        let (r, units) = hour(h);
        total_requests += r;
        unit_hours += units.0;
        if units.0 > busiest.0 {
            busiest = units;
        }
    }
    let rates = rates(t.kind);
    let last = (now / MINUTE_MS).saturating_sub(1);
    let per_hour_now = requests(sim, t, last, last + 1) * 60.0;
    Account {
        billed_hours,
        unit_hours,
        requests: total_requests,
        usd: billed_hours as f64 * rates.usd_per_hour + unit_hours * rates.usd_per_capacity_unit_hour,
        rate_usd_per_hour: rates.usd_per_hour + lcu::capacity_units(t.kind, per_hour_now).0 * rates.usd_per_capacity_unit_hour,
        busiest_dimension: if busiest.0 > 0.0 { busiest.1 } else { "no traffic" },
    }
}
