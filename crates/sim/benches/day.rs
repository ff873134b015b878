//! Simulation benchmark: 24 simulated hours of 1,000 instances, 100 services and about 10,000
//! tasks behind target groups with diurnal traffic, target tracking on CPU, and Spot
//! interruptions (the scaling issue's target: under 2 s natively).

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use stevedore_sim::{load, Scenario, Sim};

pub fn scenario() -> Scenario {
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
        "cluster": {"clusterName": "bench"}, "duration": "24h", "seed": 9,
        "containerInstances": instances, "taskDefinitions": task_definitions, "targetGroups": target_groups, "services": services,
        "traffic": {"targetGroups": traffic, "services": loads}, "scalableTargets": targets, "scalingPolicies": policies,
        "timeline": (0..12).map(|h| json!({"at": format!("{}h", 2 * h + 1), "action": "SpotInterruption", "input": {"ec2InstanceId": format!("PLACEHOLDER{h}")}})).collect::<Vec<_>>(),
    });
    let mut scenario = load(&doc.to_string()).map_err(|e| format!("{:?}", &e[..e.len().min(3)])).unwrap_or_else(|e| panic!("benchmark scenario: {e}"));
    // Interrupt real Spot instances: resolve the placeholders to the Spot instances' ids.
    let spot: Vec<String> = scenario.instances.iter().filter(|i| i.spec_is_spot()).map(|i| i.ec2_instance_id.clone()).collect();
    for (h, action) in scenario.timeline.iter_mut().enumerate() {
        if let stevedore_sim::model::Action::SpotInterruption { ec2_instance_id, .. } = &mut action.action {
            *ec2_instance_id = Some(spot[h * 7 % spot.len()].clone());
        }
    }
    scenario
}

trait SpotFlag {
    fn spec_is_spot(&self) -> bool;
}
impl SpotFlag for stevedore_sim::model::InstanceSpec {
    fn spec_is_spot(&self) -> bool {
        self.spot
    }
}

fn day(c: &mut Criterion) {
    let scenario = scenario();
    let mut group = c.benchmark_group("simulation");
    group.sample_size(10);
    group.bench_function("24 h, 1000 instances, 100 services, ~10000 tasks, target tracking, Spot", |b| {
        b.iter(|| {
            let mut sim = Sim::new(scenario.clone());
            sim.advance_to(24 * 3_600_000);
            assert!(sim.activities.len() > 100, "traffic should drive scaling");
            sim
        })
    });
    group.finish();
}

criterion_group!(benches, day);
criterion_main!(benches);
