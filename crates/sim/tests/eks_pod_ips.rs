//! Pod IPs come from the VPC's subnet books (the node's subnet, secondary-IP mode: the VPC CNI
//! default), are returned when the pod ends, and are the same for the same input and seed.
//! eks-semantics §5.2: "Pod IPs come from the node's subnet (same VPC CIDR as nodes) unless
//! custom networking".

use std::collections::BTreeSet;
use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output::list;
use stevedore_sim::eks::run::run_until;
use stevedore_sim::substrate::vpc::{format_ip, parse_cidr};

const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups: [{name: g, instanceType: m5.large, desiredCapacity: 2}]\n";

fn deployment(name: &str, replicas: i64) -> String {
    format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec: {{containers: [{{name: c, image: nginx, resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}}}]}}\n")
}

/// eksctl's default VPC 192.168.0.0/16 over two zones: the private /19s are the third and
/// fourth blocks, 192.168.64.0/19 (zone a) and 192.168.96.0/19 (zone b).
fn in_subnet(ip: &str, cidr: &str) -> bool {
    let (first, usable) = parse_cidr(cidr).unwrap();
    let o: Vec<u32> = ip.split('.').map(|x| x.parse().unwrap()).collect();
    let v = o.iter().fold(0u32, |a, x| (a << 8) | x);
    (first..first + usable).contains(&v)
}

fn zone_cidr(zone: &str) -> &'static str {
    if zone.ends_with('a') { "192.168.64.0/19" } else { "192.168.96.0/19" }
}

#[test]
fn pods_take_distinct_addresses_from_their_nodes_subnet() {
    let m = parse(&format!("{CLUSTER}{}{}", deployment("web", 12), deployment("api", 7))).unwrap();
    let e = {
        let mut e = Engine::new(&m, false);
        e.advance_to(60);
        e
    };
    let node_ips: BTreeSet<String> = e.state.nodes.iter().map(|n| n.node.internal_ip.clone()).collect();
    let mut seen = BTreeSet::new();
    let mut app = 0;
    for p in e.live_pods() {
        let node = &e.state.nodes[p.node.unwrap()].node;
        let ip = p.ip.clone().expect("every bound pod has an address");
        assert!(in_subnet(&ip, zone_cidr(&node.zone)), "{ip} outside {}'s subnet", node.zone);
        if p.info.namespace == "kube-system" {
            // aws-node and kube-proxy: hostNetwork.
            assert_eq!(ip, node.internal_ip);
            continue;
        }
        app += 1;
        assert!(!node_ips.contains(&ip), "{ip} is a node's address");
        assert!(seen.insert(ip.clone()), "{ip} given twice");
    }
    assert_eq!(app, 19);
    // The JSON shows the same address as status.podIP.
    let r = run_until(&m, false, 60);
    let l = list(&r, 0);
    for p in l["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Pod") {
        let rec = r.record(p["metadata"]["namespace"].as_str().unwrap(), p["metadata"]["name"].as_str().unwrap()).unwrap();
        assert_eq!(p["status"]["podIP"].as_str(), rec.ip.as_deref());
        assert_eq!(p["status"]["podIPs"][0]["ip"].as_str(), rec.ip.as_deref());
    }
}

#[test]
fn a_deleted_pods_address_goes_back_to_the_subnet() {
    // One node: every pod draws from the same subnet, lowest free address first.
    let one = CLUSTER.replace("availabilityZones: [us-west-2a, us-west-2b]", "availabilityZones: [us-west-2a]").replace("desiredCapacity: 2", "desiredCapacity: 1");
    let scenario = "---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n  timeline:\n    - {at: 1m, kubectl: \"delete pod solo\"}\n    - {at: 2m, kubectl: \"scale deployment/web --replicas=4\"}\n";
    let solo = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: solo}\nspec: {containers: [{name: c, image: nginx}]}\n";
    let m = parse(&format!("{one}{solo}{}{scenario}", deployment("web", 3))).unwrap();
    let mut e = Engine::new(&m, false);
    e.advance_to(30);
    let solo_ip = e.pod("default", "solo").unwrap().ip.clone().unwrap();
    let before: BTreeSet<String> = e.live_pods().filter(|p| p.info.namespace == "default").filter_map(|p| p.ip.clone()).collect();
    assert_eq!(before.len(), 4);
    e.advance_to(90);
    assert!(e.pod("default", "solo").is_none(), "solo is gone");
    e.advance_to(150);
    let after: Vec<&str> = e.live_pods().filter(|p| p.info.namespace == "default").filter_map(|p| p.ip.as_deref()).collect();
    assert_eq!(after.len(), 4);
    // The fourth web pod got the address solo returned (the lowest free one).
    assert!(after.contains(&solo_ip.as_str()), "{solo_ip} not reused: {after:?}");
}

