//! The VPC `eksctl create cluster` makes when the config names none: 192.168.0.0/16 divided
//! into eight /19s, a public and a private one per Availability Zone (three zones) and two
//! reserved. <https://docs.aws.amazon.com/eks/latest/eksctl/vpc-configuration.html>
//! Our choice: nodes (and so pods) use the private subnets, as if every group set
//! `privateNetworking: true` (eksctl's default is the public ones; the split is the same).

use super::vpc::{format_ip, parse_cidr};
use super::Aws;
use crate::model::Subnet;

/// Most zones a VPC is split for (a Region has at most a handful; more would leave /24s).
const MAX_ZONES: usize = 64;

impl Aws {
    /// eksctl's default VPC over `zones`, in order: public subnets first (the first `n`
    /// equal blocks), then one private subnet per zone, as large as the split allows (/19
    /// for up to four zones, as eksctl makes them).
    pub fn eksctl(zones: &[String]) -> Aws {
        let n = zones.len().clamp(1, MAX_ZONES);
        let blocks = (2 * n).next_power_of_two().max(8);
        let prefix = 16 + blocks.trailing_zeros();
        let size = 1u32 << (32 - prefix);
        let base = 192u32 << 24 | 168 << 16;
        let subnets = zones
            .iter()
            .take(n)
            .enumerate()
            .filter_map(|(k, zone)| {
                let cidr = format!("{}/{prefix}", format_ip(base + (n + k) as u32 * size));
                let (first_host, usable) = parse_cidr(&cidr).ok()?;
                Some(Subnet { id: format!("subnet-private-{zone}"), availability_zone: zone.clone(), cidr, first_host, usable })
            })
            .collect();
        Aws::new(subnets)
    }

    /// The private subnet in `zone`, if the VPC has one.
    pub fn subnet_in(&self, zone: &str) -> Option<usize> {
        self.vpc.subnets.iter().position(|s| s.availability_zone == zone)
    }
}
