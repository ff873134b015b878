//! The price catalogue: one region's (us-east-1, US East (N. Virginia)) published On-Demand
//! prices in USD, Linux, shared tenancy. Static data: prices change rarely and a lesson must
//! give the same bill every time it runs.
//!
//! Sources (US East (N. Virginia)), and what was checked against a stored copy on 2026-12-01:
//! - EC2: <https://aws.amazon.com/ec2/pricing/on-demand/> (Linux, per instance-hour). t2 and m5
//!   rows agree with a price-list copy dated 2017-12-01 (unchanged since); m7g.large $0.0816 with
//!   a copy dated 2026-06-17 (a third-party page quoting AWS's rate card). Rows marked
//!   `checked: false` are AWS's list prices as Stevedore knows them, UNVERIFIED against a stored
//!   copy. Per-second billing with a 60-second minimum (Linux): stated by the EC2 pricing page.
//! - Fargate: <https://aws.amazon.com/fargate/pricing/>. Its stored copy (2026-12-01) confirms
//!   the rule (billed "from the time you start to download your container image until the
//!   Amazon ECS Task or Amazon EKS Pod terminates, rounded up to the nearest second"), the five
//!   dimensions, and Fargate Spot "up to a 70% discount"; its rate table is rendered by script
//!   and absent from the copy. $0.000011244 per vCPU-second (= $0.04048 per vCPU-hour) appears on
//!   <https://aws.amazon.com/ecs/pricing/> (a transcription dated 2026-09-20). The per-GB rates,
//!   Linux/ARM, Windows/x86 and its $0.046 per vCPU-hour licence, and $0.000111 per GB-hour of
//!   storage agree with a third-party copy of the us-east-1 table (Vantage, "AWS Fargate Pricing
//!   Explained"): UNVERIFIED against an AWS copy. The Windows 15-minute minimum: UNVERIFIED (no
//!   stored copy carries it; see `FARGATE_WINDOWS_X86`).
//! - Elastic Load Balancing: <https://aws.amazon.com/elasticloadbalancing/pricing/> (UNVERIFIED
//!   this time: not re-searched).
//! - EKS: `cost::eks` (checked 2026-12-01).
//!
//! Out of scope, on purpose: NAT gateways, data transfer, public IPv4 addresses, EBS volumes,
//! CloudWatch, ECR storage. EKS (control plane, Fargate pods): `cost::eks`.

/// When these prices were taken (the report's `pricesAsOf`).
pub const PRICES_AS_OF: &str = "2026-12-01";
pub const REGION: &str = "us-east-1";
pub const CURRENCY: &str = "USD";

/// Where an EC2 price comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PriceSource {
    /// AWS's list price for this exact type; `checked`: seen in a stored copy of a price list.
    Published { checked: bool },
    /// AWS sells no such size (the catalogue's regular families list sizes some families
    /// lack, e.g. c5.8xlarge): priced at the family's per-vCPU rate, and said so.
    FamilyRate,
    /// No figure found: billed at zero and flagged on the bill.
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ec2Price {
    pub usd_per_hour: f64,
    pub source: PriceSource,
}

/// `.large` On-Demand price per family; within these families AWS prices every size at the
/// same per-vCPU rate (xlarge = 2 × large, ..., 24xlarge = 48 × large), so the other sizes follow.
/// The third column lists the sizes the catalogue knows that AWS does not sell.
const FAMILY_LARGE: &[(&str, f64, &[&str])] = &[
    ("m5", 0.096, &[]), ("m5a", 0.086, &[]), ("m5d", 0.113, &[]), ("m6i", 0.096, &[]),
    ("m6a", 0.0864, &[]), ("m7i", 0.1008, &[]), ("m6g", 0.077, &["24xlarge"]),
    ("m7g", 0.0816, &["24xlarge"]), ("m4", 0.10, &["8xlarge", "12xlarge", "24xlarge"]),
    ("c5", 0.085, &["8xlarge", "16xlarge"]), ("c5a", 0.077, &[]), ("c6i", 0.085, &[]),
    ("c6a", 0.0765, &[]), ("c7i", 0.08925, &[]), ("c6g", 0.068, &["24xlarge"]),
    ("c7g", 0.0725, &["24xlarge"]),
    ("r5", 0.126, &[]), ("r5a", 0.113, &[]), ("r6i", 0.126, &[]), ("r6a", 0.1134, &[]),
    ("r6g", 0.1008, &["24xlarge"]), ("r7g", 0.1071, &["24xlarge"]),
];

