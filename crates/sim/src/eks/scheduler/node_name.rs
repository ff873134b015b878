//! NodeName (filter): a pod with `spec.nodeName` fits only that node.

use super::decision::Reject;
use super::state::{NodeInfo, PodInfo};

pub const NAME: &str = "NodeName";

pub fn filter(pod: &PodInfo, n: &NodeInfo) -> Result<(), Reject> {
    match &pod.spec.node_name {
        Some(want) if *want != n.node.name => Err(Reject::one(NAME, "node(s) didn't match the requested node name", true)),
        _ => Ok(()),
    }
}
