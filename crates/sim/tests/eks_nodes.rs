//! Nodes from eksctl node groups: allocatable as the EKS AMI reserves it (eks-semantics §1.12),
//! max pods from the VPC CNI formula (§5.1), zones, labels, and the system DaemonSet pods.

use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::nodes::{cpu_reserved_m, memory_reserved_mib};
use stevedore_sim::eks::run::run;

const MIB: i64 = 1024 * 1024;

fn cluster(groups: &str) -> String {
    format!("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: c, region: us-west-2}}\navailabilityZones: [us-west-2a, us-west-2b, us-west-2c]\n{groups}\n")
}

#[test]
fn m5_large_reservation_matches_the_bootstrap_example() {
    // §1.12: m5.large, maxPods 29 ⇒ cpu reserve 60 + 10 = 70m; memory 11 × 29 + 255 = 574 MiB.
    assert_eq!(cpu_reserved_m(2), 70);
    assert_eq!(memory_reserved_mib(29), 574);
    // 6% + 1% + 0.5% × 2 + 0.25% × 4 of 8 cores = 60 + 10 + 10 + 10.
    assert_eq!(cpu_reserved_m(8), 90);
    assert_eq!(cpu_reserved_m(96), 310);
    let m = parse(&cluster("managedNodeGroups: [{name: web, instanceType: m5.large, desiredCapacity: 3}]")).unwrap();
    let r = run(&m, false);
    assert_eq!(r.state.nodes.len(), 3);
    let n = &r.state.nodes[0].node;
    assert_eq!(n.allocatable.cpu, 1930);
    assert_eq!(n.max_pods, 29);
    // capacity.memory: the catalogue's OS-visible 7,985 MiB for 8 GiB; minus 574 + 100 (eviction).
    assert_eq!(n.capacity.memory, 7985 * MIB);
    assert_eq!(n.allocatable.memory, (7985 - 574 - 100) * MIB);
}

#[test]
fn labels_zones_and_capacity_type() {
    let m = parse(&cluster(
        "managedNodeGroups:\n- {name: spot, instanceTypes: [m6g.xlarge, m5.xlarge], desiredCapacity: 4, spot: true, labels: {team: a}}\nnodeGroups:\n- {name: self, instanceType: t3.medium, desiredCapacity: 2, availabilityZones: [us-west-2c]}\n",
    ))
    .unwrap();
    let r = run(&m, false);
    let mut zones: Vec<&str> = Vec::new();
    for n in r.state.nodes.iter().map(|n| &n.node) {
        assert!(n.name.starts_with("ip-192-168-") && n.name.ends_with(".us-west-2.compute.internal"), "{}", n.name);
        assert_eq!(n.labels["kubernetes.io/hostname"], n.name);
        assert_eq!(n.labels["topology.kubernetes.io/zone"], n.zone);
        if n.node_group == "spot" {
            assert_eq!(n.labels["eks.amazonaws.com/nodegroup"], "spot");
            assert_eq!(n.labels["eks.amazonaws.com/capacityType"], "SPOT");
            assert_eq!(n.labels["node.kubernetes.io/instance-type"], "m6g.xlarge");
            assert_eq!(n.labels["kubernetes.io/arch"], "arm64");
            assert_eq!(n.labels["team"], "a");
            assert_eq!(n.max_pods, 58);
            zones.push(&n.zone);
        } else {
            // Self-managed groups carry no eks.amazonaws.com labels and use the uncapped table value.
            assert!(!n.labels.contains_key("eks.amazonaws.com/nodegroup"));
            assert_eq!(n.zone, "us-west-2c");
            assert_eq!(n.max_pods, 17);
        }
    }
    zones.sort();
    assert_eq!(zones, ["us-west-2a", "us-west-2a", "us-west-2b", "us-west-2c"]);
}

#[test]
fn max_pods_per_node_caps_and_feeds_the_memory_reservation() {
    let m = parse(&cluster("managedNodeGroups: [{name: g, instanceType: m5.4xlarge, desiredCapacity: 1, maxPodsPerNode: 50}]")).unwrap();
    let n = &run(&m, false).state.nodes[0].node;
    assert_eq!(n.max_pods, 50);
    assert_eq!(n.capacity.memory - n.allocatable.memory, (11 * 50 + 255 + 100) * MIB);
    // Without the cap a managed m5.4xlarge gets the calculator's 110, not the table's 234.
    let m = parse(&cluster("managedNodeGroups: [{name: g, instanceType: m5.4xlarge, desiredCapacity: 1}]")).unwrap();
    assert_eq!(run(&m, false).state.nodes[0].node.max_pods, 110);
}

#[test]
fn aws_node_and_kube_proxy_run_on_every_node_and_count() {
    let m = parse(&cluster("managedNodeGroups: [{name: g, instanceType: t3.small, desiredCapacity: 2, taints: [{key: dedicated, value: x, effect: NoSchedule}]}]")).unwrap();
    let r = run(&m, false);
    for n in &r.state.nodes {
        assert_eq!(n.pod_count, 2, "aws-node + kube-proxy, even on a tainted node");
        assert_eq!(n.requested.cpu, 125);
    }
    let names: Vec<&str> = r.state.pods.iter().map(|p| p.pod.name.as_str()).collect();
    assert_eq!(names.iter().filter(|n| n.starts_with("aws-node-")).count(), 2);
    assert_eq!(names.iter().filter(|n| n.starts_with("kube-proxy-")).count(), 2);
    assert!(r.state.pods.iter().all(|p| p.pod.namespace == "kube-system"));
}

#[test]
fn small_instances_run_out_of_pods_first() {
    // t3.small: 3 ENIs × (4 − 1) + 2 = 11 pods, two of them the DaemonSets ⇒ 9 app pods fit.
    let text = cluster("managedNodeGroups: [{name: g, instanceType: t3.small, desiredCapacity: 1}]")
        + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tiny}\nspec:\n  replicas: 10\n  selector: {matchLabels: {app: tiny}}\n  template:\n    metadata: {labels: {app: tiny}}\n    spec: {containers: [{name: c, resources: {requests: {cpu: 1m, memory: 1Mi}}}]}\n";
    let r = run(&parse(&text).unwrap(), false);
    assert_eq!(r.state.nodes[0].pod_count, 11);
    assert_eq!(r.pending.len(), 1);
    assert_eq!(
        r.pending[0].message.as_deref(),
        Some("0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")
    );
}
