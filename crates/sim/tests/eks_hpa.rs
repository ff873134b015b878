//! HPA v2: the Kubernetes project's own replica calculator and controller cases
//! (kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go @00067268,
//! horizontal_test.go @4e62298c), inputs and expected outputs re-expressed for the sim.

use stevedore_sim::eks::hpa::controller::{convert_with_rules, scale_down_limit, scale_up_limit, ConditionType, Controller, Observed};
use stevedore_sim::eks::hpa::replicas::{object_value, per_pod_value, plain_average, resource_utilization, Phase, PodInput, Sample};
use stevedore_sim::eks::hpa::{Behavior, Hpa, MetricSpec, Policy, PolicyType, ResourceName, Rules, SelectPolicy, Target, Tolerances};

const NOW: u64 = 3_600_000;
const COOL: u64 = NOW - 600_000;
const HOT: u64 = NOW;
const T: Tolerances = Tolerances { down: 0.1, up: 0.1 };

/// The test harness's pod: 2 containers with the same request and usage each, Running, Ready
/// since time 0, started at time 0; the sample taken at time 0 over a 1-minute window.
fn pod(i: usize, request_m: i64, level: Option<i64>) -> PodInput {
    PodInput {
        name: format!("test-pod-{i}"),
        phase: Phase::Running,
        deleting: false,
        start_ms: Some(0),
        ready: Some((true, 0)),
        request: Ok(2 * request_m),
        sample: level.map(|l| Sample { value: 2 * l, timestamp_ms: 0, window_ms: 60_000 }),
    }
}

struct Case {
    current: i64,
    requests: Vec<i64>,
    levels: Vec<i64>,
    ready: Vec<bool>,
    start: Vec<u64>,
    phase: Vec<Phase>,
    deleting: Vec<bool>,
}

impl Case {
    fn new(current: i64, requests: &[i64], levels: &[i64]) -> Case {
        Case { current, requests: requests.to_vec(), levels: levels.to_vec(), ready: vec![], start: vec![], phase: vec![], deleting: vec![] }
    }
    fn pods(&self) -> Vec<PodInput> {
        let n = (self.current as usize).max(self.phase.len()).max(self.requests.len().min(self.phase.len().max(self.current as usize)));
        (0..n)
            .map(|i| {
                let mut p = pod(i, self.requests.get(i).copied().unwrap_or(1000), self.levels.get(i).copied());
                if let Some(r) = self.ready.get(i) {
                    p.ready = Some((*r, 0));
                }
                if let Some(s) = self.start.get(i) {
                    p.start_ms = Some(*s);
                }
                if let Some(ph) = self.phase.get(i) {
                    p.phase = *ph;
                }
                p.deleting = self.deleting.get(i).copied().unwrap_or(false);
                p
            })
            .collect()
    }
    fn cpu(&self, target: i64) -> (i64, i64, i64) {
        let p = resource_utilization(&self.pods(), self.current, target, true, T, NOW).expect("no error");
        (p.replicas, p.utilization, p.raw_average)
    }
    fn plain(&self, target: i64) -> (i64, i64) {
        // Custom pod metrics: the level is the pod's value (no per-container doubling).
        let pods: Vec<PodInput> = self.pods().into_iter().map(|mut p| {
            p.sample = p.sample.map(|s| Sample { value: s.value / 2, ..s });
            p
        }).collect();
        let p = plain_average(&pods, self.current, target, false, T, NOW).expect("no error");
        (p.replicas, p.utilization)
    }
}

const R1: &[i64] = &[1000, 1000, 1000];
const R5: &[i64] = &[1000; 5];

#[test]
fn scale_up() {
    assert_eq!(Case::new(3, R1, &[300, 500, 700]).cpu(30), (5, 50, 1000));
}

#[test]
fn scale_up_unready_less_scale() {
    let c = Case { ready: vec![false, true, true], ..Case::new(3, R1, &[300, 500, 700]) };
    assert_eq!(c.cpu(30), (4, 60, 1200));
}

