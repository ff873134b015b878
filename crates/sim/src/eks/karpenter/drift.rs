//! Drift (eks-semantics §4.2; KARP concepts/disruption.md "Drift"): a NodeClaim whose launch no
//! longer matches its NodePool or EC2NodeClass is marked `Drifted` and replaced. Reasons and the
//! order they are checked in follow kubernetes-sigs/karpenter
//! pkg/controllers/nodeclaim/disruption/drift.go and aws/karpenter-provider-aws
//! pkg/cloudprovider/drift.go (mirrors 22664681, 1d927085, 2026-08): the NodePool's static hash
//! (`NodePoolDrifted`), its requirements against the NodeClaim's labels (`RequirementsDrifted`),
//! then the EC2NodeClass's static hash (`NodeClassDrift`), its AMIs (`AMIDrift`), security
//! groups (`SecurityGroupDrift`) and subnets (`SubnetDrift`). Behavioural fields (`weight`,
//! `limits`, `disruption`) are outside every hash and never drift.
//!
//! Our choices, as the sim resolves no selector terms to real IDs: a changed `amiSelectorTerms`
//! resolves to another newest image (AMIDrift); security groups must equal the resolved set
//! (Karpenter compares sets), so any change is SecurityGroupDrift; a subnet term the NodeClaim
//! launched under that is gone is SubnetDrift (terms are ORed: an added term only widens the
//! set, the instance's subnet is still in it). The hashes are FNV-1a 64 of a canonical form, in
//! decimal like Karpenter's: the same fields, not the same numbers.

use super::{Ec2NodeClass, NodePool};
use crate::sort::SortSmall;
use crate::eks::selector::Labels;
use serde_json::Value;

/// `karpenter.sh/nodepool-hash` / `-hash-version` (pkg/apis/v1/labels.go, nodepool.go: v3).
pub const NODEPOOL_HASH: &str = "karpenter.sh/nodepool-hash";
pub const NODEPOOL_HASH_VERSION: &str = "karpenter.sh/nodepool-hash-version";
pub const NODEPOOL_HASH_VERSION_VALUE: &str = "v3";
/// `karpenter.k8s.aws/ec2nodeclass-hash` / `-hash-version` (provider pkg/apis/v1: v6).
pub const NODECLASS_HASH: &str = "karpenter.k8s.aws/ec2nodeclass-hash";
pub const NODECLASS_HASH_VERSION: &str = "karpenter.k8s.aws/ec2nodeclass-hash-version";
pub const NODECLASS_HASH_VERSION_VALUE: &str = "v6";

/// EC2NodeClass spec fields outside its hash (`hash:"ignore"` in the provider's ec2nodeclass.go).
const CLASS_UNHASHED: &[&str] = &["subnetSelectorTerms", "securityGroupSelectorTerms", "capacityReservationSelectorTerms", "ipPrefixCount", "amiSelectorTerms", "amiFamily", "kubelet"];

