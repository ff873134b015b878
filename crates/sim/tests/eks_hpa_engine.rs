//! The HPA controller on the engine's clock: `SetPodUsage` samples, the 15 s sync driving the
//! Deployment's scale, status and `SuccessfulRescale` events in the List, kubectl's columns.
//! Kubernetes' walkthrough: https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/
//! (desiredReplicas = ceil(currentReplicas × currentMetric / desiredMetric); scale-down
//! stabilised over 300 s by default).

use stevedore_sim::eks::kubectl;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};

const EXAMPLE: &str = include_str!("../../../examples/eks/hpa-web.yaml");

fn rescales(r: &EksRun) -> Vec<(i64, String)> {
    r.events.iter().filter(|e| e.reason == "SuccessfulRescale").map(|e| (e.first_s, e.message.clone())).collect()
}

fn replicas(r: &EksRun) -> i64 {
    r.rollouts[0].deployment.replicas
}

#[test]
fn twice_the_target_doubles_and_scale_down_waits_the_window() {
    let m = parse(EXAMPLE).unwrap();
    let r = run_until(&m, false, 600);
    assert_eq!(
        rescales(&r),
        vec![
            (60, "New size: 4; reason: cpu resource utilization (percentage of request) above target".to_string()),
            (480, "New size: 2; reason: All metrics below target".to_string()),
        ]
    );
    assert_eq!(replicas(&run_until(&m, false, 479)), 4, "the 300 s window holds the size");
    let at8 = run_until(&m, false, 480);
    assert_eq!(replicas(&at8), 2);
    assert_eq!(r.events.iter().find(|e| e.reason == "SuccessfulRescale").unwrap().source, "horizontal-pod-autoscaler");
}

#[test]
fn status_and_kubectl_get_hpa() {
    let m = parse(EXAMPLE).unwrap();
    let r = run_until(&m, false, 120);
    let list = output::list(&r, 0);
    let items = list["items"].as_array().unwrap();
    let h = items.iter().find(|i| i["kind"] == "HorizontalPodAutoscaler").unwrap();
    assert_eq!(h["apiVersion"], "autoscaling/v2");
    assert_eq!(h["status"]["currentReplicas"], 4);
    assert_eq!(h["status"]["desiredReplicas"], 4);
    assert_eq!(h["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"], 50);
    assert_eq!(h["status"]["currentMetrics"][0]["resource"]["current"]["averageValue"], "100m");
    let active = h["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == "ScalingActive").unwrap();
    assert_eq!(active["reason"], "ValidMetricFound");
    assert!(items.iter().any(|i| i["kind"] == "Event" && i["reason"] == "SuccessfulRescale" && i["involvedObject"]["kind"] == "HorizontalPodAutoscaler"));
    let table = kubectl::get_hpas(items, 120, false);
    let lines: Vec<&str> = table.lines().collect();
    let cols: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(cols, ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]);
    let row: Vec<&str> = lines[1].split("  ").map(str::trim).filter(|s| !s.is_empty()).collect();
    assert_eq!(row, ["web", "Deployment/web", "cpu: 50%/50%", "2", "10", "4", "2m"]);
}

#[test]
fn behavior_policy_limits_the_rate() {
    // scaleUp: 1 pod per 60 s; per-pod usage stays at 4× the target, so the HPA wants more at
    // every sync and the policy lets one pod through per minute.
    let text = EXAMPLE.replace("      input: {selector: {matchLabels: {app: web}}, cpu: 100m}\n    - at: 1m\n", "      input: {selector: {matchLabels: {app: web}}, cpu: 100m}\n    - at: 1m\n")
        .replace("cpu: 200m}\n    - at: 1m5s", "cpu: 400m}\n    - at: 9m")
        .replace("    - at: 3m\n", "    - at: 9m30s\n")
        + "  behavior:\n    scaleUp:\n      policies: [{type: Pods, value: 1, periodSeconds: 60}]\n";
    let m = parse(&text).unwrap();
    let r = run_until(&m, false, 200);
    let sizes: Vec<(i64, String)> = rescales(&r);
    assert_eq!(sizes.iter().map(|x| x.0).collect::<Vec<_>>(), vec![60, 120, 180]);
    assert!(sizes[0].1.starts_with("New size: 3;"), "{sizes:?}");
    assert!(sizes[2].1.starts_with("New size: 5;"), "{sizes:?}");
}

#[test]
fn no_usage_means_missing_metrics_and_no_scaling() {
    let text = EXAMPLE.replace("action: SetPodUsage\n      input: {selector: {matchLabels: {app: web}}", "action: SetPodUsage\n      input: {selector: {matchLabels: {app: api}}");
    let r = run_until(&parse(&text).unwrap(), false, 300);
    assert!(rescales(&r).is_empty());
    assert_eq!(replicas(&r), 2);
    assert!(r.events.iter().any(|e| e.reason == "FailedGetResourceMetric" && e.warning));
}

#[test]
fn set_pod_usage_errors_at_their_path() {
    let text = EXAMPLE.replace("cpu: 200m}", "cpu: 2GB}").replace("    - at: 3m\n      action: SetPodUsage", "    - at: 3m\n      action: SetLoad");
    let errs = parse(&text).unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"$[1].spec.timeline[1].input.cpu"), "{errs:?}");
    assert!(paths.contains(&"$[1].spec.timeline[3].action"), "{errs:?}");
    let none = EXAMPLE.replace("{selector: {matchLabels: {app: web}}, cpu: 20m}", "{selector: {matchLabels: {app: web}}}");
    let errs = parse(&none).unwrap_err();
    assert!(errs.iter().any(|e| e.path == "$[1].spec.timeline[3].input.cpu" && e.message.contains("needs `cpu`, `cpuTotal` or `memory`")), "{errs:?}");
}