#[test]
fn scale_up_hot_cpu_less_scale() {
    let c = Case { start: vec![HOT, COOL, COOL], ..Case::new(3, R1, &[300, 500, 700]) };
    assert_eq!(c.cpu(30), (4, 60, 1200));
}

#[test]
fn scale_up_unready_no_scale() {
    let c = Case { ready: vec![true, false, false], ..Case::new(3, R1, &[400, 500, 700]) };
    assert_eq!(c.cpu(30), (3, 40, 800));
    let hot = Case { ready: vec![true, false, false], start: vec![COOL, HOT, HOT], ..Case::new(3, R1, &[400, 500, 700]) };
    assert_eq!(hot.cpu(30), (3, 40, 800));
}

#[test]
fn scale_up_ignores_failed_and_deleted_pods() {
    let failed = Case { ready: vec![true, true, false, false], phase: vec![Phase::Running, Phase::Running, Phase::Failed, Phase::Failed], ..Case::new(2, &[1000; 4], &[500, 700]) };
    assert_eq!(failed.cpu(30), (4, 60, 1200));
    let deleted = Case { ready: vec![true, true, false, false], phase: vec![Phase::Running; 4], deleting: vec![false, false, true, true], ..Case::new(2, &[1000; 4], &[500, 700]) };
    assert_eq!(deleted.cpu(30), (4, 60, 1200));
}

#[test]
fn scale_down() {
    assert_eq!(Case::new(5, R5, &[100, 300, 500, 250, 250]).cpu(50), (3, 28, 560));
    // Unready pods are left out of a scale-down (their usage is not assumed).
    let unready = Case { ready: vec![true, true, true, false, false], ..Case::new(5, R5, &[100, 300, 500, 250, 250]) };
    assert_eq!(unready.cpu(50), (2, 30, 600));
    let hot = Case { start: vec![COOL, COOL, COOL, HOT, HOT], ..Case::new(5, R5, &[100, 300, 500, 250, 250]) };
    assert_eq!(hot.cpu(50), (2, 30, 600));
    let pending = Case {
        ready: vec![true, false, false, false, false],
        phase: vec![Phase::Running, Phase::Pending, Phase::Pending, Phase::Pending, Phase::Pending],
        ..Case::new(5, R5, &[100])
    };
    assert_eq!(pending.cpu(50), (1, 10, 200));
    let failed = Case {
        ready: vec![true, true, true, true, true, false, false],
        phase: vec![Phase::Running, Phase::Running, Phase::Running, Phase::Running, Phase::Running, Phase::Failed, Phase::Failed],
        ..Case::new(5, &[1000; 7], &[100, 300, 500, 250, 250])
    };
    assert_eq!(failed.cpu(50), (3, 28, 560));
}

#[test]
fn tolerance() {
    assert_eq!(Case::new(3, &[900, 1000, 1100], &[1010, 1030, 1020]).cpu(100), (3, 102, 2040));
}

