//! What a run costs: the price catalogue (`prices`), AWS's billing rules (`billing`), load
//! balancer capacity units (`lcu`), and the bill of a run at its current time (this file).
//!
//! Nothing here is accrued per tick. Each resource carries the sim times that bound its billed
//! span (an instance's `launched_at`/`terminated_at`, a task's `pending_at`/`stopped_at`, set as
//! its state changes), and the bill is a pure function of those spans and the per-minute request
//! counts: asking costs one pass over the resources, and asking twice gives the same answer.

pub mod billing;
pub mod lcu;
pub mod prices;
pub mod report;

use crate::engine::{Instance, Sim, Task};
use billing::{FargateSize, Usage};
use lcu::Balancer;

/// One billed resource.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// `EC2`, `Fargate`, `ApplicationLoadBalancer` or `NetworkLoadBalancer`.
    pub resource_type: &'static str,
    /// EC2 instance id, task id or load balancer name.
    pub resource_id: String,
    /// Instance type, task size (`1 vCPU / 2 GB Linux/X86`) or load balancer type.
    pub description: String,
    /// `OnDemand` or `Spot`.
    pub pricing: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_provider: Option<String>,
    pub billed_seconds: u64,
    pub usage: Vec<Usage>,
    pub usd: f64,
    /// Still running (it adds to the rate per hour).
    pub running: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The bill of a run up to the sim's current time.
#[derive(Debug, Clone, PartialEq)]
pub struct Bill {
    pub lines: Vec<Line>,
    pub total_usd: f64,
    /// What the resources running now cost per hour (load balancers at their current traffic).
    pub rate_usd_per_hour: f64,
    /// Requests (ALB) and new flows (NLB) the load balancers carried.
    pub requests: f64,
}

impl Bill {
    /// Cost per 1,000 requests, when there were any.
    pub fn usd_per_1000_requests(&self) -> Option<f64> {
        (self.requests > 0.0).then(|| self.total_usd * 1000.0 / self.requests)
    }

    /// Totals grouped by a key of each line, in first-seen order.
    pub fn totals_by(&self, key: impl Fn(&Line) -> Option<String>) -> Vec<(String, f64)> {
        let mut out: Vec<(String, f64)> = Vec::new();
        for line in &self.lines {
            let Some(k) = key(line) else { continue };
            match out.iter_mut().find(|(name, _)| *name == k) {
                Some(entry) => entry.1 += line.usd,
                None => out.push((k, line.usd)),
            }
        }
        out
    }
}

/// The price and billed charge of an instance up to `now`.
fn instance_charge(sim: &Sim, inst: &Instance) -> (f64, u64, f64) {
    let spec = &inst.spec;
    let price = if spec.spot { prices::ec2_spot(&spec.instance_type, &spec.availability_zone, sim.scenario.seed) } else { prices::ec2_on_demand(&spec.instance_type) };
    let end = inst.terminated_at.unwrap_or(sim.now());
    let (s, usd) = billing::ec2_charge(price.usd_per_hour, inst.launched_at, end);
    (price.usd_per_hour, s, usd)
}

/// A Fargate task's rates and size; `None` for tasks on EC2.
fn fargate_terms(sim: &Sim, t: &Task) -> Option<(prices::FargateRates, FargateSize)> {
    if !t.fargate {
        return None;
    }
    let td = &sim.scenario.task_defs[t.task_def];
    let spot = t.capacity_provider.as_deref() == Some("FARGATE_SPOT");
    let storage = td.source.pointer("/ephemeralStorage/sizeInGiB").and_then(|v| v.as_f64()).unwrap_or(prices::FARGATE_FREE_STORAGE_GIB as f64);
    let size = FargateSize { vcpu: td.reserved_cpu() as f64 / 1024.0, memory_gb: td.reserved_memory_mib() as f64 / 1024.0, storage_gb: storage };
    Some((prices::fargate(td.windows, td.arm64, spot), size))
}

