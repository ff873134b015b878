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

/// The platform lessons (ECR, IAM, secrets, discovery, NLB, batch, lift and shift) show what
/// their narratives say.
#[test]
fn platform_lessons_tell_the_truth() {
    use stevedore_sim::engine::deployments::RolloutState::*;
    use stevedore_sim::engine::TaskStatus;
    // ECR: cold pulls then cache hits; 1.4 missing at 8m fails and rolls back; the re-push of
    // 1.3 is refused; the lifecycle policy expires five images an hour in.
    // Stopped tasks stay visible for an hour (then expire, as in ECS): look at them at 30m.
    let early = run(&lesson("ecr-images"), 30 * 60);
    let first: Vec<_> = early.tasks.iter().filter(|t| t.exists() && t.deployment == Some(0)).collect();
    assert_eq!(first.iter().filter(|t| !t.pulls[0].cached).count(), 5, "the first five pull (sharing a download per instance)");
    assert_eq!(first.iter().filter(|t| t.pulls[0].cached).count(), 1, "the sixth, at 2m, finds the image cached");
    let cold: Vec<u64> = first.iter().filter(|t| !t.pulls[0].cached).map(|t| t.pulls[0].ms).collect();
    assert!(cold.iter().all(|&ms| ms == cold[0]), "tasks sharing a pull wait as long as it takes: {cold:?}");
    assert!(early.tasks.iter().any(|t| t.stopped_reason.as_deref().is_some_and(|r| r.starts_with("CannotPullContainerError") && r.contains("shop/orders:1.4: not found"))));
    let s = run(&lesson("ecr-images"), 75 * 60);
    let rollouts: Vec<_> = s.services[0].deployments.iter().map(|d| (s.scenario.task_defs[d.task_def].revision, d.rollout)).collect();
    assert_eq!(rollouts, vec![(1, Completed), (2, Completed), (3, Failed), (2, Completed), (3, Completed)]);
    assert!(s.log.iter().any(|l| l.message.contains("ImageTagAlreadyExistsException: The image tag '1.3' already exists in the 'shop/orders' repository")));
    let tags: Vec<Vec<String>> = s.repositories[0].images.iter().map(|i| i.tags.clone()).collect();
    assert_eq!(tags, vec![vec!["1.2".to_string()], vec!["1.3".into(), "latest".into()], vec!["1.4".into()]]);

    // IAM: the six calls and their outcomes, in order.
    let s = run(&lesson("iam-roles"), 8 * 60);
    let outcomes: Vec<(String, bool)> = s.api_calls.iter().map(|c| (c.action.clone(), c.allowed)).collect();
    let expect = [("dynamodb:PutItem", true), ("s3:GetObject", false), ("s3:GetObject", true), ("dynamodb:PutItem", false), ("s3:GetObject", false), ("dynamodb:DeleteTable", false)];
    let mut dedup = outcomes.clone();
    dedup.dedup();
    assert_eq!(dedup, expect.map(|(a, b)| (a.to_string(), b)).to_vec());

    // Secrets: orders starts (its secrets are readable), billing never does.
    let s = run(&lesson("secrets-environment"), 8 * 60);
    assert_eq!(s.services[0].tasks.iter().filter(|&&t| s.tasks[t].last_status == TaskStatus::Running).count(), 2);
    let billing: Vec<_> = s.tasks.iter().filter(|t| t.group == "service:billing").collect();
    assert!(billing.iter().all(|t| t.started_at.is_none()));
    assert!(billing.iter().filter(|t| t.last_status == TaskStatus::Stopped).all(|t| t.stopped_reason.as_deref().unwrap().contains("ssm:GetParameters")));
    assert!(billing.len() <= 8, "the service throttle logic spaces the retries out: {}", billing.len());
    assert!(s.log.iter().any(|l| l.message == "(service billing) is unable to consistently start tasks successfully."));

    // Service discovery: 5 orders SRV targets after 4m; payments gone at 8m, back at 12m.
    let at = |m: u64| run(&lesson("service-discovery"), m * 60);
    let s = at(6);
    assert_eq!((s.discovery[0].len(), s.discovery[1].len()), (5, 2));
    assert_eq!(s.call_edges().iter().filter(|e| e.call == 0).count(), 2);
    assert_eq!(at(8).discovery[1].len(), 0);
    assert_eq!(at(8).call_edges().iter().filter(|e| e.call == 1).count(), 0);
    assert_eq!(at(12).discovery[1].len(), 2);

    // NLB: at 2m the ALB's targets are unhealthy, the NLB's healthy.
    let s = run(&lesson("network-load-balancer"), 120);
    use stevedore_sim::engine::TargetState;
    assert!(s.aws.elb[0].iter().all(|t| t.state == TargetState::Unhealthy));
    assert!(s.aws.elb[1].iter().all(|t| t.state == TargetState::Healthy));
    let s = run(&lesson("network-load-balancer"), 6 * 60);
    assert!(s.tasks.iter().any(|t| t.group == "service:api-behind-nlb" && t.stopped_reason.as_deref() == Some("Task failed container health checks")));

    // Batch: 4 backfill reports exit 0; etl every 5 minutes exits 1; 3 reports at 02:00; the
    // misconfigured schedule starts nothing.
    let s = run(&lesson("batch-scheduled"), 30 * 60);
    let group = |g: &str| s.tasks.iter().filter(|t| t.group == g).collect::<Vec<_>>();
    assert!(group("backfill").iter().all(|t| t.exited == Some((0, 0)) && t.stop_code.as_deref() == Some("EssentialContainerExited")));
    assert_eq!(group("etl").len(), 14, "2 tasks at 0 (no StartDate: at once), 5, 10, 15, 20, 25 and 30 minutes");
    assert!(group("etl").iter().filter(|t| !t.live()).all(|t| t.exited == Some((0, 1))));
    assert_eq!(group("nightly").len(), 3);
    assert!(group("nightly").iter().all(|t| t.created_at == 10 * 60_000));
    assert!(s.log.iter().any(|l| l.subject == "schedule/cleanup-at-2-15" && l.message.contains("not authorized to perform: ecs:RunTask")));

    // Lift and shift: one lifted task, then the service takes over and scales out.
    let s = run(&lesson("lift-and-shift"), 8 * 60);
    assert_eq!(s.tasks.iter().filter(|t| t.live()).count(), 3);
    let s = run(&lesson("lift-and-shift"), 40 * 60);
    assert!(s.tasks.iter().filter(|t| t.group == "lifted-vm").all(|t| !t.live()));
    assert!(s.services[0].desired_count >= 5, "scaled out: {}", s.services[0].desired_count);
}

