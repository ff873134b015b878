//! The AWS Load Balancer Controller (eks-semantics §7.2; EKS User Guide "Route application and
//! HTTP traffic with Application Load Balancers" and "Route TCP and UDP traffic with Network
//! Load Balancers"; LBC docs guide/ingress/annotations.md, guide/service/annotations.md,
//! deploy/pod_readiness_gate.md): Ingress → ALB, Service type LoadBalancer → NLB, instance vs
//! ip targets, the health state machine ECS's target groups use, readiness gates.

use serde_json::Value;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::run_until;

const FIXTURE: &str = include_str!("fixtures/eks/load-balancers.yaml");

fn list_at(text: &str, s: i64) -> Value {
    let m = parse(text).unwrap_or_else(|e| panic!("{e:?}"));
    output::list(&run_until(&m, false, s), 0)
}

fn group<'a>(l: &'a Value, prefix: &str) -> &'a Value {
    l["targetGroups"].as_array().unwrap().iter().find(|g| g["TargetGroupName"].as_str().unwrap().starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix}"))
}

fn targets(g: &Value) -> Vec<(String, u64, String)> {
    g["TargetHealthDescriptions"].as_array().unwrap().iter().map(|d| (d["Target"]["Id"].as_str().unwrap().to_string(), d["Target"]["Port"].as_u64().unwrap(), d["TargetHealth"]["State"].as_str().unwrap().to_string())).collect()
}

fn items<'a>(l: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    l["items"].as_array().unwrap().iter().filter(move |i| i["kind"] == kind)
}

#[test]
fn instance_targets_are_every_node_on_the_node_port_and_ip_targets_the_pod_ips() {
    let l = list_at(FIXTURE, 60);
    // Default target-type is instance: the Service's NodePort on every node.
    let web = group(&l, "k8s-default-web-");
    assert_eq!(web["TargetType"], "instance");
    let node_port = items(&l, "Service").find(|s| s["metadata"]["name"] == "web").unwrap()["spec"]["ports"][0]["nodePort"].as_u64().unwrap();
    let t = targets(web);
    assert_eq!(t.len(), items(&l, "Node").count(), "one target per node");
    assert!(t.iter().all(|(id, port, state)| id.starts_with("i-") && *port == node_port && state == "healthy"), "{t:?}");
    // target-type ip: the ready pods' IPs on the container port (targetPort 8080).
    let api = group(&l, "k8s-gated-api-");
    assert_eq!(api["TargetType"], "ip");
    let mut ips: Vec<String> = targets(api).into_iter().map(|(id, port, _)| {
        assert_eq!(port, 8080);
        id
    }).collect();
    let mut pod_ips: Vec<String> = items(&l, "Pod").filter(|p| p["metadata"]["namespace"] == "gated").map(|p| p["status"]["podIP"].as_str().unwrap().to_string()).collect();
    ips.sort();
    pod_ips.sort();
    assert_eq!(ips, pod_ips);
}

#[test]
fn health_check_defaults_are_the_controllers() {
    let l = list_at(FIXTURE, 0);
    // ALB: HTTP / every 15 s, timeout 5, 2 healthy, 2 unhealthy, 200.
    let web = group(&l, "k8s-default-web-");
    assert_eq!((web["HealthCheckProtocol"].as_str(), web["HealthCheckPath"].as_str(), web["HealthCheckIntervalSeconds"].as_u64(), web["HealthCheckTimeoutSeconds"].as_u64()), (Some("HTTP"), Some("/"), Some(15), Some(5)));
    assert_eq!((web["HealthyThresholdCount"].as_u64(), web["UnhealthyThresholdCount"].as_u64(), web["Matcher"]["HttpCode"].as_str(), web["HealthCheckPort"].as_str()), (Some(2), Some(2), Some("200"), Some("traffic-port")));
    // NLB: TCP every 10 s, timeout 10, 3/3, no path or matcher.
    let tcp = group(&l, "k8s-default-tcp-");
    assert_eq!((tcp["HealthCheckProtocol"].as_str(), tcp["HealthCheckIntervalSeconds"].as_u64(), tcp["HealthCheckTimeoutSeconds"].as_u64(), tcp["HealthyThresholdCount"].as_u64(), tcp["UnhealthyThresholdCount"].as_u64()), (Some("TCP"), Some(10), Some(10), Some(3), Some(3)));
    assert!(tcp.get("HealthCheckPath").is_none() && tcp.get("Matcher").is_none());
    // Scheme: internal unless asked; the ALB's DNS name is the Ingress's ADDRESS.
    let lbs = l["loadBalancers"].as_array().unwrap();
    let scheme = |prefix: &str| lbs.iter().find(|b| b["LoadBalancerName"].as_str().unwrap().starts_with(prefix)).unwrap()["Scheme"].clone();
    assert_eq!(scheme("k8s-default-web-"), "internet-facing");
    assert_eq!(scheme("k8s-gated-api-"), "internal");
    assert_eq!(scheme("k8s-default-tcp-"), "internal");
    let ing = items(&l, "Ingress").find(|i| i["metadata"]["name"] == "api").unwrap();
    let host = ing["status"]["loadBalancer"]["ingress"][0]["hostname"].as_str().unwrap();
    assert!(host.starts_with("internal-k8s-gated-api-") && host.ends_with(".us-east-1.elb.amazonaws.com"), "{host}");
    let nlb = lbs.iter().find(|b| b["Type"] == "network").unwrap();
    assert!(nlb["DNSName"].as_str().unwrap().ends_with(".elb.us-east-1.amazonaws.com"));
}

