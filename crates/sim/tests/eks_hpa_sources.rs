//! The HPA's metric sources on the engine's clock: Service traffic through ECS's request-cost
//! model (metrics-server cpu), and the metrics adapters' Pods / Object / External values
//! (`SetPodMetric`, `SetObjectMetric`, `SetExternalMetric`). Event wording is the controller's
//! (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go and replica_calculator.go
//! @00067268; rest_metrics_client.go "no metrics returned from custom metrics API").
//! Algorithm: https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details

use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};

const BASE: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: us-west-2}
managedNodeGroups:
  - {name: general, instanceType: m5.large, desiredCapacity: 3}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27, resources: {requests: {cpu: 200m, memory: 256Mi}}}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
";

fn with(scenario: &str, metrics: &str) -> String {
    format!(
        "{BASE}---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n{scenario}---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: web}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}\n  minReplicas: 2\n  maxReplicas: 10\n  metrics:\n{metrics}"
    )
}

fn rescales(r: &EksRun) -> Vec<(i64, String)> {
    r.events.iter().filter(|e| e.reason == "SuccessfulRescale").map(|e| (e.first_s, e.message.clone())).collect()
}

fn warnings(r: &EksRun, reason: &str) -> Vec<String> {
    r.events.iter().filter(|e| e.reason == reason && e.warning).map(|e| e.message.clone()).collect()
}

fn hpa_item(r: &EksRun) -> serde_json::Value {
    let list = output::list(r, 0);
    list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "HorizontalPodAutoscaler").unwrap().clone()
}

const CPU50: &str = "    - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}\n";

/// 200 requests/s × 2 CPU units each = 400 units (390.625m) over the ready endpoints: 2 pods at
/// 195m of 200m (97 %, twice the 50 % target) → 4 pods, then 97m each (48 %: inside the
/// tolerance) and it stays at 4.
#[test]
fn traffic_drives_cpu_through_ecs_request_cost_model() {
    let traffic = "  traffic:\n    services:\n      - {service: web, requestsPerSecond: {type: constant, value: 200}, cpuUnitsPerRequest: 2}\n";
    let m = parse(&with(traffic, CPU50)).unwrap();
    let r = run_until(&m, false, 400);
    let ups = rescales(&r);
    assert_eq!(ups.len(), 1, "{ups:?}");
    assert_eq!(ups[0].1, "New size: 4; reason: cpu resource utilization (percentage of request) above target");
    assert_eq!(r.rollouts[0].deployment.replicas, 4);
    let h = hpa_item(&r);
    assert_eq!(h["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"], 48);
    assert_eq!(h["status"]["currentMetrics"][0]["resource"]["current"]["averageValue"], "97m");
}

/// A ramp: the HPA follows the load up (each step at most max(2 × current, 4)).
#[test]
fn traffic_curve_over_time_and_base_cost() {
    // baseCpuUnits 1024 = 1000m a pod on its own: 500 % of a 200m request at any traffic.
    let base = "  traffic:\n    services:\n      - {service: web, requestsPerSecond: {type: constant, value: 0}, baseCpuUnits: 1024}\n";
    let r = run_until(&parse(&with(base, CPU50)).unwrap(), false, 120);
    assert!(rescales(&r).first().is_some_and(|x| x.1.starts_with("New size: 4;")), "{:?}", rescales(&r));
    let ramp = "  traffic:\n    services:\n      - {service: web, requestsPerSecond: {type: ramp, from: 0, to: 800, start: 2m, end: 4m}, cpuUnitsPerRequest: 2}\n";
    let r = run_until(&parse(&with(ramp, CPU50)).unwrap(), false, 600);
    let ups = rescales(&r);
    assert!(ups.first().is_some_and(|x| x.0 > 120), "no load before 2m: {ups:?}");
    // 800 rps × 2 units = 1600 units = 1562.5m; at 100m a pod: 16 pods, capped at maxReplicas 10.
    assert_eq!(r.rollouts[0].deployment.replicas, 10, "{ups:?}");
}

