//! PodDisruptionBudget status, with the cases of Kubernetes' own disruption controller tests
//! (K8S pkg/controller/disruption/disruption_test.go @003e8629: `VerifyPdbStatus(allowed,
//! currentHealthy, desiredHealthy, expectedPods)`), and the Eviction API's answer.

use stevedore_sim::eks::engine::disruption::{may_evict, status, PdbStatus, Selected, VIOLATES};
use stevedore_sim::eks::fenceposts::IntOrPercent;
use stevedore_sim::eks::objects::PodDisruptionBudget;

fn pdb(min: Option<&str>, max: Option<&str>) -> PodDisruptionBudget {
    let p = |s: &str| IntOrPercent::parse(s).unwrap();
    PodDisruptionBudget { name: "pdb".into(), namespace: "default".into(), selector: Default::default(), min_available: min.map(p), max_unavailable: max.map(p) }
}

fn st(b: &PodDisruptionBudget, pods: i64, healthy: i64, scale: i64) -> (i64, i64, i64, i64) {
    let s = status(b, &Selected { pods, healthy, scale });
    (s.disruptions_allowed, s.current_healthy, s.desired_healthy, s.expected_pods)
}

#[test]
fn percentage_max_unavailable_follows_the_controllers_scale() {
    // TestPercentageMaxUnavailableWithScaling: 30% of an RS of 7, one healthy pod ⇒ (0, 1, 4, 7);
    // the RS scaled to 3 ⇒ (0, 1, 2, 3).
    let b = pdb(None, Some("30%"));
    assert_eq!(st(&b, 1, 1, 7), (0, 1, 4, 7));
    assert_eq!(st(&b, 1, 1, 3), (0, 1, 2, 3));
}

#[test]
fn percentage_min_available_rounds_up() {
    // TestReplicaSet: minAvailable 20% of an RS of 10, one pod ⇒ (0, 1, 2, 10).
    assert_eq!(st(&pdb(Some("20%"), None), 1, 1, 10), (0, 1, 2, 10));
    // TestReplicationController: 34% of 3 rounds up to 2; pods join one by one.
    let b = pdb(Some("34%"), None);
    assert_eq!(st(&b, 1, 1, 3), (0, 1, 2, 3));
    assert_eq!(st(&b, 2, 2, 3), (0, 2, 2, 3));
    assert_eq!(st(&b, 3, 3, 3), (1, 3, 2, 3));
    // …then a "rogue" pod with no controller matches: healthy 4, expected still 3 ⇒ 2 allowed.
    assert_eq!(st(&b, 4, 4, 3).0, 2);
}

#[test]
fn naked_pods_allow_no_disruption_under_a_percentage() {
    // TestNakedPod: minAvailable 28% and only a pod with no controller ⇒ 0 allowed.
    assert_eq!(st(&pdb(Some("28%"), None), 1, 1, 0).0, 0);
    // TestTwoControllers: 28% of 11 ⇒ minimum 4; 22 pods of two controllers ⇒ 7.
    assert_eq!(st(&pdb(Some("28%"), None), 11, 5, 11), (1, 5, 4, 11));
    assert_eq!(st(&pdb(Some("28%"), None), 22, 9, 22), (2, 9, 7, 22));
}

#[test]
fn integer_min_available_counts_the_pods() {
    // An integer minAvailable expects the matching pods themselves (`getExpectedPodCount`).
    assert_eq!(st(&pdb(Some("2"), None), 3, 3, 0), (1, 3, 2, 3));
    assert_eq!(st(&pdb(None, Some("1")), 3, 3, 3), (1, 3, 2, 3));
}

#[test]
fn eviction_refuses_with_kubernetes_wording() {
    let b = pdb(Some("3"), None);
    let full = PdbStatus { expected_pods: 3, current_healthy: 3, desired_healthy: 3, disruptions_allowed: 0 };
    assert_eq!(may_evict(&[(&b, full.clone())], true, true), Err(VIOLATES));
    assert_eq!(VIOLATES, "Cannot evict pod as it would violate the pod's disruption budget.");
    // A Pending pod ignores budgets; an unready one may go while the budget holds.
    assert_eq!(may_evict(&[(&b, full.clone())], false, false), Ok(()));
    assert_eq!(may_evict(&[(&b, full)], true, false), Ok(()));
    let short = PdbStatus { expected_pods: 3, current_healthy: 2, desired_healthy: 3, disruptions_allowed: 0 };
    assert_eq!(may_evict(&[(&b, short)], true, false), Err(VIOLATES));
    let ok = PdbStatus { expected_pods: 3, current_healthy: 3, desired_healthy: 2, disruptions_allowed: 1 };
    assert!(may_evict(&[(&b, ok.clone()), (&b, ok)], true, true).unwrap_err().contains("more than one PodDisruptionBudget"));
}
