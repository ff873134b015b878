//! The day benchmark's scenario: 1,000 instances, 100 services and about 10,000 tasks behind
//! target groups with diurnal traffic, target tracking on CPU, and Spot interruptions. Shared by
//! `benches/day.rs`, the `scenario_json` example (CLI runs) and the wasm benchmark.

use serde_json::{json, Value};
use stevedore_sim::{load, Scenario};

/// The benchmark scenario's JSON, running for `duration`, with real Spot instance ids in its
/// timeline (so the CLI can run the same file).
pub fn doc(duration: &str) -> Value {
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let mut instances: Vec<Value> = zones.iter().enumerate().map(|(k, z)| json!({"instanceType": "m5.2xlarge", "availabilityZone": z, "count": if k == 0 { 300 } else { 290 }})).collect();
    instances.push(json!({"instanceType": "m5.2xlarge", "availabilityZone": "us-east-1a", "count": 120, "purchaseOption": "spot", "ECS_ENABLE_SPOT_INSTANCE_DRAINING": true}));
    let mut task_definitions = Vec::new();
    let mut target_groups = Vec::new();
    let mut services = Vec::new();
    let mut traffic = Vec::new();
    let mut loads = Vec::new();
    let mut targets = Vec::new();
    let mut policies = Vec::new();
    for k in 0..100 {
        let name = format!("svc{k:03}");
        task_definitions.push(json!({"family": name, "containerDefinitions": [{"name": "app", "image": "app:1", "cpu": 256, "memoryReservation": 512, "portMappings": [{"containerPort": 8080}]}]}));
        target_groups.push(json!({"Name": format!("{name}-tg"), "HealthCheckIntervalSeconds": 15, "Attributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}]}));
        services.push(json!({"serviceName": name, "taskDefinition": name, "desiredCount": 100, "launchType": "EC2",
            "loadBalancers": [{"targetGroupArn": format!("{name}-tg"), "containerName": "app", "containerPort": 8080}],
            "deploymentConfiguration": {"minimumHealthyPercent": 50, "maximumPercent": 200}}));
        traffic.push(json!({"targetGroup": format!("{name}-tg"), "noise": 0.05,
            "requestsPerSecond": {"type": "sine", "mean": 1000 + 10 * k, "amplitude": 600, "period": "24h", "peakAt": format!("{}h", 12 + k % 6)}}));
        loads.push(json!({"service": name, "cpuUnitsPerRequest": 12.0, "baseCpuUnits": 5}));
        let resource = format!("service/bench/{name}");
        targets.push(json!({"ServiceNamespace": "ecs", "ResourceId": resource, "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 40, "MaxCapacity": 200}));
        policies.push(json!({"PolicyName": "cpu", "ServiceNamespace": "ecs", "ResourceId": resource, "ScalableDimension": "ecs:service:DesiredCount",
            "PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 60.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}));
    }
    let doc = json!({
        "cluster": {"clusterName": "bench"}, "duration": duration, "seed": 9,
        "containerInstances": instances, "taskDefinitions": task_definitions, "targetGroups": target_groups, "services": services,
        "traffic": {"targetGroups": traffic, "services": loads}, "scalableTargets": targets, "scalingPolicies": policies,
        "timeline": (0..12).map(|h| json!({"at": format!("{}h", 2 * h + 1), "action": "SpotInterruption", "input": {"ec2InstanceId": format!("PLACEHOLDER{h}")}})).collect::<Vec<_>>(),
    });
    let mut doc = doc;
    let scenario = load(&doc.to_string()).map_err(|e| format!("{:?}", &e[..e.len().min(3)])).unwrap_or_else(|e| panic!("benchmark scenario: {e}"));
    // Interrupt real Spot instances: resolve the placeholders to the Spot instances' ids.
    let spot: Vec<String> = scenario.instances.iter().filter(|i| i.spot).map(|i| i.ec2_instance_id.clone()).collect();
    for (h, action) in doc["timeline"].as_array_mut().into_iter().flatten().enumerate() {
        action["input"]["ec2InstanceId"] = json!(spot[h * 7 % spot.len()]);
    }
    doc
}

/// The benchmark scenario for 24 simulated hours.
#[allow(dead_code)] // the example uses `doc` only
pub fn scenario() -> Scenario {
    load(&doc("24h").to_string()).unwrap_or_else(|e| panic!("benchmark scenario: {:?}", &e[..e.len().min(3)]))
}
