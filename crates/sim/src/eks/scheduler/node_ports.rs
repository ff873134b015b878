//! NodePorts (filter): a `hostPort` already taken on the node (same protocol and port, and
//! the same or a wildcard host IP) rejects the node.

use super::decision::Reject;
use super::state::{NodeInfo, PodInfo};
use crate::eks::objects::HostPort;

pub const NAME: &str = "NodePorts";

fn wildcard(ip: &str) -> bool {
    ip.is_empty() || ip == "0.0.0.0"
}

fn conflicts(a: &HostPort, b: &HostPort) -> bool {
    a.port == b.port && a.protocol == b.protocol && (wildcard(&a.ip) || wildcard(&b.ip) || a.ip == b.ip)
}

pub fn filter(pod: &PodInfo, n: &NodeInfo) -> Result<(), Reject> {
    if pod.spec.host_ports.iter().any(|p| n.ports.iter().any(|q| conflicts(p, q))) {
        return Err(Reject::one(NAME, "node(s) didn't have free ports for the requested pod ports", false));
    }
    Ok(())
}
