//! Karpenter's `karpenter.sh/v1` NodeClaims in the `List` report and `kubectl get nodeclaims`
//! (printer columns NAME, TYPE, CAPACITY, ZONE, NODE, READY, AGE; `-o wide` adds IMAGEID, ID,
//! NODEPOOL, NODECLASS, DRIFTED: kubernetes-sigs/karpenter pkg/apis/v1/nodeclaim.go @22664681).
//! A claim deleted with its node is no longer listed; one draining carries
//! `metadata.deletionTimestamp`. Annotations `karpenter.sh/nodepool-hash` and
//! `karpenter.k8s.aws/ec2nodeclass-hash` (with their `-version`s) record what it was launched
//! under; status condition `Drifted` (reason = message, as Karpenter sets it) once it drifted.

use super::engine::karpenter_engine::Claim;
use super::karpenter::drift::{self, NODECLASS_HASH, NODECLASS_HASH_VERSION, NODECLASS_HASH_VERSION_VALUE, NODEPOOL_HASH, NODEPOOL_HASH_VERSION, NODEPOOL_HASH_VERSION_VALUE};
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
        "annotations": {
            NODEPOOL_HASH: c.launch.pool_hash,
            NODEPOOL_HASH_VERSION: NODEPOOL_HASH_VERSION_VALUE,
            NODECLASS_HASH: c.launch.class_hash,
            NODECLASS_HASH_VERSION: NODECLASS_HASH_VERSION_VALUE,
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
    if let Some((reason, since)) = c.drifted {
        conditions.push(json!({"type": "Drifted", "status": "True", "reason": reason, "message": reason, "lastTransitionTime": format_iso(start_unix_s + since)}));
    }
    let mut status = json!({
        "capacity": {"cpu": o.vcpus.to_string(), "memory": format!("{}Mi", o.capacity_memory >> 20), "pods": o.max_pods.to_string()},
        "allocatable": {"cpu": format!("{}m", o.allocatable_cpu), "memory": format!("{}Mi", o.allocatable_memory >> 20), "pods": o.max_pods.to_string()},
        "conditions": conditions,
    });
    if let Some(n) = &c.node_name {
        status["nodeName"] = json!(n);
        status["imageID"] = json!(image_id(&c.launch.ami_terms));
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

/// The AMI a claim's `amiSelectorTerms` resolved to. Ours: the sim resolves no images, so an ID
/// is made from the terms (new terms, new image).
fn image_id(terms: &[String]) -> String {
    let h = drift::canonical(&Value::Array(terms.iter().map(|t| Value::String(t.clone())).collect()));
    let n: u64 = h.bytes().fold(0xcbf2_9ce4_8422_2325u64, |a, b| (a ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    format!("ami-0{:016x}", n)
}

/// `kubectl get nodeclaims [-o wide]`.
pub fn get_node_claims(items: &[Value], now_unix_s: i64, wide: bool) -> String {
    let mut head = vec!["NAME", "TYPE", "CAPACITY", "ZONE", "NODE", "READY", "AGE"];
    if wide {
        head.extend(["IMAGEID", "ID", "NODEPOOL", "NODECLASS", "DRIFTED"]);
    }
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    for c in items.iter().filter(|i| i["kind"] == "NodeClaim") {
        let l = &c["metadata"]["labels"];
        let cond = |t: &str| c["status"]["conditions"].as_array().and_then(|cs| cs.iter().find(|x| x["type"] == t)).map_or(String::new(), |x| s(&x["status"]));
        let mut row = vec![s(&c["metadata"]["name"]), s(&l["node.kubernetes.io/instance-type"]), s(&l["karpenter.sh/capacity-type"]), s(&l["topology.kubernetes.io/zone"]), s(&c["status"]["nodeName"]), cond("Ready"), age_of(c, now_unix_s)];
        if wide {
            row.extend([s(&c["status"]["imageID"]), s(&c["status"]["providerID"]), s(&l["karpenter.sh/nodepool"]), s(&c["spec"]["nodeClassRef"]["name"]), cond("Drifted")]);
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return "No resources found\n".into();
    }
    table(rows)
}
