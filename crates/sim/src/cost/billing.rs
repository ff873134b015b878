//! Billing rules as AWS applies them, as pure functions of a resource's start and end.
//!
//! - EC2 Linux (On-Demand and Spot): per second, 60-second minimum
//!   (<https://aws.amazon.com/ec2/pricing/on-demand/>: "billed in one-second increments, with a
//!   minimum of 60 seconds").
//! - Fargate: "from the time you start to download your container image until the Amazon ECS
//!   Task ... terminates, rounded up to the nearest second", one-minute minimum; Windows on
//!   Fargate, 15-minute minimum (<https://aws.amazon.com/fargate/pricing/>).
//! - Load balancers: "per hour or partial hour" for both the hourly charge and capacity units
//!   (<https://aws.amazon.com/elasticloadbalancing/pricing/>).

use super::prices::FargateRates;

pub const EC2_MINIMUM_S: u64 = 60;

/// Seconds billed for a resource that ran from `start_ms` to `end_ms` (sim milliseconds): the
/// run rounded up to a whole second, and never less than `minimum_s` once it started.
pub fn billed_seconds(start_ms: u64, end_ms: u64, minimum_s: u64) -> u64 {
    let ran_ms = end_ms.saturating_sub(start_ms);
    ran_ms.div_ceil(1000).max(minimum_s)
}

/// An EC2 instance's charge: billed seconds × hourly price / 3,600.
pub fn ec2_charge(usd_per_hour: f64, start_ms: u64, end_ms: u64) -> (u64, f64) {
    let s = billed_seconds(start_ms, end_ms, EC2_MINIMUM_S);
    (s, usd_per_hour * s as f64 / 3600.0)
}

/// A Fargate task's size, as priced: vCPU, GB of memory, GB of ephemeral storage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FargateSize {
    pub vcpu: f64,
    pub memory_gb: f64,
    pub storage_gb: f64,
}

/// One dimension of a charge: how much was used, of what, at what price.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub dimension: &'static str,
    pub quantity: f64,
    pub unit: &'static str,
    pub unit_price: f64,
    pub usd: f64,
}

/// A Fargate task's charge, one usage line per priced dimension (vCPU, memory, the Windows
/// licence, storage above the free 20 GiB).
pub fn fargate_charge(rates: &FargateRates, size: FargateSize, start_ms: u64, end_ms: u64) -> (u64, Vec<Usage>) {
    let s = billed_seconds(start_ms, end_ms, rates.minimum_s);
    let hours = s as f64 / 3600.0;
    let mut out = vec![
        usage("vCPU", size.vcpu * hours, "vCPU-hours", rates.usd_per_vcpu_hour),
        usage("memory", size.memory_gb * hours, "GB-hours", rates.usd_per_gb_hour),
    ];
    if rates.os_licence_usd_per_vcpu_hour > 0.0 {
        out.push(usage("Windows OS licence", size.vcpu * hours, "vCPU-hours", rates.os_licence_usd_per_vcpu_hour));
    }
    let extra_gb = (size.storage_gb - super::prices::FARGATE_FREE_STORAGE_GIB as f64).max(0.0);
    if extra_gb > 0.0 {
        out.push(usage("ephemeral storage", extra_gb * hours, "GB-hours", super::prices::FARGATE_STORAGE_USD_PER_GB_HOUR));
    }
    (s, out)
}

pub fn usage(dimension: &'static str, quantity: f64, unit: &'static str, unit_price: f64) -> Usage {
    Usage { dimension, quantity, unit, unit_price, usd: quantity * unit_price }
}

/// Hours a load balancer is billed for: every hour or partial hour it exists.
pub fn load_balancer_hours(start_ms: u64, end_ms: u64) -> u64 {
    end_ms.saturating_sub(start_ms).div_ceil(3_600_000).max(1)
}

#[cfg(test)]
mod tests {
    use super::super::prices::{fargate, FARGATE_LINUX_X86};
    use super::*;

    const MIN: u64 = 60_000;

    #[test]
    fn ec2_per_second_with_a_60_second_minimum() {
        // EC2 pricing page: per-second billing, 60-second minimum. m5.large at $0.096/hour.
        assert_eq!(ec2_charge(0.096, 0, 30_000).0, 60); // 30 s bills as 60 s
        assert_eq!(ec2_charge(0.096, 0, 60_000).0, 60);
        assert_eq!(ec2_charge(0.096, 0, 61_001).0, 62); // rounded up to the next second
        let (s, usd) = ec2_charge(0.096, 0, 3_600_000);
        assert_eq!(s, 3600);
        assert!((usd - 0.096).abs() < 1e-12);
        // 1 h 30 min 10 s: 5,410 billed seconds.
        let (s, usd) = ec2_charge(0.096, 10 * MIN, 10 * MIN + 5_410_000);
        assert_eq!(s, 5410);
        assert!((usd - 0.096 * 5410.0 / 3600.0).abs() < 1e-12);
    }

