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
