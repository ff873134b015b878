//! What a run costs: the price catalogue (`prices`), AWS's billing rules (`billing`), load
//! balancer capacity units (`lcu`), and the bill of a run at its current time (this file).
//!
//! Nothing here is accrued per tick. Each resource carries the sim times that bound its billed
//! span (an instance's `launched_at`/`terminated_at`, a task's `pending_at`/`stopped_at`, set as
//! its state changes), and the bill is a pure function of those spans and the per-minute request
//! counts: asking costs one pass over the resources, and asking twice gives the same answer.

pub mod balancers;
pub mod billing;
pub mod eks;
pub mod lcu;
mod meter;
pub mod prices;
pub mod report;
pub mod rollup;
pub mod split;

use crate::engine::{Instance, Sim, Task};
use billing::{FargateSize, Usage};
use lcu::Balancer;
pub use meter::Meter;

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
    /// Each EC2 instance's charge split over its tasks, plus its unused capacity (`split`):
    /// the per-service view of the `EC2` lines, never added to the total a second time.
    pub split: Vec<split::Share>,
}

impl Bill {
    /// Cost per 1,000 requests, when there were any.
    pub fn usd_per_1000_requests(&self) -> Option<f64> {
        (self.requests > 0.0).then(|| self.total_usd * 1000.0 / self.requests)
    }

    /// What each service cost: its Fargate tasks plus its tasks' shares of EC2 instances, then
    /// the instances' `unused capacity`; tasks outside a service are left out.
    pub fn by_service(&self) -> Vec<(String, f64)> {
        let mut out = self.totals_by(|l| l.service.clone());
        let mut add = |k: &str, usd: f64| match out.iter_mut().find(|(name, _)| name == k) {
            Some(entry) => entry.1 += usd,
            None => out.push((k.to_string(), usd)),
        };
        for s in self.split.iter().filter(|s| s.task_id != split::UNUSED) {
            if let Some(name) = &s.service {
                add(name, s.usd);
            }
        }
        let unused: f64 = self.split.iter().filter(|s| s.task_id == split::UNUSED).map(|s| s.usd).sum();
        if self.split.iter().any(|s| s.task_id == split::UNUSED) {
            add(split::UNUSED, unused);
        }
        out
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

/// Hourly prices per pool, memoised for one pass: a cluster has thousands of instances but few
/// (type, zone, purchase option) pools, and a catalogue lookup costs a string search.
#[derive(Default)]
pub(crate) struct PoolPrices<'a> {
    pools: Vec<(&'a str, &'a str, bool, f64)>,
}

impl<'a> PoolPrices<'a> {
    fn price(&mut self, sim: &Sim, inst: &'a Instance) -> f64 {
        let spec = &inst.spec;
        let key = (spec.instance_type.as_str(), spec.availability_zone.as_str(), spec.spot);
        if let Some(p) = self.pools.iter().find(|p| (p.0, p.1, p.2) == key) {
            return p.3;
        }
        let price = if spec.spot { prices::ec2_spot(key.0, key.1, sim.scenario.seed) } else { prices::ec2_on_demand(key.0) }.usd_per_hour;
        self.pools.push((key.0, key.1, key.2, price));
        price
    }
}

/// The hourly price and billed charge of an instance up to `now`.
pub(crate) fn instance_charge<'a>(sim: &Sim, inst: &'a Instance, pools: &mut PoolPrices<'a>) -> (f64, u64, f64) {
    let per_hour = pools.price(sim, inst);
    let end = inst.terminated_at.unwrap_or(sim.now());
    let (s, usd) = billing::ec2_charge(per_hour, inst.launched_at, end);
    (per_hour, s, usd)
}

/// A Fargate task's rates and size; `None` for tasks on EC2.
pub(crate) fn fargate_terms(sim: &Sim, t: &Task) -> Option<(prices::FargateRates, FargateSize)> {
    if !t.fargate {
        return None;
    }
    let td = &sim.scenario.task_defs[t.task_def];
    let spot = t.capacity_provider.as_deref() == Some("FARGATE_SPOT");
    let storage = td.source.pointer("/ephemeralStorage/sizeInGiB").and_then(|v| v.as_f64()).unwrap_or(prices::FARGATE_FREE_STORAGE_GIB as f64);
    let size = FargateSize { vcpu: td.reserved_cpu() as f64 / 1024.0, memory_gb: td.reserved_memory_mib() as f64 / 1024.0, storage_gb: storage };
    Some((prices::fargate(td.windows, td.arm64, spot), size))
}

pub(crate) fn fargate_rate_per_hour(rates: &prices::FargateRates, size: FargateSize) -> f64 {
    let extra = (size.storage_gb - prices::FARGATE_FREE_STORAGE_GIB as f64).max(0.0);
    size.vcpu * (rates.usd_per_vcpu_hour + rates.os_licence_usd_per_vcpu_hour) + size.memory_gb * rates.usd_per_gb_hour + extra * prices::FARGATE_STORAGE_USD_PER_GB_HOUR
}

