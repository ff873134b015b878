//! Provisioning (KARP concepts/scheduling.md; pkg/providers/instance/instance.go): pending
//! pods are bin-packed, largest first, into NodeClaims; each claim keeps every offering that
//! still fits all its pods and launches the cheapest (CreateFleet `lowest-price`; for Spot
//! we also take the cheapest, standing in for `price-capacity-optimized`).

use crate::sort::SortSmall;
use super::instance_types::{exotic, Offering};
use super::NodePool;
use crate::eks::objects::Effect;
use crate::eks::scheduler::node_affinity::required_matches;
use crate::eks::scheduler::state::PodInfo;

/// `maxInstanceTypes`: the AWS provider sends at most 60 types in one CreateFleet.
pub const MAX_INSTANCE_TYPES: usize = 60;

#[derive(Debug, Clone, PartialEq)]
pub struct NodeClaim {
    pub pool: usize,
    /// The offering launched: the cheapest that fits every pod.
    pub offering: Offering,
    /// The types the CreateFleet request would list (cheapest first, at most 60).
    pub instance_types: Vec<&'static str>,
    /// Indices into the pending list.
    pub pods: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProvisionResult {
    pub claims: Vec<NodeClaim>,
    /// Pods no NodePool can take, with why.
    pub unschedulable: Vec<(usize, String)>,
}

/// Per pool: what it has launched already (cpu m, memory bytes), for `spec.limits`.
pub type Usage = (i64, i64);

struct Open {
    pool: usize,
    options: Vec<usize>,
    pods: Vec<usize>,
    cpu: i64,
    memory: i64,
}

fn tolerates(pod: &PodInfo, pool: &NodePool) -> bool {
    pool.taints.iter().all(|t| t.effect == Effect::PreferNoSchedule || pod.spec.tolerations.iter().any(|tol| tol.tolerates(t)))
}

fn fits(o: &Offering, cpu: i64, memory: i64, pods: usize) -> bool {
    cpu <= o.allocatable_cpu && memory <= o.allocatable_memory && pods as i64 <= o.max_pods
}

/// Plans NodeClaims for `pending`. `offerings[i]` are pool i's offerings (cheapest first,
/// from `instance_types::offerings`); `daemon` the DaemonSet pods every node runs.
pub fn provision(pending: &[PodInfo], pools: &[NodePool], offerings: &[Vec<Offering>], usage: &[Usage], daemon: &[PodInfo]) -> ProvisionResult {
    let (ds_cpu, ds_mem) = daemon.iter().fold((0, 0), |a, p| (a.0 + p.requests.cpu, a.1 + p.requests.memory));
    let mut order: Vec<usize> = (0..pending.len()).collect();
    order.sort_small_by(|&a, &b| {
        let (pa, pb) = (&pending[a].requests, &pending[b].requests);
        pb.cpu.cmp(&pa.cpu).then(pb.memory.cmp(&pa.memory)).then(a.cmp(&b))
    });
    // Highest weight first, then name.
    let mut pool_order: Vec<usize> = (0..pools.len()).collect();
    pool_order.sort_small_by(|&a, &b| pools[b].weight.cmp(&pools[a].weight).then(pools[a].name.cmp(&pools[b].name)));
    let mut used: Vec<Usage> = (0..pools.len()).map(|i| usage.get(i).copied().unwrap_or((0, 0))).collect();
    let mut open: Vec<Open> = Vec::new();
    let mut out = ProvisionResult::default();
    for pi in order {
        let p = &pending[pi];
        let wants_accelerator = p.requests.extended.iter().any(|(_, v)| *v > 0);
        let compatible = |pool: usize, o: &Offering| required_matches(p, &o.labels) && (wants_accelerator || !exotic(o.instance_type)) && tolerates(p, &pools[pool]);
        // An open claim that can take it, narrowing its options.
        let mut placed = false;
        for c in open.iter_mut() {
            let (cpu, mem, n) = (c.cpu + p.requests.cpu, c.memory + p.requests.memory, c.pods.len() + 1 + daemon.len());
            let keep: Vec<usize> = c.options.iter().copied().filter(|&k| {
                let o = &offerings[c.pool][k];
                compatible(c.pool, o) && fits(o, cpu, mem, n)
            }).collect();
            if !keep.is_empty() {
                c.options = keep;
                c.pods.push(pi);
                c.cpu = cpu;
                c.memory = mem;
                placed = true;
                break;
            }
        }
        if placed {
            continue;
        }
        let mut why = Vec::new();
        for &pool in &pool_order {
            let np = &pools[pool];
            let (cpu, mem) = (ds_cpu + p.requests.cpu, ds_mem + p.requests.memory);
            let in_flight: Usage = open.iter().filter(|c| c.pool == pool).fold((0, 0), |a, c| {
                let o = &offerings[pool][c.options[0]];
                (a.0 + o.vcpus as i64 * 1000, a.1 + o.capacity_memory)
            });
            let options: Vec<usize> = offerings.get(pool).map_or(&[][..], |v| v.as_slice()).iter().enumerate().filter(|(_, o)| {
                let over_cpu = np.limit_cpu_m.is_some_and(|l| used[pool].0 + in_flight.0 + o.vcpus as i64 * 1000 > l);
                let over_mem = np.limit_memory.is_some_and(|l| used[pool].1 + in_flight.1 + o.capacity_memory > l);
                compatible(pool, o) && fits(o, cpu, mem, 1 + daemon.len()) && !over_cpu && !over_mem
            }).map(|(k, _)| k).collect();
            if options.is_empty() {
                why.push(format!("incompatible with nodepool \"{}\"", np.name));
                continue;
            }
            open.push(Open { pool, options, pods: vec![pi], cpu, memory: mem });
            placed = true;
            break;
        }
        if !placed {
            let msg = if why.is_empty() { "no nodepools found".to_string() } else { why.join(", ") };
            out.unschedulable.push((pi, format!("could not schedule pod, {msg}")));
        }
    }
    for c in open {
        let offering = offerings[c.pool][c.options[0]].clone();
        used[c.pool].0 += offering.vcpus as i64 * 1000;
        used[c.pool].1 += offering.capacity_memory;
        let mut types: Vec<&'static str> = Vec::new();
        for &k in &c.options {
            let t = offerings[c.pool][k].instance_type;
            if !types.contains(&t) && types.len() < MAX_INSTANCE_TYPES {
                types.push(t);
            }
        }
        let mut pods = c.pods;
        pods.sort_unstable();
        out.claims.push(NodeClaim { pool: c.pool, offering, instance_types: types, pods });
    }
    out
}

/// The node a launched NodeClaim registers as: the offering's labels (well-known, pool labels,
/// `karpenter.sh/nodepool`, capacity type, zone) plus the hostname, the pool's taints, and the
/// EKS AMI's allocatable.
pub fn node(claim: &NodeClaim, pool: &NodePool, name: &str, ip: &str) -> crate::eks::nodes::Node {
    let o = &claim.offering;
    let mut labels = o.labels.clone();
    labels.insert("kubernetes.io/hostname".into(), name.into());
    let capacity = crate::eks::objects::Resources { cpu: o.vcpus as i64 * 1000, memory: o.capacity_memory, ephemeral: 20 << 30, extended: Vec::new() };
    let allocatable = crate::eks::objects::Resources { cpu: o.allocatable_cpu, memory: o.allocatable_memory, ephemeral: 18 << 30, extended: Vec::new() };
    crate::eks::nodes::Node {
        name: name.into(),
        labels,
        taints: pool.taints.clone(),
        unschedulable: false,
        instance_type: o.instance_type.into(),
        zone: o.zone.clone(),
        node_group: format!("karpenter/{}", pool.name),
        internal_ip: ip.into(),
        capacity,
        allocatable,
        max_pods: o.max_pods,
    }
}
