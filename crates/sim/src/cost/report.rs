//! The report's `cost` section: the bill as JSON, with totals per service, capacity provider,
//! resource type and load balancer, and cost per 1,000 requests.

use super::{bill, prices, Bill};
use crate::engine::Sim;
use serde_json::{json, Value};

pub fn section(sim: &Sim) -> Value {
    section_of(&bill(sim), sim.now())
}

pub fn section_of(b: &Bill, now_ms: u64) -> Value {
    let map = |pairs: Vec<(String, f64)>| Value::Object(pairs.into_iter().map(|(k, v)| (k, json!(round(v)))).collect());
    json!({
        "currency": prices::CURRENCY,
        "pricesAsOf": prices::PRICES_AS_OF,
        "region": prices::REGION,
        "elapsedSeconds": now_ms / 1000,
        "totalUsd": round(b.total_usd),
        "ratePerHourUsd": round(b.rate_usd_per_hour),
        "requests": b.requests.round(),
        "usdPer1000Requests": b.usd_per_1000_requests().map(round),
        "byResourceType": map(b.totals_by(|l| Some(format!("{} {}", l.resource_type, l.pricing)))),
        "byService": map(b.by_service()),
        "byCapacityProvider": map(b.totals_by(|l| l.capacity_provider.clone())),
        "lines": b.lines,
        "ec2Split": {
            "rule": "each EC2 instance's charge split over the tasks it ran by reserved vCPU and memory, weighted 9:1 as AWS split cost allocation data does; what no task reserved is \"unused capacity\"",
            "shares": b.split,
        },
        "notIncluded": "NAT gateways, data transfer, public IPv4 addresses, EBS volumes, CloudWatch and ECR storage are not modelled",
    })
}

/// Money to a millionth of a dollar: sums of per-second charges stay readable and stable.
fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