#[test]
fn targets_go_initial_then_healthy_after_one_interval_and_drain_for_the_deregistration_delay() {
    // Pods' containers are ready at 5 s (pull 4 s + start 1 s): initial until one passing check.
    let states = |s: i64, prefix: &str| targets(group(&list_at(FIXTURE, s), prefix)).into_iter().map(|t| t.2).collect::<Vec<_>>();
    assert!(states(10, "k8s-default-tcp-").iter().all(|s| s == "initial"));
    assert!(states(14, "k8s-default-tcp-").iter().all(|s| s == "initial"), "NLB interval is 10 s");
    assert!(states(15, "k8s-default-tcp-").iter().all(|s| s == "healthy"));
    assert!(states(15, "k8s-default-web-").iter().all(|s| s == "healthy"), "instance targets from 0 s: healthy at 15 s");
    assert!(states(14, "k8s-default-web-").iter().all(|s| s == "initial"));
    // web scales 2 → 1 at 2m: the deleted pod's ip target drains for 300 s, then leaves.
    let at = |s| states(s, "k8s-default-tcp-");
    assert_eq!(at(121).iter().filter(|s| *s == "draining").count(), 1);
    assert_eq!(at(419).len(), 2);
    assert_eq!(at(420), vec!["healthy".to_string()]);
    // The instance group keeps both nodes: the node port still forwards to the last pod.
    assert_eq!(states(420, "k8s-default-web-"), vec!["healthy".to_string(), "healthy".to_string()]);
    // Draining has ELB's reason.
    let l = list_at(FIXTURE, 200);
    let d = group(&l, "k8s-default-tcp-")["TargetHealthDescriptions"].as_array().unwrap().iter().find(|d| d["TargetHealth"]["State"] == "draining").unwrap().clone();
    assert_eq!(d["TargetHealth"]["Reason"], "Target.DeregistrationInProgress");
}

#[test]
fn a_deregistration_delay_attribute_shortens_draining() {
    let text = FIXTURE.replace("    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\n", "    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\n    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=30\n");
    assert_ne!(text, FIXTURE);
    assert_eq!(targets(group(&list_at(&text, 149), "k8s-default-tcp-")).len(), 2);
    assert_eq!(targets(group(&list_at(&text, 150), "k8s-default-tcp-")).len(), 1);
}

#[test]
fn instance_targets_fail_their_checks_when_the_service_has_no_ready_pod() {
    let text = FIXTURE.replacen("  replicas: 2\n  selector: {matchLabels: {app: web}}", "  replicas: 0\n  selector: {matchLabels: {app: web}}", 1);
    assert_ne!(text, FIXTURE);
    // One failed check at 15 s, the second (UnhealthyThresholdCount 2) at 30 s.
    let g = |s| targets(group(&list_at(&text, s), "k8s-default-web-"));
    assert!(g(29).iter().all(|t| t.2 == "initial"));
    assert!(g(30).iter().all(|t| t.2 == "unhealthy"));
    let l = list_at(&text, 30);
    assert_eq!(group(&l, "k8s-default-web-")["TargetHealthDescriptions"][0]["TargetHealth"]["Reason"], "Target.FailedHealthChecks");
    // The timeline scales web to 1 at 2m: its pod is ready at 2m1s (image already on the node)
    // and HealthyThresholdCount (2) checks 15 s apart bring the nodes back at 2m31s.
    assert!(g(150).iter().all(|t| t.2 == "unhealthy"), "{:?}", g(150));
    assert!(g(151).iter().all(|t| t.2 == "healthy"), "{:?}", g(151));
}

