//! `externalTrafficPolicy` and Fargate behind `instance` targets (eks-semantics §7.1, §7.2,
//! §6.3). `Local`: only node-local endpoints, a node with none fails its `healthCheckNodePort`
//! check (API field description of `externalTrafficPolicy`). Fargate: "you can only use IP
//! targets" (EKS user guide fargate.html / §6.3 "NLB/ALB instance targets (IP targets only)").

use serde_json::Value;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};

fn cluster(nodes: usize, fargate: bool) -> String {
    let mut s = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: shop, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b]\n".to_string();
    if nodes > 0 {
        s.push_str(&format!("managedNodeGroups:\n  - {{name: ng, instanceType: m5.large, desiredCapacity: {nodes}}}\n"));
    }
    if fargate {
        s.push_str("fargateProfiles:\n  - name: fp\n    selectors: [{namespace: fg}]\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: fg}\n");
    }
    s
}

fn app(ns: &str, name: &str, replicas: i64) -> String {
    format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: c, image: nginx, ports: [{{containerPort: 80}}], resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}]\n")
}

fn nlb(ns: &str, name: &str, app: &str, policy: &str) -> String {
    let policy = if policy.is_empty() { String::new() } else { format!("  externalTrafficPolicy: {policy}\n") };
    format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\n  annotations: {{service.beta.kubernetes.io/aws-load-balancer-type: external}}\nspec:\n  type: LoadBalancer\n{policy}  selector: {{app: {app}}}\n  ports: [{{port: 80, targetPort: 80}}]\n")
}

fn ingress(ns: &str, name: &str, svc: &str) -> String {
    format!("---\napiVersion: v1\nkind: Service\nmetadata: {{name: {svc}, namespace: {ns}}}\nspec:\n  type: NodePort\n  selector: {{app: {svc}}}\n  ports: [{{port: 80, targetPort: 80}}]\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  ingressClassName: alb\n  rules: [{{http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: {svc}, port: {{number: 80}}}}}}}}]}}}}]\n")
}

fn run(text: &str, s: i64) -> (EksRun, Value) {
    let r = run_until(&parse(text).unwrap_or_else(|e| panic!("{e:?}")), false, s);
    let l = output::list(&r, 0);
    (r, l)
}

/// (target id, state) of the group whose name starts with `prefix`.
fn states(l: &Value, prefix: &str) -> Vec<(String, String)> {
    let g = l["targetGroups"].as_array().unwrap().iter().find(|g| g["TargetGroupName"].as_str().unwrap().starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix}"));
    g["TargetHealthDescriptions"].as_array().unwrap().iter().map(|d| (d["Target"]["Id"].as_str().unwrap().to_string(), d["TargetHealth"]["State"].as_str().unwrap().to_string())).collect()
}

fn node_of_pods(r: &EksRun, ns: &str, app: &str) -> Vec<String> {
    let l = output::list(r, 0);
    l["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Pod" && i["metadata"]["namespace"] == ns && i["metadata"]["labels"]["app"] == app).map(|p| p["spec"]["nodeName"].as_str().unwrap_or("").to_string()).collect()
}

fn instance_of(l: &Value, node: &str) -> String {
    let n = l["items"].as_array().unwrap().iter().find(|i| i["kind"] == "Node" && i["metadata"]["name"] == node).unwrap();
    n["spec"]["providerID"].as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

#[test]
fn local_policy_fails_the_nodes_without_a_local_endpoint() {
    // lb2's shape: one pod, two nodes; the same pod behind a Cluster and a Local NLB.
    let text = format!("{}{}{}{}", cluster(2, false), app("default", "web", 1), nlb("default", "local", "web", "Local"), nlb("default", "spread", "web", ""));
    let (r, l) = run(&text, 180);
    let svc = |n: &str| l["items"].as_array().unwrap().iter().find(|i| i["kind"] == "Service" && i["metadata"]["name"] == n).unwrap()["spec"]["externalTrafficPolicy"].clone();
    assert_eq!((svc("local"), svc("spread")), (Value::from("Local"), Value::from("Cluster")), "the policy is echoed; the API defaults it to Cluster");
    let home = instance_of(&l, &node_of_pods(&r, "default", "web")[0]);
    let local = states(&l, "k8s-default-local-");
    assert_eq!(local.len(), 2, "every node is registered");
    for (id, state) in &local {
        assert_eq!(state, if *id == home { "healthy" } else { "unhealthy" }, "{local:?}");
    }
    assert!(states(&l, "k8s-default-spread-").iter().all(|(_, s)| s == "healthy"), "Cluster: any node forwards");
}

#[test]
fn external_traffic_policy_is_validated_at_its_path() {
    let bad = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  externalTrafficPolicy: local\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  externalTrafficPolicy: Local\n  ports: [{port: 80}]\n";
    let errs: Vec<String> = parse(bad).unwrap_err().into_iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    assert!(errs.contains(&"$[0].spec.externalTrafficPolicy: Unsupported value: \"local\": supported values: \"Cluster\", \"Local\"".to_string()), "{errs:#?}");
    assert!(errs.contains(&"$[1].spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services".to_string()), "{errs:#?}");
}

/// Pods only on Fargate behind `instance` targets: a Warning on the Ingress and on the
/// Service's NLB, and no healthy target (the EC2 nodes cannot reach them) — in a mixed cluster
/// and in a Fargate-only one (lb3: an empty instance group, still warned). EC2-backed
/// instance targets next to them stay healthy.
#[test]
fn fargate_only_backends_behind_instance_targets_warn_and_stay_unhealthy() {
    for nodes in [2, 0] {
        let text = format!("{}{}{}{}{}{}", cluster(nodes, true), app("fg", "api", 2), ingress("fg", "fginst", "api"), nlb("fg", "apinlb", "api", ""), app("default", "web", 1), ingress("default", "webinst", "web"));
        let (r, l) = run(&text, 180);
        assert!(node_of_pods(&r, "fg", "api").iter().all(|n| n.starts_with("fargate-")));
        for (kind, name) in [("Ingress", "fginst"), ("Service", "apinlb")] {
            let w: Vec<_> = r.events.iter().filter(|e| e.kind == kind && e.name == name && e.reason == "FargateRequiresIPTargets").collect();
            assert_eq!(w.len(), 1, "{nodes} nodes: {kind} {name}");
            assert!(w[0].warning && w[0].message.contains("fg/api") && w[0].message.contains("target-type ip"), "{}", w[0].message);
        }
        let fg = states(&l, "k8s-fg-api-");
        assert_eq!(fg.len(), nodes, "the EC2 nodes are registered");
        assert!(fg.iter().all(|(_, s)| s != "healthy"), "{fg:?}");
        assert!(!r.events.iter().any(|e| e.name == "webinst" && e.reason == "FargateRequiresIPTargets"));
        if nodes > 0 {
            assert!(states(&l, "k8s-default-web-").iter().all(|(_, s)| s == "healthy"));
        }
    }
}
