//! Rolling deployments and the circuit breaker (aws-semantics §6.1-6.2), with the documented
//! minimumHealthyPercent / maximumPercent examples.

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::deployments::RolloutState;
use stevedore_sim::engine::TaskStatus;

fn deploy(desired: u32, min: u32, max: u32, v2: Value) -> Value {
    let mut d = doc(
        json!([{"instanceType": "m5.xlarge", "availabilityZone": "us-east-1a", "count": 4}]),
        json!([td("app", 256, 256, json!([])), v2]),
        json!([{"serviceName": "s", "taskDefinition": "app:1", "desiredCount": desired, "launchType": "EC2",
                "deploymentConfiguration": {"minimumHealthyPercent": min, "maximumPercent": max,
                                            "deploymentCircuitBreaker": {"enable": true, "rollback": true}}}]),
    );
    d["timeline"] = json!([{"at": "2m", "action": "UpdateService", "input": {"service": "s", "taskDefinition": "app:2"}}]);
    d
}

fn v2() -> Value {
    td("app", 256, 256, json!([]))
}

/// Runs second by second from 2 min to `end`, returning (max tasks in flight, min RUNNING).
fn watch(d: &Value, end: u64) -> (stevedore_sim::Sim, usize, usize) {
    let mut s = sim(d);
    run_sim(&mut s, 120);
    let (mut most, mut fewest) = (0, usize::MAX);
    for t in 121..=end {
        run_sim(&mut s, t);
        let live = s.tasks.iter().filter(|t| t.live()).count();
        let running = s.tasks.iter().filter(|t| t.live() && t.desired_running && t.last_status == TaskStatus::Running).count();
        most = most.max(live);
        fewest = fewest.min(running);
    }
    (s, most, fewest)
}

fn revisions(s: &stevedore_sim::Sim) -> Vec<u32> {
    s.tasks.iter().filter(|t| t.live()).map(|t| s.scenario.task_defs[t.task_def].revision).collect()
}

#[test]
fn min_50_desired_4_stops_two_before_starting_two() {
    let (s, most, fewest) = watch(&deploy(4, 50, 100, v2()), 600);
    assert_eq!(most, 4, "maximumPercent 100 never allows a fifth task");
    assert_eq!(fewest, 2, "minimumHealthyPercent 50 keeps two RUNNING");
    assert_eq!(revisions(&s), vec![2, 2, 2, 2]);
    assert_eq!(s.services[0].deployments[1].rollout, RolloutState::Completed);
}

#[test]
fn max_200_desired_4_starts_four_before_stopping_four() {
    let (s, most, fewest) = watch(&deploy(4, 100, 200, v2()), 600);
    assert_eq!(most, 8);
    assert_eq!(fewest, 4);
    assert_eq!(revisions(&s), vec![2, 2, 2, 2]);
    assert!(s.log.iter().any(|e| e.message.contains("deployment completed.")));
    assert!(!s.log.iter().any(|e| e.message.contains("was unable to stop or start tasks")), "a deployment that progresses is not stuck");
}

#[test]
fn min_75_desired_2_and_max_125_desired_3_are_stuck() {
    // ceil(75 % × 2) = 2: no task may stop; maxPercent 100: none may start.
    let (s, _, _) = watch(&deploy(2, 75, 100, v2()), 400);
    assert_eq!(revisions(&s), vec![1, 1]);
    let stuck = "was unable to stop or start tasks during a deployment because of the service deployment configuration";
    assert!(s.log.iter().any(|e| e.message.contains(stuck)));
    // floor(125 % × 3) = 3: no task may start; minimum 100 %: none may stop.
    let (s, _, _) = watch(&deploy(3, 100, 125, v2()), 400);
    assert_eq!(revisions(&s), vec![1, 1, 1]);
    assert!(s.log.iter().any(|e| e.message.contains(stuck)));
}

#[test]
fn the_circuit_breaker_fails_a_broken_release_and_rolls_back() {
    let mut broken = v2();
    broken["containerDefinitions"][0]["healthCheck"] = json!({"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 10, "retries": 2});
    let (s, _, fewest) = watch(&deploy(4, 50, 200, broken), 30 * 60);
    let deployments = &s.services[0].deployments;
    assert_eq!(deployments.len(), 3, "initial, the broken release, the rollback");
    assert_eq!(deployments[1].rollout, RolloutState::Failed);
    assert_eq!(deployments[1].failed_tasks, 3, "threshold: max(3, ceil(4 / 2))");
    assert_eq!(deployments[2].rollout, RolloutState::Completed);
    assert_eq!(revisions(&s), vec![1, 1, 1, 1]);
    assert!(fewest >= 2);
    assert!(s.tasks.iter().any(|t| t.stopped_reason.as_deref() == Some("Task failed container health checks")));
    assert!(s.log.iter().any(|e| e.message.contains("deployment failed: tasks failed to start.")));
}

#[test]
fn update_service_validates_the_task_definition() {
    let mut d = deploy(2, 50, 200, v2());
    d["timeline"][0]["input"]["taskDefinition"] = json!("app:9");
    assert_error(&d, "$.timeline[0].input.taskDefinition", "not registered");
    let mut d = deploy(2, 50, 200, v2());
    d["services"][0]["deploymentConfiguration"]["deploymentCircuitBreaker"] = json!({"enable": true});
    assert_error(&d, "$.services[0].deploymentConfiguration.deploymentCircuitBreaker", "both required");
    let mut d = deploy(2, 50, 200, v2());
    d["taskDefinitions"][1]["containerDefinitions"][0]["healthCheck"] = json!({"command": ["true"]});
    assert_error(&d, "$.taskDefinitions[1].containerDefinitions[0].healthCheck.command", "CMD-SHELL");
}

#[test]
fn passing_health_checks_delay_healthy_but_the_deployment_completes() {
    let mut good = v2();
    good["containerDefinitions"][0]["healthCheck"] = json!({"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 2"], "interval": 30});
    let (s, _, fewest) = watch(&deploy(4, 100, 200, good), 600);
    assert_eq!(revisions(&s), vec![2, 2, 2, 2]);
    assert_eq!(s.services[0].deployments[1].rollout, RolloutState::Completed);
    assert_eq!(fewest, 4);
}
