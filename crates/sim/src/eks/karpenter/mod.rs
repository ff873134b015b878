//! Karpenter (`karpenter.sh/v1` NodePool, `karpenter.k8s.aws/v1` EC2NodeClass; eks-semantics
//! §4.2, KARP website/content/en/docs/concepts/nodepools.md and disruption.md): the cheapest
//! instance that fits the pending pods (`provision`), consolidation under disruption budgets
//! (`disruption`) and Spot interruption handling (`interruption`). Pure: pods, nodes and the
//! time in; NodeClaims to launch and nodes to disrupt out. `drift` says which launches no longer
//! match their NodePool or EC2NodeClass.

pub mod cron;
pub mod disruption;
pub mod drift;
pub mod instance_types;
pub mod interruption;
pub mod provision;

use crate::eks::objects::Taint;
use crate::eks::selector::{Labels, Requirement};

/// Labels Karpenter puts on its nodes.
pub const NODEPOOL_LABEL: &str = "karpenter.sh/nodepool";
pub const CAPACITY_TYPE_LABEL: &str = "karpenter.sh/capacity-type";
/// The taint Karpenter puts on a node it is about to disrupt.
pub const DISRUPTED_TAINT: &str = "karpenter.sh/disrupted";
/// Pod annotation that blocks voluntary disruption of its node.
pub const DO_NOT_DISRUPT: &str = "karpenter.sh/do-not-disrupt";
/// `expireAfter` default: 720h (30 days).
pub const DEFAULT_EXPIRE_AFTER_MS: u64 = 720 * 3_600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CapacityType {
    Spot,
    OnDemand,
}

impl CapacityType {
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityType::Spot => "spot",
            CapacityType::OnDemand => "on-demand",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsolidationPolicy {
    WhenEmptyOrUnderutilized,
    WhenEmpty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Empty,
    Drifted,
    Underutilized,
    /// Forceful (budgets never apply): `expireAfter` elapsed.
    Expired,
    /// Forceful: a Spot interruption warning from the interruption queue.
    Interrupted,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Empty => "Empty",
            Reason::Drifted => "Drifted",
            Reason::Underutilized => "Underutilized",
            Reason::Expired => "Expired",
            Reason::Interrupted => "Interrupted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nodes {
    Count(i64),
    Percent(i64),
}

/// `spec.disruption.budgets[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub nodes: Nodes,
    /// Empty: every reason.
    pub reasons: Vec<Reason>,
    /// Cron in UTC (five fields) and how long the budget is active from each match.
    pub schedule: Option<String>,
    pub duration_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Disruption {
    pub policy: ConsolidationPolicy,
    /// None: `Never`.
    pub consolidate_after_ms: Option<u64>,
    pub budgets: Vec<Budget>,
}

impl Default for Disruption {
    fn default() -> Self {
        // Default budget `nodes: 10%`; consolidateAfter unset is 0s in karpenter.sh/v1.
        Disruption { policy: ConsolidationPolicy::WhenEmptyOrUnderutilized, consolidate_after_ms: Some(0), budgets: vec![Budget { nodes: Nodes::Percent(10), reasons: vec![], schedule: None, duration_ms: None }] }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodePool {
    pub name: String,
    pub labels: Labels,
    pub taints: Vec<Taint>,
    pub startup_taints: Vec<Taint>,
    pub node_class: String,
    pub requirements: Vec<Requirement>,
    /// None: `Never`.
    pub expire_after_ms: Option<u64>,
    pub termination_grace_period_ms: Option<u64>,
    pub disruption: Disruption,
    /// `spec.limits`: cpu in millicores, memory in bytes.
    pub limit_cpu_m: Option<i64>,
    pub limit_memory: Option<i64>,
    pub weight: i64,
    /// `karpenter.sh/nodepool-hash` of `spec.template` (drift::pool_hash).
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ec2NodeClass {
    pub name: String,
    pub role: String,
    pub ami_alias: String,
    pub subnet_selector_terms: usize,
    pub security_group_selector_terms: usize,
    /// Each selector term in canonical JSON (drift::canonical), and the static hash.
    pub ami_terms: Vec<String>,
    pub subnet_terms: Vec<String>,
    pub security_group_terms: Vec<String>,
    pub hash: String,
}
