//! Nodes from eksctl node groups: EC2 instances from the shared catalogue, launched through the
//! substrate (`substrate::Aws`: instance ids, private IPs from the VPC's subnets; each node
//! group is an EC2 Auto Scaling group there, which picks every launch's zone), with the
//! labels, allocatable and max pods an EKS-optimised AMI node registers (eks-semantics §1.12,
//! §5.1).

use crate::sort::SortSmall;
use crate::catalog::instance_types;
use crate::substrate::{auto_scaling::AutoScalingGroup, ec2, vpc::format_ip, Aws};
use crate::eks::objects::{ClusterConfig, NodeGroup, Resources, Taint};
use crate::eks::selector::Labels;
use crate::eks::vpc_cni;

const MIB: i64 = 1024 * 1024;
const GIB: i64 = 1024 * MIB;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: String,
    pub labels: Labels,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
    pub instance_type: String,
    pub zone: String,
    pub node_group: String,
    pub internal_ip: String,
    pub capacity: Resources,
    pub allocatable: Resources,
    pub max_pods: i64,
}

/// kube-reserved cpu (m): 6% of the first core, 1% of the second, 0.5% of cores 3–4 and 0.25%
/// of every core above 4 (EKSAMI bootstrap.sh `get_cpu_millicores_to_reserve`). Computed in
/// tenths of a millicore and rounded down (odd core counts above 4 give a half millicore).
pub fn cpu_reserved_m(vcpus: u32) -> i64 {
    let v = vcpus as i64;
    let tenths = 600 * v.min(1) + 100 * (v - 1).clamp(0, 1) + 50 * (v - 2).clamp(0, 2) + 25 * (v - 4).max(0);
    tenths / 10
}

/// kube-reserved memory (MiB) = 11 × maxPods + 255 (EKSAMI bootstrap.sh).
pub fn memory_reserved_mib(max_pods: i64) -> i64 {
    11 * max_pods + 255
}

/// kubelet eviction-hard `memory.available<100Mi`.
pub const EVICTION_MEMORY_MIB: i64 = 100;

/// Launches one node group's `desiredCapacity` nodes through its Auto Scaling group
/// (`node_group_asg`): each goes to the zone the group picks (the fewest of its instances;
/// from empty that is round its zones in order), an EC2 instance in that zone's private
/// subnet of `aws`'s VPC. A full subnet launches nothing.
pub fn node_group_nodes(cluster: &ClusterConfig, g: &NodeGroup, aws: &mut Aws) -> Vec<Node> {
    let Some(gi) = node_group_asg(cluster, g, aws) else { return Vec::new() };
    (0..g.desired.max(0) as usize)
        .filter_map(|k| {
            let z = aws.auto_scaling[gi].launch_zone(|_| true)?;
            let zone = aws.auto_scaling[gi].zones[z].clone();
            launch_node(cluster, g, &zone, k, 0, aws)
        })
        .collect()
}

/// The node group's EC2 Auto Scaling group in `aws` (made on first use): eksctl's
/// `minSize`/`maxSize`/`desiredCapacity` become MinSize/MaxSize/DesiredCapacity, and its
/// zones are the group's zones that have a subnet (an ASG spans its VPCZoneIdentifier's
/// subnets). The group is keyed by the node group's name. None: the group's instance type
/// is unknown to the catalogue.
pub fn node_group_asg(cluster: &ClusterConfig, g: &NodeGroup, aws: &mut Aws) -> Option<usize> {
    instance_types::lookup(g.instance_types.first().map(String::as_str).unwrap_or("m5.large"))?;
    if let Some(k) = aws.auto_scaling.iter().position(|a| a.name == g.name) {
        return Some(k);
    }
    let zones: Vec<String> = group_zones(cluster, g).into_iter().filter(|z| aws.subnet_in(z).is_some()).collect();
    let (min, max) = (g.min.max(0) as u32, g.max.max(g.min).max(0) as u32);
    // The manifest reader already refused a desiredCapacity outside minSize..maxSize.
    let group = AutoScalingGroup::new(&g.name, min, max, (g.desired.max(0) as u32).clamp(min, max), zones).ok()?;
    aws.auto_scaling.push(group);
    Some(aws.auto_scaling.len() - 1)
}