#[test]
fn missing_metrics() {
    // Missing pods count as 100% of request on a scale-down: (400+95+1000+1000)×2 / 8000.
    assert_eq!(Case::new(4, &[1000; 4], &[400, 95]).cpu(100), (3, 24, 495));
    assert_eq!(Case::new(2, &[1000; 2], &[1000]).cpu(100).0, 2);
    assert_eq!(Case::new(2, &[1000; 2], &[1900]).cpu(100).0, 2);
    assert_eq!(Case::new(2, &[1000; 2], &[600]).cpu(100).0, 2);
    let unready_change = Case { ready: vec![false, true, true], ..Case::new(3, R1, &[100, 450]) };
    assert_eq!(unready_change.cpu(50), (3, 45, 900));
    let hot_change = Case { start: vec![HOT, COOL, COOL], ..Case::new(3, R1, &[100, 450]) };
    assert_eq!(hot_change.cpu(50), (3, 45, 900));
    let unready_up = Case { ready: vec![false, true, true], ..Case::new(3, R1, &[100, 2000]) };
    assert_eq!(unready_up.cpu(50), (4, 200, 4000));
    let hot_up = Case { ready: vec![false, true, true], start: vec![HOT, COOL, COOL], ..Case::new(3, R1, &[100, 2000]) };
    assert_eq!(hot_up.cpu(50), (4, 200, 4000));
    let unready_down = Case { ready: vec![false, true, true, true], ..Case::new(4, &[1000; 4], &[100, 100, 100]) };
    assert_eq!(unready_down.cpu(50), (3, 10, 200));
    // A surge pod without metrics during a rolling update does not turn a scale-down into an up.
    let surge = Case { phase: vec![Phase::Running; 3], ..Case::new(2, R1, &[100, 100]) };
    assert_eq!(surge.cpu(50), (2, 10, 200));
}

/// On a scale-down missing pods are filled in at `max(100, target)` % of their request
/// (replica_calculator.go `fallbackUtilization`), not 100 %: with a target above 100 % the old
/// fill-in read them as under-used and scaled down too far.
#[test]
fn missing_pods_fill_in_at_the_target_when_it_exceeds_100() {
    // Target 200 %, 2 pods at 100 %, 4 missing, 4 current: (2×100 + 4×200) / 600 = 166 % → ratio
    // 0.83 → ceil(0.83 × 6) = 5 > 4 current, a flip of direction ⇒ keep 4 (100 % fill gave 3).
    let c = Case { phase: vec![Phase::Running; 6], ..Case::new(4, &[1000; 6], &[1000, 1000]) };
    assert_eq!(c.cpu(200), (4, 100, 2000));
    // Target 150 %, 2 pods at 50 %, 4 missing, 6 current: (2×50 + 4×150) / 600 = 116 % → ratio
    // 0.773 → ceil(4.64) = 5 (100 % fill: 83 % → 0.553 → 4).
    let c = Case::new(6, &[1000; 6], &[500, 500]);
    assert_eq!(c.cpu(150), (5, 50, 1000));
    // At or below 100 % the fill-in stays 100 % of request.
    assert_eq!(Case::new(4, &[1000; 4], &[400, 95]).cpu(100), (3, 24, 495));
}

#[test]
fn errors_in_the_controllers_words() {
    let c = Case::new(4, R1, &[]);
    let err = resource_utilization(&c.pods(), 4, 100, true, T, NOW).unwrap_err();
    assert_eq!(err, "unable to get metrics for resource cpu: no metrics returned from resource metrics API");
    let mut pods = Case::new(1, &[1000], &[200]).pods();
    pods[0].request = Err("missing request for cpu in container app of Pod web-1".into());
    assert!(resource_utilization(&pods, 1, 100, true, T, NOW).unwrap_err().starts_with("missing request for"));
    let all_unready = Case { ready: vec![false], start: vec![HOT], ..Case::new(1, &[1000], &[200]) };
    assert_eq!(resource_utilization(&all_unready.pods(), 1, 100, true, T, NOW).unwrap_err(), "did not receive metrics for targeted pods (pods might be unready)");
}

#[test]
fn computed_tolerance_regression() {
    // TestReplicaCalcComputedToleranceAlgImplementation: 10 pods using 150m of ~300m.
    let requests = [400, 200, 310, 290, 302, 298, 301, 299, 300, 300];
    let c = Case::new(10, &requests, &[150; 10]);
    assert_eq!(c.cpu(56).0, 9);
    assert_eq!(c.cpu(55).0, 10);
}

