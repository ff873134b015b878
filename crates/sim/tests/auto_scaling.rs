//! EC2 Auto Scaling groups in the shared substrate (`substrate::auto_scaling`), driven
//! directly, and the two orchestrators growing their groups through them.

mod common;
use serde_json::json;
use stevedore_sim::substrate::auto_scaling::AutoScalingGroup;

const START: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z

fn group(min: u32, max: u32, desired: u32, zones: &[&str]) -> AutoScalingGroup {
    AutoScalingGroup::new("web", min, max, desired, zones.iter().map(|z| z.to_string()).collect()).unwrap()
}

/// Launches one instance where the group says (every zone able to launch).
fn launch(g: &mut AutoScalingGroup, id: &str) -> String {
    let z = g.launch_zone(|_| true).unwrap();
    g.attach(id, z, false, 0, START);
    g.zones[z].clone()
}

#[test]
fn a_desired_capacity_outside_min_and_max_is_refused_in_the_apis_words() {
    let err = AutoScalingGroup::new("web", 1, 4, 5, vec!["us-east-1a".into()]).unwrap_err();
    assert_eq!(err, "Desired capacity:5 must be between the specified min size:1 and max size:4");
    assert!(AutoScalingGroup::new("web", 3, 2, 2, vec![]).unwrap_err().contains("must be greater than or equal to min bound"));
    let mut g = group(1, 4, 2, &["us-east-1a"]);
    assert_eq!(g.set_desired_capacity(5, 0, START).unwrap_err(), "New SetDesiredCapacity value 5 is above max value 4 for the AutoScalingGroup.");
    assert_eq!(g.set_desired_capacity(0, 0, START).unwrap_err(), "New SetDesiredCapacity value 0 is below min value 1 for the AutoScalingGroup.");
    assert_eq!(g.desired(), 2, "a refused call changes nothing");
    g.set_desired_capacity(4, 0, START).unwrap();
    assert_eq!((g.desired(), g.shortfall(0)), (4, 4));
}

/// "Amazon EC2 Auto Scaling attempts to distribute instances evenly between the Availability
/// Zones ... by attempting to launch new instances in the Availability Zone with the fewest
/// instances. If the attempt fails, however, [it] attempts to launch the instances in another
/// Availability Zone until it succeeds."
/// https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-benefits.html
#[test]
fn launches_go_to_the_zone_with_the_fewest_instances_and_on_when_a_zone_fails() {
    let mut g = group(0, 10, 0, &["us-east-1a", "us-east-1b", "us-east-1c"]);
    let zones: Vec<String> = (0..4).map(|k| launch(&mut g, &format!("i-{k}"))).collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a"]);
    assert_eq!(g.per_zone(), [2, 1, 1]);
    // Unbalanced (two in b): the next goes to a zone with fewer, whatever the cursor says.
    let mut g = group(0, 10, 0, &["us-east-1a", "us-east-1b", "us-east-1c"]);
    g.attach("i-b1", 1, false, 0, START);
    g.attach("i-b2", 1, false, 0, START);
    g.attach("i-a1", 0, false, 0, START);
    assert_eq!(launch(&mut g, "i-new"), "us-east-1c");
    // c can't launch (InsufficientInstanceCapacity): the next smallest that can, a.
    assert_eq!(g.launch_zone(|z| z != 2), Some(0));
    assert_eq!(g.launch_zone(|_| false), None, "no zone can launch");
}

/// The User Guide's scale-in example: two zones, one instance each; a scale-out adds a third;
/// on scale-in "It selects the Availability Zone with two instances" and, the launch
/// configuration being the same, the instance closest to the next billing hour (per-second
/// billing ties; ours then takes the newest).
/// https://docs.aws.amazon.com/autoscaling/ec2/userguide/common-scenarios-termination.html
#[test]
fn scale_in_takes_from_the_zone_with_the_most_instances_newest_first() {
    let mut g = group(0, 4, 2, &["us-east-1a", "us-east-1b"]);
    g.attach("i-a", 0, false, 0, START);
    g.attach("i-b", 1, false, 0, START);
    g.change_desired(3, "a user request explicitly set group desired capacity", 60_000, START);
    let zone = launch(&mut g, "i-third");
    let pick = g.scale_in_pick(|_| true).unwrap();
    assert_eq!((zone.as_str(), pick.instance_id.as_str()), ("us-east-1a", "i-third"), "a (the tie's first zone) holds two");
    // Balanced zones: the policy runs across all of them (the newest anywhere).
    assert_eq!(g.scale_in_order(3, |_| true), ["i-third", "i-b", "i-a"]);
}