#[test]
fn vpc_books_reuse_the_lowest_free_address_and_say_when_full() {
    let mut aws = stevedore_sim::substrate::Aws::eksctl(&["us-west-2a".to_string()]);
    let s = aws.subnet_in("us-west-2a").unwrap();
    let total = aws.vpc.free(s);
    let a: Vec<u32> = (0..total).map(|_| aws.vpc.allocate_ip(s).unwrap()).collect();
    assert_eq!(format_ip(a[0]), "192.168.32.4");
    assert_eq!(aws.vpc.allocate_ip(s), None, "a full subnet gives nothing");
    aws.vpc.release_ip(s, a[100]);
    aws.vpc.release_ip(s, a[7]);
    assert_eq!(aws.vpc.allocate_ip(s), Some(a[7]));
    assert_eq!(aws.vpc.allocate_ip(s), Some(a[100]));
    assert_eq!(aws.vpc.free(s), 0);
}

#[test]
fn same_input_and_seed_give_the_same_addresses() {
    let m = parse(&format!("{CLUSTER}{}{}", deployment("web", 9), deployment("api", 4))).unwrap();
    let a = list(&run_until(&m, false, 300), 0);
    let b = list(&run_until(&m, false, 300), 0);
    assert_eq!(a, b);
}

/// eksctl's `vpc.subnets` (eksctl.io "VPC configuration"): the nodes and their pods take
/// addresses from the subnets the config gives; a small subnet runs out, and the pod that finds
/// no address stays ContainerCreating with `FailedCreatePodSandBox` until one is returned.
#[test]
fn custom_subnets_give_the_addresses_and_a_full_one_stalls_the_sandbox() {
    // A /28 has 16 addresses, AWS keeps 5: 11 usable — the node takes 1, its pods the rest.
    let cluster = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\nvpc:\n  cidr: 10.10.0.0/16\n  subnets:\n    private:\n      us-west-2a: {id: subnet-0aa, cidr: 10.10.1.0/28}\nmanagedNodeGroups: [{name: g, instanceType: m5.large, desiredCapacity: 1}]\n";
    let scenario = "---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n  timeline:\n    - {at: 1m, kubectl: \"scale deployment/web --replicas=9\"}\n";
    let m = parse(&format!("{cluster}{}{scenario}", deployment("web", 12))).unwrap_or_else(|e| panic!("{e:?}"));
    let mut e = Engine::new(&m, false);
    e.advance_to(30);
    let node = &e.state.nodes[0].node;
    assert_eq!(node.internal_ip, "10.10.1.4");
    let web: Vec<_> = e.live_pods().filter(|p| p.info.namespace == "default").collect();
    assert_eq!(web.len(), 12);
    let with_ip: Vec<&str> = web.iter().filter_map(|p| p.ip.as_deref()).collect();
    assert_eq!(with_ip.len(), 10, "11 usable addresses, one is the node's");
    assert!(with_ip.iter().all(|ip| in_subnet(ip, "10.10.1.0/28")));
    let stalled: Vec<_> = web.iter().filter(|p| p.ip.is_none()).collect();
    assert_eq!(stalled.len(), 2);
    assert!(stalled.iter().all(|p| p.started_at.is_none() && !p.ready(30)));
    assert!(e.events.list.iter().any(|ev| ev.reason == "FailedCreatePodSandBox" && ev.warning && ev.message.contains("failed to assign an IP address to container")));
    // Scaling to 9 deletes pods (the not-ready ones first) and frees addresses.
    e.advance_to(120);
    let web: Vec<_> = e.live_pods().filter(|p| p.info.namespace == "default").collect();
    assert_eq!(web.len(), 9);
    assert!(web.iter().all(|p| p.ip.is_some() && p.ready(120)), "every remaining pod has an address and runs");
}

#[test]
fn bad_subnets_are_errors_at_their_path() {
    let text = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b]\nvpc:\n  cidr: 10.10.0.0/16\n  subnets:\n    private:\n      us-west-2a: {cidr: 10.10.1.0/24}\n      two: {az: eu-west-1a, cidr: 10.10.2.0/24}\n      three: {az: us-west-2a, cidr: 10.10.1.128/25}\n      four: {az: us-west-2a, id: subnet-1}\n      five: {az: us-west-2a, cidr: 10.20.0.0/24}\nmanagedNodeGroups: [{name: g, instanceType: m5.large, desiredCapacity: 2}]\n";
    let errs: Vec<String> = parse(text).unwrap_err().iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    let has = |s: &str| errs.iter().any(|e| e.contains(s));
    assert!(has("$[0].vpc.subnets.private[\"two\"].az: \"eu-west-1a\" is not a zone of region us-west-2"), "{errs:?}");
    // Subnets are read in name order; the later one of an overlapping pair is the error.
    assert!(has("$[0].vpc.subnets.private[\"us-west-2a\"].cidr: 10.10.1.0/24 overlaps 10.10.1.128/25"), "{errs:?}");
    assert!(has("$[0].vpc.subnets.private[\"four\"].cidr: is required"), "{errs:?}");
    assert!(has("$[0].vpc.subnets.private[\"five\"].cidr: 10.20.0.0/24 is not inside the VPC's cidr"), "{errs:?}");
    assert!(has("$[0].managedNodeGroups[0]: no subnet in us-west-2b"), "{errs:?}");
}

