//! Traffic at an Ingress (`spec.traffic.ingresses`): the ALB's rules route requests by host and
//! path to the backend Services (ALB listener rules: host-header and path-pattern conditions,
//! first match by priority, else the default action —
//! https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html),
//! each target group splits its share over its routed targets (ip: the pods; instance: the
//! nodes, whose NodePort kube-proxy spreads over the Service's ready pods), and each pod's
//! share costs what ECS's request-cost model says, so each backend's HPA sees its own load.

use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;

fn app(name: &str, svc_type: &str) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec: {{containers: [{{name: c, image: nginx, resources: {{requests: {{cpu: 200m, memory: 128Mi}}}}}}]}}\n\
         ---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{type: {svc_type}, selector: {{app: {name}}}, ports: [{{port: 80, targetPort: 8080}}]}}\n\
         ---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: {name}}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}\n  minReplicas: 1\n  maxReplicas: 10\n  metrics: [{{type: Resource, resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 50}}}}}}]\n"
    )
}

/// Two backends by path: `/api` (Prefix) → api, `/` → web.
fn manifest(target_type: &str, svc_type: &str, traffic: &str) -> String {
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: shop, region: us-west-2}}\nmanagedNodeGroups: [{{name: g, instanceType: m5.large, desiredCapacity: 3}}]\n\
         ---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n  annotations: {{alb.ingress.kubernetes.io/target-type: {target_type}}}\nspec:\n  ingressClassName: alb\n  rules:\n    - http:\n        paths:\n          - {{path: /api, pathType: Prefix, backend: {{service: {{name: api, port: {{number: 80}}}}}}}}\n          - {{path: /, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}\n\
         ---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n  traffic:\n    ingresses:\n{traffic}{}{}",
        app("api", svc_type),
        app("web", svc_type)
    )
}

fn cpu_now(e: &Engine, hpa: &str) -> Option<i64> {
    e.hpas.iter().find(|h| h.hpa.name == hpa).and_then(|h| h.current_metrics[0])
}

fn desired(e: &Engine, hpa: &str) -> i64 {
    e.hpas.iter().find(|h| h.hpa.name == hpa).unwrap().desired_replicas
}

/// 400 requests/s to /api/orders and 150 to /index.html, 1 CPU unit each: api's two pods get
/// 200 each (200 units = 195m of a 200m request: 97 %), web's 75 (73m: 36 %). The api HPA
/// goes to ceil(2 × 97.5 / 50) = 4 pods; web stays at 2 (its 300 s scale-down window).
#[test]
fn each_backends_hpa_sees_the_requests_its_path_rule_gets() {
    let traffic = "      - {ingress: shop, path: /api/orders, requestsPerSecond: {type: constant, value: 400}, cpuUnitsPerRequest: 1}\n      - {ingress: shop, path: /index.html, requestsPerSecond: {type: constant, value: 150}, cpuUnitsPerRequest: 1}\n";
    for (target, svc) in [("ip", "ClusterIP"), ("instance", "NodePort")] {
        let m = parse(&manifest(target, svc, traffic)).unwrap_or_else(|e| panic!("{e:?}"));
        let mut e = Engine::new(&m, false);
        // The first sync with the pods Ready.
        let mut t = 0;
        while cpu_now(&e, "api").is_none() && t < 120 {
            t += 1;
            e.advance_to(t);
        }
        assert_eq!((cpu_now(&e, "api"), cpu_now(&e, "web")), (Some(97), Some(36)), "{target} at {t} s");
        assert_eq!(desired(&e, "api"), 4, "{target}");
        // Spread over four api pods, 100 requests/s each: 97m, 48 %, on target.
        e.advance_to(240);
        assert_eq!((cpu_now(&e, "api"), desired(&e, "api"), desired(&e, "web")), (Some(48), 4, 2), "{target}");
    }
}

/// Without a path the requests are spread evenly over the listener's rules: 400 requests/s give
/// each backend 200, 100 per pod (97m: 48 %).
#[test]
fn requests_without_a_path_are_spread_over_the_rules() {
    let traffic = "      - {ingress: shop, requestsPerSecond: {type: constant, value: 400}, cpuUnitsPerRequest: 1}\n";
    let m = parse(&manifest("ip", "ClusterIP", traffic)).unwrap_or_else(|e| panic!("{e:?}"));
    let mut e = Engine::new(&m, false);
    e.advance_to(45);
    assert_eq!((cpu_now(&e, "api"), cpu_now(&e, "web")), (Some(48), Some(48)));
}

/// A host the rules do not name reaches the default action: no defaultBackend, a fixed 404 —
/// no pod sees the requests (their base cost only).
#[test]
fn a_path_no_rule_matches_reaches_no_pod() {
    let m = parse(&manifest("ip", "ClusterIP", "      - {ingress: shop, path: /api, requestsPerSecond: {type: constant, value: 400}, cpuUnitsPerRequest: 1, baseCpuUnits: 20}\n").replace("    - http:", "    - host: shop.example.com\n      http:")).unwrap();
    let mut e = Engine::new(&m, false);
    e.advance_to(45);
    // 20 units = 19m of 200m: 9 %.
    assert_eq!((cpu_now(&e, "api"), cpu_now(&e, "web")), (Some(9), Some(9)));
    let with_host = parse(&manifest("ip", "ClusterIP", "      - {ingress: shop, host: SHOP.example.com, path: /api, requestsPerSecond: {type: constant, value: 400}, cpuUnitsPerRequest: 1}\n").replace("    - http:", "    - host: shop.example.com\n      http:")).unwrap();
    let mut e = Engine::new(&with_host, false);
    e.advance_to(45);
    assert_eq!(cpu_now(&e, "api"), Some(97), "the Host header matches case-insensitively");
}

#[test]
fn ingress_traffic_errors_are_at_their_path() {
    let bad = "      - {ingress: nope, requestsPerSecond: {type: constant, value: 1}}\n      - {namespace: default, path: api, requestsPerSecond: {type: constant, value: 1}, weight: 2}\n      - {ingress: other, requestsPerSecond: {type: constant, value: 1}}\n";
    let other = "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: other}\nspec: {ingressClassName: nginx, defaultBackend: {service: {name: web, port: {number: 80}}}}\n";
    let errs = parse(&format!("{}{other}", manifest("ip", "ClusterIP", bad))).unwrap_err();
    let at = |p: &str, needle: &str| assert!(errs.iter().any(|e| e.path == p && e.message.contains(needle)), "{p}: {needle}: {errs:?}");
    at("$[2].spec.traffic.ingresses[0].ingress", "ingresses.networking.k8s.io \"nope\" not found in namespace \"default\"");
    at("$[2].spec.traffic.ingresses[1].ingress", "is required: the name of an Ingress of the file");
    at("$[2].spec.traffic.ingresses[1].path", "must start with `/`");
    at("$[2].spec.traffic.ingresses[1].weight", "is not a key here");
    at("$[2].spec.traffic.ingresses[2].ingress", "has no ALB");
}
