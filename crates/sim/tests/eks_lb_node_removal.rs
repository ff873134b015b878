//! A node that Cluster Autoscaler removes leaves the `instance` target groups the way a
//! deregistered instance does (draining for the deregistration delay), and the nodes that stay
//! keep their own targets: instance targets follow nodes, not node positions.

use serde_json::Value;
use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::run_until;

/// Three m5.large nodes, one 500m web pod each, CA on (min 1): one node is unneeded and goes
/// at about 610 s (tests/eks_ca_scale_down.rs). The web Service is an NLB with instance targets.
const TEXT: &str = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: shop, region: us-west-2}\n\
availabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n\
- {name: general, instanceType: m5.large, desiredCapacity: 3, minSize: 1, maxSize: 4}\n\
---\napiVersion: stevedore.dev/v1\nkind: ClusterAutoscaler\nspec: {expander: least-waste}\n\
---\napiVersion: stevedore.dev/v1\nkind: Scenario\nmetadata: {name: down}\nspec: {duration: 30m}\n\
---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx:1.27, resources: {requests: {cpu: 500m, memory: 256Mi}}}]\n\
---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 80, protocol: TCP}]\n";

fn at(s: i64) -> Value {
    output::list(&run_until(&parse(TEXT).unwrap_or_else(|e| panic!("{e:?}")), false, s), 0)
}

/// (target id, state) of the NLB's group, sorted.
fn targets(l: &Value) -> Vec<(String, String)> {
    let g = l["targetGroups"].as_array().unwrap().iter().find(|g| g["TargetType"] == "instance").expect("an instance target group");
    let mut t: Vec<_> = g["TargetHealthDescriptions"].as_array().unwrap().iter().map(|d| (d["Target"]["Id"].as_str().unwrap().to_string(), d["TargetHealth"]["State"].as_str().unwrap().to_string())).collect();
    t.sort();
    t
}

/// Each node's EC2 instance id, by node name, at `s` (the substrate's launches, by address).
fn instance_ids(s: i64) -> std::collections::BTreeMap<String, String> {
    let mut e = Engine::new(&parse(TEXT).unwrap(), false);
    e.advance_to(s);
    let ids = |ip: &str| e.instances().iter().find(|l| stevedore_sim::substrate::vpc::format_ip(l.private_ip) == ip).map(|l| l.instance_id.clone()).unwrap();
    e.state.nodes.iter().map(|n| (n.node.name.clone(), ids(&n.node.internal_ip))).collect()
}

fn nodes(l: &Value) -> usize {
    l["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Node").count()
}

#[test]
fn a_removed_nodes_target_drains_and_the_others_keep_theirs() {
    let before = at(600);
    assert_eq!(nodes(&before), 3);
    let was = targets(&before);
    assert_eq!(was.len(), 3, "{was:?}");
    assert!(was.iter().all(|(_, s)| s == "healthy"), "{was:?}");
    let ids: std::collections::BTreeSet<_> = was.iter().map(|t| t.0.clone()).collect();
    assert_eq!(ids.len(), 3, "each node is its own instance: {was:?}");

    let after = at(620);
    assert_eq!(nodes(&after), 2, "CA removed one node at about 615 s");
    let now = targets(&after);
    let draining: Vec<_> = now.iter().filter(|t| t.1 == "draining").collect();
    let serving: Vec<_> = now.iter().filter(|t| t.1 == "healthy").collect();
    assert_eq!((draining.len(), serving.len()), (1, 2), "{now:?}");
    // The same three instances: the removed node's draining, the two nodes left still healthy
    // on their own instances.
    assert_eq!(now.iter().map(|t| t.0.clone()).collect::<std::collections::BTreeSet<_>>(), ids, "{now:?}");
    let (all, left) = (instance_ids(600), instance_ids(620));
    let removed: Vec<&String> = all.iter().filter(|(n, _)| !left.contains_key(*n)).map(|(_, id)| id).collect();
    assert_eq!(removed, vec![&draining[0].0], "the removed node's instance drains");
    let mut kept: Vec<&String> = left.values().collect();
    kept.sort();
    assert_eq!(kept, serving.iter().map(|t| &t.0).collect::<Vec<_>>(), "the nodes left keep theirs");

    // Long after (every deregistration delay of 300 s over), each node left has its one
    // healthy target and nothing else is registered.
    let later = at(1800);
    let left = targets(&later);
    assert_eq!(left.len(), nodes(&later), "{left:?}");
    assert!(left.iter().all(|(id, s)| s == "healthy" && ids.contains(id)), "{left:?}");
    assert!(!left.iter().any(|t| t.0 == draining[0].0));
}
