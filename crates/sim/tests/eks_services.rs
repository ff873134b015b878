//! Services: ClusterIP / NodePort allocation and validation, and endpoints that follow Ready
//! pods over time (the endpoints controller lists Ready pods under `addresses`).

use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::run_until;

const FIXTURE: &str = include_str!("../../../examples/eks/drain-pdb.yaml");

fn svc(spec: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n{spec}")
}

#[test]
fn node_ports_are_allocated_in_range_and_explicit_ones_kept() {
    let text = format!("{}\n---\n{}", svc("  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80}]\n"), svc("  type: NodePort\n  ports: [{port: 81, nodePort: 30080}]\n").replace("name: web", "name: fixed"));
    let m = parse(&text).unwrap();
    let r = run_until(&m, false, 0);
    let (s, a) = &r.services[1];
    assert_eq!(s.name, "web");
    let np = a.node_ports[0].unwrap();
    assert!((30000..=32767).contains(&np) && np != 30080, "{np}");
    assert!(a.cluster_ip.starts_with("10.100.") && a.cluster_ip != "10.100.0.1");
    assert_eq!(r.services[2].1.node_ports, vec![Some(30080)]);
    assert_eq!(r.services[0].0.name, "kubernetes");
    // Deterministic: the same file allocates the same port.
    assert_eq!(run_until(&m, false, 0).services[1].1, *a);
    let list = output::list(&r, 0);
    let web = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "Service" && i["metadata"]["name"] == "web").unwrap().clone();
    assert_eq!(web["spec"]["ports"][0]["targetPort"], 80);
    assert_eq!(web["spec"]["ports"][0]["nodePort"], np);
}

#[test]
fn bad_services_are_errors_at_their_path() {
    let e = |spec: &str| parse(&svc(spec)).unwrap_err().iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n");
    assert!(e("  ports: [{port: 80, nodePort: 30001}]\n").contains("$[0].spec.ports[0].nodePort: may not be used when `type` is 'ClusterIP'"));
    assert!(e("  type: NodePort\n  ports: [{port: 80, nodePort: 8080}]\n").contains("provided port is not in the valid range. The range of valid ports is 30000-32767"));
    assert!(e("  type: Bridge\n  ports: [{port: 80}]\n").contains("$[0].spec.type"));
    assert!(e("  ports: [{port: 0}, {port: 81}]\n").contains("$[0].spec.ports[1].name"));
    assert!(e("  ports: []\n").contains("at least one port"));
    let twice = format!("{}\n---\n{}", svc("  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n"), svc("  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n"));
    let msg: Vec<String> = parse(&twice).unwrap_err().iter().map(|e| e.to_string()).collect();
    assert!(msg.iter().any(|m| m.contains("$[1].spec.ports[0].nodePort") && m.contains("provided port is already allocated")), "{msg:?}");
}

fn ready_ips(at: i64) -> (usize, usize) {
    let r = run_until(&parse(FIXTURE).unwrap(), false, at);
    let list = output::list(&r, 0);
    let ep = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "Endpoints" && i["metadata"]["name"] == "web").unwrap().clone();
    let n = |k: &str| ep["subsets"][0][k].as_array().map_or(0, Vec::len);
    (n("addresses"), n("notReadyAddresses"))
}

#[test]
fn endpoints_follow_ready_pods() {
    // The fixture's pods start at 5 s (image pull) and pass their probe 3 s later.
    assert_eq!(ready_ips(4), (0, 4));
    assert_eq!(ready_ips(7), (0, 4));
    assert_eq!(ready_ips(8), (4, 0));
    // The drain at 1m: the first evicted pod leaves at once (Terminating), its replacement is
    // bound on the other node and not Ready yet (image cached: starts 1 s later, probe 3 s).
    assert_eq!(ready_ips(60), (3, 1));
    assert_eq!(ready_ips(64), (4, 0));
}

/// Two Deployments behind one Service whose `targetPort` is the name `http`: one serves it on
/// 8080, the other on 9090; a third names no such port and gets no endpoint
/// (kubernetes.io/docs/concepts/services-networking/service/ "Port definitions": a name lets
/// pods of one Service use different port numbers; the endpoints controller's `FindPort`).
#[test]
fn a_named_target_port_resolves_per_pod() {
    let cluster = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups: [{name: g, instanceType: m5.large, desiredCapacity: 2}]\n";
    let dep = |name: &str, ports: &str| format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}, tier: front}}}}\n    spec: {{containers: [{{name: c, image: nginx, ports: {ports}, resources: {{requests: {{cpu: 100m}}}}}}]}}\n");
    let service = "---\napiVersion: v1\nkind: Service\nmetadata: {name: front}\nspec:\n  selector: {tier: front}\n  ports: [{name: web, port: 80, targetPort: http}, {name: admin, port: 81, targetPort: 7000}]\n";
    let text = format!("{cluster}{}{}{}{service}", dep("blue", "[{name: http, containerPort: 8080}]"), dep("green", "[{name: metrics, containerPort: 9100}, {name: http, containerPort: 9090}]"), dep("udp", "[{name: http, containerPort: 53, protocol: UDP}]"));
    let m = parse(&text).unwrap_or_else(|e| panic!("{e:?}"));
    let l = output::list(&run_until(&m, false, 60), 0);
    let items = l["items"].as_array().unwrap();
    let svc = items.iter().find(|i| i["kind"] == "Service" && i["metadata"]["name"] == "front").unwrap();
    assert_eq!(svc["spec"]["ports"][0]["targetPort"], "http");
    assert_eq!(svc["spec"]["ports"][1]["targetPort"], 7000);
    let ep = items.iter().find(|i| i["kind"] == "Endpoints" && i["metadata"]["name"] == "front").unwrap();
    let subsets = ep["subsets"].as_array().unwrap();
    let port_sets: Vec<Vec<(String, i64)>> = subsets.iter().map(|s| s["ports"].as_array().unwrap().iter().map(|p| (p["name"].as_str().unwrap().to_string(), p["port"].as_i64().unwrap())).collect()).collect();
    let want = |a: i64| vec![("web".to_string(), a), ("admin".to_string(), 7000)];
    // The UDP container port named http does not match the TCP Service port: only `admin`.
    assert_eq!(port_sets, [want(8080), want(9090), vec![("admin".to_string(), 7000)]]);
    for s in subsets {
        assert_eq!(s["addresses"].as_array().unwrap().len(), 2);
    }
    let slices: Vec<&serde_json::Value> = items.iter().filter(|i| i["kind"] == "EndpointSlice" && i["metadata"]["labels"]["kubernetes.io/service-name"] == "front").collect();
    assert_eq!(slices.len(), 3);
    assert_eq!(slices[1]["ports"][0]["port"], 9090);
}

#[test]
fn bad_port_names_are_errors_at_their_path() {
    let e = |spec: &str| parse(&svc(spec)).unwrap_err().iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n");
    assert!(e("  ports: [{port: 80, targetPort: Web_Port}]\n").contains("$[0].spec.ports[0].targetPort: Invalid value: \"Web_Port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"));
    assert!(e("  ports: [{port: 80, targetPort: this-name-is-too-long}]\n").contains("must be no more than 15 characters"));
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, ports: [{name: \"8080\", containerPort: 8080}, {name: ok}]}]}\n";
    let errs = parse(pod).unwrap_err().iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n");
    assert!(errs.contains("$[0].spec.containers[0].ports[0].name: Invalid value: \"8080\": must contain at least one letter (a-z)"), "{errs}");
    assert!(errs.contains("$[0].spec.containers[0].ports[1].containerPort: is required"), "{errs}");
}