/// "Amazon EC2 Auto Scaling ... identifies which of the Availability Zones have the most
/// instances and at least one instance that is not protected from scale in"; a protected
/// instance is never terminated by a scale-in.
/// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
#[test]
fn protected_instances_are_skipped_and_their_zone_with_them() {
    let mut g = group(0, 4, 3, &["us-east-1a", "us-east-1b"]);
    g.attach("i-a1", 0, true, 0, START);
    g.attach("i-a2", 0, true, 0, START);
    g.attach("i-b1", 1, false, 0, START);
    assert_eq!(g.scale_in_order(3, |_| true), ["i-b1"], "a has more instances, none unprotected");
    g.set_protected("i-a1", false);
    assert_eq!(g.scale_in_order(3, |_| true), ["i-a1", "i-b1"]);
    // What the orchestrator rules out (an ECS instance draining) is never chosen either.
    assert_eq!(g.scale_in_order(3, |m| m.instance_id != "i-a1"), ["i-b1"]);
}

/// Activities in DescribeScalingActivities' words, newest first.
/// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-verify-scaling-activity.html
#[test]
fn activities_say_what_happened_and_why() {
    let mut g = group(0, 4, 0, &["us-east-1a"]);
    g.set_desired_capacity(1, 90_000, START).unwrap();
    g.attach("i-0123456789abcdef0", 0, false, 150_000, START);
    g.terminate_instance("i-0123456789abcdef0", true, 600_000, START);
    let acts: Vec<_> = g.activities().collect();
    assert_eq!(acts[1].description, "Launching a new EC2 instance: i-0123456789abcdef0");
    assert_eq!(
        acts[1].cause,
        "At 2025-01-01T00:01:30Z a user request explicitly set group desired capacity changing the desired capacity from 0 to 1.  At 2025-01-01T00:02:30Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1."
    );
    assert_eq!(acts[0].description, "Terminating EC2 instance: i-0123456789abcdef0");
    assert_eq!(acts[0].cause, "At 2025-01-01T00:10:00Z instance i-0123456789abcdef0 was taken out of service in response to a user request, shrinking the capacity from 1 to 0.");
    assert_eq!(g.desired(), 0);
    g.attach("i-x", 0, false, 700_000, START);
    assert!(g.instance_gone("i-x", 800_000, START));
    assert_eq!(g.shortfall(0), 0, "desired 0: nothing owed");
}

/// The same group — three zones, one instance, grown to four — as an ECS capacity provider's
/// Auto Scaling group under managed scaling and as an EKS managed node group under Cluster
/// Autoscaler: both launch into the same zones in the same order.
#[test]
fn an_ecs_group_and_an_eks_node_group_grow_into_the_same_zones() {
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let doc = json!({
        "autoScalingGroups": [{"AutoScalingGroupName": "asg", "MinSize": 1, "MaxSize": 4, "DesiredCapacity": 1, "InstanceType": "m5.large", "AvailabilityZones": zones}],
        "capacityProviders": [{"name": "cp", "autoScalingGroupProvider": {"autoScalingGroupArn": "asg",
            "managedScaling": {"status": "ENABLED", "targetCapacity": 100, "instanceWarmupPeriod": 60}, "managedTerminationProtection": "DISABLED"}}],
        "taskDefinitions": [common::td("app", 0, 2048, json!([]))],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 12, "availabilityZoneRebalancing": "DISABLED",
                      "capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}]}],
    });
    let s = common::run(&doc, 15 * 60);
    let ecs: Vec<&str> = s.instances.iter().filter(|i| i.spec.auto_scaling_group == Some(0)).map(|i| i.spec.availability_zone.as_str()).collect();
    assert_eq!(s.aws.auto_scaling[0].desired(), 4);

    let manifest = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-east-1}\navailabilityZones: [us-east-1a, us-east-1b, us-east-1c]\nmanagedNodeGroups: [{name: general, instanceType: m5.large, desiredCapacity: 1, minSize: 1, maxSize: 4}]\n---\napiVersion: stevedore.dev/v1\nkind: ClusterAutoscaler\nspec: {expander: least-waste}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 12\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, resources: {requests: {cpu: 500m}}}]}\n";
    let r = stevedore_sim::eks::run::run_until(&stevedore_sim::eks::manifest::parse(manifest).unwrap(), false, 300);
    let eks: Vec<&str> = r.state.nodes.iter().map(|n| n.node.zone.as_str()).collect();
    assert_eq!(eks, ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a"]);
    assert_eq!(ecs, eks);
}

