//! The instance types Karpenter may launch, with the well-known labels its requirements read
//! (`node.kubernetes.io/instance-type`, `karpenter.k8s.aws/instance-*`, `kubernetes.io/arch`,
//! `karpenter.sh/capacity-type`, `topology.kubernetes.io/zone`), and their prices.

use crate::sort::SortSmall;
use super::{CapacityType, NodePool, CAPACITY_TYPE_LABEL};
use crate::catalog::instance_types::{known_names, lookup};
use crate::cost::prices::{ec2_on_demand, ec2_spot, PriceSource};
use crate::eks::nodes::{cpu_reserved_m, memory_reserved_mib, EVICTION_MEMORY_MIB};
use crate::eks::selector::Labels;
use crate::eks::vpc_cni;

/// One launchable offering: type × capacity type × zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Offering {
    pub instance_type: &'static str,
    pub capacity_type: CapacityType,
    pub zone: String,
    pub vcpus: u32,
    pub arm64: bool,
    pub usd_per_hour: f64,
    /// What the node will offer pods (cpu m, memory bytes, pods).
    pub allocatable_cpu: i64,
    pub allocatable_memory: i64,
    pub max_pods: i64,
    /// Nominal memory (bytes), what `spec.limits.memory` counts.
    pub capacity_memory: i64,
    pub labels: Labels,
}

/// Families Karpenter drops when generic types suffice (`filterExoticInstanceTypes`): GPU and
/// accelerator types.
pub fn exotic(name: &str) -> bool {
    ["g2", "g4dn", "g5", "p2", "p3", "inf1"].iter().any(|f| name.split('.').next() == Some(f))
}

fn well_known(name: &str, vcpus: u32, memory_mib: u32, arm64: bool) -> Labels {
    let (family, size) = name.split_once('.').unwrap_or((name, ""));
    let category: String = family.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let generation: String = family.chars().skip(category.len()).take_while(|c| c.is_ascii_digit()).collect();
    let mut l = Labels::new();
    for (k, v) in [
        ("node.kubernetes.io/instance-type", name.to_string()),
        ("karpenter.k8s.aws/instance-family", family.to_string()),
        ("karpenter.k8s.aws/instance-category", category),
        ("karpenter.k8s.aws/instance-generation", generation),
        ("karpenter.k8s.aws/instance-size", size.to_string()),
        ("karpenter.k8s.aws/instance-cpu", vcpus.to_string()),
        ("karpenter.k8s.aws/instance-memory", memory_mib.to_string()),
        ("kubernetes.io/arch", if arm64 { "arm64" } else { "amd64" }.to_string()),
        ("kubernetes.io/os", "linux".to_string()),
    ] {
        l.insert(k.into(), v);
    }
    l
}

/// Every offering the NodePool's requirements allow in `zones`, priced (Spot per pool from the
/// seeded discount), cheapest first. An unset `karpenter.sh/capacity-type` means on-demand.
pub fn offerings(pool: &NodePool, zones: &[String], seed: u64) -> Vec<Offering> {
    let capacity_types: Vec<CapacityType> = {
        let allowed: Vec<CapacityType> = [CapacityType::Spot, CapacityType::OnDemand]
            .into_iter()
            .filter(|c| {
                let mut l = Labels::new();
                l.insert(CAPACITY_TYPE_LABEL.into(), c.as_str().into());
                pool.requirements.iter().filter(|r| r.key == CAPACITY_TYPE_LABEL).all(|r| r.matches(&l))
            })
            .collect();
        if pool.requirements.iter().any(|r| r.key == CAPACITY_TYPE_LABEL) { allowed } else { vec![CapacityType::OnDemand] }
    };
    let mut out = Vec::new();
    for name in known_names() {
        let Some(it) = lookup(&name) else { continue };
        let price_od = ec2_on_demand(it.name);
        // Only sizes AWS sells (a catalogue size priced by family rate does not exist).
        if !matches!(price_od.source, PriceSource::Published { .. }) {
            continue;
        }
        let mut base = well_known(it.name, it.vcpus, it.memory_mib, it.arm64);
        base.extend(pool.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        base.insert(super::NODEPOOL_LABEL.into(), pool.name.clone());
        let max_pods = vpc_cni::max_pods(it.name, it.vcpus, false, None);
        let allocatable_cpu = it.vcpus as i64 * 1000 - cpu_reserved_m(it.vcpus);
        let allocatable_memory = (it.registered_memory_mib() as i64 - memory_reserved_mib(max_pods) - EVICTION_MEMORY_MIB) * (1 << 20);
        for &ct in &capacity_types {
            for z in zones {
                let mut labels = base.clone();
                labels.insert(CAPACITY_TYPE_LABEL.into(), ct.as_str().into());
                labels.insert("topology.kubernetes.io/zone".into(), z.clone());
                if !pool.requirements.iter().all(|r| r.matches(&labels)) {
                    continue;
                }
                let usd_per_hour = match ct {
                    CapacityType::OnDemand => price_od.usd_per_hour,
                    CapacityType::Spot => ec2_spot(it.name, z, seed).usd_per_hour,
                };
                out.push(Offering { instance_type: it.name, capacity_type: ct, zone: z.clone(), vcpus: it.vcpus, arm64: it.arm64, usd_per_hour, allocatable_cpu, allocatable_memory: allocatable_memory.max(0), max_pods, capacity_memory: it.memory_mib as i64 * (1 << 20), labels });
            }
        }
    }
    out.sort_small_by(|a, b| a.usd_per_hour.total_cmp(&b.usd_per_hour).then(a.instance_type.cmp(b.instance_type)).then(a.zone.cmp(&b.zone)));
    out
}