/// JSON with object keys sorted and arrays as sets (hashstructure's `SlicesAsSets`).
pub fn canonical(v: &Value) -> String {
    match v {
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort_small();
            let parts: Vec<String> = keys.iter().filter(|k| !o[k.as_str()].is_null()).map(|k| format!("{}:{}", Value::String((*k).clone()), canonical(&o[k.as_str()]))).collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => {
            let mut parts: Vec<String> = a.iter().map(canonical).collect();
            parts.sort_small();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}

fn fnv(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h.to_string()
}

/// The NodePool's `spec.template` without `spec.requirements`, `expireAfter` defaulted to 720h
/// (the API server applies the default before Karpenter hashes).
pub fn pool_hash(template: &Value) -> String {
    let mut t = template.clone();
    if let Some(s) = t.get_mut("spec").and_then(Value::as_object_mut) {
        s.remove("requirements");
        s.entry("expireAfter").or_insert_with(|| Value::String("720h".into()));
    }
    fnv(&canonical(&t))
}

/// The EC2NodeClass's spec without its selector terms and other unhashed fields.
pub fn class_hash(spec: &Value) -> String {
    let mut s = spec.clone();
    if let Some(o) = s.as_object_mut() {
        for k in CLASS_UNHASHED {
            o.remove(*k);
        }
    }
    fnv(&canonical(&s))
}

/// What a NodeClaim was launched under, for drift.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Launch {
    pub pool_hash: String,
    pub class_hash: String,
    pub ami_terms: Vec<String>,
    pub subnet_terms: Vec<String>,
    pub security_group_terms: Vec<String>,
}

impl Launch {
    pub fn of(pool: &NodePool, class: Option<&Ec2NodeClass>) -> Launch {
        let c = class.cloned().unwrap_or_default();
        Launch { pool_hash: pool.hash.clone(), class_hash: c.hash, ami_terms: c.ami_terms, subnet_terms: c.subnet_terms, security_group_terms: c.security_group_terms }
    }
}

/// Why the NodeClaim (launched as `l`, labelled `labels`) drifted from `pool` and `class`, in
/// Karpenter's order; None: it still matches.
pub fn drift_reason(l: &Launch, labels: &Labels, pool: &NodePool, class: Option<&Ec2NodeClass>) -> Option<&'static str> {
    if l.pool_hash != pool.hash {
        return Some("NodePoolDrifted");
    }
    if !pool.requirements.iter().all(|r| r.matches(labels)) {
        return Some("RequirementsDrifted");
    }
    let c = class?;
    // Terms are a handful: compared as sets without sorting.
    let same_set = |a: &[String], b: &[String]| a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x));
    if l.class_hash != c.hash {
        Some("NodeClassDrift")
    } else if !same_set(&l.ami_terms, &c.ami_terms) {
        Some("AMIDrift")
    } else if !same_set(&l.security_group_terms, &c.security_group_terms) {
        Some("SecurityGroupDrift")
    } else if !l.subnet_terms.iter().all(|t| c.subnet_terms.contains(t)) {
        Some("SubnetDrift")
    } else {
        None
    }
}

/// What replacing one drifted node takes (pkg/controllers/disruption/drift.go: simulate
/// rescheduling its pods).
#[derive(Debug, Clone, PartialEq)]
pub enum DriftPlan {
    /// Every pod fits on the other nodes: taint and drain at once.
    Delete,
    /// Launch these first and wait for them to be Ready, then drain.
    Replace(Vec<super::provision::NodeClaim>),
    /// A pod has nowhere to go (the `DisruptionBlocked` message).
    Blocked(String),
}

/// `pods` (indices into `state.pods`) leave `node`; the nodes in `gone` are going too. Pods that
/// fit nowhere else are provisioned for as pending pods are (every pool, by weight, its new
/// spec).
#[allow(clippy::too_many_arguments)]
pub fn plan(node: usize, pods: &[usize], gone: &[usize], state: &crate::eks::scheduler::state::ClusterState, pools: &[NodePool], offerings: &[Vec<super::instance_types::Offering>], usage: &[(i64, i64)], daemon: &[crate::eks::scheduler::state::PodInfo]) -> DriftPlan {
    let mut extra = vec![(0i64, 0i64, 0i64); state.nodes.len()];
    let mut homeless = Vec::new();
    for &i in pods {
        let p = &state.pods[i].pod;
        let dest = (0..state.nodes.len()).find(|&d| d != node && !gone.contains(&d) && super::disruption::fits(p, &state.nodes[d], extra[d]));
        match dest {
            Some(d) => {
                extra[d].0 += p.requests.cpu;
                extra[d].1 += p.requests.memory;
                extra[d].2 += 1;
            }
            None => homeless.push(p.clone()),
        }
    }
    if homeless.is_empty() {
        return DriftPlan::Delete;
    }
    let out = super::provision::provision(&homeless, pools, offerings, usage, daemon);
    match out.unschedulable.first() {
        // Our wording: Karpenter's is its scheduler's error sentence for the pod.
        Some((pi, why)) => DriftPlan::Blocked(format!("Pod {:?} can't be rescheduled: {why}", format!("{}/{}", homeless[*pi].namespace, homeless[*pi].name))),
        None => DriftPlan::Replace(out.claims),
    }
}