#[test]
fn pods_metrics() {
    assert_eq!(Case::new(3, R1, &[20000, 10000, 30000]).plain(15000), (4, 20000));
    // Readiness does not matter for non-CPU metrics.
    let hot = Case { ready: vec![true, true, false], start: vec![COOL, COOL, HOT], ..Case::new(3, R1, &[50000, 10000, 30000]) };
    assert_eq!(hot.plain(15000), (6, 30000));
    let hot2 = Case { ready: vec![false, true, false], start: vec![HOT, COOL, HOT], ..Case::new(3, R1, &[50000, 15000, 30000]) };
    assert_eq!(hot2.plain(15000), (7, 31666));
    assert_eq!(Case::new(5, R5, &[12000; 5]).plain(20000), (3, 12000));
    assert_eq!(Case::new(3, R1, &[20000, 21000, 21000]).plain(20000), (3, 20666));
}

#[test]
fn object_and_external_metrics() {
    let pods3 = Case::new(3, R1, &[]).pods();
    assert_eq!(object_value(&pods3, 3, 20000, 15000, T).unwrap().replicas, 4);
    let unready = Case { ready: vec![false, true, false], ..Case::new(3, R1, &[]) }.pods();
    assert_eq!(object_value(&unready, 3, 50000, 10000, T).unwrap().replicas, 5);
    assert_eq!(object_value(&unready, 3, 8600, 4400, T).unwrap().replicas, 2);
    let pods5 = Case::new(5, R5, &[]).pods();
    assert_eq!(object_value(&pods5, 5, 12000, 20000, T).unwrap().replicas, 3);
    assert_eq!(object_value(&pods5, 5, 8600, 14334, T).unwrap().replicas, 3);
    assert_eq!(object_value(&pods3, 3, 20666, 20000, T).unwrap().replicas, 3);
    assert_eq!(object_value(&pods3, 3, 8600, 8888, T).unwrap().replicas, 3);
    // From 0 replicas: ceil(ratio), no tolerance.
    assert_eq!(object_value(&[], 0, 20500, 20000, T).unwrap().replicas, 2);

    let p = per_pod_value(3, 20000, 5000, T);
    assert_eq!((p.replicas, p.utilization), (4, 6667));
    let p = per_pod_value(5, 6000, 2000, T);
    assert_eq!((p.replicas, p.utilization), (3, 1200));
    let p = per_pod_value(4, 20166, 5000, T);
    assert_eq!((p.replicas, p.utilization), (4, 5042));
    let p = per_pod_value(3, 8600, 2150, T);
    assert_eq!((p.replicas, p.utilization), (4, 2867));
    let p = per_pod_value(5, 8600, 2867, T);
    assert_eq!((p.replicas, p.utilization), (3, 1720));
    let p = per_pod_value(3, 8600, 2900, T);
    assert_eq!((p.replicas, p.utilization), (3, 2867));
}

#[test]
fn exactly_ten_percent_is_inside_the_two_sided_tolerance() {
    // 55.0/50.0 and 1.0 + 0.1 are the same double, and 1.33 tests ratio <= 1 + 0.1, so +10 %
    // does not scale (the older |1 − ratio| <= 0.1 did: eks-semantics §3.2).
    assert_eq!(Case::new(2, &[1000; 2], &[550, 550]).cpu(50).0, 2);
    assert_eq!(Case::new(2, &[1000; 2], &[450, 450]).cpu(50).0, 2);
    assert_eq!(Case::new(2, &[1000; 2], &[560, 560]).cpu(50).0, 3);
}

// ---- controller (horizontal.go) ----

fn cpu_hpa(min: i64, max: i64, target: i64, behavior: Option<Behavior>) -> Hpa {
    Hpa {
        name: "test-hpa".into(),
        namespace: "test-namespace".into(),
        target_kind: "Deployment".into(),
        target_name: "web".into(),
        target_api_version: "apps/v1".into(),
        min_replicas: min,
        max_replicas: max,
        metrics: vec![MetricSpec::Resource { name: ResourceName::Cpu, container: None, target: Target::Utilization(target) }],
        behavior,
    }
}

