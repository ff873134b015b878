//! The /28 prefixes (16 addresses) an instance's ENIs hold under the VPC CNI's prefix
//! delegation, per instance: taken from its subnet as its pods need addresses, and all given
//! back when the instance terminates (EC2 deletes an instance's ENIs with it, and their
//! prefixes and secondary addresses return to the subnet —
//! <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-prefix-eni.html>,
//! <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/terminating-instances.html>), so nodes
//! coming and going for days never exhaust the subnet.

use super::Aws;
use std::collections::BTreeMap;

/// One instance's prefixes: its subnet and, per /28, (first address, which of the 16 are in use).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstancePrefixes {
    pub subnet: usize,
    pub blocks: Vec<(u32, u16)>,
}

/// Every instance's prefixes, keyed by its primary private address.
pub type EniPrefixes = BTreeMap<u32, InstancePrefixes>;

impl Aws {
    /// An address for a pod in one of the instance's prefixes, taking a new /28 from `subnet`
    /// when every one it holds is full. None when the subnet has no free aligned /28 left.
    pub fn lease_prefix_address(&mut self, instance_ip: u32, subnet: usize) -> Option<u32> {
        let held = self.eni_prefixes.entry(instance_ip).or_insert_with(|| InstancePrefixes { subnet, blocks: Vec::new() });
        if let Some((base, used)) = held.blocks.iter_mut().find(|(_, used)| *used != u16::MAX) {
            let k = (!*used).trailing_zeros();
            *used |= 1 << k;
            return Some(*base + k);
        }
        let base = self.vpc.allocate_prefix(subnet)?;
        held.blocks.push((base, 1));
        Some(base)
    }

    /// Gives back a pod's address; false when it is in none of the instance's prefixes (a
    /// secondary address: the caller returns it to the subnet). An emptied prefix goes back to
    /// the subnet unless it is the instance's only wholly free one (`WARM_PREFIX_TARGET` 1).
    pub fn release_prefix_address(&mut self, instance_ip: u32, ip: u32) -> bool {
        let Some(held) = self.eni_prefixes.get_mut(&instance_ip) else { return false };
        let Some(k) = held.blocks.iter().position(|(b, _)| (*b..*b + 16).contains(&ip)) else { return false };
        held.blocks[k].1 &= !(1u16 << (ip - held.blocks[k].0));
        if held.blocks[k].1 == 0 && held.blocks.iter().filter(|(_, u)| *u == 0).count() > 1 {
            let (base, _) = held.blocks.remove(k);
            let subnet = held.subnet;
            self.vpc.release_prefix(subnet, base);
        }
        true
    }

    /// Every prefix the instance holds goes back to its subnet (the instance terminated, or
    /// EC2 took it back). Addresses pods still had in them are free with it.
    pub fn release_instance_prefixes(&mut self, instance_ip: u32) {
        if let Some(held) = self.eni_prefixes.remove(&instance_ip) {
            for (base, _) in held.blocks {
                self.vpc.release_prefix(held.subnet, base);
            }
        }
    }

    /// Addresses held in prefixes, over all instances (a test's and a report's view).
    pub fn prefixes_held(&self) -> usize {
        self.eni_prefixes.values().map(|h| h.blocks.len()).sum()
    }
}