/// One node of group `g` launched in `zone` at `at_s` (its instance joins the group's ASG).
/// `k` seeds the instance id with the launch count. None: no subnet there, or it is full.
pub fn launch_node(cluster: &ClusterConfig, g: &NodeGroup, zone: &str, k: usize, at_s: i64, aws: &mut Aws) -> Option<Node> {
    // A group with several instanceTypes launches its first type: on-demand allocation is
    // "prioritized" (list order); Spot's capacity-optimised choice has no public rule to model.
    let ty = g.instance_types.first().map(String::as_str).unwrap_or("m5.large");
    let it = instance_types::lookup(ty)?;
    let max_pods = if cluster.prefix_delegation {
        vpc_cni::max_pods_with_prefixes(it.name, it.vcpus, g.max_pods_per_node)
    } else {
        vpc_cni::max_pods(it.name, it.vcpus, g.managed, g.max_pods_per_node)
    };
    // capacity.memory is what the OS reports, below the nominal size; we reuse the catalogue's
    // OS-visible estimate shared with ECS (eks-semantics §12.8: exact figure unverified).
    let mem_capacity = it.registered_memory_mib() as i64 * MIB;
    let capacity = Resources { cpu: it.vcpus as i64 * 1000, memory: mem_capacity, ephemeral: g.volume_size_gib * GIB, extended: Vec::new() };
    let allocatable = Resources {
        cpu: capacity.cpu - cpu_reserved_m(it.vcpus),
        memory: mem_capacity - (memory_reserved_mib(max_pods) + EVICTION_MEMORY_MIB) * MIB,
        // kubelet's default eviction threshold nodefs.available<10%.
        ephemeral: capacity.ephemeral - capacity.ephemeral / 10,
        extended: Vec::new(),
    };
    let capacity_type = if g.spot { "SPOT" } else { "ON_DEMAND" };
    let subnet = aws.subnet_in(zone)?;
    let launched = aws.launch_instance(&format!("{}/{}#{k}", cluster.name, g.name), it.name, subnet)?.clone();
    if let Some(gi) = node_group_asg(cluster, g, aws) {
        let (group, start) = (&mut aws.auto_scaling[gi], aws.start_unix_s);
        let z = group.zones.iter().position(|x| x == zone).unwrap_or(usize::MAX);
        group.attach(&launched.instance_id, z, false, at_s.max(0) as u64 * 1000, start);
    }
    let ip = format_ip(launched.private_ip);
    let name = ec2::private_dns_name(launched.private_ip, &cluster.region);
    let mut labels = g.labels.clone();
    for (k2, v) in [
        ("kubernetes.io/hostname", name.as_str()),
        ("kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", if it.arm64 { "arm64" } else { "amd64" }),
        ("node.kubernetes.io/instance-type", it.name),
        ("topology.kubernetes.io/region", cluster.region.as_str()),
        ("topology.kubernetes.io/zone", zone),
        ("alpha.eksctl.io/nodegroup-name", g.name.as_str()),
        ("alpha.eksctl.io/cluster-name", cluster.name.as_str()),
    ] {
        labels.insert(k2.into(), v.into());
    }
    if g.managed {
        // Only managed node groups carry the eks.amazonaws.com labels.
        labels.insert("eks.amazonaws.com/nodegroup".into(), g.name.clone());
        labels.insert("eks.amazonaws.com/capacityType".into(), capacity_type.into());
    }
    Some(Node {
        name,
        labels,
        taints: g.taints.clone(),
        unschedulable: false,
        instance_type: it.name.into(),
        zone: zone.to_string(),
        node_group: g.name.clone(),
        internal_ip: ip,
        capacity: capacity.clone(),
        allocatable: Resources { cpu: allocatable.cpu.max(0), memory: allocatable.memory.max(0), ..allocatable.clone() },
        max_pods,
    })
}

/// The group's zones, else the cluster's, else the region's a/b/c (eksctl picks zones itself).
/// The zones a group's instances go to: its own, else the cluster's, else `<region>a–c`.
pub(crate) fn group_zones(cluster: &ClusterConfig, g: &NodeGroup) -> Vec<String> {
    if !g.availability_zones.is_empty() {
        return g.availability_zones.clone();
    }
    if !cluster.availability_zones.is_empty() {
        return cluster.availability_zones.clone();
    }
    ["a", "b", "c"].iter().map(|s| format!("{}{s}", cluster.region)).collect()
}

/// The zones the cluster's VPC spans: the cluster's, then any a group names, in order.
fn cluster_zones(cluster: &ClusterConfig) -> Vec<String> {
    let mut zones = cluster.availability_zones.clone();
    for g in &cluster.node_groups {
        for z in group_zones(cluster, g) {
            if !zones.contains(&z) {
                zones.push(z);
            }
        }
    }
    zones
}

/// The AWS a cluster runs on: its `vpc.subnets`, else eksctl's default VPC over its zones.
pub fn cluster_aws(cluster: &ClusterConfig) -> Aws {
    if !cluster.subnets.is_empty() {
        return Aws::new(cluster.subnets.clone());
    }
    Aws::eksctl(&cluster_zones(cluster))
}

/// Every node of every group, launched in `aws`, sorted by name (the scheduler's stable node
/// order).
pub fn cluster_nodes_on(cluster: &ClusterConfig, aws: &mut Aws) -> Vec<Node> {
    let mut nodes = Vec::new();
    for g in &cluster.node_groups {
        nodes.extend(node_group_nodes(cluster, g, aws));
    }
    nodes.sort_small_by(|a, b| a.name.cmp(&b.name));
    nodes
}

/// `cluster_nodes_on` a fresh `cluster_aws`.
pub fn cluster_nodes(cluster: &ClusterConfig) -> Vec<Node> {
    cluster_nodes_on(cluster, &mut cluster_aws(cluster))
}

/// A pod's IP: the VPC CNI gives each pod a secondary address from its node's subnet
/// (eks-semantics §5.2: the node's subnet unless custom networking). None when it is full.
pub fn pod_ip(aws: &mut Aws, node: &Node) -> Option<String> {
    let subnet = aws.subnet_in(&node.zone)?;
    aws.vpc.allocate_ip(subnet).map(format_ip)
}