fn pods_at(levels: &[i64]) -> Observed {
    Observed::Pods(levels.iter().enumerate().map(|(i, l)| pod(i, 1000, Some(*l))).collect())
}

#[test]
fn controller_scale_up_event_wording() {
    let hpa = cpu_hpa(2, 6, 30, None);
    let mut c = Controller::new();
    let out = c.reconcile(&hpa, NOW, 3, 3, &[pods_at(&[300, 500, 700])]);
    assert_eq!(out.desired, 5);
    assert!(out.rescaled);
    assert_eq!(out.events[0].reason, "SuccessfulRescale");
    assert_eq!(out.events[0].message, "New size: 5; reason: cpu resource utilization (percentage of request) above target");
    assert_eq!(out.current_metrics, vec![Some(50)]);
    let able = c.condition(ConditionType::AbleToScale).unwrap();
    assert_eq!((able.status, able.reason.as_str()), (true, "SucceededRescale"));
    assert_eq!(able.message, "the HPA controller was able to update the target scale to 5");
    let active = c.condition(ConditionType::ScalingActive).unwrap();
    assert_eq!(active.reason, "ValidMetricFound");
    assert_eq!(active.message, "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)");
    assert_eq!(c.condition(ConditionType::ScalingLimited).unwrap().reason, "DesiredWithinRange");
}

#[test]
fn controller_new_hpa_waits_a_window_before_scaling_down() {
    // TestScaleDownStabilizeInitialSize: 5 stays 5 (the first sync records 5).
    let hpa = cpu_hpa(2, 6, 50, None);
    let mut c = Controller::new();
    let low = pods_at(&[100, 300, 500, 250, 250]);
    let out = c.reconcile(&hpa, NOW, 5, 5, std::slice::from_ref(&low));
    assert_eq!(out.desired, 5);
    assert!(!out.rescaled);
    assert_eq!(c.condition(ConditionType::AbleToScale).unwrap().reason, "ScaleDownStabilized");
    // Every 15 s for 5 minutes it holds; the first sync past the window scales to 3.
    let mut t = NOW;
    let mut scaled_at = None;
    for _ in 0..30 {
        t += 15_000;
        let out = c.reconcile(&hpa, t, 5, 5, std::slice::from_ref(&low));
        if out.rescaled {
            assert_eq!(out.desired, 3);
            assert_eq!(out.events[0].message, "New size: 3; reason: All metrics below target");
            scaled_at = Some(t - NOW);
            break;
        }
    }
    assert_eq!(scaled_at, Some(315_000));
}

