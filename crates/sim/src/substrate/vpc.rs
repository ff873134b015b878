//! VPC subnets and their private IPv4 address books: an instance's primary address and each
//! awsvpc task's or pod's ENI address come from here.

use crate::model::Subnet;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default)]
pub struct Vpc {
    pub subnets: Vec<Subnet>,
    /// Addresses in use per subnet (offsets from the first usable one).
    used: Vec<BTreeSet<u32>>,
    /// Per subnet, an offset at or below the lowest free one (so a busy subnet with
    /// thousands of pods does not rescan its taken addresses on every allocation).
    low: Vec<u32>,
}

impl Vpc {
    pub fn new(subnets: Vec<Subnet>) -> Vpc {
        Vpc { used: vec![BTreeSet::new(); subnets.len()], low: vec![0; subnets.len()], subnets }
    }

    /// The subnet with this id.
    pub fn find(&self, subnet_id: &str) -> Option<usize> {
        self.subnets.iter().position(|s| s.id == subnet_id)
    }

    /// Takes the lowest free address of `subnet` (our choice: AWS hands out an unspecified
    /// free one; lowest-first keeps runs readable and deterministic). None when it is full.
    pub fn allocate_ip(&mut self, subnet: usize) -> Option<u32> {
        let s = &self.subnets[subnet];
        let used = &mut self.used[subnet];
        // Everything below `low` is taken; walk the taken run from there.
        let mut offset = self.low[subnet];
        for o in used.range(offset..) {
            if *o != offset {
                break;
            }
            offset += 1;
        }
        if offset >= s.usable {
            self.low[subnet] = s.usable;
            return None;
        }
        used.insert(offset);
        self.low[subnet] = offset + 1;
        Some(s.first_host + offset)
    }

    pub fn release_ip(&mut self, subnet: usize, ip: u32) {
        let first = self.subnets[subnet].first_host;
        let Some(offset) = ip.checked_sub(first) else { return };
        if self.used[subnet].remove(&offset) {
            self.low[subnet] = self.low[subnet].min(offset);
        }
    }

    /// Takes the lowest free aligned /28 (16 addresses, the VPC CNI's prefix delegation) wholly
    /// inside the subnet's usable range. None when no such block is left (the CNI's
    /// `InsufficientCidrBlocks`).
    pub fn allocate_prefix(&mut self, subnet: usize) -> Option<u32> {
        let s = &self.subnets[subnet];
        let (first, last) = (s.first_host, s.first_host + s.usable);
        let mut base = (first + 15) & !15;
        while base + 16 <= last {
            let off = base - first;
            if self.used[subnet].range(off..off + 16).next().is_none() {
                self.used[subnet].extend(off..off + 16);
                return Some(base);
            }
            base += 16;
        }
        None
    }

    /// Returns a /28 taken by `allocate_prefix`.
    pub fn release_prefix(&mut self, subnet: usize, base: u32) {
        for ip in base..base + 16 {
            self.release_ip(subnet, ip);
        }
    }

    /// Free addresses left in a subnet.
    pub fn free(&self, subnet: usize) -> u32 {
        self.subnets[subnet].usable - self.used[subnet].len() as u32
    }
}

/// `10.0.1.0/24` → (first address a task may get, how many): AWS reserves the first four
/// addresses and the last one of every subnet; subnets are /16 to /28.
/// (CreateSubnet: <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html>)
pub fn parse_cidr(cidr: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{cidr}` is not an IPv4 CIDR block such as 10.0.1.0/24");
    let (addr, prefix) = cidr.split_once('/').ok_or_else(bad)?;
    let prefix: u32 = prefix.parse().map_err(|_| bad())?;
    let octets: Vec<u32> = addr.split('.').map(|o| o.parse::<u8>().map(u32::from)).collect::<Result<_, _>>().map_err(|_| bad())?;
    if octets.len() != 4 {
        return Err(bad());
    }
    if !(16..=28).contains(&prefix) {
        return Err(format!("subnet CIDR blocks must be between /16 and /28, got /{prefix}"));
    }
    let base = octets.iter().fold(0u32, |acc, o| (acc << 8) | o);
    let mask = u32::MAX << (32 - prefix);
    Ok(((base & mask) + 4, (1u32 << (32 - prefix)) - 5))
}

pub fn format_ip(ip: u32) -> String {
    format!("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255)
}