    fn total(lines: &[Usage]) -> f64 {
        lines.iter().map(|u| u.usd).sum()
    }

    #[test]
    fn fargate_pricing_page_example_linux_x86() {
        // aws.amazon.com/fargate/pricing/, pricing example (its inputs and totals; the stored copy
        // of the page searched lacked the example text, its per-second rate $0.000011244 is
        // confirmed on aws.amazon.com/ecs/pricing/): 5 tasks, 1 vCPU and 2 GB each,
        // Linux/X86, us-east-1, running 10 minutes (600 s) every day for 30 days:
        //   vCPU   5 × 1 × $0.000011244 × 600 × 30 = $1.01
        //   memory 5 × 2 × $0.000001235 × 600 × 30 = $0.22   → $1.23 a month.
        let size = FargateSize { vcpu: 1.0, memory_gb: 2.0, storage_gb: 20.0 };
        let mut cpu = 0.0;
        let mut memory = 0.0;
        for day in 0..30u64 {
            for _task in 0..5 {
                let start = day * 86_400_000;
                let (s, lines) = fargate_charge(&FARGATE_LINUX_X86, size, start, start + 10 * MIN);
                assert_eq!(s, 600);
                assert_eq!(lines.len(), 2, "20 GB of storage is free");
                cpu += lines[0].usd;
                memory += lines[1].usd;
            }
        }
        assert_eq!(format!("{cpu:.2}"), "1.01");
        assert_eq!(format!("{memory:.2}"), "0.22");
        assert_eq!(format!("{:.2}", cpu + memory), "1.23");
    }

    #[test]
    fn fargate_minimums_and_storage() {
        let size = FargateSize { vcpu: 0.25, memory_gb: 0.5, storage_gb: 30.0 };
        // A Linux task stopped after 20 s pays for one minute; Windows for 15 minutes.
        assert_eq!(fargate_charge(&FARGATE_LINUX_X86, size, 0, 20_000).0, 60);
        assert_eq!(fargate_charge(&fargate(true, false, false), FargateSize { vcpu: 1.0, ..size }, 0, 20_000).0, 900);
        assert_eq!(fargate_charge(&fargate(true, false, false), FargateSize { vcpu: 1.0, ..size }, 0, 1_000_500).0, 1001);
        // 10 GB above the free 20 GiB for an hour: 10 GB-hours × $0.000111.
        let (_, lines) = fargate_charge(&FARGATE_LINUX_X86, size, 0, 3_600_000);
        let storage = lines.iter().find(|u| u.dimension == "ephemeral storage").unwrap();
        assert!((storage.quantity - 10.0).abs() < 1e-12);
        assert!((storage.usd - 0.00111).abs() < 1e-12);
        // 0.25 vCPU + 0.5 GB for an hour, Linux/x86: 0.25 × 0.04048 + 0.5 × 0.004445.
        assert!((total(&lines[..2]) - (0.25 * 0.04048 + 0.5 * 0.004445)).abs() < 1e-12);
    }

    #[test]
    fn windows_fargate_pays_the_licence_per_vcpu() {
        let size = FargateSize { vcpu: 2.0, memory_gb: 4.0, storage_gb: 20.0 };
        let (_, lines) = fargate_charge(&fargate(true, false, false), size, 0, 3_600_000);
        let licence = lines.iter().find(|u| u.dimension == "Windows OS licence").unwrap();
        assert!((licence.usd - 2.0 * 0.046).abs() < 1e-12);
        assert!((total(&lines) - (2.0 * 0.09148 + 4.0 * 0.01005 + 2.0 * 0.046)).abs() < 1e-12);
    }

    #[test]
    fn load_balancers_bill_every_partial_hour() {
        assert_eq!(load_balancer_hours(0, 0), 1);
        assert_eq!(load_balancer_hours(0, 3_600_000), 1);
        assert_eq!(load_balancer_hours(0, 3_600_001), 2);
        assert_eq!(load_balancer_hours(0, 24 * 3_600_000), 24);
    }
}