/// Families whose `.large` row was seen in a stored price-list copy.
const CHECKED_FAMILIES: &[&str] = &["m5", "m7g"];

/// Types priced one by one: (name, USD per hour, checked).
const LISTED: &[(&str, f64, bool)] = &[
    ("t2.nano", 0.0058, true), ("t2.micro", 0.0116, true), ("t2.small", 0.023, true),
    ("t2.medium", 0.0464, true), ("t2.large", 0.0928, true), ("t2.xlarge", 0.1856, true),
    ("t2.2xlarge", 0.3712, true),
    ("t3.nano", 0.0052, false), ("t3.micro", 0.0104, false), ("t3.small", 0.0208, false),
    ("t3.medium", 0.0416, false), ("t3.large", 0.0832, false), ("t3.xlarge", 0.1664, false),
    ("t3.2xlarge", 0.3328, false),
    ("t3a.micro", 0.0094, false), ("t3a.small", 0.0188, false), ("t3a.medium", 0.0376, false),
    ("t3a.large", 0.0752, false), ("t3a.xlarge", 0.1504, false),
    ("t4g.micro", 0.0084, false), ("t4g.small", 0.0168, false), ("t4g.medium", 0.0336, false),
    ("t4g.large", 0.0672, false), ("t4g.xlarge", 0.1344, false), ("t4g.2xlarge", 0.2688, false),
    ("a1.medium", 0.0255, false), ("a1.large", 0.051, false), ("a1.xlarge", 0.102, false),
    ("a1.2xlarge", 0.204, false), ("a1.4xlarge", 0.408, false),
    ("c4.large", 0.10, false), ("c4.xlarge", 0.199, false), ("c4.2xlarge", 0.398, false),
    ("c4.4xlarge", 0.796, false), ("c4.8xlarge", 1.591, false),
    ("g4dn.xlarge", 0.526, false), ("g4dn.2xlarge", 0.752, false),
    ("g2.2xlarge", 0.65, false), ("p2.xlarge", 0.90, false), ("p3.2xlarge", 3.06, false),
    ("inf1.xlarge", 0.228, false),
];