/// Prefix delegation (the vpc-cni addon's ENABLE_PREFIX_DELEGATION; eks-semantics §5.1: /28
/// prefixes on Nitro nodes, m5.large ⇒ 110 pods): a node's pods get addresses inside aligned
/// 16-address blocks the node takes from its subnet as it needs them.
#[test]
fn prefix_delegation_gives_pods_addresses_in_the_nodes_28_prefixes() {
    let one = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a]\naddons:\n  - name: vpc-cni\n    configurationValues: '{\"env\":{\"ENABLE_PREFIX_DELEGATION\":\"true\"}}'\nmanagedNodeGroups: [{name: g, instanceType: m5.large, desiredCapacity: 1}]\n";
    // 18 pods of 100m fit next to aws-node and kube-proxy (1930m allocatable).
    let m = parse(&format!("{one}{}", deployment("web", 18))).unwrap_or_else(|e| panic!("{e:?}"));
    let mut e = Engine::new(&m, false);
    e.advance_to(30);
    assert_eq!(e.state.nodes[0].node.max_pods, 110);
    let ips: Vec<u32> = e.live_pods().filter(|p| p.info.namespace == "default").map(|p| {
        let o: Vec<u32> = p.ip.as_ref().unwrap().split('.').map(|x| x.parse().unwrap()).collect();
        o.iter().fold(0, |a, x| (a << 8) | x)
    }).collect();
    assert_eq!(ips.len(), 18);
    let blocks: BTreeSet<u32> = ips.iter().map(|ip| ip & !15).collect();
    assert_eq!(blocks.len(), 2, "18 pods fill one /28 and start a second");
    let node_ip = "192.168.32.4";
    assert!(blocks.iter().all(|b| format_ip(*b) != "192.168.32.0"), "the block holding the reserved addresses and the node ({node_ip}) is not a prefix");
    assert!(in_subnet(&format_ip(*blocks.iter().next().unwrap()), "192.168.32.0/19"));
    // Without the addon setting: secondary IPs, 29 pods.
    let plain = parse(&format!("{}{}", one.replace("true", "false"), deployment("web", 1))).unwrap();
    assert_eq!(Engine::new(&plain, false).state.nodes[0].node.max_pods, 29);
    let bad = parse(&one.replace("'{\"env\":{\"ENABLE_PREFIX_DELEGATION\":\"true\"}}'", "'{\"env\": [1'")).unwrap_err();
    assert!(bad.iter().any(|e| e.path == "$[0].addons[0].configurationValues" && e.message.starts_with("is not JSON or YAML")), "{bad:?}");
}

#[test]
fn prefixes_are_aligned_blocks_clear_of_the_reserved_addresses() {
    let mut aws = stevedore_sim::substrate::Aws::eksctl(&["us-west-2a".to_string()]);
    let s = aws.subnet_in("us-west-2a").unwrap();
    let node = aws.vpc.allocate_ip(s).unwrap();
    assert_eq!(format_ip(node), "192.168.32.4");
    let p = aws.vpc.allocate_prefix(s).unwrap();
    assert_eq!(format_ip(p), "192.168.32.16", "the first /28 holds the reserved .0–.3 and the node");
    assert_eq!(aws.vpc.allocate_ip(s).map(format_ip).as_deref(), Some("192.168.32.5"), "single addresses still fill the gaps");
    aws.vpc.release_prefix(s, p);
    assert_eq!(aws.vpc.allocate_prefix(s), Some(p));
    while aws.vpc.allocate_prefix(s).is_some() {}
    assert!(aws.vpc.free(s) < 16 + 11, "only addresses outside whole free /28s are left");
}

#[test]
fn host_network_pods_use_the_nodes_address() {
    let pod = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec: {hostNetwork: true, containers: [{name: c, image: x}]}\n";
    let m = parse(&format!("{CLUSTER}{pod}")).unwrap();
    let mut e = Engine::new(&m, false);
    e.advance_to(10);
    let p = e.pod("default", "agent").unwrap();
    assert_eq!(p.ip.as_deref(), Some(e.state.nodes[p.node.unwrap()].node.internal_ip.as_str()));
}