#[test]
fn set_pod_usage_wins_over_traffic() {
    let both = "  traffic:\n    services:\n      - {service: web, requestsPerSecond: {type: constant, value: 200}, cpuUnitsPerRequest: 2}\n  timeline:\n    - {at: 0s, action: SetPodUsage, input: {selector: {matchLabels: {app: web}}, cpu: 100m}}\n";
    let r = run_until(&parse(&with(both, CPU50)).unwrap(), false, 300);
    assert!(rescales(&r).is_empty(), "100m of 200m is the target: {:?}", rescales(&r));
    // SetPodUsage for memory only leaves cpu to the traffic.
    let mem_only = both.replace("cpu: 100m", "memory: 100Mi");
    let r = run_until(&parse(&with(&mem_only, CPU50)).unwrap(), false, 300);
    assert!(rescales(&r).first().is_some_and(|x| x.1.starts_with("New size: 4;")), "{:?}", rescales(&r));
}

#[test]
fn traffic_errors_at_their_path() {
    let bad = "  traffic:\n    services:\n      - {service: nope, requestsPerSecond: {type: wiggle}, cpuUnitsPerRequest: -1, noise: 0.1}\n      - {requestsPerSecond: {type: constant, value: 1}}\n";
    let errs = parse(&with(bad, CPU50)).unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    for p in ["$[3].spec.traffic.services[0].requestsPerSecond", "$[3].spec.traffic.services[0].cpuUnitsPerRequest", "$[3].spec.traffic.services[0].noise", "$[3].spec.traffic.services[1].service"] {
        assert!(paths.contains(&p), "{p} in {errs:?}");
    }
    let unknown = "  traffic:\n    services:\n      - {service: nope, requestsPerSecond: {type: constant, value: 1}}\n";
    let errs = parse(&with(unknown, CPU50)).unwrap_err();
    assert!(errs.iter().any(|e| e.path == "$[3].spec.traffic.services[0].service" && e.message.contains("\"nope\"")), "{errs:?}");
}

const PODS_METRIC: &str = "    - {type: Pods, pods: {metric: {name: http_requests_per_second}, target: {type: AverageValue, averageValue: \"10\"}}}\n";

