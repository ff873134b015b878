//! ALB target health (aws-semantics §6.5): thresholds, failed health checks replaced by ECS
//! after the grace period, fail-open routing, and target group attributes.

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::TargetState;

fn service_behind_alb(broken: bool, grace_s: u32, interval: u32) -> Value {
    let mut app = td("app", 128, 256, json!([{"containerPort": 80}]));
    if broken {
        // Broken app: the container check fails too, but only after 10 minutes.
        app["containerDefinitions"][0]["healthCheck"] = json!({"command": ["CMD-SHELL", "curl -f localhost || exit 1"], "interval": 300, "retries": 2});
    }
    let mut d = doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}]), json!([app]),
        json!([{"serviceName": "s", "taskDefinition": "app", "desiredCount": 2, "launchType": "EC2", "healthCheckGracePeriodSeconds": grace_s,
                "loadBalancers": [{"targetGroupArn": "tg", "containerName": "app", "containerPort": 80}]}]));
    d["targetGroups"] = json!([{"Name": "tg", "HealthCheckIntervalSeconds": interval, "UnhealthyThresholdCount": 2,
                                 "Attributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "0"}]}]);
    d
}

fn elb_failures(s: &stevedore_sim::Sim) -> Vec<u64> {
    s.tasks.iter().filter(|t| t.stopped_reason.as_deref().is_some_and(|r| r.starts_with("Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:"))).map(|t| t.stopping_at.unwrap() / 1000).collect()
}

#[test]
fn unhealthy_threshold_times_interval_before_ecs_replaces_the_task() {
    // "unhealthy threshold 2 × interval 30 ⇒ 60 seconds to respond": registered when the task
    // turns ACTIVATING at 10 s, unhealthy at 70 s.
    let d = service_behind_alb(true, 0, 30);
    let s = run(&d, 69);
    assert!(elb_failures(&s).is_empty());
    assert!(s.aws.elb[0].iter().all(|t| t.state == TargetState::Initial));
    let s = run(&d, 71);
    assert_eq!(elb_failures(&s), vec![70, 70]);
    assert!(s.log.iter().any(|e| e.message.ends_with("is unhealthy (Target.FailedHealthChecks)")));
    assert!(run(&d, 200).tasks.iter().filter(|t| t.live()).count() >= 2, "the service keeps replacing them");
}

#[test]
fn the_grace_period_holds_off_replacement() {
    let d = service_behind_alb(true, 120, 10);
    // Unhealthy at 30 s, but ECS waits until 120 s after the task started (RUNNING at 11 s).
    let s = run(&d, 130);
    assert!(elb_failures(&s).is_empty());
    let report = stevedore_sim::report::describe_target_health(&s, 0);
    assert_eq!(report["TargetHealthDescriptions"][0]["TargetHealth"], json!({"State": "unhealthy", "Reason": "Target.FailedHealthChecks", "Description": "Health checks failed"}));
    assert_eq!(elb_failures(&run(&d, 132)), vec![131, 131]);
}

#[test]
fn healthy_apps_stay_and_all_unhealthy_fails_open() {
    let s = run(&service_behind_alb(false, 0, 10), 300);
    assert!(elb_failures(&s).is_empty());
    assert_eq!(s.healthy_targets(0), 2);
    let mut d = service_behind_alb(true, 600, 10);
    d["traffic"] = json!({"targetGroups": [{"targetGroup": "tg", "requestsPerSecond": {"type": "constant", "value": 10}}]});
    let s = run(&d, 300);
    assert_eq!(s.healthy_targets(0), 0);
    let key = s.metrics.keys().find(|k| k.name == "RequestCountPerTarget").expect("with every target unhealthy the ALB routes to all of them");
    assert_eq!(s.metric_value(key, stevedore_sim::model::scaling::Statistic::Sum, 3, 4), Some(300.0));
}

#[test]
fn target_group_attributes_are_validated() {
    let mut d = service_behind_alb(false, 0, 10);
    d["targetGroups"][0]["Attributes"] = json!([{"Key": "slow_start.duration_seconds", "Value": "10"}]);
    assert_error(&d, "$.targetGroups[0].Attributes[0].Value", "30-900");
    d["targetGroups"][0]["Attributes"] = json!([{"Key": "slow_start.duration_seconds", "Value": "60"}, {"Key": "load_balancing.algorithm.type", "Value": "least_outstanding_requests"}]);
    assert_error(&d, "$.targetGroups[0].Attributes", "slow start can't be combined");
    d["targetGroups"][0]["Attributes"] = json!([{"Key": "load_balancing.algorithm.type", "Value": "fastest"}]);
    assert_error(&d, "$.targetGroups[0].Attributes[0].Value", "round_robin");
    d["targetGroups"][0]["Attributes"] = json!([]);
    d["targetGroups"][0]["UnhealthyThresholdCount"] = json!(1);
    assert_error(&d, "$.targetGroups[0].UnhealthyThresholdCount", "2-10");
}

#[test]
fn slow_start_ramps_a_new_target_while_the_others_carry_full_weight() {
    // "the load balancer linearly increases the share of requests that it sends to the target"
    // for the slow start duration, once the target is healthy and only while another target is
    // not in slow start.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#slow-start-mode
    let mut d = service_behind_alb(false, 0, 10);
    d["targetGroups"][0]["Attributes"] = json!([{"Key": "slow_start.duration_seconds", "Value": "60"}]);
    d["timeline"] = json!([{"at": "5m", "action": "UpdateService", "input": {"service": "s", "desiredCount": 3}}]);
    // Both first targets turned healthy together: nobody was at full weight, so neither ramps.
    let s = run(&d, 40);
    assert!(s.aws.elb[0].iter().all(|t| t.state == TargetState::Healthy));
    assert!(s.aws.elb[0].iter().all(|t| s.slow_start_ramp(0, t).is_none()));
    // The third target, healthy after the scale-out, ramps: part weight, time left within 60 s.
    let mut s = run(&d, 300);
    let mut seen = None;
    for _ in 0..200 {
        let t = s.now() + 1000;
        s.advance_to(t);
        if let Some(t) = s.aws.elb[0].iter().find(|t| s.slow_start_ramp(0, t).is_some()) {
            seen = Some((t.since, s.now(), s.slow_start_ramp(0, t).unwrap()));
            break;
        }
    }
    let (since, now, (share, left)) = seen.expect("the new target ramps");
    assert!((share - (now - since) as f64 / 60_000.0).abs() < 1e-9 && share < 1.0, "{share}");
    assert_eq!(left, since + 60_000 - now);
    assert_eq!(s.aws.elb[0].iter().filter(|t| s.slow_start_ramp(0, t).is_none()).count(), 2);
    // After the window it carries full weight like the others.
    let t = s.now() + 61_000;
    s.advance_to(t);
    assert!(s.aws.elb[0].iter().all(|t| s.slow_start_ramp(0, t).is_none()));
}

/// Three tasks on instances in two zones (two in 1a, one in 1b) behind a load balancer.
fn two_zones(kind: &str, lb_attr: Option<&str>, tg_attr: Option<&str>) -> Value {
    let app = td("app", 128, 256, json!([{"containerPort": 80}]));
    let mut d = doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}, {"instanceType": "m5.large", "availabilityZone": "us-east-1b", "count": 1}]), json!([app]),
        json!([{"serviceName": "s", "taskDefinition": "app", "desiredCount": 3, "launchType": "EC2",
                "placementStrategy": [{"type": "spread", "field": "instanceId"}],
                "loadBalancers": [{"targetGroupArn": "tg", "containerName": "app", "containerPort": 80}]}]));
    let network = kind == "network";
    let mut tg = json!({"Name": "tg", "Protocol": if network { "TCP" } else { "HTTP" }, "HealthCheckIntervalSeconds": 10});
    if let Some(v) = tg_attr {
        tg["Attributes"] = json!([{"Key": "load_balancing.cross_zone.enabled", "Value": v}]);
    }
    d["targetGroups"] = json!([tg]);
    let mut lb = json!({"Name": "lb", "Type": kind, "Listeners": [{"Protocol": if network { "TCP" } else { "HTTP" }, "Port": 80, "DefaultActions": [{"Type": "forward", "TargetGroupArn": "tg"}]}]});
    if let Some(v) = lb_attr {
        lb["Attributes"] = json!([{"Key": "load_balancing.cross_zone.enabled", "Value": v}]);
    }
    d["loadBalancers"] = json!([lb]);
    d
}

