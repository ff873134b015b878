//! Proportional scaling mid-rollout and `spec.paused` (K8S:pkg/controller/deployment/sync.go
//! `scale`; eks-semantics §2.5). The pure cases are the Kubernetes project's own `TestScale`
//! (pkg/controller/deployment/sync_test.go): maxSurge/maxUnavailable default to 0 there, and each
//! ReplicaSet's max-replicas annotation is the old Deployment's replicas + its maxSurge.

use std::collections::BTreeMap;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::proportional::{proportional, Sized};
use stevedore_sim::eks::rollout::{Action, Rollout, NEVER};
use stevedore_sim::eks::workloads_json::deployment_json;

/// (new size, [(name-age, size)] oldest first) → sizes; `old` = (replicas, surge) before.
fn case(sizes: &[i64], old: (i64, i64), now: (i64, i64), status: i64) -> Vec<i64> {
    let sets: Vec<Sized> = sizes.iter().enumerate().map(|(i, r)| Sized { replicas: *r, age_rank: i, max_annotation: old.0 + old.1 }).collect();
    proportional(&sets, now.0, now.1, status)
}

#[test]
fn test_scale_cases_from_sync_test_go() {
    // Sizes are listed oldest first (foo-v1, foo-v2, foo-v3).
    assert_eq!(case(&[3, 2], (5, 0), (10, 0), 5), [6, 4], "proportional scaling: 5 -> 10");
    assert_eq!(case(&[3, 2], (5, 0), (3, 0), 5), [2, 1], "proportional scaling: 5 -> 3");
    assert_eq!(case(&[1, 8], (9, 0), (4, 0), 9), [0, 4], "proportional scaling: 9 -> 4");
    assert_eq!(case(&[2, 3, 2], (7, 0), (10, 0), 7), [3, 4, 3], "proportional scaling: 7 -> 10");
    assert_eq!(case(&[3, 8, 2], (13, 0), (8, 0), 13), [2, 5, 1], "proportional scaling: 13 -> 8");
    assert_eq!(case(&[1, 1, 1], (3, 0), (4, 0), 3), [1, 1, 2], "leftover distribution: 3 -> 4 (newest up)");
    assert_eq!(case(&[1, 1, 1], (3, 0), (2, 0), 3), [0, 1, 1], "leftover distribution: 3 -> 2 (oldest down)");
    assert_eq!(case(&[2, 2], (4, 0), (5, 0), 4), [2, 3], "proportional scaling (no new rs): 4 -> 5");
    assert_eq!(case(&[1, 2, 3], (6, 0), (0, 0), 6), [0, 0, 0], "proportional scaling: 6 -> 0");
    assert_eq!(case(&[6, 6], (10, 2), (20, 2), 12), [11, 11], "deployment with surge pods");
    assert_eq!(case(&[8, 5], (10, 3), (50, 6), 13), [34, 22], "change both surge and size");
    assert_eq!(case(&[3, 7], (10, 0), (14, 0), 10), [4, 10], "change both size and template");
    assert_eq!(case(&[1, 2], (2, 1), (2, 1), 3), [1, 2], "saturated but broken new replica set: nothing to add");
}

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 10\n  strategy: {rollingUpdate: {maxSurge: 3, maxUnavailable: 2}}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: \"nginx:1.26\"}]}\n";

/// A Deployment driven like the engine drives it: the pods named in `ready` are Ready at 0,
/// every other pod never (a bad image).
fn driven(text: &str) -> Rollout {
    let m = parse(text).unwrap_or_else(|e| panic!("{e:?}"));
    let mut r = Rollout::driven(m.deployments[0].clone(), 1, 0);
    mark_all_ready(&mut r, 0);
    r
}

fn mark_all_ready(r: &mut Rollout, at: i64) {
    let names: Vec<String> = r.pods().map(|(_, p)| p.name.clone()).collect();
    let seen: BTreeMap<&str, (bool, i64)> = names.iter().map(|n| (n.as_str(), (true, at))).collect();
    r.observe(&seen);
    r.resync();
}

fn sizes(r: &Rollout) -> Vec<i64> {
    r.sets.iter().map(|s| s.replicas).collect()
}