/// Pods metric: 30 per pod against 10 → ratio 3 → 6 pods, held to max(2 × 2, 4) = 4 this sync.
#[test]
fn pods_metric_scales_the_deployment() {
    let tl = "  timeline:\n    - {at: 1m, action: SetPodMetric, input: {selector: {matchLabels: {app: web}}, metric: http_requests_per_second, value: \"30\"}}\n    - {at: 1m10s, action: SetPodMetric, input: {selector: {matchLabels: {app: web}}, metric: http_requests_per_second, value: \"10\"}}\n";
    let r = run_until(&parse(&with(tl, PODS_METRIC)).unwrap(), false, 200);
    // The first sync's unclamped 6 stays in the 5-minute recommendation history, so the next
    // sync goes on to 6 with an empty reason, as horizontal.go does.
    assert_eq!(rescales(&r)[0], (60, "New size: 4; reason: pods metric http_requests_per_second above target".to_string()));
    let h = hpa_item(&r);
    let cur = &h["status"]["currentMetrics"][0];
    assert_eq!(cur["type"], "Pods");
    assert_eq!(cur["pods"]["metric"]["name"], "http_requests_per_second");
    assert_eq!(cur["pods"]["current"]["averageValue"], "10");
    // Before 1m nothing reports the metric: the custom metrics API's words.
    let early = run_until(&parse(&with(tl, PODS_METRIC)).unwrap(), false, 30);
    assert_eq!(warnings(&early, "FailedGetPodsMetric")[0], "unable to get metric http_requests_per_second: no metrics returned from custom metrics API");
    assert_eq!(
        warnings(&early, "FailedComputeMetricsReplicas")[0],
        "invalid metrics (1 invalid out of 1), first error is: failed to get pods metric value: unable to get metric http_requests_per_second: no metrics returned from custom metrics API"
    );
    let active = hpa_item(&early)["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == "ScalingActive").cloned().unwrap();
    assert_eq!(active["reason"], "FailedGetPodsMetric");
    assert_eq!(active["message"], "the HPA was unable to compute the replica count: unable to get metric http_requests_per_second: no metrics returned from custom metrics API");
}

const OBJECT_METRIC: &str = "    - type: Object\n      object:\n        describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}\n        metric: {name: requests-per-second}\n        target: {type: Value, value: 2k}\n";

/// Object metric, Value target: 3k against 2k → ratio 1.5 × 2 ready pods → 3.
#[test]
fn object_metric_scales_the_deployment() {
    let tl = "  timeline:\n    - {at: 1m, action: SetObjectMetric, input: {describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}, metric: requests-per-second, value: 3k}}\n    - {at: 1m10s, action: SetObjectMetric, input: {describedObject: {kind: Ingress, name: main-route}, metric: requests-per-second, value: 2k}}\n";
    let r = run_until(&parse(&with(tl, OBJECT_METRIC)).unwrap(), false, 200);
    assert_eq!(rescales(&r), vec![(60, "New size: 3; reason: Ingress metric requests-per-second above target".to_string())]);
    let cur = &hpa_item(&r)["status"]["currentMetrics"][0];
    assert_eq!(cur["type"], "Object");
    assert_eq!(cur["object"]["describedObject"]["name"], "main-route");
    assert_eq!(cur["object"]["current"]["value"], "2k");
    assert_eq!(stevedore_sim::eks::hpa_json::targets(&hpa_item(&r)), "2k/2k");
    let early = run_until(&parse(&with(tl, OBJECT_METRIC)).unwrap(), false, 30);
    let w = warnings(&early, "FailedGetObjectMetric");
    assert!(w[0].starts_with("unable to get metric requests-per-second: Ingress on default main-route/unable to fetch metrics from custom metrics API: "), "{w:?}");
    assert!(warnings(&early, "FailedComputeMetricsReplicas")[0].contains("first error is: failed to get object metric value: unable to get metric requests-per-second"));
}

const EXTERNAL_METRIC: &str = "    - type: External\n      external:\n        metric: {name: sqs_messages_visible, selector: {matchLabels: {queue: orders}}}\n        target: {type: AverageValue, averageValue: \"30\"}\n";

/// External metric, AverageValue: the matching series sum to 90 (another queue's 1000 is not
/// selected) → ceil(90 / 30) = 3 pods.
#[test]
fn external_metric_scales_the_deployment() {
    let tl = "  timeline:\n    - {at: 0s, action: SetExternalMetric, input: {metric: sqs_messages_visible, labels: {queue: other}, value: \"1000\"}}\n    - {at: 1m, action: SetExternalMetric, input: {metric: sqs_messages_visible, labels: {queue: orders}, value: \"90\"}}\n";
    let r = run_until(&parse(&with(tl, EXTERNAL_METRIC)).unwrap(), false, 70);
    let sel = "&LabelSelector{MatchLabels:map[string]string{queue: orders,},MatchExpressions:[]LabelSelectorRequirement{},}";
    assert_eq!(rescales(&r), vec![(60, format!("New size: 3; reason: external metric sqs_messages_visible({sel}) above target"))]);
    let cur = &hpa_item(&r)["status"]["currentMetrics"][0];
    assert_eq!(cur["type"], "External");
    assert_eq!(cur["external"]["metric"]["name"], "sqs_messages_visible");
    // 90 over the 2 pods of status.replicas at that sync.
    assert_eq!(cur["external"]["current"]["averageValue"], "45");
    // kubectl's TARGETS for an AverageValue target (kubectl printers.go formatHPAMetrics).
    assert_eq!(stevedore_sim::eks::hpa_json::targets(&hpa_item(&r)), "45/30 (avg)");
    // Before 1m only the other queue's series exists: nothing matches the selector.
    let early = run_until(&parse(&with(tl, EXTERNAL_METRIC)).unwrap(), false, 30);
    assert_eq!(warnings(&early, "FailedGetExternalMetric")[0], format!("unable to get external metric default/sqs_messages_visible/{sel}: no metrics returned from external metrics API"));
    assert_eq!(
        warnings(&early, "FailedComputeMetricsReplicas")[0],
        format!("invalid metrics (1 invalid out of 1), first error is: failed to get sqs_messages_visible external metric: unable to get external metric default/sqs_messages_visible/{sel}: no metrics returned from external metrics API")
    );
    // A later entry for the same series replaces it; the series sum.
    let two = "  timeline:\n    - {at: 20s, action: SetExternalMetric, input: {metric: sqs_messages_visible, labels: {queue: orders, shard: a}, value: \"500\"}}\n    - {at: 20s, action: SetExternalMetric, input: {metric: sqs_messages_visible, labels: {queue: orders, shard: b}, value: \"40\"}}\n    - {at: 20s, action: SetExternalMetric, input: {metric: sqs_messages_visible, labels: {queue: orders, shard: a}, value: \"50\"}}\n";
    let r = run_until(&parse(&with(two, EXTERNAL_METRIC)).unwrap(), false, 35);
    assert_eq!(hpa_item(&r)["status"]["currentMetrics"][0]["external"]["current"]["averageValue"], "45");
}

#[test]
fn metric_source_errors_at_their_path() {
    let tl = "  timeline:\n    - {at: 1m, action: SetPodMetric, input: {metric: qps, value: lots}}\n    - {at: 1m, action: SetObjectMetric, input: {describedObject: {kind: Ingress}, metric: qps, value: \"-1\"}}\n    - {at: 1m, action: SetExternalMetric, input: {value: \"3\", lables: {a: b}}}\n    - {action: SetExternalMetric}\n";
    let errs = parse(&with(tl, EXTERNAL_METRIC)).unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    for p in [
        "$[3].spec.timeline[0].input.selector",
        "$[3].spec.timeline[0].input.value",
        "$[3].spec.timeline[1].input.describedObject.name",
        "$[3].spec.timeline[1].input.value",
        "$[3].spec.timeline[2].input.metric",
        "$[3].spec.timeline[2].input.lables",
        "$[3].spec.timeline[3].at",
        "$[3].spec.timeline[3].input",
    ] {
        assert!(paths.contains(&p), "{p} in {errs:?}");
    }
}

/// The example: the ECS target-tracking lesson's traffic alone drives the HPA, which holds cpu
/// inside the tolerance band at each plateau (desired = ceil(current × usage ÷ target)).
#[test]
fn example_follows_the_ecs_lessons_traffic() {
    let m = parse(include_str!("../../../examples/eks/hpa-traffic.yaml")).unwrap();
    let at = |s: i64| run_until(&m, false, s);
    let util = |r: &EksRun| hpa_item(r)["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"].as_i64().unwrap();
    let r = at(300);
    assert_eq!((r.rollouts[0].deployment.replicas, util(&r)), (2, 38), "100 units = 97m a pod of 250m");
    let r = at(30 * 60);
    let n = r.rollouts[0].deployment.replicas;
    // 600 requests/s × 2 units = 1200 units = 1171.875m; at 125m a pod 9.4 → 10 pods (9 would
    // be 52 %, also inside the band: which one depends on the path up the ramp).
    assert!((9..=10).contains(&n), "{n} pods: {:?}", rescales(&r));
    assert!((45..=55).contains(&util(&r)), "{}", util(&r));
    let r = at(40 * 60);
    assert_eq!(r.rollouts[0].deployment.replicas, 2, "{:?}", rescales(&r));
}