#[test]
fn cross_zone_load_balancing_defaults_and_shares() {
    // "With Application Load Balancers, cross-zone load balancing is always turned on at the
    // load balancer level"; "With Network Load Balancers, cross-zone load balancing is off by
    // default"; a target group's own setting wins. Off: "each load balancer node distributes
    // traffic across only the registered targets in its Availability Zone".
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-cross-zone.html
    let shares = |d: &Value| {
        let s = run(d, 120);
        assert_eq!(s.healthy_targets(0), 3);
        let mut by_zone: Vec<(String, f64)> = s.aws.elb[0].iter().zip(s.target_shares(0)).map(|(t, x)| (s.tasks[t.task].availability_zone.clone(), x)).collect();
        by_zone.sort_by(|a, b| a.partial_cmp(b).unwrap());
        (s.cross_zone(0), by_zone)
    };
    let third = 1.0 / 3.0;
    let (on, alb) = shares(&two_zones("application", None, None));
    assert!(on);
    assert!(alb.iter().all(|(_, x)| (x - third).abs() < 1e-12), "{alb:?}");
    let (on, nlb) = shares(&two_zones("network", None, None));
    assert!(!on);
    // Half the clients reach each zone's node: 1a's two targets get a quarter each, 1b's one half.
    let expect = [("us-east-1a", 0.25), ("us-east-1a", 0.25), ("us-east-1b", 0.5)];
    assert!(nlb.iter().zip(expect).all(|((z, x), (ez, ex))| z == ez && (x - ex).abs() < 1e-12), "{nlb:?}");
    assert!(shares(&two_zones("network", Some("true"), None)).0);
    assert!(!shares(&two_zones("network", Some("true"), Some("false"))).0);
    assert!(!shares(&two_zones("application", None, Some("false"))).0);
    assert!(shares(&two_zones("network", None, Some("true"))).0);
    assert!(!shares(&two_zones("network", Some("false"), Some("use_load_balancer_configuration"))).0);
}

#[test]
fn cross_zone_attributes_are_validated() {
    assert_error(&two_zones("application", Some("false"), None), "$.loadBalancers[0].Attributes[0].Value", "always has cross-zone load balancing on");
    assert_error(&two_zones("network", Some("yes"), None), "$.loadBalancers[0].Attributes[0].Value", "true or false");
    assert_error(&two_zones("network", None, Some("maybe")), "$.targetGroups[0].Attributes[0].Value", "true, false or use_load_balancer_configuration");
    let mut d = two_zones("network", None, None);
    d["loadBalancers"][0]["Attributes"] = json!([{"Key": "idle_timeout.timeout_seconds", "Value": "60"}]);
    assert_error(&d, "$.loadBalancers[0].Attributes[0].Key", "not a load balancer attribute");
}