#[test]
fn controller_clamps_and_limits_without_behavior() {
    // Current above max: straight to max with the controller's reason.
    let hpa = cpu_hpa(1, 4, 50, None);
    let out = Controller::new().reconcile(&hpa, NOW, 6, 6, &[pods_at(&[500; 6])]);
    assert_eq!(out.desired, 4);
    assert_eq!(out.events[0].message, "New size: 4; reason: Current number of replicas above Spec.MaxReplicas");
    // Scale-up limit max(2 × current, 4).
    assert_eq!(convert_with_rules(1, 10, 1, 100), (4, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"));
    assert_eq!(convert_with_rules(3, 10, 1, 100).0, 6);
    assert_eq!(convert_with_rules(3, 10, 1, 5), (5, "TooManyReplicas", "the desired replica count is more than the maximum replica count"));
    assert_eq!(convert_with_rules(3, 1, 2, 5).1, "TooFewReplicas");
    // Target at 0 with minReplicas 1: scaling disabled.
    let mut c = Controller::new();
    let out = c.reconcile(&hpa, NOW, 0, 0, &[pods_at(&[])]);
    assert!(!out.rescaled);
    let active = c.condition(ConditionType::ScalingActive).unwrap();
    assert_eq!((active.status, active.reason.as_str()), (false, "ScalingDisabled"));
}

#[test]
fn several_metrics_take_the_max_and_invalid_ones_block_scale_down() {
    let mut hpa = cpu_hpa(1, 10, 50, None);
    hpa.metrics.push(MetricSpec::Pods { metric: "qps".into(), selector: None, target: Target::AverageValue(10_000) });
    let qps = |v: i64| Observed::Pods((0..4).map(|i| { let mut p = pod(i, 1000, None); p.sample = Some(Sample { value: v, timestamp_ms: 0, window_ms: 60_000 }); p }).collect());
    // cpu says 4 (at target), qps says 8: the max wins and names its metric.
    let out = Controller::with_recommendations(vec![]).reconcile(&hpa, NOW, 4, 4, &[pods_at(&[500; 4]), qps(20_000)]);
    assert_eq!(out.desired, 8);
    assert_eq!(out.events[0].message, "New size: 8; reason: pods metric qps above target");
    // cpu invalid and qps says scale down: skipped, ScalingActive False with the first error.
    let mut c = Controller::with_recommendations(vec![]);
    let out = c.reconcile(&hpa, NOW, 4, 4, &[Observed::Unavailable("no metrics returned from resource metrics API".into()), qps(2_000)]);
    assert!(!out.rescaled);
    assert!(out.events.iter().any(|e| e.reason == "FailedGetResourceMetric" && e.warning));
    assert!(out.events.iter().any(|e| e.message == "invalid metrics (1 invalid out of 2), first error is: failed to get cpu utilization: no metrics returned from resource metrics API"));
    let active = c.condition(ConditionType::ScalingActive).unwrap();
    assert_eq!((active.status, active.reason.as_str()), (false, "FailedGetResourceMetric"));
    // ...but a scale-up still happens.
    let out = c.reconcile(&hpa, NOW + 15_000, 4, 4, &[Observed::Unavailable("x".into()), qps(20_000)]);
    assert_eq!(out.desired, 8);
}

fn rules(pods: i64, pods_period: i64, percent: i64, percent_period: i64, window: i64) -> Rules {
    // generateScalingRules in horizontal_test.go.
    let mut policies = vec![];
    if pods != 0 {
        policies.push(Policy { kind: PolicyType::Pods, value: pods, period_s: pods_period });
    }
    if percent != 0 {
        policies.push(Policy { kind: PolicyType::Percent, value: percent, period_s: percent_period });
    }
    Rules { stabilization_window_s: window, select: SelectPolicy::Max, policies, tolerance: 0.1 }
}

#[test]
fn rate_limits_from_test_scaling_with_rules() {
    let none = [];
    assert_eq!(scale_up_limit(10, &none, &none, &Rules::default_scale_up(), NOW), 20);
    assert_eq!(scale_up_limit(3, &none, &none, &rules(0, 0, 1, 60, 0), NOW), 4);
    assert_eq!(scale_up_limit(10, &none, &none, &rules(100, 60, 100, 60, 0), NOW), 110);
    assert_eq!(scale_up_limit(10, &none, &none, &rules(2, 60, 100, 60, 0), NOW), 20);
    assert_eq!(scale_up_limit(10, &none, &none, &rules(30, 60, 0, 0, 0), NOW), 40);
    assert_eq!(scale_up_limit(10, &none, &none, &rules(0, 0, 200, 60, 0), NOW), 30);
    assert_eq!(scale_down_limit(1000, &none, &none, &rules(20, 60, 0, 0, 0), NOW), 980);
    assert_eq!(scale_down_limit(100, &none, &none, &rules(20, 60, 1, 60, 300), NOW), 80);
    assert_eq!(scale_down_limit(100, &none, &none, &rules(2, 60, 1, 60, 300), NOW), 98);
    assert_eq!(scale_down_limit(10, &none, &none, &rules(5, 60, 0, 0, 300), NOW), 5);
    assert_eq!(scale_down_limit(10, &none, &none, &rules(0, 0, 50, 60, 300), NOW), 5);
    let min = Rules { select: SelectPolicy::Min, ..rules(2, 60, 50, 60, 300) };
    assert_eq!(scale_down_limit(5, &none, &none, &min, NOW), 3);
    // Events 100 s, 61 s and 20 s ago adding 1, 5 and 9 pods (generateEventsUniformDistribution).
    let ev = [(1, NOW - 100_000), (5, NOW - 61_000), (9, NOW - 20_000)];
    assert_eq!(scale_up_limit(100, &ev, &none, &rules(5, 120, 0, 0, 0), NOW), 90);
    assert_eq!(scale_up_limit(100, &ev, &none, &rules(150, 120, 0, 0, 0), NOW), 235);
    assert_eq!(scale_up_limit(100, &ev, &none, &rules(300, 60, 0, 0, 0), NOW), 391);
    let disabled = Rules { select: SelectPolicy::Disabled, ..Rules::default_scale_up() };
    assert_eq!(scale_up_limit(7, &none, &none, &disabled, NOW), 7);
}

#[test]
fn behavior_scale_down_documented_example_80_72_64() {
    // K8SWEB horizontal-pod-autoscale.md: scaleDown policies Pods 4/60 s and Percent 10%/60 s,
    // selectPolicy Max: 80 → 72 in the first minute, 72 → 64 in the next; then 10 % of 64 is
    // 6.4, and the Percent limit truncates (64 × 0.9 = 57.6 → 57), so 7 go.
    let b = Behavior { scale_up: Rules::default_scale_up(), scale_down: Rules { stabilization_window_s: 0, ..rules(4, 60, 10, 60, 0) } };
    let hpa = cpu_hpa(1, 100, 50, Some(b));
    let mut c = Controller::with_recommendations(vec![]);
    let low = pods_at(&[50; 80]);
    let mut replicas = 80;
    let mut seen = vec![];
    for k in 0..9 {
        let out = c.reconcile(&hpa, NOW + k * 15_000, replicas, replicas, std::slice::from_ref(&low));
        if out.rescaled {
            replicas = out.desired;
            seen.push((k * 15, replicas));
            assert_eq!(c.condition(ConditionType::ScalingLimited).unwrap().reason, "ScaleDownLimit");
        }
    }
    assert_eq!(seen, vec![(0, 72), (60, 64), (120, 57)]);
}

#[test]
fn behavior_scale_down_window_uses_the_highest_recent_recommendation() {
    let hpa = cpu_hpa(1, 20, 50, Some(Behavior::default()));
    let mut c = Controller::with_recommendations(vec![]);
    // 10 pods at 100% → 20; then load falls: the 300 s window keeps 20 → stays.
    let out = c.reconcile(&hpa, NOW, 10, 10, &[pods_at(&[1000; 10])]);
    assert_eq!(out.desired, 20);
    let out = c.reconcile(&hpa, NOW + 15_000, 20, 20, &[pods_at(&[100; 20])]);
    assert!(!out.rescaled);
    assert_eq!(c.condition(ConditionType::AbleToScale).unwrap().reason, "ScaleDownStabilized");
    // Past the window it drops to ceil(0.2 × 20) = 4 in one step (100 % per 15 s).
    let out = c.reconcile(&hpa, NOW + 316_000, 20, 20, &[pods_at(&[100; 20])]);
    assert_eq!(out.desired, 4);
}

// ---- manifest ----

use stevedore_sim::eks::manifest::parse;

#[test]
fn parses_an_autoscaling_v2_hpa_with_defaults() {
    let m = parse(
        r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}
    - type: Pods
      pods: {metric: {name: packets-per-second}, target: {type: AverageValue, averageValue: 1k}}
    - type: Object
      object:
        describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}
        metric: {name: requests-per-second}
        target: {type: Value, value: 10k}
    - type: External
      external:
        metric: {name: queue_messages_ready, selector: {matchLabels: {queue: worker_tasks}}}
        target: {type: AverageValue, averageValue: "30"}
  behavior:
    scaleDown:
      policies: [{type: Pods, value: 4, periodSeconds: 60}, {type: Percent, value: 10, periodSeconds: 60}]
      selectPolicy: Min
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 5
"#,
    )
    .unwrap();
    assert_eq!(m.hpas.len(), 2);
    let h = &m.hpas[0];
    assert_eq!((h.min_replicas, h.max_replicas, h.namespace.as_str()), (1, 10, "shop"));
    assert_eq!(h.metrics[0], MetricSpec::Resource { name: ResourceName::Memory, container: None, target: Target::AverageValue(500 * 1024 * 1024 * 1000) });
    assert_eq!(h.metrics[1].target(), Target::AverageValue(1_000_000));
    assert_eq!(h.metrics[2].reason_name(), "Ingress metric requests-per-second");
    assert_eq!(h.metrics[3].reason_name(), "external metric queue_messages_ready(&LabelSelector{MatchLabels:map[string]string{queue: worker_tasks,},MatchExpressions:[]LabelSelectorRequirement{},})");
    let b = h.behavior.as_ref().unwrap();
    assert_eq!(b.scale_up, Rules::default_scale_up());
    assert_eq!(b.scale_down.stabilization_window_s, 300);
    assert_eq!(b.scale_down.select, SelectPolicy::Min);
    assert_eq!(b.scale_down.policies.len(), 2);
    // No metrics ⇒ cpu 80 %; no behavior ⇒ None.
    let api = &m.hpas[1];
    assert_eq!(api.metrics, vec![MetricSpec::Resource { name: ResourceName::Cpu, container: None, target: Target::Utilization(80) }]);
    assert!(api.behavior.is_none());
    assert_eq!(api.namespace, "default");
}

