//! NodeUnschedulable (filter): a cordoned node (`spec.unschedulable`) takes only pods that
//! tolerate `node.kubernetes.io/unschedulable:NoSchedule`.

use super::decision::Reject;
use super::state::{NodeInfo, PodInfo};
use crate::eks::objects::{Effect, Taint};

pub const NAME: &str = "NodeUnschedulable";

pub fn filter(pod: &PodInfo, n: &NodeInfo) -> Result<(), Reject> {
    if !n.node.unschedulable {
        return Ok(());
    }
    let taint = Taint { key: "node.kubernetes.io/unschedulable".into(), value: String::new(), effect: Effect::NoSchedule };
    if pod.spec.tolerations.iter().any(|t| t.tolerates(&taint)) {
        return Ok(());
    }
    Err(Reject::one(NAME, "node(s) were unschedulable", true))
}
