//! EC2 instances as AWS names them: ids, private addresses and private DNS names. ECS
//! container instances and EKS nodes are both EC2 instances launched through here.

use super::vpc::format_ip;
use super::Aws;

/// An EC2 instance id: `i-` and 17 hex digits, derived from `seed` so a run is reproducible.
pub fn instance_id(seed: &str) -> String {
    format!("i-{}", crate::scenario::hex_id(seed, 17))
}

/// The private (IP-based) DNS name EC2 gives an instance: `ip-10-0-1-4.ec2.internal` in
/// us-east-1, `ip-10-0-1-4.<region>.compute.internal` elsewhere.
/// <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/hostname-types.html>
pub fn private_dns_name(ip: u32, region: &str) -> String {
    let host = format!("ip-{}", format_ip(ip).replace('.', "-"));
    if region == "us-east-1" {
        format!("{host}.ec2.internal")
    } else {
        format!("{host}.{region}.compute.internal")
    }
}

/// A Spot interruption notice comes two minutes before EC2 takes the capacity back.
pub const SPOT_NOTICE_MS: u64 = 120_000;

/// An instance EC2 launched into a subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launched {
    pub instance_id: String,
    pub instance_type: String,
    pub subnet: usize,
    pub private_ip: u32,
}

impl Aws {
    /// Launches an instance into `subnet`: its id (from `seed` and the launch count, so never
    /// one issued before) and its primary private address, taken from the subnet's book. None
    /// when the subnet has no free address.
    /// The instance is recorded in `launched`.
    pub fn launch_instance(&mut self, seed: &str, instance_type: &str, subnet: usize) -> Option<&Launched> {
        let private_ip = self.vpc.allocate_ip(subnet)?;
        self.launches += 1;
        let id = instance_id(&format!("{seed}@{}", self.launches));
        self.launched.push(Launched { instance_id: id, instance_type: instance_type.to_string(), subnet, private_ip });
        self.launched.last()
    }

    /// Terminates the instance holding `private_ip` (a node scaled in): it leaves `launched`
    /// and its address goes back to the subnet's book, with the /28 prefixes its ENIs held
    /// (`eni_prefixes`). None when no such instance runs.
    /// <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/terminating-instances.html>
    pub fn terminate_instance(&mut self, private_ip: u32) -> Option<Launched> {
        let k = self.launched.iter().position(|l| l.private_ip == private_ip)?;
        let gone = self.launched.remove(k);
        self.vpc.release_ip(gone.subnet, gone.private_ip);
        self.release_instance_prefixes(private_ip);
        Some(gone)
    }
}
