//! Deployments → ReplicaSets → pods over sim time: fenceposts, rolling steps, scale-down order.
//! Cases from Kubernetes' deployment_util_test.go (`TestResolveFenceposts`),
//! controller_utils_test.go (`TestSortingActivePodsWithRanks`) and the documented rolling update
//! of kubernetes.io/docs/concepts/workloads/controllers/deployment/ ("Updating a Deployment").

use stevedore_sim::eks::fenceposts::{max_unavailable, resolve_fenceposts, IntOrPercent};
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::rollout::{Action, Rollout, STARTUP_S};
use stevedore_sim::eks::scale_down::{pods_to_delete, RankedPod};

fn p(s: &str) -> IntOrPercent {
    IntOrPercent::parse(s).unwrap()
}

#[test]
fn fenceposts_round_surge_up_and_unavailable_down() {
    // TestResolveFenceposts cases.
    assert_eq!(resolve_fenceposts(p("0%"), p("0%"), 0), (0, 1));
    assert_eq!(resolve_fenceposts(p("39%"), p("39%"), 10), (4, 3));
    assert_eq!(resolve_fenceposts(p("5"), p("1"), 10), (5, 1));
    assert!(IntOrPercent::parse("oops").is_err());
    assert!(IntOrPercent::parse("urg").is_err());
    // Defaults 25%/25%: 3 replicas ⇒ surge 1, unavailable 0; 10 ⇒ 3 and 2 (deployment.md).
    assert_eq!(resolve_fenceposts(p("25%"), p("25%"), 3), (1, 0));
    assert_eq!(resolve_fenceposts(p("25%"), p("25%"), 10), (3, 2));
    assert_eq!(max_unavailable(p("25%"), p("25%"), 0), 0);
    assert_eq!(max_unavailable(p("0"), p("5"), 2), 2);
}

const WEB: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.26"}]
"#;

fn web(extra: &str) -> Rollout {
    let text = format!("{WEB}{extra}");
    let m = parse(&text).unwrap_or_else(|e| panic!("{e:?}"));
    Rollout::new(m.deployments[0].clone(), 1)
}

fn steps(r: &Rollout, from: usize) -> Vec<String> {
    r.events[from..].iter().map(|e| e.message.clone()).collect()
}

#[test]
fn creation_scales_the_first_replica_set_from_0_and_pods_get_ready_after_startup() {
    let mut r = web("");
    let rs = r.new_set().unwrap().name.clone();
    assert_eq!(steps(&r, 0), vec![format!("Scaled up replica set {rs} from 0 to 3")]);
    assert_eq!(r.progressing.0, "NewReplicaSetCreated");
    assert_eq!(r.sets[0].ready(r.now), 0);
    r.advance_to(STARTUP_S);
    assert_eq!(r.sets[0].ready(r.now), 3);
    assert_eq!(r.progressing.0, "NewReplicaSetAvailable");
    assert_eq!(r.sets[0].revision, 1);
}

#[test]
fn rolling_update_of_three_replicas_follows_the_documented_steps() {
    let mut r = web("");
    r.advance_to(60);
    let old = r.sets[0].name.clone();
    let n = r.events.len();
    r.apply(&Action::SetImage(vec![("web".into(), "nginx:1.27".into())])).unwrap();
    let new = r.new_set().unwrap().name.clone();
    assert_ne!(old, new);
    // At most 4 pods, never fewer than 3 available, while it rolls.
    for t in 61..=120 {
        r.advance_to(t);
        let pods: usize = r.sets.iter().map(|s| s.pods.len()).sum();
        let avail: i64 = r.sets.iter().map(|s| s.available(t, 0)).sum();
        assert!((3..=4).contains(&pods), "{pods} pods at {t}");
        assert!(avail >= 3, "{avail} available at {t}");
    }
    assert_eq!(
        steps(&r, n),
        vec![
            format!("Scaled up replica set {new} from 0 to 1"),
            format!("Scaled down replica set {old} from 3 to 2"),
            format!("Scaled up replica set {new} from 1 to 2"),
            format!("Scaled down replica set {old} from 2 to 1"),
            format!("Scaled up replica set {new} from 2 to 3"),
            format!("Scaled down replica set {old} from 1 to 0"),
        ]
    );
    assert_eq!(r.new_set().unwrap().revision, 2);
    assert_eq!(r.progressing.0, "NewReplicaSetAvailable");
}