#[test]
fn hpa_errors_at_their_paths_all_at_once() {
    let errs = parse(
        r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {kind: Deployment}
  minReplicas: 5
  maxReplicas: 3
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization}}
    - type: Resource
      resource: {name: gpu, target: {type: Value, value: "1"}}
    - type: Pods
      pods: {metric: {name: qps}, target: {type: AverageValue, averageValue: "-1"}}
    - type: Cheddar
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 4000
      selectPolicy: Fastest
      policies: [{type: Pods, value: 0, periodSeconds: 1801}]
"#,
    )
    .unwrap_err();
    let at = |p: &str| errs.iter().find(|e| e.path == p).map(|e| e.message.clone()).unwrap_or_else(|| panic!("no error at {p}: {errs:?}"));
    assert_eq!(at("$[0].spec.scaleTargetRef.name"), "is required");
    assert_eq!(at("$[0].spec.maxReplicas"), "must be greater than or equal to `minReplicas`");
    assert_eq!(at("$[0].spec.metrics[0].resource.target.averageUtilization"), "is required when type is Utilization");
    assert!(at("$[0].spec.metrics[1].resource.name").contains("must be cpu or memory"));
    assert!(at("$[0].spec.metrics[1].resource.target.type").contains("not allowed"));
    assert!(at("$[0].spec.metrics[2].pods.target.averageValue").contains("negative"));
    assert!(at("$[0].spec.metrics[3].type").contains("must be one of Resource"));
    assert!(at("$[0].spec.behavior.scaleUp.stabilizationWindowSeconds").contains("between 0 and 3600"));
    assert!(at("$[0].spec.behavior.scaleUp.selectPolicy").contains("Max, Min, Disabled"));
    assert!(at("$[0].spec.behavior.scaleUp.policies[0].value").contains("between 1"));
    assert!(at("$[0].spec.behavior.scaleUp.policies[0].periodSeconds").contains("1800"));
}
