//! kubectl's shapes: the `v1` List with Kubernetes field names, and `kubectl get` tables.

use stevedore_sim::eks::kubectl::{get_nodes, get_pods, human_duration};
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output::{explain, list};
use stevedore_sim::eks::run::run;

const FILE: &str = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups: [{name: g, instanceType: m5.large, desiredCapacity: 2}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, resources: {requests: {cpu: 250m, memory: 256Mi}}}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: huge}\nspec: {containers: [{name: c, resources: {requests: {cpu: \"4\"}}}]}\n";

#[test]
fn list_uses_kubernetes_field_names() {
    let r = run(&parse(FILE).unwrap(), false);
    let l = list(&r, 1_735_689_600);
    assert_eq!((l["apiVersion"].as_str(), l["kind"].as_str()), (Some("v1"), Some("List")));
    let items = l["items"].as_array().unwrap();
    let node = items.iter().find(|i| i["kind"] == "Node").unwrap();
    assert_eq!(node["status"]["allocatable"]["cpu"], "1930m");
    assert_eq!(node["status"]["allocatable"]["pods"], "29");
    assert_eq!(node["status"]["capacity"]["cpu"], "2");
    assert_eq!(node["metadata"]["labels"]["eks.amazonaws.com/capacityType"], "ON_DEMAND");
    let web: Vec<_> = items.iter().filter(|i| i["kind"] == "Pod" && i["metadata"]["labels"]["app"] == "web").collect();
    assert_eq!(web.len(), 2);
    for p in &web {
        assert_eq!(p["status"]["phase"], "Running");
        assert_eq!(p["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
        assert!(p["spec"]["nodeName"].as_str().unwrap().starts_with("ip-"));
        assert!(p["status"]["podIP"].as_str().unwrap().starts_with("192.168."));
        assert_ne!(p["status"]["podIP"], p["status"]["hostIP"]);
    }
    let huge = items.iter().find(|i| i["metadata"]["name"] == "huge").unwrap();
    assert_eq!(huge["status"]["phase"], "Pending");
    assert_eq!(huge["status"]["conditions"][0]["reason"], "Unschedulable");
    let ev = items.iter().find(|i| i["kind"] == "Event" && i["reason"] == "FailedScheduling").unwrap();
    assert_eq!(ev["reason"], "FailedScheduling");
    assert_eq!(ev["type"], "Warning");
    assert_eq!(ev["involvedObject"]["name"], "huge");
    assert_eq!(ev["message"], "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.");
    // The pod's life as events, in kubectl's words and time order.
    let reasons: Vec<&str> = items.iter().filter(|i| i["kind"] == "Event" && i["involvedObject"]["name"] == web[0]["metadata"]["name"]).map(|i| i["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
    assert!(items.iter().any(|i| i["reason"] == "SuccessfulCreate" && i["involvedObject"]["kind"] == "ReplicaSet"));
    // aws-node and kube-proxy use the host network.
    let ds = items.iter().find(|i| i["metadata"]["namespace"] == "kube-system").unwrap();
    assert_eq!(ds["status"]["podIP"], ds["status"]["hostIP"]);
}

#[test]
fn explain_names_nodes_and_plugins() {
    let r = run(&parse(FILE).unwrap(), true);
    let web = r.decisions.iter().find(|d| d.pod.starts_with("default/web-")).unwrap();
    let e = explain(&r, web);
    assert_eq!(e["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(e["nodes"][0]["filter"], "passed");
    assert!(e["nodes"][0]["scores"][0]["plugin"] == "TaintToleration");
    let huge = r.decisions.iter().find(|d| d.pod == "default/huge").unwrap();
    let e = explain(&r, huge);
    assert_eq!(e["nodes"][0]["filter"]["plugin"], "NodeResourcesFit");
    assert_eq!(e["nodes"][0]["filter"]["reasons"][0], "Insufficient cpu");
}

#[test]
fn kubectl_tables() {
    let r = run(&parse(FILE).unwrap(), false);
    let l = list(&r, 0);
    let items = l["items"].as_array().unwrap();
    let pods = get_pods(items, "5m", false, false);
    let lines: Vec<&str> = pods.lines().collect();
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    assert_eq!(lines.len(), 4, "two web pods and the pending one; kube-system is not the default namespace");
    assert!(lines.iter().any(|l| l.starts_with("huge") && l.split_whitespace().collect::<Vec<_>>() == ["huge", "0/1", "Pending", "0", "5m"]));
    let all = get_pods(items, "5m", true, true);
    assert!(all.lines().next().unwrap().starts_with("NAMESPACE"));
    assert!(all.contains("kube-system") && all.contains("NOMINATED NODE"));
    let nodes = get_nodes(items, "10m", true);
    assert!(nodes.lines().next().unwrap().contains("INTERNAL-IP"));
    assert_eq!(nodes.lines().count(), 3);
}

#[test]
fn age_like_kubectl() {
    for (s, want) in [(5, "5s"), (119, "119s"), (300, "5m"), (330, "5m30s"), (1800, "30m"), (3 * 3600 + 600, "3h10m"), (30 * 3600, "30h"), (3 * 86400, "3d"), (800 * 86400, "2y")] {
        assert_eq!(human_duration(s), want, "{s}");
    }
}

/// A node's `spec.providerID` names its EC2 instance: `aws:///<zone>/i-<17 hex>`, one per node,
/// the same id the load balancer controller registers for `instance` targets.
#[test]
fn provider_id_is_the_zone_and_instance_id() {
    let l = list(&run(&parse(FILE).unwrap(), false), 0);
    let nodes: Vec<&serde_json::Value> = l["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Node").collect();
    assert_eq!(nodes.len(), 2);
    let mut ids = std::collections::BTreeSet::new();
    for n in nodes {
        let zone = n["metadata"]["labels"]["topology.kubernetes.io/zone"].as_str().unwrap();
        let pid = n["spec"]["providerID"].as_str().unwrap();
        let id = pid.strip_prefix(&format!("aws:///{zone}/")).unwrap_or_else(|| panic!("{pid}"));
        assert!(id.len() == 19 && id.starts_with("i-") && id[2..].chars().all(|c| c.is_ascii_hexdigit()), "{pid}");
        ids.insert(id.to_string());
    }
    assert_eq!(ids.len(), 2, "one instance per node");
}