#[test]
fn a_readiness_gate_holds_ready_until_the_target_is_healthy() {
    let ready = |text: &str, s: i64, ns: &str| list_at(text, s)["items"].as_array().unwrap().iter().filter(|p| p["kind"] == "Pod" && p["metadata"]["namespace"] == ns).map(|p| p["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == "Ready").unwrap()["status"] == "True").collect::<Vec<_>>();
    // Containers ready at 5 s; the ALB's first check 15 s later: Ready at 20 s.
    assert_eq!(ready(FIXTURE, 19, "gated"), vec![false, false]);
    assert_eq!(ready(FIXTURE, 20, "gated"), vec![true, true]);
    let l = list_at(FIXTURE, 10);
    let pod = items(&l, "Pod").find(|p| p["metadata"]["namespace"] == "gated").unwrap();
    let gate = pod["spec"]["readinessGates"][0]["conditionType"].as_str().unwrap();
    assert!(gate.starts_with("target-health.elbv2.k8s.aws/k8s-gated-api-"), "{gate}");
    // Without the namespace label: no gate, Ready when the containers are.
    let plain = FIXTURE.replace("  labels: {elbv2.k8s.aws/pod-readiness-gate-inject: enabled}\n", "");
    assert_eq!(ready(&plain, 5, "gated"), vec![true, true]);
    // Not for instance targets: the default namespace's web pods are Ready at 5 s.
    assert_eq!(ready(FIXTURE, 5, "default"), vec![true, true]);
}

#[test]
fn rules_follow_the_ingress_paths_and_an_ingress_group_shares_one_alb() {
    let l = list_at(FIXTURE, 0);
    let lbs = l["loadBalancers"].as_array().unwrap();
    let api = lbs.iter().find(|b| b["LoadBalancerName"].as_str().unwrap().starts_with("k8s-gated-api-")).unwrap();
    let rule = &api["Listeners"][0]["Rules"][0];
    assert_eq!(api["Listeners"][0]["Port"], 80);
    assert_eq!(rule["Conditions"][0]["HostHeaderConfig"]["Values"][0], "api.example.com");
    assert_eq!(rule["Conditions"][1]["PathPatternConfig"]["Values"], serde_json::json!(["/v1", "/v1/*"]));
    assert_eq!(api["Listeners"][0]["DefaultActions"][0]["FixedResponseConfig"]["StatusCode"], "404");
    // group.name: both Ingresses on one ALB, the lower group.order's rules first.
    let grouped = FIXTURE
        .replace("    alb.ingress.kubernetes.io/scheme: internet-facing\n", "    alb.ingress.kubernetes.io/scheme: internet-facing\n    alb.ingress.kubernetes.io/group.name: shop\n    alb.ingress.kubernetes.io/group.order: \"10\"\n")
        .replace("    alb.ingress.kubernetes.io/target-type: ip\n", "    alb.ingress.kubernetes.io/target-type: ip\n    alb.ingress.kubernetes.io/group.name: shop\n    alb.ingress.kubernetes.io/group.order: \"1\"\n");
    let l = list_at(&grouped, 0);
    let albs: Vec<&Value> = l["loadBalancers"].as_array().unwrap().iter().filter(|b| b["Type"] == "application").collect();
    assert_eq!(albs.len(), 1);
    let rules = albs[0]["Listeners"][0]["Rules"].as_array().unwrap();
    assert_eq!(rules[0]["Conditions"][0]["HostHeaderConfig"]["Values"][0], "api.example.com");
    assert_eq!(rules[1]["Conditions"][0]["PathPatternConfig"]["Values"], serde_json::json!(["/*"]));
    let hosts: Vec<&str> = items(&l, "Ingress").map(|i| i["status"]["loadBalancer"]["ingress"][0]["hostname"].as_str().unwrap()).collect();
    assert_eq!(hosts[0], hosts[1]);
}

#[test]
fn instance_targets_need_a_node_port_the_controller_says_so() {
    let text = FIXTURE.replace("  type: NodePort\n  selector: {app: web}", "  selector: {app: web}");
    let l = list_at(&text, 1);
    let ev = items(&l, "Event").find(|e| e["reason"] == "FailedBuildModel").unwrap();
    assert_eq!(ev["type"], "Warning");
    assert_eq!(ev["involvedObject"]["kind"], "Ingress");
    let msg = ev["message"].as_str().unwrap();
    assert!(msg.starts_with("Failed build model due to ingress: default/web: service default/web is type ClusterIP"), "{msg}");
    // A backend Service that does not exist.
    let text = FIXTURE.replace("backend: {service: {name: api,", "backend: {service: {name: nope,");
    let l = list_at(&text, 1);
    assert!(items(&l, "Event").any(|e| e["reason"] == "FailedBuildModel" && e["message"].as_str().unwrap().contains("services \"nope\" not found")));
}

#[test]
fn bad_ingresses_and_annotations_are_errors_at_their_path() {
    let err = |from: &str, to: &str| {
        let text = FIXTURE.replacen(from, to, 1);
        assert_ne!(text, FIXTURE, "{from}");
        parse(&text).unwrap_err().iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
    };
    let e = err("{path: /, pathType: Prefix, ", "{path: /, ");
    assert!(e.contains("$[4].spec.rules[0].http.paths[0].pathType: is required"), "{e}");
    let e = err("pathType: Prefix, backend: {service: {name: web", "pathType: Regex, backend: {service: {name: web");
    assert!(e.contains("$[4].spec.rules[0].http.paths[0].pathType: \"Regex\" must be Exact, Prefix or ImplementationSpecific"), "{e}");
    let e = err("alb.ingress.kubernetes.io/target-type: ip", "alb.ingress.kubernetes.io/target-type: pod");
    assert!(e.contains("$[7].metadata.annotations[\"alb.ingress.kubernetes.io/target-type\"]: \"pod\" must be instance or ip"), "{e}");
    let e = err("alb.ingress.kubernetes.io/scheme: internet-facing", "alb.ingress.kubernetes.io/scheme: public");
    assert!(e.contains("$[4].metadata.annotations[\"alb.ingress.kubernetes.io/scheme\"]"), "{e}");
    let e = err("name: web, port: {number: 80}}", "name: web, port: {number: 80, name: http}}");
    assert!(e.contains("$[4].spec.rules[0].http.paths[0].backend.service.port: may specify port.number or port.name, not both"), "{e}");
    let e = err("{path: /v1,", "{path: v1,");
    assert!(e.contains("$[7].spec.rules[0].http.paths[0].path: \"v1\" must be an absolute path"), "{e}");
    let e = err("aws-load-balancer-nlb-target-type: ip", "aws-load-balancer-nlb-target-type: node");
    assert!(e.contains("$[8].metadata.annotations[\"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type\"]"), "{e}");
    // Every error at once.
    let text = FIXTURE.replacen("{path: /, pathType: Prefix, ", "{path: /, ", 1).replacen("alb.ingress.kubernetes.io/target-type: ip", "alb.ingress.kubernetes.io/target-type: pod", 1);
    assert_eq!(parse(&text).unwrap_err().len(), 2);
}

#[test]
fn kubectl_get_ingress_shows_the_alb_address() {
    let m = parse(FIXTURE).unwrap();
    let l = output::list(&run_until(&m, false, 60), 1_735_689_600);
    let items = l["items"].as_array().unwrap();
    let out = stevedore_sim::eks::lb_json::get_ingresses(items, 1_735_689_600 + 60, true);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("NAMESPACE   NAME   CLASS   HOSTS             ADDRESS"), "{out}");
    assert!(lines[0].trim_end().ends_with("PORTS   AGE"));
    assert!(lines[1].contains("web    alb     *") && lines[1].contains(".us-east-1.elb.amazonaws.com") && lines[1].trim_end().ends_with("80      60s"), "{out}");
    let svc = stevedore_sim::eks::kubectl::get_services(items, 1_735_689_600 + 60, false);
    let tcp = svc.lines().find(|l| l.starts_with("tcp ")).unwrap();
    assert!(tcp.contains("LoadBalancer") && tcp.contains(".elb.us-east-1.amazonaws.com"), "{svc}");
}

#[test]
fn health_check_annotations_set_the_target_group() {
    let text = FIXTURE
        .replace("    alb.ingress.kubernetes.io/target-type: ip\n", "    alb.ingress.kubernetes.io/target-type: ip\n    alb.ingress.kubernetes.io/healthcheck-path: /healthz\n    alb.ingress.kubernetes.io/healthcheck-interval-seconds: \"5\"\n    alb.ingress.kubernetes.io/healthy-threshold-count: \"3\"\n    alb.ingress.kubernetes.io/success-codes: 200-299\n")
        .replace("    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\n", "    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\n    service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval: \"30\"\n    service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol: HTTP\n");
    let l = list_at(&text, 0);
    let api = group(&l, "k8s-gated-api-");
    assert_eq!((api["HealthCheckPath"].as_str(), api["HealthCheckIntervalSeconds"].as_u64(), api["HealthyThresholdCount"].as_u64(), api["Matcher"]["HttpCode"].as_str()), (Some("/healthz"), Some(5), Some(3), Some("200-299")));
    let tcp = group(&l, "k8s-default-tcp-");
    assert_eq!((tcp["HealthCheckProtocol"].as_str(), tcp["HealthCheckIntervalSeconds"].as_u64(), tcp["HealthCheckPath"].as_str()), (Some("HTTP"), Some(30), Some("/")));
    // The first verdict follows the interval: the gated pods are Ready 5 s after their
    // containers (5 s), at 10 s.
    let ready = |s: i64| items(&list_at(&text, s), "Pod").filter(|p| p["metadata"]["namespace"] == "gated").all(|p| p["status"]["conditions"].as_array().unwrap().iter().any(|c| c["type"] == "Ready" && c["status"] == "True"));
    assert!(!ready(9) && ready(10));
}

/// Fargate: "You can only use NLB and ALB with IP targets" (EKS User Guide, Fargate
/// considerations): an ip target group registers the Fargate pod's IP; an instance one registers
/// only EC2 nodes — a Fargate node is not an EC2 instance the load balancer can target.
#[test]
fn fargate_pods_are_ip_targets_and_fargate_nodes_never_instance_targets() {
    let text = FIXTURE
        .replace("  - {name: general, instanceType: m5.large, desiredCapacity: 2, minSize: 2, maxSize: 4}\n", "  - {name: general, instanceType: m5.large, desiredCapacity: 2, minSize: 2, maxSize: 4}\nfargateProfiles:\n  - name: fp\n    selectors:\n      - namespace: gated\n");
    assert_ne!(text, FIXTURE);
    let l = list_at(&text, 120);
    let fargate: Vec<String> = items(&l, "Node").filter(|n| n["metadata"]["labels"]["eks.amazonaws.com/compute-type"] == "fargate").map(|n| n["metadata"]["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(fargate.len(), 2, "one Fargate node per api pod");
    let api_ips: Vec<String> = items(&l, "Pod").filter(|p| p["metadata"]["namespace"] == "gated").map(|p| p["status"]["podIP"].as_str().unwrap().to_string()).collect();
    let mut ips: Vec<String> = targets(group(&l, "k8s-gated-api-")).into_iter().map(|t| t.0).collect();
    ips.sort();
    let mut want = api_ips.clone();
    want.sort();
    assert_eq!(ips, want);
    // The instance group holds the two EC2 nodes only.
    assert_eq!(targets(group(&l, "k8s-default-web-")).len(), 2);
}

#[test]
fn an_nlb_defaults_to_instance_targets_and_load_balancer_class_also_selects_the_controller() {
    // Without nlb-target-type the controller registers instances (eks-semantics §7.2).
    let text = FIXTURE.replace("    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\n", "");
    let l = list_at(&text, 60);
    let tcp = group(&l, "k8s-default-tcp-");
    assert_eq!(tcp["TargetType"], "instance");
    let np = items(&l, "Service").find(|s| s["metadata"]["name"] == "tcp").unwrap()["spec"]["ports"][0]["nodePort"].as_u64().unwrap();
    assert!(targets(tcp).iter().all(|t| t.0.starts_with("i-") && t.1 == np));
    assert_eq!(targets(tcp).len(), 2);
    // loadBalancerClass: service.k8s.aws/nlb instead of the type annotation.
    let class = FIXTURE.replace("    service.beta.kubernetes.io/aws-load-balancer-type: external\n", "").replace("  type: LoadBalancer\n", "  type: LoadBalancer\n  loadBalancerClass: service.k8s.aws/nlb\n");
    assert!(list_at(&class, 0)["targetGroups"].as_array().unwrap().iter().any(|g| g["TargetGroupName"].as_str().unwrap().starts_with("k8s-default-tcp-")));
    // Neither: no NLB (the legacy in-tree provider's Classic LB isn't modelled), EXTERNAL-IP pending.
    let legacy = FIXTURE.replace("    service.beta.kubernetes.io/aws-load-balancer-type: external\n", "");
    let l = list_at(&legacy, 0);
    assert!(!l["targetGroups"].as_array().unwrap().iter().any(|g| g["TargetGroupName"].as_str().unwrap().starts_with("k8s-default-tcp-")));
    let svc = stevedore_sim::eks::kubectl::get_services(l["items"].as_array().unwrap(), 0, false);
    assert!(svc.lines().any(|x| x.starts_with("tcp ") && x.contains("<pending>")), "{svc}");
}

#[test]
fn group_order_and_listen_ports_are_checked() {
    let e = |from: &str, to: &str| parse(&FIXTURE.replacen(from, to, 1)).unwrap_err().iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n");
    let bad = e("    alb.ingress.kubernetes.io/scheme: internet-facing\n", "    alb.ingress.kubernetes.io/scheme: internet-facing\n    alb.ingress.kubernetes.io/group.order: \"5000\"\n");
    assert!(bad.contains("$[4].metadata.annotations[\"alb.ingress.kubernetes.io/group.order\"]: \"5000\" must be a whole number from -1000 to 1000"), "{bad}");
    let bad = e("    alb.ingress.kubernetes.io/scheme: internet-facing\n", "    alb.ingress.kubernetes.io/scheme: internet-facing\n    alb.ingress.kubernetes.io/listen-ports: '[{\"HTTP\": 0}]'\n");
    assert!(bad.contains("$[4].metadata.annotations[\"alb.ingress.kubernetes.io/listen-ports\"]"), "{bad}");
    // Two listeners from listen-ports, each with the Ingress's rules.
    let text = FIXTURE.replacen("    alb.ingress.kubernetes.io/scheme: internet-facing\n", "    alb.ingress.kubernetes.io/scheme: internet-facing\n    alb.ingress.kubernetes.io/listen-ports: '[{\"HTTP\": 80}, {\"HTTP\": 8080}]'\n", 1);
    let l = list_at(&text, 0);
    let web = l["loadBalancers"].as_array().unwrap().iter().find(|b| b["LoadBalancerName"].as_str().unwrap().starts_with("k8s-default-web-")).unwrap().clone();
    let ports: Vec<u64> = web["Listeners"].as_array().unwrap().iter().map(|x| x["Port"].as_u64().unwrap()).collect();
    assert_eq!(ports, vec![80, 8080]);
}

/// The substrate's target groups are the one way in, for ECS and the controller alike.
#[test]
fn the_substrates_target_groups_move_targets_through_elb_states() {
    use stevedore_sim::substrate::elb::TargetState;
    use stevedore_sim::substrate::target_groups::TargetGroups;
    let mut g = TargetGroups::new(2);
    g.register(1, 7, "10.0.0.7".into(), 80, 1_000);
    assert_eq!(g[1][0].state, TargetState::Initial);
    assert_eq!(g.first_verdict(1, 7, false, 16_000), Some(("10.0.0.7".into(), 80)));
    assert_eq!((g.healthy(1), g[1][0].since), (1, 16_000));
    assert_eq!(g.first_verdict(1, 7, false, 17_000), None, "one first verdict");
    assert_eq!(g.set_health(1, 7, TargetState::Unhealthy, 20_000).map(|x| x.0), Some(TargetState::Healthy));
    assert_eq!(g.drain(1, 7, 30_000), (true, 0));
    assert_eq!(g.state_of(1, 7), None, "draining targets are no longer in service");
    g.remove_drained(1, 7);
    assert!(g[1].is_empty() && g[0].is_empty());
    g.register(0, 3, "i-1".into(), 31000, 0);
    g.forget(0, 3);
    assert!(g[0].is_empty());
}
