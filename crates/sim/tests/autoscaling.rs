//! Application Auto Scaling worked examples (aws-semantics §7), driven through scenario files.

mod common;
use common::*;
use serde_json::{json, Value};

const RESOURCE: &str = "service/default/web";

fn base(desired: u32) -> Value {
    let mut d = doc(
        json!([{"instanceType": "m5.xlarge", "availabilityZone": "us-east-1a", "count": 4}]),
        json!([td("web", 256, 256, json!([]))]),
        json!([{"serviceName": "web", "taskDefinition": "web", "desiredCount": desired, "launchType": "EC2"}]),
    );
    d["scalableTargets"] = json!([{"ServiceNamespace": "ecs", "ResourceId": RESOURCE, "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 40}]);
    d
}

fn step_policy(name: &str, kind: &str, steps: Value, extra: Value) -> Value {
    let mut config = json!({"AdjustmentType": kind, "StepAdjustments": steps, "Cooldown": 300});
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    json!({"PolicyName": name, "ServiceNamespace": "ecs", "ResourceId": RESOURCE, "ScalableDimension": "ecs:service:DesiredCount",
           "PolicyType": "StepScaling", "StepScalingPolicyConfiguration": config})
}

fn alarm(name: &str, op: &str, threshold: f64, policy: &str) -> Value {
    json!({"AlarmName": name, "Namespace": "App", "MetricName": "Load", "Statistic": "Average", "Period": 60,
           "EvaluationPeriods": 1, "Threshold": threshold, "ComparisonOperator": op, "AlarmActions": [policy]})
}

fn put(at: &str, value: f64) -> Value {
    json!({"at": at, "action": "PutMetricData", "input": {"Namespace": "App", "MetricData": [{"MetricName": "Load", "Value": value}]}})
}

fn desired_after(d: &Value, seconds: u64) -> u32 {
    run(d, seconds).services[0].desired_count
}

#[test]
fn the_documented_step_sequence_10_11_14_13_10() {
    // Threshold 50; steps relative to it: [0,10) 0, [10,20) +10 %, [20,∞) +30 %,
    // (-10,0] 0, (-20,-10] -10 %, (-∞,-20] -30 %.
    let steps = json!([
        {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 0},
        {"MetricIntervalLowerBound": 10, "MetricIntervalUpperBound": 20, "ScalingAdjustment": 10},
        {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 30},
        {"MetricIntervalLowerBound": -10, "MetricIntervalUpperBound": 0, "ScalingAdjustment": 0},
        {"MetricIntervalLowerBound": -20, "MetricIntervalUpperBound": -10, "ScalingAdjustment": -10},
        {"MetricIntervalUpperBound": -20, "ScalingAdjustment": -30}
    ]);
    let mut d = base(10);
    d["scalingPolicies"] = json!([step_policy("steps", "PercentChangeInCapacity", steps, json!({}))]);
    d["alarms"] = json!([alarm("high", "GreaterThanOrEqualToThreshold", 50.0, "steps"), alarm("low", "LessThanThreshold", 50.0, "steps")]);
    d["timeline"] = json!([put("2m", 60.0), put("10m", 70.0), put("18m", 40.0), put("26m", 30.0)]);
    let sequence: Vec<u32> = [60, 8 * 60, 16 * 60, 24 * 60, 32 * 60].iter().map(|&t| desired_after(&d, t + 90)).collect();
    assert_eq!(sequence, vec![10, 11, 14, 13, 10]);
    let s = run(&d, 40 * 60);
    assert_eq!(s.activities.len(), 4);
    assert_eq!(s.activities[0].description, "Setting desired count to 11.");
    assert!(s.activities[0].cause.contains("monitor alarm high in state ALARM triggered policy steps"), "{}", s.activities[0].cause);
}

#[test]
fn during_a_cooldown_a_larger_step_adds_only_the_difference() {
    // "+2, then during the cooldown a +3 step: only 1 is added."
    let steps = json!([{"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 2}, {"MetricIntervalLowerBound": 10, "ScalingAdjustment": 3}]);
    let mut d = base(10);
    d["scalingPolicies"] = json!([step_policy("out", "ChangeInCapacity", steps, json!({}))]);
    d["alarms"] = json!([alarm("high", "GreaterThanThreshold", 50.0, "out")]);
    d["timeline"] = json!([put("2m", 55.0), put("4m", 65.0), put("5m", 55.0)]);
    assert_eq!(desired_after(&d, 4 * 60), 12);
    assert_eq!(desired_after(&d, 7 * 60), 13, "+3 during the cooldown adds 1; a later +2 adds nothing");
}

#[test]
fn adjustment_types_and_min_adjustment_magnitude() {
    let one_step = |adj: i64| json!([{"MetricIntervalLowerBound": 0, "ScalingAdjustment": adj}]);
    // ChangeInCapacity: 3 + 5 = 8.
    let mut d = base(3);
    d["scalingPolicies"] = json!([step_policy("p", "ChangeInCapacity", one_step(5), json!({}))]);
    d["alarms"] = json!([alarm("a", "GreaterThanThreshold", 1.0, "p")]);
    d["timeline"] = json!([put("2m", 5.0)]);
    assert_eq!(desired_after(&d, 300), 8);
    // ExactCapacity: 3 → 5.
    d["scalingPolicies"] = json!([step_policy("p", "ExactCapacity", one_step(5), json!({}))]);
    assert_eq!(desired_after(&d, 300), 5);
    // PercentChangeInCapacity 25 % of 4 = 1, MinAdjustmentMagnitude 2 ⇒ +2.
    let mut d = base(4);
    d["scalingPolicies"] = json!([step_policy("p", "PercentChangeInCapacity", one_step(25), json!({"MinAdjustmentMagnitude": 2}))]);
    d["alarms"] = json!([alarm("a", "GreaterThanThreshold", 1.0, "p")]);
    d["timeline"] = json!([put("2m", 5.0)]);
    assert_eq!(desired_after(&d, 300), 6);
}

#[test]
fn conflicting_policies_take_the_largest_capacity() {
    // At capacity 10, "+3" and "+200 percent" fire together: the result is 30.
    let mut d = base(10);
    d["scalingPolicies"] = json!([
        step_policy("plus3", "ChangeInCapacity", json!([{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 3}]), json!({})),
        step_policy("triple", "PercentChangeInCapacity", json!([{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 200}]), json!({}))
    ]);
    d["alarms"] = json!([alarm("a1", "GreaterThanThreshold", 1.0, "triple"), alarm("a2", "GreaterThanThreshold", 1.0, "plus3")]);
    d["timeline"] = json!([put("2m", 5.0)]);
    assert_eq!(desired_after(&d, 300), 30);
}

fn tracking(rps: Value) -> Value {
    let mut d = base(2);
    d["targetGroups"] = json!([{"Name": "web-tg", "HealthCheckIntervalSeconds": 5, "Attributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "0"}]}]);
    d["taskDefinitions"][0]["containerDefinitions"][0]["portMappings"] = json!([{"containerPort": 80}]);
    d["services"][0]["loadBalancers"] = json!([{"targetGroupArn": "web-tg", "containerName": "app", "containerPort": 80}]);
    d["traffic"] = json!({"targetGroups": [{"targetGroup": "web-tg", "requestsPerSecond": rps}],
                          "services": [{"service": "web", "cpuUnitsPerRequest": 2.56}]});
    d["scalingPolicies"] = json!([{"PolicyName": "cpu50", "ServiceNamespace": "ecs", "ResourceId": RESOURCE, "ScalableDimension": "ecs:service:DesiredCount",
        "PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 50.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}]);
    d
}

#[test]
fn target_tracking_scales_out_proportionally_and_in_gradually() {
    // 300 rps × 2.56 units = 768 CPU units on 2 × 256: 150 % against a 50 % target.
    let d = tracking(json!({"type": "steps", "steps": [{"at": "0s", "value": 300}, {"at": "30m", "value": 60}]}));
    let s = run(&d, 10 * 60);
    assert_eq!(s.services[0].desired_count, 6, "ceil(2 × 150 / 50) = 6 after three datapoints above target");
    let cpu = s.metric_value(&stevedore_sim::model::scaling::MetricKey::new("AWS/ECS", "CPUUtilization", vec![("ClusterName".into(), "default".into()), ("ServiceName".into(), "web".into())]), stevedore_sim::model::scaling::Statistic::Average, 9, 10);
    assert!((cpu.unwrap() - 50.0).abs() < 1.0, "six tasks carry the load at the target: {cpu:?}");
    // Traffic drops to 60 rps (10 %): no scale-in for 15 datapoints, then down to ceil(6 × 10 / 50) = 2.
    assert_eq!(run(&d, 40 * 60).services[0].desired_count, 6);
    assert_eq!(run(&d, 50 * 60).services[0].desired_count, 2);
    assert_eq!(run(&d, 50 * 60).activities.len(), 2);
}

#[test]
fn disable_scale_in_and_min_max_clamping() {
    let mut d = tracking(json!({"type": "steps", "steps": [{"at": "0s", "value": 3000}, {"at": "30m", "value": 10}]}));
    d["scalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"]["DisableScaleIn"] = json!(true);
    d["scalableTargets"][0]["MaxCapacity"] = json!(12);
    let s = run(&d, 60 * 60);
    assert_eq!(s.services[0].desired_count, 12, "clamped to MaxCapacity and never scaled in");
}

#[test]
fn scaling_rules_are_validated() {
    let mut d = base(2);
    d["scalingPolicies"] = json!([step_policy("p", "PercentChangeInCapacity", json!([
        {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 1},
        {"MetricIntervalLowerBound": 15, "ScalingAdjustment": 2}]), json!({}))]);
    assert_error(&d, "$.scalingPolicies[0].StepScalingPolicyConfiguration.StepAdjustments", "overlap or leave gaps");
    d["scalingPolicies"] = json!([step_policy("p", "ChangeInCapacity", json!([{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]), json!({"MinAdjustmentMagnitude": 2}))]);
    assert_error(&d, "$.scalingPolicies[0].StepScalingPolicyConfiguration.MinAdjustmentMagnitude", "only to PercentChangeInCapacity");
    d["scalingPolicies"] = json!([step_policy("p", "ChangeInCapacity", json!([{"ScalingAdjustment": 1}]), json!({}))]);
    assert_error(&d, "$.scalingPolicies[0].StepScalingPolicyConfiguration.StepAdjustments[0]", "both bounds null");
    let mut d = base(2);
    d["scalableTargets"][0]["ResourceId"] = json!("service/other/web");
    assert_error(&d, "$.scalableTargets[0].ResourceId", "is not this scenario's cluster");
    let mut d = base(2);
    d["alarms"] = json!([alarm("a", "GreaterThanThreshold", 1.0, "nope")]);
    assert_error(&d, "$.alarms[0].AlarmActions[0]", "no scaling policy `nope`");
    let mut d = tracking(json!({"type": "constant", "value": 1}));
    d["scalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"] = json!("ECSServiceAverageDiskUtilization");
    assert_error(&d, "$.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType", "is not one of");
    let mut d = tracking(json!({"type": "ramp", "from": 1, "to": 2, "start": "10m", "end": "5m"}));
    d["scalingPolicies"] = json!([]);
    assert_error(&d, "$.traffic.targetGroups[0].requestsPerSecond.end", "must end after it starts");
}

fn scheduled(name: &str, schedule: &str, zone: Option<&str>, min: Option<u32>, max: Option<u32>) -> Value {
    let mut action = json!({});
    if let Some(m) = min {
        action["MinCapacity"] = json!(m);
    }
    if let Some(m) = max {
        action["MaxCapacity"] = json!(m);
    }
    let mut a = json!({"ServiceNamespace": "ecs", "ScheduledActionName": name, "ResourceId": RESOURCE, "ScalableDimension": "ecs:service:DesiredCount",
                       "Schedule": schedule, "ScalableTargetAction": action});
    if let Some(z) = zone {
        a["Timezone"] = json!(z);
    }
    a
}

#[test]
fn scheduled_actions_move_capacity_inside_the_new_bounds() {
    // Start 2024-05-06 07:00 UTC (a Monday). Business hours in New York: min 8 at 08:00 EDT
    // (12:00 UTC), back to max 3 at 18:00 EDT (22:00 UTC).
    let mut d = base(2);
    d["start"] = json!("2024-05-06T07:00:00Z");
    d["scheduledActions"] = json!([
        scheduled("morning", "cron(0 8 ? * MON-FRI *)", Some("America/New_York"), Some(8), None),
        scheduled("evening", "cron(0 18 ? * MON-FRI *)", Some("America/New_York"), Some(1), Some(3))
    ]);
    assert_eq!(desired_after(&d, 4 * 3600 + 60), 2, "still before 08:00 in New York");
    assert_eq!(desired_after(&d, 5 * 3600 + 60), 8, "current < new min: scale out to min");
    let s = run(&d, 16 * 3600);
    assert_eq!(s.services[0].desired_count, 3, "current > new max: scale in to max");
    assert_eq!(s.bounds[0], (1, 3), "the new bounds stay: no revert after the action");
    assert!(s.activities.iter().any(|a| a.cause == "scheduled action name morning was triggered"));
}

#[test]
fn at_and_rate_schedules() {
    let mut d = base(2);
    d["scheduledActions"] = json!([scheduled("once", "at(2024-01-01T00:10:00)", None, Some(5), None)]);
    assert_eq!(desired_after(&d, 9 * 60), 2);
    assert_eq!(desired_after(&d, 11 * 60), 5);
    let mut d = base(6);
    d["scheduledActions"] = json!([scheduled("tick", "rate(10 minutes)", None, None, Some(4))]);
    assert_eq!(desired_after(&d, 9 * 60), 6);
    assert_eq!(desired_after(&d, 11 * 60), 4);
    let mut d = base(2);
    d["scheduledActions"] = json!([scheduled("x", "cron(0 8 * * MON *)", Some("Moon/Base"), Some(5), None)]);
    assert_error(&d, "$.scheduledActions[0].Schedule", "either Day-of-month or Day-of-week");
    assert_error(&d, "$.scheduledActions[0].Timezone", "not known to Stevedore");
}

#[test]
fn set_traffic_replaces_the_curve_from_then_on() {
    let mut d = tracking(json!({"type": "constant", "value": 50}));
    d["timeline"] = json!([{"at": "10m", "action": "SetTraffic", "input": {"targetGroup": "web-tg", "requestsPerSecond": {"type": "constant", "value": 300}}}]);
    assert_eq!(desired_after(&d, 9 * 60), 2);
    assert_eq!(desired_after(&d, 20 * 60), 6, "300 rps needs 6 tasks at 50 %");
    d["timeline"][0]["input"]["targetGroup"] = json!("nope");
    assert_error(&d, "$.timeline[0].input.targetGroup", "no target group `nope`");
}

// Desired count outside [MinCapacity, MaxCapacity] when an alarm fires
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html,
// "Considerations"): "If a service's desired count is set below its minimum capacity value, and an
// alarm triggers a scale-out activity, Application Auto Scaling scales the desired count up to the
// minimum capacity value and then continues to scale out as required … However, a scale-in
// activity does not adjust the desired count, because it is already below the minimum capacity
// value." Above the maximum, the mirror image.
fn outside(desired: u32, min: u32, max: u32, adjustment: i64) -> Value {
    let mut d = base(desired);
    d["scalableTargets"][0]["MinCapacity"] = json!(min);
    d["scalableTargets"][0]["MaxCapacity"] = json!(max);
    let (op, value) = if adjustment > 0 { ("GreaterThanThreshold", 60.0) } else { ("LessThanThreshold", 40.0) };
    d["scalingPolicies"] = json!([step_policy("p", "ChangeInCapacity", json!([if adjustment > 0 {
        json!({"MetricIntervalLowerBound": 0, "ScalingAdjustment": adjustment})
    } else {
        json!({"MetricIntervalUpperBound": 0, "ScalingAdjustment": adjustment})
    }]), json!({}))]);
    d["alarms"] = json!([alarm("a", op, 50.0, "p")]);
    d["timeline"] = json!([put("2m", value)]);
    d
}

#[test]
fn step_scaling_below_the_minimum_moves_up_to_it_and_continues_but_never_scales_in() {
    assert_eq!(desired_after(&outside(2, 5, 40, 1), 4 * 60), 6, "up to the minimum 5, then +1");
    assert_eq!(desired_after(&outside(2, 5, 40, 3), 4 * 60), 8, "up to the minimum 5, then +3");
    let s = run(&outside(2, 5, 40, -1), 10 * 60);
    assert_eq!(s.services[0].desired_count, 2, "a scale-in below the minimum does not adjust the desired count");
    assert!(s.activities.is_empty());
}

#[test]
fn step_scaling_above_the_maximum_moves_down_to_it_and_continues_but_never_scales_out() {
    assert_eq!(desired_after(&outside(12, 1, 8, -1), 4 * 60), 7, "down to the maximum 8, then -1");
    let s = run(&outside(12, 1, 8, 2), 10 * 60);
    assert_eq!(s.services[0].desired_count, 12, "a scale-out above the maximum does not adjust the desired count");
    assert!(s.activities.is_empty());
}

#[test]
fn target_tracking_outside_the_range_only_moves_toward_it() {
    let tt = |desired: u32, min: u32, max: u32, rps: u32| {
        let mut d = tracking(json!({"type": "constant", "value": rps}));
        d["services"][0]["desiredCount"] = json!(desired);
        d["scalableTargets"][0]["MinCapacity"] = json!(min);
        d["scalableTargets"][0]["MaxCapacity"] = json!(max);
        run(&d, 30 * 60).services[0].desired_count
    };
    // 2 tasks at 300 rps: 150 % against 50 % wants ceil(2 × 3) = 6.
    assert_eq!(tt(2, 3, 40, 300), 6, "below the minimum, scale-out goes past it as the policy needs");
    assert_eq!(tt(2, 1, 1, 300), 2, "above the maximum, scale-out does nothing");
    // 2 tasks at 10 rps: 5 % of CPU, far below the target: a scale-in.
    assert_eq!(tt(2, 4, 40, 10), 2, "below the minimum, scale-in does nothing");
    // 6 tasks at 60 rps: 10 % wants ceil(6 × 10 / 50) = 2.
    assert_eq!(tt(6, 1, 4, 60), 2, "above the maximum, scale-in goes to it and continues");
}

#[test]
fn a_scheduled_action_moves_an_out_of_range_count_into_its_new_bounds_either_way() {
    // PutScheduledAction ScalableTargetAction: "if the current capacity is below the minimum
    // capacity, Application Auto Scaling scales out to the minimum capacity. If the current
    // capacity is above the maximum capacity, Application Auto Scaling scales in to the maximum".
    let mut d = base(20);
    d["scheduledActions"] = json!([scheduled("cap", "at(2024-01-01T00:05:00)", None, None, Some(10)), scheduled("floor", "at(2024-01-01T00:10:00)", None, Some(15), Some(30))]);
    assert_eq!(desired_after(&d, 6 * 60), 10);
    assert_eq!(desired_after(&d, 11 * 60), 15);
    let mut d = base(6);
    d["scheduledActions"] = json!([scheduled("widen", "at(2024-01-01T00:05:00)", Some("UTC"), Some(2), Some(30))]);
    let s = run(&d, 6 * 60);
    assert_eq!(s.services[0].desired_count, 6, "inside the new bounds: unchanged");
    assert!(s.activities.is_empty());
}