fn fargate_rate_per_hour(rates: &prices::FargateRates, size: FargateSize) -> f64 {
    let extra = (size.storage_gb - prices::FARGATE_FREE_STORAGE_GIB as f64).max(0.0);
    size.vcpu * (rates.usd_per_vcpu_hour + rates.os_licence_usd_per_vcpu_hour) + size.memory_gb * rates.usd_per_gb_hour + extra * prices::FARGATE_STORAGE_USD_PER_GB_HOUR
}

/// A load balancer's traffic: requests per billed hour, and the last minute's requests.
fn balancer_traffic(sim: &Sim, lb: &crate::model::LoadBalancer) -> (Balancer, Vec<f64>, f64) {
    let kind = if lb.kind == "network" { Balancer::Network } else { Balancer::Application };
    let (namespace, metric) = match kind {
        Balancer::Network => ("AWS/NetworkELB", "NewFlowCount"),
        Balancer::Application => ("AWS/ApplicationELB", "RequestCount"),
    };
    let mut groups: Vec<usize> = lb.listeners.iter().filter_map(|l| l.2).collect();
    groups.sort_unstable();
    groups.dedup();
    let hours = billing::load_balancer_hours(0, sim.now()) as usize;
    let mut per_hour = vec![0.0; hours];
    let mut last_minute = 0.0;
    let last = (sim.now() / crate::engine::metrics::MINUTE_MS).checked_sub(1);
    for tg in groups {
        let arn = &sim.scenario.target_groups[tg].arn;
        let key = crate::model::scaling::MetricKey::new(namespace, metric, vec![("TargetGroup".into(), crate::scenario::scaling::target_group_dimension(arn))]);
        let Some(series) = sim.metrics.get(&key) else { continue };
        for (minute, values) in series.iter() {
            let n: f64 = values.iter().sum();
            if let Some(slot) = per_hour.get_mut((minute / 60) as usize) {
                *slot += n;
            }
            if Some(minute) == last {
                last_minute += n;
            }
        }
    }
    (kind, per_hour, last_minute)
}