/// `cpuTotal`: load shared by the Running pods, so adding pods lowers each one's usage and the
/// HPA settles where ceil(total ÷ (target × request)) pods hold it — the replica calculator's
/// fixed point (Kubernetes HPA docs: desired = ceil(current × currentMetric / desiredMetric)).
#[test]
fn shared_load_settles_at_total_over_target_per_pod() {
    let text = EXAMPLE
        .replace("input: {selector: {matchLabels: {app: web}}, cpu: 100m}", "input: {selector: {matchLabels: {app: web}}, cpuTotal: 200m}")
        .replace("input: {selector: {matchLabels: {app: web}}, cpu: 200m}", "input: {selector: {matchLabels: {app: web}}, cpuTotal: 700m}")
        .replace("input: {selector: {matchLabels: {app: web}}, cpu: 100m}", "input: {selector: {matchLabels: {app: web}}, cpuTotal: 700m}")
        .replace("input: {selector: {matchLabels: {app: web}}, cpu: 20m}", "input: {selector: {matchLabels: {app: web}}, cpuTotal: 700m}");
    let m = parse(&text).unwrap();
    // 700m over pods requesting 200m at a 50 % target: 100m each → 7 pods.
    let r = run_until(&m, false, 590);
    assert_eq!(replicas(&r), 7, "{:?}", rescales(&r));
    let h = &r.hpas[0];
    let running = r.pods.iter().filter(|p| p.info.namespace == "default" && p.started(590) && p.deleting_at.is_none() && p.info.name.starts_with("web-")).count() as i64;
    assert_eq!(h.current_average[0], Some(700 / running), "each pod reports its share");
    assert_eq!(rescales(&r).first().map(|x| x.0), Some(60), "the 1 m sync sees 350m a pod, 175 %");
    let both = EXAMPLE.replace("cpu: 20m}", "cpu: 20m, cpuTotal: 1}");
    let errs = parse(&both).unwrap_err();
    assert!(errs.iter().any(|e| e.path == "$[1].spec.timeline[3].input.cpuTotal" && e.message.contains("not both")), "{errs:?}");
    let bad = EXAMPLE.replace("cpu: 20m}", "cpuTotal: lots}");
    assert!(parse(&bad).unwrap_err().iter().any(|e| e.path == "$[1].spec.timeline[3].input.cpuTotal"));
}

const TWO_HPAS: &str = r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: us-west-2}
managedNodeGroups: [{name: big, instanceType: m5.4xlarge, desiredCapacity: 1}]
---
apiVersion: stevedore.dev/v1
kind: Scenario
metadata: {name: two}
spec:
  duration: 2m
  timeline:
    - {at: 0s, action: SetPodUsage, input: {selector: {matchLabels: {app: web}}, cpu: 100m}}
    - {at: 0s, action: SetPodUsage, input: {selector: {matchLabels: {app: other}}, cpu: 100m}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec: {containers: [{name: web, image: nginx, resources: {requests: {cpu: 10m, memory: 16Mi}}}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: other}
spec:
  replicas: 1
  selector: {matchLabels: {app: other}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: web, image: nginx, resources: {requests: {cpu: 10m, memory: 16Mi}}}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-b}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: lonely}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: other}
  maxReplicas: 10
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ghost}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: nope}
  maxReplicas: 10
"#;

fn condition(r: &EksRun, hpa: &str, kind: &str) -> (String, String, String) {
    let list = output::list(r, 0);
    let h = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "HorizontalPodAutoscaler" && i["metadata"]["name"] == hpa).unwrap().clone();
    let c = h["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == kind).unwrap().clone();
    (c["status"].as_str().unwrap().into(), c["reason"].as_str().unwrap().into(), c["message"].as_str().unwrap().into())
}

/// horizontal.go: a missing scale target ⇒ `AbleToScale False FailedGetScale` with a Warning
/// event; two HPAs whose selectors cover the same pods ⇒ `ScalingActive False
/// AmbiguousSelector` ("pods by selector app=web are controlled by multiple HPAs: [ns/a ns/b]")
/// and neither scales; an HPA alone on its target is unaffected.
#[test]
fn missing_target_and_ambiguous_selector_in_the_controllers_words() {
    let r = run_until(&parse(TWO_HPAS).unwrap(), false, 120);
    assert_eq!(
        condition(&r, "ghost", "AbleToScale"),
        ("False".into(), "FailedGetScale".into(), "the HPA controller was unable to get the target's current scale: deployments.apps \"nope\" not found".into())
    );
    assert!(r.events.iter().any(|e| e.name == "ghost" && e.reason == "FailedGetScale" && e.warning && e.message == "deployments.apps \"nope\" not found"));
    let msg = "pods by selector app=web are controlled by multiple HPAs: [default/web-a default/web-b]";
    for h in ["web-a", "web-b"] {
        assert_eq!(condition(&r, h, "AbleToScale").1, "SucceededGetScale");
        assert_eq!(condition(&r, h, "ScalingActive"), ("False".into(), "AmbiguousSelector".into(), msg.into()));
        for reason in ["AmbiguousSelector", "FailedComputeMetricsReplicas"] {
            assert!(r.events.iter().any(|e| e.name == h && e.reason == reason && e.warning && e.message == msg), "{h} {reason}");
        }
    }
    assert_eq!(r.rollouts[0].deployment.replicas, 1, "an ambiguous HPA does not scale (usage is 10× the target)");
    assert_eq!(condition(&r, "lonely", "ScalingActive").0, "True");
    assert!(r.rollouts[1].deployment.replicas > 1, "the other HPA scales its own Deployment");
}
