//! `stevedore run FILE --cost`: the bill as a person reads it.

use stevedore_sim::cost::{bill, prices, Bill};
use stevedore_sim::time::format_clock;
use stevedore_sim::Sim;

pub fn render(sim: &Sim) -> String {
    let b = bill(sim);
    let mut out = format!(
        "Bill for \"{}\" after {} of simulated time\nPrices: {}, On-Demand list prices as of {}, in {}\n\n",
        sim.scenario.name,
        format_clock(sim.now()),
        prices::REGION,
        prices::PRICES_AS_OF,
        prices::CURRENCY
    );
    out.push_str(&format!("{:<24} {:<26} {:<9} {:>14} {:<15} {:>11} {:>11}\n", "RESOURCE", "WHAT", "PRICING", "QUANTITY", "UNIT", "UNIT PRICE", "COST"));
    for line in &b.lines {
        for (k, u) in line.usage.iter().enumerate() {
            let (id, what, pricing) = if k == 0 { (line.resource_id.as_str(), line.description.as_str(), line.pricing) } else { ("", "", "") };
            out.push_str(&format!("{:<24} {:<26} {:<9} {:>14.4} {:<15} {:>11} {:>11}\n", id, what, pricing, u.quantity, u.unit, money(u.unit_price), money(u.usd)));
        }
        if let Some(note) = &line.note {
            out.push_str(&format!("{:<24} ({note})\n", ""));
        }
    }
    out.push('\n');
    section(&mut out, "By resource type", b.totals_by(|l| Some(format!("{} {}", l.resource_type, l.pricing))));
    section(&mut out, "By capacity provider", b.totals_by(|l| l.capacity_provider.clone()));
    // EC2 instances split over their tasks by reserved vCPU and memory, weighted 9:1 (AWS split
    // cost allocation data); what no task reserved is its own line.
    section(&mut out, "By service (Fargate tasks + each task's share of its EC2 instance)", b.by_service());
    summary(&mut out, &b);
    out
}

fn section(out: &mut String, title: &str, rows: Vec<(String, f64)>) {
    if rows.is_empty() {
        return;
    }
    out.push_str(&format!("{title}:\n"));
    for (name, usd) in rows {
        out.push_str(&format!("  {name:<40} {:>11}\n", money(usd)));
    }
    out.push('\n');
}

fn summary(out: &mut String, b: &Bill) {
    out.push_str(&format!("TOTAL {:>46}\n", money(b.total_usd)));
    out.push_str(&format!("Running now: {}/hour\n", money(b.rate_usd_per_hour)));
    match b.usd_per_1000_requests() {
        Some(c) => out.push_str(&format!("Requests: {:.0}, {} per 1,000 requests\n", b.requests, money(c))),
        None => out.push_str("Requests: none modelled\n"),
    }
    out.push_str("Not included: NAT gateways, data transfer, public IPv4, EBS, CloudWatch, ECR storage.\n");
}

/// Dollars with enough places for per-second charges: $0.012345.
pub fn money(usd: f64) -> String {
    if usd.abs() >= 100.0 {
        format!("${usd:.2}")
    } else {
        format!("${usd:.6}")
    }
}