#[test]
fn scaling_mid_rollout_spreads_over_both_replica_sets_as_documented() {
    // kubernetes.io deployment.md "Proportional scaling": 10 replicas, maxSurge 3,
    // maxUnavailable 2, a bad image ⇒ old 8 / new 5; scale to 15 ⇒ +3 old (11), +2 new (7).
    let mut r = driven(WEB);
    r.advance_to(10);
    r.apply(&Action::SetImage(vec![("web".into(), "nginx:does-not-exist".into())])).unwrap();
    r.advance_to(20);
    assert_eq!(sizes(&r), [8, 5]);
    let before = r.events.len();
    r.apply(&Action::Scale(15)).unwrap();
    assert_eq!(sizes(&r), [11, 7]);
    let msgs: Vec<&str> = r.events[before..].iter().map(|e| e.message.as_str()).collect();
    assert_eq!(msgs, [format!("Scaled up replica set {} from 8 to 11", r.sets[0].name), format!("Scaled up replica set {} from 5 to 7", r.sets[1].name)]);
    // Still stalled (no new pod Ready): 18 = 15 + surge 3, nothing more scaled.
    r.advance_to(60);
    assert_eq!(sizes(&r), [11, 7]);
    // Scaling down mid-rollout takes from both too: 18 → 8 + 3 = 11 (old 11→7, new 7→4);
    // then the rolling steps go on (minAvailable 6 lets one old pod go, a new one replaces it).
    let before = r.events.len();
    r.apply(&Action::Scale(8)).unwrap();
    let msgs: Vec<&str> = r.events[before..].iter().map(|e| e.message.as_str()).collect();
    assert_eq!(msgs[..2], [format!("Scaled down replica set {} from 11 to 7", r.sets[0].name), format!("Scaled down replica set {} from 7 to 4", r.sets[1].name)]);
    assert_eq!(sizes(&r), [6, 5]);
}

#[test]
fn a_paused_deployment_scales_but_does_not_roll_out_until_resumed() {
    let r = driven(&WEB.replace("replicas: 10\n", "replicas: 4\n  paused: true\n"));
    // Paused from creation: no ReplicaSet yet (sync does not create one), nothing runs.
    assert!(r.sets.is_empty());
    assert_eq!(r.progressing.0, "");
    let mut r = driven(&WEB.replace("replicas: 10\n", "replicas: 4\n"));
    r.advance_to(10);
    r.apply(&Action::Pause(true)).unwrap();
    assert_eq!(r.apply(&Action::Pause(true)).unwrap_err(), "deployments.apps/web is already paused");
    assert_eq!(r.progressing, ("DeploymentPaused", "Deployment is paused".to_string()));
    r.apply(&Action::SetImage(vec![("web".into(), "nginx:1.27".into())])).unwrap();
    r.advance_to(700);
    assert_eq!(r.sets.len(), 1, "no new ReplicaSet while paused");
    // A scale while paused goes to the one active ReplicaSet.
    r.apply(&Action::Scale(6)).unwrap();
    assert_eq!(sizes(&r), [6]);
    // The paused deployment is not checked against its progress deadline.
    r.advance_to(2000);
    assert_eq!(r.progressing.0, "DeploymentPaused");
    let j = deployment_json(&r, 0);
    assert_eq!(j["spec"]["paused"], true);
    assert_eq!(j["status"]["conditions"][1]["status"], "Unknown");
    assert_eq!(j["status"]["conditions"][1]["reason"], "DeploymentPaused");
    r.apply(&Action::Pause(false)).unwrap();
    assert_eq!(r.apply(&Action::Pause(false)).unwrap_err(), "deployments.apps/web is not paused");
    // Resumed: the template change rolls out now (surge 3, unavailable 2, new pods not Ready yet).
    assert_eq!(sizes(&r), [4, 5]);
    assert_eq!(r.progressing.0, "ReplicaSetUpdated");
    mark_all_ready(&mut r, 2000);
    r.advance_to(2100);
    for _ in 0..6 {
        let now = r.now;
        mark_all_ready(&mut r, now);
        let t = r.now + 1;
        r.advance_to(t);
    }
    assert_eq!(sizes(&r), [0, 6]);
    assert_eq!(r.progressing.0, "NewReplicaSetAvailable");
    assert!(r.sets[1].pods.iter().all(|p| p.ready_at < NEVER));
}

#[test]
fn pause_and_resume_are_timeline_verbs_and_paused_is_validated() {
    let text = format!("{WEB}---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n  timeline:\n    - {{at: 1m, kubectl: \"rollout pause deployment/web\"}}\n    - {{at: 2m, kubectl: \"rollout resume deployment/web\"}}\n");
    let m = parse(&text).unwrap();
    let tl = &m.scenario.unwrap().timeline;
    assert_eq!((tl[0].action.clone(), tl[1].action.clone()), (Action::Pause(true), Action::Pause(false)));
    let errs = parse(&WEB.replace("replicas: 10\n", "replicas: 10\n  paused: yes-please\n")).unwrap_err();
    assert!(errs.iter().any(|e| e.to_string().contains("$[0].spec.paused")), "{errs:?}");
}