/// The On-Demand price of an instance type (case-insensitive, like the instance catalogue).
pub fn ec2_on_demand(instance_type: &str) -> Ec2Price {
    let lower = instance_type.to_ascii_lowercase();
    if let Some(&(_, usd_per_hour, checked)) = LISTED.iter().find(|t| t.0 == lower) {
        return Ec2Price { usd_per_hour, source: PriceSource::Published { checked } };
    }
    let missing = Ec2Price { usd_per_hour: 0.0, source: PriceSource::Missing };
    let Some((family, size)) = lower.split_once('.') else { return missing };
    let Some(&(fam, large, unsold)) = FAMILY_LARGE.iter().find(|f| f.0 == family) else { return missing };
    let Some(it) = crate::catalog::instance_types::lookup(&lower) else { return missing };
    let usd_per_hour = round6(large * it.vcpus as f64 / 2.0);
    let source = if unsold.contains(&size) { PriceSource::FamilyRate } else { PriceSource::Published { checked: CHECKED_FAMILIES.contains(&fam) } };
    Ec2Price { usd_per_hour, source }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// EC2 Spot. AWS publishes no fixed Spot price: it moves with supply and demand per pool
/// (instance type × Availability Zone), "up to 90%" off On-Demand. ASSUMPTION: a pool's
/// discount is 70% ± 5%, fixed for the run, the ± drawn from a hash of the scenario seed and
/// the pool (not the sim's random stream, so pricing never changes a run's events).
pub fn ec2_spot(instance_type: &str, availability_zone: &str, seed: u64) -> Ec2Price {
    let on_demand = ec2_on_demand(instance_type);
    let discount = spot_discount(instance_type, availability_zone, seed);
    Ec2Price { usd_per_hour: round6(on_demand.usd_per_hour * (1.0 - discount)), ..on_demand }
}

pub const SPOT_DISCOUNT_MEAN: f64 = 0.70;
pub const SPOT_DISCOUNT_SPREAD: f64 = 0.05;

pub fn spot_discount(instance_type: &str, availability_zone: &str, seed: u64) -> f64 {
    // FNV-1a over the pool's name and the seed: stable across platforms and builds.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.to_le_bytes().iter().chain(instance_type.to_ascii_lowercase().as_bytes()).chain(b"/").chain(availability_zone.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let unit = (h >> 11) as f64 / (1u64 << 53) as f64; // [0, 1)
    SPOT_DISCOUNT_MEAN + SPOT_DISCOUNT_SPREAD * (2.0 * unit - 1.0)
}

/// Fargate rates for one platform, per hour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FargateRates {
    pub usd_per_vcpu_hour: f64,
    pub usd_per_gb_hour: f64,
    /// Windows: the per-vCPU operating-system licence fee, per hour.
    pub os_licence_usd_per_vcpu_hour: f64,
    /// The minimum billed duration, in seconds.
    pub minimum_s: u64,
}

pub const FARGATE_LINUX_X86: FargateRates = FargateRates { usd_per_vcpu_hour: 0.04048, usd_per_gb_hour: 0.004445, os_licence_usd_per_vcpu_hour: 0.0, minimum_s: 60 };
pub const FARGATE_LINUX_ARM: FargateRates = FargateRates { usd_per_vcpu_hour: 0.03238, usd_per_gb_hour: 0.00356, os_licence_usd_per_vcpu_hour: 0.0, minimum_s: 60 };
/// Windows on Fargate is billed per second with a 15-minute minimum, as AWS's Fargate pricing
/// page states it. UNVERIFIED: searched 2026-12-01, no stored copy of that page (or any AWS
/// page) carries the Windows minimum or rates; the rates agree with a third-party copy.
pub const FARGATE_WINDOWS_X86: FargateRates = FargateRates { usd_per_vcpu_hour: 0.09148, usd_per_gb_hour: 0.01005, os_licence_usd_per_vcpu_hour: 0.046, minimum_s: 900 };

/// Ephemeral storage above the 20 GiB every task gets free, per GB-hour.
pub const FARGATE_STORAGE_USD_PER_GB_HOUR: f64 = 0.000111;
pub const FARGATE_FREE_STORAGE_GIB: u32 = 20;

/// Fargate Spot. AWS publishes Spot rates that move ("up to a 70% discount off the regular
/// Fargate price"). ASSUMPTION: the full 70%, on vCPU and memory; storage is not discounted.
/// (Fargate Spot runs Linux/x86 tasks; Stevedore prices any other platform the same way.)
pub const FARGATE_SPOT_DISCOUNT: f64 = 0.70;

pub fn fargate(windows: bool, arm64: bool, spot: bool) -> FargateRates {
    let base = match (windows, arm64) {
        (true, _) => FARGATE_WINDOWS_X86,
        (false, true) => FARGATE_LINUX_ARM,
        (false, false) => FARGATE_LINUX_X86,
    };
    if !spot {
        return base;
    }
    let keep = 1.0 - FARGATE_SPOT_DISCOUNT;
    FargateRates { usd_per_vcpu_hour: round6(base.usd_per_vcpu_hour * keep * 1e3) / 1e3, usd_per_gb_hour: round6(base.usd_per_gb_hour * keep * 1e3) / 1e3, ..base }
}