/// An ECS group whose instance EC2 terminated replaces it in the zone that lost it (the one
/// with the fewest instances now), not in the next zone round the group.
#[test]
fn an_ecs_groups_replacement_goes_to_the_zone_left_short() {
    let doc = json!({
        "autoScalingGroups": [{"AutoScalingGroupName": "asg", "MinSize": 3, "MaxSize": 6, "DesiredCapacity": 3, "InstanceType": "m5.large", "AvailabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"]}],
        "capacityProviders": [{"name": "cp", "autoScalingGroupProvider": {"autoScalingGroupArn": "asg"}}],
        "taskDefinitions": [common::td("app", 0, 512, json!([]))],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 3, "capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}]}],
        "timeline": [{"at": "1m", "action": "aws:ec2:terminate-instances", "input": {"targets": {"Instances": {"resourceType": "aws:ec2:instance",
            "filters": [{"path": "Placement.AvailabilityZone", "values": ["us-east-1a"]}], "selectionMode": "ALL"}}}}],
    });
    let s = common::run(&doc, 5 * 60);
    let mut live: Vec<&str> = s.instances.iter().filter(|i| i.status != stevedore_sim::engine::InstanceStatus::Inactive).map(|i| i.spec.availability_zone.as_str()).collect();
    live.sort();
    assert_eq!(live, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    let g = &s.aws.auto_scaling[0];
    assert_eq!((g.desired(), g.members().len()), (3, 3));
    let acts: Vec<_> = g.activities().collect();
    assert!(acts[0].description.starts_with("Launching a new EC2 instance: i-"), "{:?}", acts[0]);
    assert!(acts[1].cause.ends_with("in response to an EC2 health check indicating it has been terminated or stopped."), "{:?}", acts[1]);
}

/// Cluster Autoscaler empties a zone (scale-down terminates with ShouldDecrementDesiredCapacity),
/// then scales up again: the group launches into the zones it has fewest instances in — the
/// emptied ones — not the next zones round the group's launch count.
#[test]
fn after_a_scale_down_an_eks_group_refills_the_zone_it_emptied_first() {
    let manifest = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: shop, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b, us-west-2c]\nmanagedNodeGroups:\n  - {name: general, instanceType: m5.large, desiredCapacity: 3, minSize: 1, maxSize: 6}\n---\napiVersion: stevedore.dev/v1\nkind: ClusterAutoscaler\nspec: {expander: least-waste}\n---\napiVersion: stevedore.dev/v1\nkind: Scenario\nmetadata: {name: refill}\nspec:\n  duration: 30m\n  timeline:\n    - {at: 20m, kubectl: scale deployment/web --replicas=4}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, resources: {requests: {cpu: 1500m}}}]}\n";
    let m = stevedore_sim::eks::manifest::parse(manifest).unwrap();
    // While the nodes are on their way, the zones the app draws them in are the ones they join.
    let mut e = stevedore_sim::eks::engine::Engine::new(&m, false);
    e.advance_to(20 * 60 + 30);
    let forecast: Vec<String> = e.launching().into_iter().map(|l| l.zone).collect();
    e.advance_to(30 * 60);
    let joined: Vec<String> = stevedore_sim::eks::run::EksRun::of(&e).state.nodes.iter().skip(1).map(|n| n.node.zone.clone()).collect();
    assert_eq!((forecast.len(), &forecast), (3, &joined));
    let low = stevedore_sim::eks::run::run_until(&m, false, 19 * 60);
    let left: Vec<&str> = low.state.nodes.iter().map(|n| n.node.zone.as_str()).collect();
    assert_eq!(left.len(), 1, "CA scaled the idle nodes in to minSize: {left:?}");
    let r = stevedore_sim::eks::run::run_until(&m, false, 30 * 60);
    let zones: Vec<&str> = r.state.nodes.iter().map(|n| n.node.zone.as_str()).collect();
    assert!(zones.len() >= 3, "{zones:?}");
    // The two new nodes go to the two emptied zones (round the group's launch count, the
    // second would have joined the kept node's zone).
    assert!(!zones[1..3].contains(&left[0]), "{zones:?}");
    for z in ["us-west-2a", "us-west-2b", "us-west-2c"] {
        assert!(zones.contains(&z), "every zone has a node again: {zones:?}");
    }
}
