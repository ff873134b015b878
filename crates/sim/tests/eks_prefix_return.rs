//! Addresses go back to the VPC when a node's instance terminates (EC2 deletes its ENIs, and
//! with them their /28 prefixes and secondary addresses:
//! https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-prefix-eni.html). With node churn —
//! Cluster Autoscaler scale-down, Fargate pods coming and going — a small subnet must serve more
//! nodes over a run than it could hold at once.

use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;

fn scale_cycles(cycles: usize, up: i64, down: i64, period_min: usize) -> String {
    (0..cycles)
        .flat_map(|c| {
            let t = c * period_min;
            [format!("    - {{at: {}m, kubectl: \"scale deployment/web --replicas={up}\"}}\n", t + 1), format!("    - {{at: {}m, kubectl: \"scale deployment/web --replicas={down}\"}}\n", t + 3)]
        })
        .collect()
}

fn web(replicas: i64, extra_labels: &str) -> String {
    format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web{extra_labels}}}}}\n    spec: {{containers: [{{name: c, image: nginx, resources: {{requests: {{cpu: 500m, memory: 256Mi}}}}}}]}}\n")
}

/// A /26 (59 usable addresses) holds two aligned /28 prefixes beside the block with AWS's
/// reserved addresses and the nodes' own: two prefix-delegation nodes at once. Cluster
/// Autoscaler adds a second m5.large (3 web pods of 500m fit one) and removes it again, ten
/// times: every new node's pods still get addresses in a prefix of their own.
#[test]
fn ca_scale_down_returns_the_nodes_prefixes_so_every_launch_gets_some() {
    let cycles = 10;
    let cluster = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\nvpc:\n  cidr: 10.10.0.0/16\n  subnets:\n    private:\n      us-west-2a: {id: subnet-0aa, cidr: 10.10.1.0/26}\naddons:\n  - name: vpc-cni\n    configurationValues: '{\"env\":{\"ENABLE_PREFIX_DELEGATION\":\"true\"}}'\nmanagedNodeGroups: [{name: g, instanceType: m5.large, desiredCapacity: 1, minSize: 1, maxSize: 2}]\n---\napiVersion: stevedore.dev/v1\nkind: ClusterAutoscaler\nspec: {scaleDownUnneededTime: 1m, scaleDownDelayAfterAdd: 1m}\n";
    let scenario = format!("---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: {}m\n  timeline:\n{}", cycles * 20, scale_cycles(cycles, 6, 3, 20));
    let m = parse(&format!("{cluster}{}{scenario}", web(3, ""))).unwrap_or_else(|e| panic!("{e:?}"));
    let mut e = Engine::new(&m, false);
    let s = e.aws().unwrap().subnet_in("us-west-2a").unwrap();
    let mut launched = std::collections::BTreeSet::new();
    for c in 0..cycles {
        let t = (c * 20) as i64 * 60;
        // Up: both nodes run three web pods each, every one with an address.
        e.advance_to(t + 170);
        let web: Vec<_> = e.live_pods().filter(|p| p.info.namespace == "default" && p.deleting_at.is_none()).collect();
        assert_eq!(web.len(), 6, "cycle {c}");
        assert!(web.iter().all(|p| p.ip.is_some() && p.ready(t + 170)), "cycle {c}: a pod without an address: {:?}", web.iter().map(|p| (&p.info.name, &p.ip)).collect::<Vec<_>>());
        assert_eq!(e.state.nodes.len(), 2, "cycle {c}");
        launched.extend(e.state.nodes.iter().map(|n| e.node_instance_id(e.state.nodes.iter().position(|x| x.node.name == n.node.name).unwrap())));
        // Down: the second node leaves, its prefixes with it.
        e.advance_to(t + 19 * 60);
        assert_eq!(e.state.nodes.len(), 1, "cycle {c}: CA removed the spare node");
        assert_eq!(e.aws().unwrap().prefixes_held(), 1, "cycle {c}: only the remaining node's prefix is held");
    }
    assert!(launched.len() > cycles, "{} instances over the run", launched.len());
    assert!(!e.events.list.iter().any(|ev| ev.reason == "FailedCreatePodSandBox"), "no pod waited for an address");
    // Back to one node: its primary address, its one prefix, nothing leaked.
    assert_eq!(e.aws().unwrap().vpc.free(s), 59 - 1 - 16);
}

/// A Fargate pod's node is its own: when the pod is gone, its address goes back. A /27 (27
/// usable) serves 100 Fargate pods over ten cycles of ten.
#[test]
fn gone_fargate_pods_return_their_nodes_address() {
    let cluster = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\nvpc:\n  cidr: 10.10.0.0/16\n  subnets:\n    private:\n      us-west-2a: {id: subnet-0aa, cidr: 10.10.1.0/27}\nfargateProfiles:\n  - name: fp\n    selectors: [{namespace: default}]\n";
    let scenario = format!("---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 200m\n  timeline:\n{}", scale_cycles(10, 10, 0, 20));
    let m = parse(&format!("{cluster}{}{scenario}", web(0, ""))).unwrap_or_else(|e| panic!("{e:?}"));
    let mut e = Engine::new(&m, false);
    let s = e.aws().unwrap().subnet_in("us-west-2a").unwrap();
    let free0 = e.aws().unwrap().vpc.free(s);
    for c in 0..10 {
        let t = (c * 20) as i64 * 60;
        e.advance_to(t + 170);
        let web: Vec<_> = e.live_pods().filter(|p| p.info.namespace == "default" && p.deleting_at.is_none()).collect();
        assert_eq!(web.len(), 10, "cycle {c}");
        assert!(web.iter().all(|p| p.node.is_some() && p.ip.is_some()), "cycle {c}: a Fargate pod without a node");
        e.advance_to(t + 19 * 60);
        assert_eq!(e.aws().unwrap().vpc.free(s), free0, "cycle {c}: every Fargate node's address is back");
    }
    assert!(!e.events.list.iter().any(|ev| ev.message.contains("no free IP address")));
}

/// A Spot node EC2 reclaims (a managed group: the node stays as a tombstone) gives its prefixes
/// back at the reclaim, though its index stays.
#[test]
fn a_reclaimed_spot_nodes_prefixes_go_back() {
    let cluster = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a]\naddons:\n  - name: vpc-cni\n    configurationValues: '{\"env\":{\"ENABLE_PREFIX_DELEGATION\":\"true\"}}'\nmanagedNodeGroups:\n  - {name: spot, spot: true, instanceTypes: [m5.large], desiredCapacity: 1}\n";
    let m0 = parse(&format!("{cluster}{}", web(2, ""))).unwrap();
    let node = Engine::new(&m0, false).state.nodes[0].node.name.clone();
    let scenario = format!("---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n  timeline:\n    - {{at: 1m, action: SpotInterruption, input: {{node: {node}}}}}\n");
    let m = parse(&format!("{cluster}{}{scenario}", web(2, ""))).unwrap_or_else(|e| panic!("{e:?}"));
    let mut e = Engine::new(&m, false);
    e.advance_to(30);
    assert_eq!(e.aws().unwrap().prefixes_held(), 1, "the first node's one prefix");
    // The replacement (Capacity Rebalancing) takes its own; at 3m EC2 reclaims the first.
    e.advance_to(250);
    assert_eq!(e.state.nodes.len(), 2, "the reclaimed node stays as a tombstone");
    assert_eq!(e.aws().unwrap().prefixes_held(), 1, "only the replacement's prefix is held");
}