#[test]
fn min_ready_seconds_delays_availability_and_so_each_step() {
    let mut r = web("  minReadySeconds: 30\n");
    r.advance_to(100);
    r.apply(&Action::SetImage(vec![("web".into(), "nginx:1.27".into())])).unwrap();
    let n = r.events.len();
    // The new pod is Ready at +5 s but only Available at +35 s: the old set waits.
    r.advance_to(100 + STARTUP_S + 29);
    assert_eq!(r.events.len(), n);
    r.advance_to(100 + STARTUP_S + 30);
    assert!(r.events[n].message.contains("from 3 to 2"), "{:?}", r.events[n]);
}

#[test]
fn undo_returns_to_the_previous_template_as_a_new_revision() {
    let mut r = web("");
    r.advance_to(30);
    let first = r.sets[0].name.clone();
    r.apply(&Action::SetImage(vec![("web".into(), "nginx:1.27".into())])).unwrap();
    r.advance_to(120);
    r.apply(&Action::Undo(None)).unwrap();
    r.advance_to(240);
    let now = r.new_set().unwrap();
    assert_eq!(now.name, first);
    assert_eq!(now.revision, 3);
    assert_eq!(now.pods.len(), 3);
    assert_eq!(r.apply(&Action::Undo(Some(9))), Err("unable to find specified revision 9 in history".into()));
    assert!(r.apply(&Action::SetImage(vec![("nope".into(), "x".into())])).is_err());
}

#[test]
fn scale_sets_the_replica_set_directly_when_not_rolling() {
    let mut r = web("");
    r.advance_to(30);
    let rs = r.sets[0].name.clone();
    let n = r.events.len();
    r.apply(&Action::Scale(5)).unwrap();
    r.apply(&Action::Scale(2)).unwrap();
    assert_eq!(steps(&r, n), vec![format!("Scaled up replica set {rs} from 3 to 5"), format!("Scaled down replica set {rs} from 5 to 2")]);
    // The two pods just created (not Ready) go first.
    assert!(r.sets[0].pods.iter().all(|p| p.created_at == 0));
}

#[test]
fn recreate_empties_the_old_set_before_the_new_one_scales() {
    let mut r = web("  strategy: {type: Recreate}\n");
    r.advance_to(30);
    let (old, n) = (r.sets[0].name.clone(), r.events.len());
    r.apply(&Action::SetImage(vec![("web".into(), "nginx:1.27".into())])).unwrap();
    let new = r.new_set().unwrap().name.clone();
    assert_eq!(steps(&r, n), vec![format!("Scaled down replica set {old} from 3 to 0"), format!("Scaled up replica set {new} from 0 to 3")]);
}

#[test]
fn revision_history_limit_keeps_that_many_old_sets() {
    let mut r = web("  revisionHistoryLimit: 1\n");
    for (i, tag) in ["1.27", "1.28", "1.29"].iter().enumerate() {
        r.advance_to(100 * (i as i64 + 1));
        r.apply(&Action::SetImage(vec![("web".into(), format!("nginx:{tag}"))])).unwrap();
    }
    r.advance_to(1000);
    assert_eq!(r.sets.len(), 2);
    assert_eq!(r.sets.iter().map(|s| s.revision).collect::<Vec<_>>(), vec![3, 4]);
}

