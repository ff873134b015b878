//! The AWS substrate both orchestrators share: subnet address books, eksctl's default VPC,
//! EC2 launches and names, and EKS nodes launched through it.

use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::nodes::{cluster_aws, cluster_nodes_on, pod_ip};
use stevedore_sim::substrate::{ec2, vpc, Aws};

fn zones(names: &[&str]) -> Vec<String> {
    names.iter().map(|z| z.to_string()).collect()
}

#[test]
fn a_subnet_hands_out_its_lowest_free_address_and_takes_it_back() {
    // A /28 has 16 addresses; AWS reserves the first four and the last one: 11 usable, from .4.
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html
    let (first, usable) = vpc::parse_cidr("10.0.1.0/28").unwrap();
    assert_eq!((vpc::format_ip(first), usable), ("10.0.1.4".to_string(), 11));
    let mut aws = Aws::new(vec![stevedore_sim::model::Subnet { id: "subnet-a".into(), availability_zone: "us-east-1a".into(), cidr: "10.0.1.0/28".into(), first_host: first, usable }]);
    let ips: Vec<u32> = (0..11).map(|_| aws.vpc.allocate_ip(0).unwrap()).collect();
    assert_eq!(vpc::format_ip(ips[10]), "10.0.1.14");
    assert_eq!(aws.vpc.allocate_ip(0), None, "a full subnet has nothing left");
    aws.vpc.release_ip(0, ips[3]);
    assert_eq!(aws.vpc.free(0), 1);
    assert_eq!(aws.vpc.allocate_ip(0), Some(ips[3]));
}

#[test]
fn eksctl_default_vpc_has_a_private_19_per_zone_after_the_public_ones() {
    let aws = Aws::eksctl(&zones(&["us-west-2a", "us-west-2b", "us-west-2c"]));
    let cidrs: Vec<&str> = aws.vpc.subnets.iter().map(|s| s.cidr.as_str()).collect();
    assert_eq!(cidrs, ["192.168.96.0/19", "192.168.128.0/19", "192.168.160.0/19"]);
    assert_eq!(aws.subnet_in("us-west-2b"), Some(1));
    // Five zones no longer fit ten /19s in a /16: the blocks halve.
    let five = Aws::eksctl(&zones(&["z1", "z2", "z3", "z4", "z5"]));
    assert!(five.vpc.subnets.iter().all(|s| s.cidr.ends_with("/20") && s.cidr.starts_with("192.168.")));
}

#[test]
fn ec2_names_instances_by_their_private_address() {
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/hostname-types.html
    let ip = (10 << 24) | (1 << 8) | 4;
    assert_eq!(ec2::private_dns_name(ip, "us-east-1"), "ip-10-0-1-4.ec2.internal");
    assert_eq!(ec2::private_dns_name(ip, "eu-west-1"), "ip-10-0-1-4.eu-west-1.compute.internal");
    let id = ec2::instance_id("seed");
    assert!(id.starts_with("i-") && id.len() == 19 && id[2..].bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
}

#[test]
fn eks_nodes_are_ec2_instances_in_their_zones_subnets() {
    let m = parse("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups: [{name: a, instanceType: m5.large, desiredCapacity: 5}, {name: b, instanceType: t3.small, desiredCapacity: 300, maxSize: 300}]\n").unwrap();
    let cluster = m.cluster.as_ref().unwrap();
    let mut aws = cluster_aws(cluster);
    let nodes = cluster_nodes_on(cluster, &mut aws);
    assert_eq!(nodes.len(), 305);
    assert_eq!(aws.launched.len(), 305, "every node is a launched instance");
    let mut ips: Vec<&str> = nodes.iter().map(|n| n.internal_ip.as_str()).collect();
    ips.sort();
    ips.dedup();
    assert_eq!(ips.len(), 305, "no address given twice, whatever the group");
    let mut ids: Vec<&str> = aws.launched.iter().map(|l| l.instance_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 305);
    for n in &nodes {
        let s = &aws.vpc.subnets[aws.subnet_in(&n.zone).unwrap()];
        let third: u32 = n.internal_ip.split('.').nth(2).unwrap().parse().unwrap();
        let base: u32 = s.cidr.split('.').nth(2).unwrap().parse().unwrap();
        assert!((base..base + 32).contains(&third), "{} outside {}", n.internal_ip, s.cidr);
        assert_eq!(n.name, format!("ip-{}.us-west-2.compute.internal", n.internal_ip.replace('.', "-")));
    }
    // A pod's IP comes from its node's subnet and is never a node's.
    let ip = pod_ip(&mut aws, &nodes[0]).unwrap();
    assert!(!ips.contains(&ip.as_str()));
}

/// EC2 never reuses an instance id: a node group launching again from the same seed (Cluster
/// Autoscaler adding one node at a time, a Spot replacement) gets a new id each time.
#[test]
fn every_launch_gets_a_new_instance_id() {
    let mut aws = Aws::eksctl(&["us-west-2a".to_string()]);
    let ids: Vec<String> = (0..5).map(|_| aws.launch_instance("shop/general#0", "m5.large", 0).unwrap().instance_id.clone()).collect();
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), 5, "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("i-") && id.len() == 19), "{ids:?}");
    // The same launches from a fresh account give the same ids (deterministic).
    let mut again = Aws::eksctl(&["us-west-2a".to_string()]);
    assert_eq!(again.launch_instance("shop/general#0", "m5.large", 0).unwrap().instance_id, ids[0]);
}