fn balancer_line(sim: &Sim, lb: &crate::model::LoadBalancer) -> (Line, balancers::Account) {
    let traffic = balancers::traffic(sim, lb);
    let a = balancers::account(sim, &traffic, &mut Default::default());
    let rates = balancers::rates(traffic.kind);
    let (unit_name, resource_type) = match traffic.kind {
        Balancer::Network => ("NLCU-hours", "NetworkLoadBalancer"),
        Balancer::Application => ("LCU-hours", "ApplicationLoadBalancer"),
    };
    let usage = vec![
        billing::usage("load balancer", a.billed_hours as f64, "LB-hours", rates.usd_per_hour),
        billing::usage("capacity units", a.unit_hours, unit_name, rates.usd_per_capacity_unit_hour),
    ];
    let line = Line {
        resource_type,
        resource_id: lb.name.clone(),
        description: lb.kind.clone(),
        pricing: "OnDemand",
        service: None,
        capacity_provider: None,
        billed_seconds: a.billed_hours * 3600,
        usage,
        usd: a.usd,
        running: true,
        note: Some(format!("{:.0} requests; busiest hour set by {}", a.requests, a.busiest_dimension)),
    };
    (line, a)
}

/// The bill of `sim` at its current time: a line per instance, per Fargate task that reached
/// PENDING, per load balancer.
pub fn bill(sim: &Sim) -> Bill {
    let mut lines = Vec::new();
    let mut rate = 0.0;
    let mut pools = PoolPrices::default();
    // Per instance: its unit costs and billed span, for the split.
    let mut terms: Vec<(split::UnitCosts, u64, u64)> = Vec::with_capacity(sim.instances.len());
    for inst in &sim.instances {
        let (per_hour, s, usd) = instance_charge(sim, inst, &mut pools);
        let (vcpus, gb) = instance_size(inst);
        terms.push((split::unit_costs(per_hour, vcpus, gb), inst.launched_at, inst.terminated_at.unwrap_or(sim.now())));
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
    // Folded expired tasks, then expired ones: they started before any task still described.
    lines.extend(sim.expired_rollup().lines().cloned());
    for t in sim.expired_billable().iter().chain(&sim.tasks).map(|t| &**t) {
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
        let (line, account) = balancer_line(sim, lb);
        requests += account.requests;
        rate += account.rate_usd_per_hour;
        lines.push(line);
    }
    let total_usd = lines.iter().map(|l| l.usd).sum();
    let split = split_instances(sim, &lines, &terms);
    Bill { lines, total_usd, rate_usd_per_hour: rate, requests, split }
}

/// An instance's nominal vCPUs and GB of memory (its type's, else what it registered).
fn instance_size(inst: &Instance) -> (f64, f64) {
    match crate::catalog::instance_types::lookup(&inst.spec.instance_type) {
        Some(t) => (t.vcpus as f64, t.memory_mib as f64 / 1024.0),
        None => (inst.registered_cpu as f64 / 1024.0, inst.registered_memory_mib as f64 / 1024.0),
    }
}

/// The EC2 lines (the first `terms.len()` of `lines`) split over the tasks each instance ran,
/// by `split`'s rule: per instance, its tasks in the order they started, then its unused capacity.
fn split_instances(sim: &Sim, lines: &[Line], terms: &[(split::UnitCosts, u64, u64)]) -> Vec<split::Share> {
    let mut per_instance: Vec<Vec<split::Share>> = (0..terms.len()).map(|i| sim.expired_rollup().shares_of(i).cloned().collect()).collect();
    for t in sim.expired_billable().iter().chain(&sim.tasks).map(|t| &**t) {
        let (false, Some(i), Some(start)) = (t.fargate, t.instance, t.pending_at) else { continue };
        let Some(&(units, from, to)) = terms.get(i) else { continue };
        let held_h = split::overlap_ms(start, t.stopped_at.unwrap_or(sim.now()), from, to) as f64 / 3_600_000.0;
        let td = &sim.scenario.task_defs[t.task_def];
        let (vcpu, gb) = (td.reserved_cpu() as f64 / 1024.0, td.reserved_memory_mib() as f64 / 1024.0);
        per_instance[i].push(split::Share {
            instance_id: lines[i].resource_id.clone(),
            task_id: t.id.clone(),
            service: t.service.map(|k| sim.services[k].def.name.clone()),
            vcpu_hours: vcpu * held_h,
            gb_hours: gb * held_h,
            usd: units.task_per_hour(vcpu, gb) * held_h,
        });
    }
    let mut out = Vec::new();
    for (i, mut shares) in per_instance.into_iter().enumerate() {
        let held: f64 = shares.iter().map(|s| s.usd).sum();
        let unused = (lines[i].usd - held).max(0.0);
        shares.push(split::Share { instance_id: lines[i].resource_id.clone(), task_id: split::UNUSED.into(), service: None, vcpu_hours: 0.0, gb_hours: 0.0, usd: unused });
        out.extend(shares);
    }
    out
}

impl Sim {
    /// What the run has cost so far, in USD. A full pass: a driver asking every frame keeps a
    /// `cost::Meter`, which gives the same numbers reading only what changed.
    pub fn cost_so_far(&self) -> f64 {
        self.cost_totals().0
    }

    /// What the resources running now cost per hour, in USD.
    pub fn cost_rate_per_hour(&self) -> f64 {
        self.cost_totals().1
    }

    /// `(total so far, rate per hour)` in one pass.
    pub fn cost_totals(&self) -> (f64, f64) {
        Meter::default().totals(self)
    }
}