#[test]
fn strategy_validation_names_the_path() {
    let bad = format!("{WEB}  strategy:\n    rollingUpdate: {{maxSurge: 0, maxUnavailable: \"0%\"}}\n");
    let e = parse(&bad).unwrap_err();
    assert!(e.iter().any(|e| e.to_string().contains("$[0].spec.strategy.rollingUpdate.maxUnavailable") && e.to_string().contains("may not be 0 when `maxSurge` is 0")), "{e:?}");
    let bad = format!("{WEB}  strategy:\n    type: Recreate\n    rollingUpdate: {{maxSurge: 1}}\n");
    assert!(parse(&bad).unwrap_err().iter().any(|e| e.to_string().contains("'Recreate'")));
    let bad = format!("{WEB}  strategy:\n    type: Blue\n    rollingUpdate: {{maxSurge: lots, maxUnavailable: \"150%\"}}\n");
    let e = parse(&bad).unwrap_err();
    assert!(e.len() >= 3, "{e:?}");
}

fn pod(ready: bool, rank: i64, ready_since: i64, created_at: i64, uid: u64) -> RankedPod {
    RankedPod { assigned: true, phase_rank: 2, ready, deletion_cost: 0, rank, ready_since, restarts: 0, created_at, uid }
}

#[test]
fn scale_down_ranking_follows_active_pods_with_ranks() {
    let now = 10_000;
    let unassigned = RankedPod { assigned: false, phase_rank: 0, ..pod(false, 0, 0, 0, 9) };
    let pending = RankedPod { phase_rank: 0, ..pod(false, 0, 0, 0, 8) };
    let not_ready = pod(false, 0, 0, 0, 7);
    let costly = RankedPod { deletion_cost: 5, ..pod(true, 5, 0, 0, 1) };
    let doubled = pod(true, 2, 0, 0, 6);
    let recent = pod(true, 1, now - 10, 0, 5);
    let old = pod(true, 1, 0, 0, 4);
    let pods = vec![costly.clone(), old.clone(), recent.clone(), doubled.clone(), not_ready.clone(), pending.clone(), unassigned.clone()];
    let order: Vec<u64> = pods_to_delete(&pods, pods.len(), now).into_iter().map(|i| pods[i].uid).collect();
    assert_eq!(order, vec![9, 8, 7, 6, 5, 4, 1]);
    // Ready times in the same log2 bucket tie; the UID stand-in decides.
    let a = pod(true, 0, now - 1000, 0, 2);
    let b = pod(true, 0, now - 1010, 0, 1);
    assert_eq!(pods_to_delete(&[a, b], 1, now), vec![1]);
}

#[test]
fn timeline_errors_name_their_path() {
    let bad = format!("{WEB}\n---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  timeline:\n    - {{at: 1m, kubectl: \"scale deployment/api --replicas=2\"}}\n    - {{at: 1m, kubectl: \"scale deployment/web --replicas=lots\"}}\n    - {{kubectl: \"annotate pod x a=b\"}}\n");
    let e: Vec<String> = parse(&bad).unwrap_err().iter().map(|e| e.to_string()).collect();
    assert!(e.iter().any(|e| e.contains("$[1].spec.timeline[0].kubectl") && e.contains("\"api\" not found")), "{e:?}");
    assert!(e.iter().any(|e| e.contains("$[1].spec.timeline[1].kubectl") && e.contains("--replicas=N")), "{e:?}");
    assert!(e.iter().any(|e| e.contains("$[1].spec.timeline[2].at") && e.contains("required")), "{e:?}");
    assert!(e.iter().any(|e| e.contains("$[1].spec.timeline[2].kubectl") && e.contains("not understood")), "{e:?}");
}

/// An `at` of the wrong type is one error ("must be a string"), not also "is required"; the same
/// for a kubectl entry and an `{at, action, input}` entry.
#[test]
fn a_wrong_type_at_is_one_error() {
    let bad = format!("{WEB}\n---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  timeline:\n    - {{at: 60, kubectl: \"scale deployment/web --replicas=2\"}}\n    - {{at: [1m], action: SetPodUsage, input: {{selector: {{app: web}}, cpu: 100m}}}}\n");
    let errs = parse(&bad).unwrap_err();
    for j in 0..2 {
        let path = format!("$[1].spec.timeline[{j}].at");
        let at: Vec<_> = errs.iter().filter(|e| e.path == path).collect();
        assert_eq!(at.len(), 1, "{errs:?}");
        assert!(at[0].message.contains("must be a string"), "{errs:?}");
    }
}