/// Elastic Load Balancing: an hourly charge plus capacity units, "per hour or partial hour".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadBalancerRates {
    pub usd_per_hour: f64,
    pub usd_per_capacity_unit_hour: f64,
}

pub const ALB: LoadBalancerRates = LoadBalancerRates { usd_per_hour: 0.0225, usd_per_capacity_unit_hour: 0.008 };
pub const NLB: LoadBalancerRates = LoadBalancerRates { usd_per_hour: 0.0225, usd_per_capacity_unit_hour: 0.006 };

/// EKS control plane per cluster-hour (standard / extended support): see `cost::eks`.
pub use super::eks::{CLUSTER_USD_PER_HOUR_EXTENDED as EKS_CLUSTER_USD_PER_HOUR_EXTENDED, CLUSTER_USD_PER_HOUR_STANDARD as EKS_CLUSTER_USD_PER_HOUR_STANDARD};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::instance_types::known_names;

    #[test]
    fn every_known_instance_type_has_a_price_or_says_why_not() {
        for name in known_names() {
            let p = ec2_on_demand(&name);
            assert!(p.source != PriceSource::Missing, "{name} has no price");
            assert!(p.usd_per_hour > 0.0, "{name}");
        }
        assert_eq!(ec2_on_demand("x9.huge").source, PriceSource::Missing);
    }

    #[test]
    fn published_rows() {
        // aws.amazon.com/ec2/pricing/on-demand/, US East (N. Virginia), Linux.
        assert_eq!(ec2_on_demand("m5.large").usd_per_hour, 0.096);
        assert_eq!(ec2_on_demand("m5.24xlarge").usd_per_hour, 4.608);
        assert_eq!(ec2_on_demand("c5.xlarge").usd_per_hour, 0.17);
        assert_eq!(ec2_on_demand("M7g.Large").usd_per_hour, 0.0816);
        assert_eq!(ec2_on_demand("t3.micro").usd_per_hour, 0.0104);
        assert_eq!(ec2_on_demand("c5.8xlarge").source, PriceSource::FamilyRate);
        assert_eq!(ec2_on_demand("c5.12xlarge").source, PriceSource::Published { checked: false });
    }

    #[test]
    fn spot_discount_is_per_pool_seeded_and_bounded() {
        let a = spot_discount("m5.large", "us-east-1a", 1);
        assert_eq!(a, spot_discount("m5.large", "us-east-1a", 1));
        assert_ne!(a, spot_discount("m5.large", "us-east-1b", 1));
        assert_ne!(a, spot_discount("m5.large", "us-east-1a", 2));
        for seed in 0..200 {
            let d = spot_discount("c5.xlarge", "us-east-1c", seed);
            assert!((0.65..=0.75).contains(&d), "{d}");
        }
        let spot = ec2_spot("m5.large", "us-east-1a", 1).usd_per_hour;
        assert!(spot > 0.096 * 0.25 && spot < 0.096 * 0.35, "{spot}");
    }

    #[test]
    fn fargate_rates() {
        // $0.000011244 per vCPU-second (aws.amazon.com/ecs/pricing/) = $0.04048 per vCPU-hour.
        assert!((fargate(false, false, false).usd_per_vcpu_hour / 3600.0 - 0.000011244).abs() < 1e-9);
        assert_eq!(fargate(true, false, false).minimum_s, 900);
        assert_eq!(fargate(false, true, false).usd_per_gb_hour, 0.00356);
        let spot = fargate(false, false, true);
        assert!((spot.usd_per_vcpu_hour - 0.012144).abs() < 1e-9, "{}", spot.usd_per_vcpu_hour);
        assert!((spot.usd_per_gb_hour - 0.0013335).abs() < 1e-9, "{}", spot.usd_per_gb_hour);
    }
}
