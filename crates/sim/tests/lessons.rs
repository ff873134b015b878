//! Every built-in lesson loads, runs clean, and what its narrative claims is true.

mod common;
use common::*;
use serde_json::Value;

fn lesson(name: &str) -> Value {
    let path = format!("{}/../../www/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn live(s: &stevedore_sim::Sim, group: &str) -> usize {
    s.tasks.iter().filter(|t| t.live() && t.group == group).count()
}

#[test]
fn every_lesson_loads_and_runs_to_its_end_with_invariants_holding() {
    let dir = format!("{}/../../www/scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let scenario = stevedore_sim::load(&doc.to_string()).unwrap_or_else(|e| panic!("{path:?}: {e:?}"));
        assert!(!scenario.narrative.is_empty(), "{path:?} needs a narrative");
        run(&doc, scenario.duration / 1000);
        count += 1;
    }
    assert!(count >= 9);
}

#[test]
fn narratives_tell_the_truth() {
    let s = run(&lesson("host-port-conflicts"), 60);
    assert_eq!((live(&s, "service:static"), live(&s, "service:dynamic"), live(&s, "service:hostmode")), (3, 6, 3));

    let s = run(&lesson("awsvpc-eni-limits"), 60);
    assert_eq!((live(&s, "service:plain"), live(&s, "service:trunked")), (2, 10));

    let s = run(&lesson("placement-strategies"), 60);
    let packed = per_instance(&s, "service:packed");
    assert_eq!(packed.iter().filter(|&&n| n > 0).count(), 1, "{packed:?}");
    assert!(per_instance(&s, "service:spread").iter().all(|&n| n <= 2));

    let s = run(&lesson("constraints"), 60);
    assert_eq!(live(&s, "service:cache"), 4);
    assert_eq!(per_instance(&s, "service:t3-only")[..2].iter().sum::<usize>(), 3);

    let s = run(&lesson("fargate-spot-base"), 120);
    let on = |cp: &str| s.tasks.iter().filter(|t| t.live() && t.capacity_provider.as_deref() == Some(cp)).count();
    assert_eq!((on("FARGATE"), on("FARGATE_SPOT")), (4, 6));

    let s = run(&lesson("draining"), 600);
    assert_eq!(per_instance(&s, "service:web")[0], 0);
    assert_eq!(live(&s, "nightly-report"), 1);

    let s = run(&lesson("ec2-spot-draining"), 15 * 60);
    assert_eq!(per_instance(&s, "service:api"), vec![0, 0, 6]);
    assert!(s.tasks.iter().filter(|t| t.stopped_reason.as_deref() == Some("Host EC2 (instance i-0spotplain000002) terminated.")).count() >= 2);
    let s = run(&lesson("fargate-spot-base"), 15 * 60);
    assert_eq!(s.tasks.iter().filter(|t| t.stop_code.as_deref() == Some("TerminationNotice")).count(), 3);

    let fleet = |t: u64| {
        let s = run(&lesson("cluster-auto-scaling"), t * 60);
        (s.instances.iter().filter(|i| i.status == stevedore_sim::engine::InstanceStatus::Active).count(), s.tasks.iter().filter(|t| t.live()).count())
    };
    assert_eq!([fleet(1), fleet(4), fleet(20), fleet(60)], [(0, 4), (2, 4), (6, 18), (2, 3)], "(instances, live tasks): at first the tasks wait in PROVISIONING");

    let s = run(&lesson("daemon"), 300);
    assert_eq!(live(&s, "service:log-agent"), 5);

    let desired_at = |name: &str, t: u64| run(&lesson(name), t).services[0].desired_count;
    assert_eq!([3, 11, 19, 27, 35].map(|m| desired_at("step-scaling", m * 60 + 30)), [11, 14, 13, 10, 10]);
    assert!(desired_at("target-tracking", 30 * 60) > 6, "scaled out under 600 requests/s");
    assert_eq!(desired_at("target-tracking", 60 * 60), 2, "back to MinCapacity after the drop");

    let s = run(&lesson("rolling-deployment"), 30 * 60);
    let rollouts: Vec<_> = s.services[0].deployments.iter().map(|d| (s.scenario.task_defs[d.task_def].revision, d.rollout)).collect();
    use stevedore_sim::engine::deployments::RolloutState::*;
    assert_eq!(rollouts, vec![(1, Completed), (2, Completed), (3, Failed), (2, Completed)]);
}