fn balancer_line(sim: &Sim, lb: &crate::model::LoadBalancer) -> (Line, f64, f64) {
    let (kind, per_hour, last_minute) = balancer_traffic(sim, lb);
    let rates = if kind == Balancer::Network { prices::NLB } else { prices::ALB };
    let units: Vec<(f64, &'static str)> = per_hour.iter().map(|&r| lcu::capacity_units(kind, r)).collect();
    let unit_hours: f64 = units.iter().map(|u| u.0).sum();
    let (unit_name, resource_type) = match kind {
        Balancer::Network => ("NLCU-hours", "NetworkLoadBalancer"),
        Balancer::Application => ("LCU-hours", "ApplicationLoadBalancer"),
    };
    let usage = vec![
        billing::usage("load balancer", per_hour.len() as f64, "LB-hours", rates.usd_per_hour),
        billing::usage("capacity units", unit_hours, unit_name, rates.usd_per_capacity_unit_hour),
    ];
    let busiest = units.iter().fold((0.0, "new connections"), |b, u| if u.0 > b.0 { *u } else { b });
    let requests: f64 = per_hour.iter().sum();
    let usd = usage.iter().map(|u| u.usd).sum();
    let rate = rates.usd_per_hour + lcu::capacity_units(kind, last_minute * 60.0).0 * rates.usd_per_capacity_unit_hour;
    let line = Line {
        resource_type,
        resource_id: lb.name.clone(),
        description: lb.kind.clone(),
        pricing: "OnDemand",
        service: None,
        capacity_provider: None,
        billed_seconds: per_hour.len() as u64 * 3600,
        usage,
        usd,
        running: true,
        note: Some(format!("{requests:.0} requests; busiest hour set by {}", busiest.1)),
    };
    (line, rate, requests)
}

/// The bill of `sim` at its current time: a line per instance, per Fargate task that reached
/// PENDING, per load balancer.
pub fn bill(sim: &Sim) -> Bill {
    let mut lines = Vec::new();
    let mut rate = 0.0;
    for inst in &sim.instances {
        let (per_hour, s, usd) = instance_charge(sim, inst);
        let running = inst.terminated_at.is_none();
        if running {
            rate += per_hour;
        }
        let source = prices::ec2_on_demand(&inst.spec.instance_type).source;
        let note = match source {
            prices::PriceSource::FamilyRate => Some(format!("AWS sells no {}: priced at the family's per-vCPU rate", inst.spec.instance_type)),
            prices::PriceSource::Missing => Some(format!("no published price for {} in the catalogue: billed at $0", inst.spec.instance_type)),
            prices::PriceSource::Published { .. } => None,
        };
        lines.push(Line {
            resource_type: "EC2",
            resource_id: inst.spec.ec2_instance_id.clone(),
            description: inst.spec.instance_type.clone(),
            pricing: if inst.spec.spot { "Spot" } else { "OnDemand" },
            service: None,
            capacity_provider: inst.spec.capacity_provider.clone(),
            billed_seconds: s,
            usage: vec![billing::usage("instance", s as f64 / 3600.0, "instance-hours", per_hour)],
            usd,
            running,
            note,
        });
    }
    for t in &sim.tasks {
        let (Some((rates, size)), Some(start)) = (fargate_terms(sim, t), t.pending_at) else { continue };
        let end = t.stopped_at.unwrap_or(sim.now());
        let (s, usage) = billing::fargate_charge(&rates, size, start, end);
        let running = t.stopped_at.is_none();
        if running {
            rate += fargate_rate_per_hour(&rates, size);
        }
        let td = &sim.scenario.task_defs[t.task_def];
        let platform = if td.windows { "Windows/X86" } else if td.arm64 { "Linux/ARM" } else { "Linux/X86" };
        let spot = t.capacity_provider.as_deref() == Some("FARGATE_SPOT");
        lines.push(Line {
            resource_type: "Fargate",
            resource_id: t.id.clone(),
            description: format!("{} vCPU / {} GB {platform}", size.vcpu, size.memory_gb),
            pricing: if spot { "Spot" } else { "OnDemand" },
            service: t.service.map(|k| sim.services[k].def.name.clone()),
            capacity_provider: Some(t.capacity_provider.clone().unwrap_or_else(|| "FARGATE".into())),
            billed_seconds: s,
            usd: usage.iter().map(|u| u.usd).sum(),
            usage,
            running,
            note: None,
        });
    }
    let mut requests = 0.0;
    for lb in &sim.scenario.load_balancers {
        let (line, lb_rate, lb_requests) = balancer_line(sim, lb);
        requests += lb_requests;
        rate += lb_rate;
        lines.push(line);
    }
    let total_usd = lines.iter().map(|l| l.usd).sum();
    Bill { lines, total_usd, rate_usd_per_hour: rate, requests }
}

impl Sim {
    /// What the run has cost so far, in USD (the app's cost meter). One pass over instances,
    /// tasks and load balancers' per-minute request counts; no allocation per task.
    pub fn cost_so_far(&self) -> f64 {
        self.cost_totals().0
    }

    /// What the resources running now cost per hour, in USD.
    pub fn cost_rate_per_hour(&self) -> f64 {
        self.cost_totals().1
    }

    /// `(total so far, rate per hour)` in one pass.
    pub fn cost_totals(&self) -> (f64, f64) {
        let (mut total, mut rate) = (0.0, 0.0);
        for inst in &self.instances {
            let (per_hour, _, usd) = instance_charge(self, inst);
            total += usd;
            if inst.terminated_at.is_none() {
                rate += per_hour;
            }
        }
        for t in &self.tasks {
            let (Some((rates, size)), Some(start)) = (fargate_terms(self, t), t.pending_at) else { continue };
            let s = billing::billed_seconds(start, t.stopped_at.unwrap_or(self.now()), rates.minimum_s);
            total += fargate_rate_per_hour(&rates, size) * s as f64 / 3600.0;
            if t.stopped_at.is_none() {
                rate += fargate_rate_per_hour(&rates, size);
            }
        }
        for lb in &self.scenario.load_balancers {
            let (line, lb_rate, _) = balancer_line(self, lb);
            total += line.usd;
            rate += lb_rate;
        }
        (total, rate)
    }
}
