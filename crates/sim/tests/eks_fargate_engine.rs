//! EKS on Fargate on the engine's clock: a pod a profile selects gets its own Fargate node after
//! the provisioning delay, annotated `CapacityProvisioned`; unsupported pods stay Pending.
//! Sizing rule: https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html
//! (the 1 vCPU + 8 GB example is provisioned as 2vCPU 9GB, "requests + 256 MB").

use stevedore_sim::eks::engine::fargate_nodes::PROVISION_S;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::run_until;

const EXAMPLE: &str = include_str!("../../../examples/eks/fargate.yaml");

fn pods_in(list: &serde_json::Value, ns: &str) -> Vec<serde_json::Value> {
    list["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Pod" && i["metadata"]["namespace"] == ns).cloned().collect()
}

#[test]
fn profile_pods_get_their_own_fargate_node_after_the_delay() {
    let m = parse(EXAMPLE).unwrap();
    let before = run_until(&m, false, PROVISION_S - 1);
    let list = output::list(&before, 0);
    assert!(pods_in(&list, "serverless").iter().all(|p| p["status"]["phase"] == "Pending" && p["spec"].get("nodeName").is_none()));
    assert!(!list["items"].as_array().unwrap().iter().any(|i| i["kind"] == "Node" && i["metadata"]["name"].as_str().unwrap().starts_with("fargate-")));

    let r = run_until(&m, false, 120);
    let list = output::list(&r, 0);
    let api: Vec<_> = pods_in(&list, "serverless").into_iter().filter(|p| p["metadata"]["labels"]["app"] == "api").collect();
    assert_eq!(api.len(), 2);
    let mut nodes = Vec::new();
    for p in &api {
        assert_eq!(p["status"]["phase"], "Running");
        assert_eq!(p["metadata"]["annotations"]["CapacityProvisioned"], "2vCPU 9GB");
        assert_eq!(p["spec"]["schedulerName"], "fargate-scheduler");
        let node = p["spec"]["nodeName"].as_str().unwrap().to_string();
        assert!(node.starts_with("fargate-ip-"), "{node}");
        // The pod's IP is its Fargate node's.
        assert_eq!(node, format!("fargate-ip-{}.us-west-2.compute.internal", p["status"]["podIP"].as_str().unwrap().replace('.', "-")));
        nodes.push(node);
    }
    assert_ne!(nodes[0], nodes[1], "one node per pod");
    let fnode = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "Node" && i["metadata"]["name"] == nodes[0].as_str()).unwrap();
    assert_eq!(fnode["metadata"]["labels"]["eks.amazonaws.com/compute-type"], "fargate");
    // EC2 pods stay on EC2 nodes.
    for p in pods_in(&list, "default") {
        assert!(p["spec"]["nodeName"].as_str().unwrap().starts_with("ip-"));
    }
    let scheduled = r.events.iter().find(|e| e.reason == "Scheduled" && e.namespace == "serverless").unwrap();
    assert_eq!((scheduled.first_s, scheduled.source), (PROVISION_S, "fargate-scheduler"));
}

#[test]
fn unsupported_pods_stay_pending_with_the_reason() {
    let r = run_until(&parse(EXAMPLE).unwrap(), false, 180);
    let edge = r.record("serverless", "edge").unwrap();
    assert!(edge.node.is_none());
    assert!(edge.message.as_deref().unwrap().contains("HostPort and HostNetwork aren't supported on Fargate"), "{:?}", edge.message);
    assert!(r.events.iter().any(|e| e.name == "edge" && e.reason == "FailedScheduling" && e.warning));
}

#[test]
fn a_deleted_fargate_pod_takes_its_node_away() {
    let text = EXAMPLE.replace("  duration: 3m\n", "  duration: 3m\n  timeline:\n    - {at: 2m, kubectl: scale deployment/api --replicas=1 -n serverless}\n");
    let r = run_until(&parse(&text).unwrap(), false, 180);
    let list = output::list(&r, 0);
    let fargate_nodes = list["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Node" && i["metadata"]["name"].as_str().unwrap().starts_with("fargate-")).count();
    assert_eq!(fargate_nodes, 1);
}

/// §6.3 (https://docs.aws.amazon.com/eks/latest/userguide/fargate.html): DaemonSets, privileged
/// containers and HostPort/HostNetwork are not supported on Fargate. A selected hostNetwork or
/// privileged pod stays Pending with fargate-scheduler's FailedScheduling; a DaemonSet's pods run
/// on the EC2 nodes only, even in a profile's namespace and tolerating every taint.
#[test]
fn daemonsets_hostnetwork_and_privileged_pods_never_run_on_fargate() {
    let text = r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: us-west-2}
managedNodeGroups: [{name: general, instanceType: m5.large, desiredCapacity: 2}]
fargateProfiles: [{name: fp, selectors: [{namespace: fg}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: hn, namespace: fg}
spec:
  hostNetwork: true
  containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m, memory: 128Mi}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: priv, namespace: fg}
spec:
  initContainers: [{name: setup, image: busybox, securityContext: {privileged: true}}]
  containers: [{name: c, image: nginx, securityContext: {privileged: false}}]
---
apiVersion: v1
kind: Pod
metadata: {name: plain, namespace: fg}
spec:
  containers: [{name: c, image: nginx}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: fg}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      tolerations: [{operator: Exists}]
      containers: [{name: c, image: nginx, resources: {requests: {cpu: 10m, memory: 10Mi}}}]
"#;
    let r = run_until(&parse(text).unwrap(), false, 180);
    for (name, why) in [("hn", "hostNetwork: HostPort and HostNetwork aren't supported on Fargate"), ("priv", "container setup is privileged")] {
        let p = r.record("fg", name).unwrap();
        assert!(p.node.is_none(), "{name} must stay Pending");
        assert!(p.message.as_deref().unwrap().contains(why), "{name}: {:?}", p.message);
        assert!(r.events.iter().any(|e| e.name == name && e.reason == "FailedScheduling" && e.warning && e.source == "fargate-scheduler"));
    }
    let list = output::list(&r, 0);
    let pods = pods_in(&list, "fg");
    let plain = pods.iter().find(|p| p["metadata"]["name"] == "plain").unwrap();
    assert!(plain["spec"]["nodeName"].as_str().unwrap().starts_with("fargate-"), "the plain pod runs on Fargate");
    let agents: Vec<_> = pods.iter().filter(|p| p["metadata"]["labels"]["app"] == "agent").collect();
    assert_eq!(agents.len(), 2, "one per EC2 node, none for the Fargate node");
    for a in agents {
        assert_eq!(a["status"]["phase"], "Running");
        assert!(a["spec"]["nodeName"].as_str().unwrap().starts_with("ip-"), "{}", a["spec"]["nodeName"]);
        assert!(a["metadata"]["annotations"].get("CapacityProvisioned").is_none());
    }
}
