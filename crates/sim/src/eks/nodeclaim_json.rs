//! Karpenter's `karpenter.sh/v1` NodeClaims in the `List` report and `kubectl get nodeclaims`
//! (printer columns NAME, TYPE, CAPACITY, ZONE, NODE, READY, AGE). A claim deleted with its
//! node is no longer listed; one draining carries `metadata.deletionTimestamp`.

use super::engine::karpenter_engine::Claim;
use super::kubectl::{age_of, table};
use crate::time::format_iso;
use serde_json::{json, Value};

pub fn node_claim_json(c: &Claim, start_unix_s: i64) -> Value {
    let o = &c.offering;
    let mut meta = json!({
        "name": c.name,
        "labels": {
            "karpenter.sh/nodepool": c.pool_name,
            "node.kubernetes.io/instance-type": o.instance_type,
            "karpenter.sh/capacity-type": o.capacity_type.as_str(),
            "topology.kubernetes.io/zone": o.zone,
        },
        "creationTimestamp": format_iso(start_unix_s + c.created_s),
    });
    if let Some(t) = c.deleting_s {
        meta["deletionTimestamp"] = json!(format_iso(start_unix_s + t));
    }
    let mut conditions = vec![json!({"type": "Launched", "status": if c.ip.is_some() { "True" } else { "False" }})];
    let ready = if c.ready_s.is_some() { "True" } else { "Unknown" };
    for t in ["Registered", "Initialized", "Ready"] {
        conditions.push(json!({"type": t, "status": ready}));
    }
    let mut status = json!({
        "capacity": {"cpu": o.vcpus.to_string(), "memory": format!("{}Mi", o.capacity_memory >> 20), "pods": o.max_pods.to_string()},
        "allocatable": {"cpu": format!("{}m", o.allocatable_cpu), "memory": format!("{}Mi", o.allocatable_memory >> 20), "pods": o.max_pods.to_string()},
        "conditions": conditions,
    });
    if let Some(n) = &c.node_name {
        status["nodeName"] = json!(n);
        status["providerID"] = json!(format!("aws:///{}/{}", o.zone, crate::substrate::ec2::instance_id(&format!("karpenter/{}", c.name))));
    }
    json!({
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodeClaim",
        "metadata": meta,
        "spec": {
            "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": c.node_class},
            "requirements": [
                {"key": "karpenter.sh/nodepool", "operator": "In", "values": [c.pool_name]},
                {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": c.instance_types},
            ],
        },
        "status": status,
    })
}

/// `kubectl get nodeclaims`.
pub fn get_node_claims(items: &[Value], now_unix_s: i64) -> String {
    let head = ["NAME", "TYPE", "CAPACITY", "ZONE", "NODE", "READY", "AGE"];
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    for c in items.iter().filter(|i| i["kind"] == "NodeClaim") {
        let l = &c["metadata"]["labels"];
        let ready = c["status"]["conditions"].as_array().and_then(|cs| cs.iter().find(|x| x["type"] == "Ready")).map_or(String::new(), |x| s(&x["status"]));
        rows.push(vec![s(&c["metadata"]["name"]), s(&l["node.kubernetes.io/instance-type"]), s(&l["karpenter.sh/capacity-type"]), s(&l["topology.kubernetes.io/zone"]), s(&c["status"]["nodeName"]), ready, age_of(c, now_unix_s)]);
    }
    if rows.len() == 1 {
        return "No resources found\n".into();
    }
    table(rows)
}