/// The app slices a burst of sim work over frames (`advance_within` with a time budget): however
/// the run is sliced, it is the same run.
#[test]
fn slicing_the_run_over_frames_changes_nothing() {
    use stevedore_sim::report::{report, ReportOptions};
    for name in ["ecr-images", "service-discovery", "target-tracking", "batch-scheduled"] {
        let doc = lesson(name);
        let whole = run(&doc, 30 * 60);
        let mut sliced = sim(&doc);
        let mut budget = 0u32;
        let mut t = 0;
        while t < 30 * 60_000 {
            t = (t + 60_000).min(30 * 60_000);
            // Stop after every 7 events, like a frame running out of time, until caught up.
            while !sliced.advance_within(t, || {
                budget += 1;
                budget % 7 != 0
            }) {}
        }
        let a = report(&whole, &ReportOptions { explain: true });
        let b = report(&sliced, &ReportOptions { explain: true });
        assert_eq!(a, b, "{name}: the sliced run differs");
    }
}

/// The cost lessons' variants, compared as `stevedore compare` does.
fn compared(name: &str) -> Vec<stevedore_sim::compare::Summary> {
    let text = std::fs::read_to_string(format!("{}/../../www/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    stevedore_sim::compare::compare(&text, None).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

#[test]
fn cost_lessons_tell_the_truth() {
    let runs = compared("cost-spot-ondemand-fargate");
    let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["base", "EC2 Spot", "Fargate", "Fargate Spot"]);
    let (on_demand, ec2_spot, fargate, fargate_spot) = (&runs[0], &runs[1], &runs[2], &runs[3]);
    // "Three instances cost $0.288 an hour": a day of them, plus the ALB.
    assert!(on_demand.cost_usd > 0.288 * 24.0 && on_demand.cost_usd < 0.288 * 24.0 + 1.5, "{}", on_demand.cost_usd);
    // "Spot instances cost about 70% less, but an interrupted instance is gone".
    assert!(ec2_spot.interruptions > 0 && ec2_spot.unplaced_task_minutes > 0.0 && ec2_spot.requests_failed > 0.0);
    assert_eq!((on_demand.interruptions, on_demand.unplaced_task_minutes), (0, 0.0));
    assert!(fargate_spot.interruptions > 0 && fargate_spot.requests_failed == 0.0);
    assert!(fargate_spot.unplaced_task_minutes < 10.0 * fargate_spot.interruptions as f64, "replaced within a few minutes");
    assert!(fargate_spot.cost_usd < fargate.cost_usd && fargate.cost_usd < on_demand.cost_usd);
    assert!(ec2_spot.cost_usd < on_demand.cost_usd * 0.4);

    let runs = compared("cost-binpack-vs-spread");
    let (binpack, spread) = (&runs[0], &runs[1]);
    // "the group grows to six instances"; after the scale-in binpack keeps one, spread three.
    assert_eq!((binpack.instances_launched, spread.instances_launched), (6, 6));
    assert!((binpack.cost_per_hour_usd - 0.096).abs() < 1e-9, "{}", binpack.cost_per_hour_usd);
    assert!((spread.cost_per_hour_usd - 3.0 * 0.096).abs() < 1e-9, "{}", spread.cost_per_hour_usd);
    assert!(binpack.cost_usd < spread.cost_usd);

    let runs = compared("cost-target-tracking-vs-step");
    let (tracking, step) = (&runs[0], &runs[1]);
    assert_eq!(step.name, "step scaling");
    // Target tracking holds CPU near its 50% target; the step policy lets it run hot.
    assert!(tracking.p95_cpu_percent.unwrap() < 60.0, "{:?}", tracking.p95_cpu_percent);
    assert!(step.p95_cpu_percent.unwrap() > 80.0, "{:?}", step.p95_cpu_percent);
    assert!(step.scaling_activities > tracking.scaling_activities);
    assert!(tracking.tasks_running_max >= 10.0 && step.tasks_running_max >= 10.0);
}

/// "Lose an Availability Zone": tasks per zone (a, b, c) of a service, live and meant to run.
fn zones_of(s: &stevedore_sim::Sim, service: &str) -> [usize; 3] {
    let group = format!("service:{service}");
    let n = |z: &str| s.tasks.iter().filter(|t| t.live() && t.desired_running && t.group == group && t.availability_zone == z).count();
    [n("us-east-1a"), n("us-east-1b"), n("us-east-1c")]
}

#[test]
fn lose_an_az_tells_the_truth() {
    let doc = lesson("lose-an-az");
    let s = run(&doc, 4 * 60);
    assert_eq!((zones_of(&s, "packed"), zones_of(&s, "spread"), zones_of(&s, "rebalanced")), ([6, 0, 0], [2, 2, 2], [2, 2, 2]));
    let s = run(&doc, 5 * 60 + 10);
    let running = |name: &str| s.tasks.iter().filter(|t| t.group == format!("service:{name}") && t.last_status == stevedore_sim::engine::TaskStatus::Running).count();
    assert_eq!((running("packed"), running("spread"), running("rebalanced")), (0, 4, 4));
    let s = run(&doc, 7 * 60);
    assert_eq!((zones_of(&s, "spread"), zones_of(&s, "rebalanced")), ([0, 3, 3], [0, 3, 3]));
    assert_eq!(zones_of(&s, "packed").iter().filter(|&&n| n > 0).count(), 1, "still one basket");
    let s = run(&doc, 19 * 60);
    assert_eq!((zones_of(&s, "spread"), zones_of(&s, "rebalanced")), ([0, 3, 3], [2, 2, 2]));
    assert!(s.log.iter().any(|e| e.message == "service (rebalanced) is AZ balanced with 2 tasks in us-east-1a, 2 tasks in us-east-1b, and 2 tasks in us-east-1c."));
    let s = run(&doc, 30 * 60);
    assert_eq!(zones_of(&s, "spread"), [2, 2, 2]);
}
