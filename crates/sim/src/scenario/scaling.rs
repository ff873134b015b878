//! `traffic`, `scalableTargets`, `scalingPolicies` and `alarms` → validated model (aws-semantics
//! §7). Every rule broken is reported with its JSON path.

use crate::sort::SortSmall;
use super::scaling_types::*;
use super::{duration_input, list, one, typed, Scenario};
use crate::error::Errors;
use crate::model::scaling::*;
use serde_json::{Map, Value};

pub const ECS_DIMENSION: &str = "ecs:service:DesiredCount";
pub const PREDEFINED: &[&str] = &["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget"];

pub fn load(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    if let Some(traffic) = one::<TrafficInput>(root, "traffic", errors) {
        let (curves, loads) = parse_traffic("$.traffic", &traffic, s, errors);
        s.traffic = curves;
        s.service_load = loads;
    }
    let targets: Vec<(String, RegisterScalableTarget)> = list(root, "scalableTargets", errors);
    for (path, t) in targets {
        if let Some(target) = scalable_target(&path, &t, s, errors) {
            if s.scalable_targets.iter().any(|x| x.service == target.service) {
                errors.push(format!("{path}.ResourceId"), "this service is already registered as a scalable target");
            }
            s.scalable_targets.push(target);
        }
    }
    let policies: Vec<(String, PutScalingPolicy)> = list(root, "scalingPolicies", errors);
    for (path, p) in policies {
        if let Some(policy) = policy(&path, &p, s, errors) {
            if s.policies.iter().any(|x| x.name == policy.name && x.target == policy.target) {
                errors.push(format!("{path}.PolicyName"), "policy names are unique per scalable target");
            }
            s.policies.push(policy);
        }
    }
    let scheduled: Vec<(String, PutScheduledAction)> = list(root, "scheduledActions", errors);
    for (path, a) in scheduled {
        if let Some(action) = scheduled_action(&path, &a, s, errors) {
            if s.scheduled_actions.iter().any(|x| x.name == action.name && x.target == action.target) {
                errors.push(format!("{path}.ScheduledActionName"), "scheduled action names are unique per scalable target");
            }
            s.scheduled_actions.push(action);
        }
    }
    let alarms: Vec<(String, PutMetricAlarm)> = list(root, "alarms", errors);
    for (path, a) in alarms {
        if let Some(alarm) = alarm(&path, &a, s, errors) {
            s.alarms.push(alarm);
        }
    }
}

/// `traffic` → curves per target group and request costs per service.
pub(super) fn parse_traffic(path: &str, t: &TrafficInput, s: &Scenario, errors: &mut Errors) -> (Vec<crate::model::scaling::TargetGroupTraffic>, std::collections::BTreeMap<usize, ServiceLoad>) {
    let (mut curves, mut loads) = (Vec::new(), std::collections::BTreeMap::new());
    for (i, tg) in t.target_groups.iter().flatten().enumerate() {
        let p = format!("{path}.targetGroups[{i}]");
        let Some(name) = &tg.target_group else {
            errors.push(format!("{p}.targetGroup"), "required: a target group name or ARN");
            continue;
        };
        let Some(target_group) = super::infrastructure::find_target_group(&s.target_groups, name) else {
            errors.push(format!("{p}.targetGroup"), format!("no target group `{name}` in targetGroups"));
            continue;
        };
        let Some(curve) = tg.requests_per_second.as_ref().and_then(|c| curve(&format!("{p}.requestsPerSecond"), c, errors)) else {
            if tg.requests_per_second.is_none() {
                errors.push(format!("{p}.requestsPerSecond"), "required: a curve such as {\"type\": \"constant\", \"value\": 100}");
            }
            continue;
        };
        let noise = tg.noise.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&noise) {
            errors.push(format!("{p}.noise"), "noise is a fraction from 0 to 1 (0.05 = ±5 %)");
        }
        curves.push(crate::model::scaling::TargetGroupTraffic { target_group, curve, noise });
    }
    for (i, l) in t.services.iter().flatten().enumerate() {
        let p = format!("{path}.services[{i}]");
        let name = l.service.as_deref().map(super::name_of).unwrap_or_default();
        let Some(service) = s.services.iter().position(|x| x.name == name) else {
            errors.push(format!("{p}.service"), format!("no service `{name}`"));
            continue;
        };
        let load = ServiceLoad {
            cpu_units_per_request: l.cpu_units_per_request.unwrap_or(0.0),
            memory_mib_per_request: l.memory_mib_per_request.unwrap_or(0.0),
            base_cpu_units: l.base_cpu_units.unwrap_or(0.0),
            base_memory_mib: l.base_memory_mib.unwrap_or(0.0),
        };
        for (field, v) in [("cpuUnitsPerRequest", load.cpu_units_per_request), ("memoryMiBPerRequest", load.memory_mib_per_request), ("baseCpuUnits", load.base_cpu_units), ("baseMemoryMiB", load.base_memory_mib)] {
            if !v.is_finite() || v < 0.0 {
                errors.push(format!("{p}.{field}"), "must be a number ≥ 0");
            }
        }
        loads.insert(service, load);
    }
    (curves, loads)
}

/// SetTraffic's input: one `traffic.targetGroups` entry.
pub(super) fn set_traffic(path: &str, input: &Value, s: &Scenario, errors: &mut Errors) -> Option<crate::model::scaling::TargetGroupTraffic> {
    let entry: super::scaling_types::TargetGroupTraffic = typed(path, input, errors)?;
    let t = TrafficInput { target_groups: Some(vec![entry]), services: None };
    let before = errors.list.len();
    let mut scratch = Errors::default();
    let (mut curves, _) = parse_traffic("$", &t, s, &mut scratch);
    for e in scratch.list {
        errors.push(e.path.replacen("$.targetGroups[0]", path, 1), e.message);
    }
    (errors.list.len() == before).then(|| curves.pop()).flatten()
}

pub fn curve(path: &str, c: &CurveInput, errors: &mut Errors) -> Option<Curve> {
    let before = errors.list.len();
    let mut at = |p: &str, d: &super::types::DurationInput| duration_input(&format!("{path}.{p}"), d, errors).unwrap_or(0);
    let curve = match c {
        CurveInput::Constant { value } => Curve::Constant(*value),
        CurveInput::Steps { steps } => Curve::Steps(steps.iter().enumerate().map(|(k, p)| (at(&format!("steps[{k}].at"), &p.at), p.value)).collect()),
        CurveInput::Ramp { from, to, start, end } => Curve::Ramp { from: *from, to: *to, start: at("start", start), end: at("end", end) },
        CurveInput::Sine { mean, amplitude, period, peak_at } => Curve::Sine {
            mean: *mean,
            amplitude: *amplitude,
            period: period.as_ref().map_or(86_400_000, |p| at("period", p)),
            peak_at: peak_at.as_ref().map_or(14 * 3_600_000, |p| at("peakAt", p)),
        },
        CurveInput::Spike { base, peak, at: when, duration } => Curve::Spike { base: *base, peak: *peak, at: at("at", when), duration: at("duration", duration) },
        CurveInput::Points { points } => Curve::Points(points.iter().enumerate().map(|(k, p)| (at(&format!("points[{k}].at"), &p.at), p.value)).collect()),
    };
    match &curve {
        Curve::Steps(v) | Curve::Points(v) if v.is_empty() => errors.push(path.to_string(), "needs at least one point"),
        Curve::Steps(v) | Curve::Points(v) if v.windows(2).any(|w| w[1].0 < w[0].0) => errors.push(path.to_string(), "points must be in time order"),
        Curve::Ramp { start, end, .. } if end < start => errors.push(format!("{path}.end"), "the ramp must end after it starts"),
        Curve::Sine { period, .. } if *period == 0 => errors.push(format!("{path}.period"), "the period must be positive"),
        _ => {}
    }
    (errors.list.len() == before).then_some(curve)
}

/// `service/<cluster>/<service>` → the service's index.
fn resolve_resource(path: &str, namespace: Option<&str>, resource_id: Option<&str>, dimension: Option<&str>, s: &Scenario, errors: &mut Errors) -> Option<usize> {
    if namespace != Some("ecs") {
        errors.push(format!("{path}.ServiceNamespace"), "Stevedore scales ECS services: ServiceNamespace must be \"ecs\"");
    }
    if dimension != Some(ECS_DIMENSION) {
        errors.push(format!("{path}.ScalableDimension"), format!("must be \"{ECS_DIMENSION}\""));
    }
    let id = resource_id.unwrap_or_default();
    let parts: Vec<&str> = id.split('/').collect();
    match parts.as_slice() {
        ["service", cluster, service] if *cluster == s.arns.cluster => {
            let found = s.services.iter().position(|x| x.name == *service);
            if found.is_none() {
                errors.push(format!("{path}.ResourceId"), format!("no service `{service}` in the cluster"));
            }
            found
        }
        ["service", cluster, _] => {
            errors.push(format!("{path}.ResourceId"), format!("cluster `{cluster}` is not this scenario's cluster `{}`", s.arns.cluster));
            None
        }
        _ => {
            errors.push(format!("{path}.ResourceId"), format!("`{id}` is not service/<cluster>/<service>"));
            None
        }
    }
}

fn scalable_target(path: &str, t: &RegisterScalableTarget, s: &Scenario, errors: &mut Errors) -> Option<ScalableTarget> {
    let service = resolve_resource(path, t.service_namespace.as_deref(), t.resource_id.as_deref(), t.scalable_dimension.as_deref(), s, errors);
    let (Some(min), Some(max)) = (t.min_capacity, t.max_capacity) else {
        errors.push(path.to_string(), "MinCapacity and MaxCapacity are required when registering a scalable target");
        return None;
    };
    if min < 0 || max < min || max > 5000 {
        errors.push(format!("{path}.MaxCapacity"), format!("0 ≤ MinCapacity ≤ MaxCapacity ≤ 5000 must hold (got {min}, {max})"));
        return None;
    }
    let suspended = t.suspended_state.clone().unwrap_or_default();
    Some(ScalableTarget {
        resource_id: t.resource_id.clone().unwrap_or_default(),
        service: service?,
        min: min as u32,
        max: max as u32,
        scale_in_suspended: suspended.dynamic_scaling_in_suspended.unwrap_or(false),
        scale_out_suspended: suspended.dynamic_scaling_out_suspended.unwrap_or(false),
        scheduled_suspended: suspended.scheduled_scaling_suspended.unwrap_or(false),
    })
}

fn statistic(path: &str, text: Option<&str>, default: Statistic, errors: &mut Errors) -> Statistic {
    match text {
        None => default,
        Some("Average") => Statistic::Average,
        Some("Sum") => Statistic::Sum,
        Some("Minimum") => Statistic::Minimum,
        Some("Maximum") => Statistic::Maximum,
        Some("SampleCount") => Statistic::SampleCount,
        Some(o) => {
            errors.push(path.to_string(), format!("`{o}` is not Average, Sum, Minimum, Maximum or SampleCount"));
            default
        }
    }
}

fn dimensions(path: &str, dims: Option<&[Dimension]>, errors: &mut Errors) -> Vec<(String, String)> {
    dims.unwrap_or(&[])
        .iter()
        .enumerate()
        .filter_map(|(i, d)| match (&d.name, &d.value) {
            (Some(n), Some(v)) => Some((n.clone(), v.clone())),
            _ => {
                errors.push(format!("{path}[{i}]"), "a dimension needs Name and Value");
                None
            }
        })
        .collect()
}

/// The metrics ECS and the ALB publish, by predefined metric type.
pub fn predefined_metric(kind: &str, service: &str, target_group_dimension: Option<String>, cluster: &str) -> Option<(MetricKey, Statistic)> {
    let ecs = |name: &str| MetricKey::new("AWS/ECS", name, vec![("ClusterName".into(), cluster.into()), ("ServiceName".into(), service.into())]);
    match kind {
        "ECSServiceAverageCPUUtilization" => Some((ecs("CPUUtilization"), Statistic::Average)),
        "ECSServiceAverageMemoryUtilization" => Some((ecs("MemoryUtilization"), Statistic::Average)),
        "ALBRequestCountPerTarget" => Some((MetricKey::new("AWS/ApplicationELB", "RequestCountPerTarget", vec![("TargetGroup".into(), target_group_dimension?)]), Statistic::Sum)),
        _ => None,
    }
}

/// `targetgroup/<name>/<id>`: the TargetGroup dimension of a target group's ALB metrics.
pub fn target_group_dimension(arn: &str) -> String {
    arn.split_once(':').map_or(arn, |_| arn.rsplit(':').next().unwrap_or(arn)).to_string()
}

fn policy(path: &str, p: &PutScalingPolicy, s: &Scenario, errors: &mut Errors) -> Option<ScalingPolicy> {
    let before = errors.list.len();
    let name = p.policy_name.clone().unwrap_or_default();
    if name.is_empty() || name.len() > 256 {
        errors.push(format!("{path}.PolicyName"), "required: 1-256 characters");
    }
    let service = resolve_resource(path, p.service_namespace.as_deref(), p.resource_id.as_deref(), p.scalable_dimension.as_deref(), s, errors);
    let target = service.and_then(|svc| {
        let t = s.scalable_targets.iter().position(|t| t.service == svc);
        if t.is_none() {
            errors.push(format!("{path}.ResourceId"), "register the service as a scalable target (scalableTargets) before adding a policy");
        }
        t
    });
    let kind = match p.policy_type.as_deref() {
        Some("TargetTrackingScaling") => match &p.target_tracking_scaling_policy_configuration {
            Some(c) => target_tracking(&format!("{path}.TargetTrackingScalingPolicyConfiguration"), c, service, s, errors),
            None => {
                errors.push(format!("{path}.TargetTrackingScalingPolicyConfiguration"), "required for TargetTrackingScaling");
                None
            }
        },
        Some("StepScaling") => match &p.step_scaling_policy_configuration {
            Some(c) => step(&format!("{path}.StepScalingPolicyConfiguration"), c, errors),
            None => {
                errors.push(format!("{path}.StepScalingPolicyConfiguration"), "required for StepScaling");
                None
            }
        },
        o => {
            errors.push(format!("{path}.PolicyType"), format!("{}: PolicyType is TargetTrackingScaling or StepScaling (PredictiveScaling is not modelled)", o.unwrap_or("missing")));
            None
        }
    };
    if errors.list.len() > before {
        return None;
    }
    let resource = p.resource_id.clone().unwrap_or_default();
    let arn = format!("arn:aws:autoscaling:{}:{}:scalingPolicy:{}:resource/ecs/{resource}:policyName/{name}", s.arns.region, s.arns.account, super::hex_id(&format!("{resource}/{name}"), 32));
    Some(ScalingPolicy { name, arn, target: target?, kind: kind? })
}

fn cooldown(path: &str, v: Option<i64>, errors: &mut Errors) -> u32 {
    match v {
        None => 300, // the ECS default (aws-semantics §7.2)
        Some(c) if (0..=86_400).contains(&c) => c as u32,
        Some(c) => {
            errors.push(path.to_string(), format!("{c}: a cooldown is 0-86400 seconds"));
            300
        }
    }
}

fn target_tracking(path: &str, c: &TargetTrackingConfig, service: Option<usize>, s: &Scenario, errors: &mut Errors) -> Option<PolicyKind> {
    let target = c.target_value.filter(|v| v.is_finite() && *v > 0.0);
    if target.is_none() {
        errors.push(format!("{path}.TargetValue"), "required: a positive number");
    }
    let service_name = service.map(|i| s.services[i].name.clone()).unwrap_or_default();
    let (metric, statistic) = match (&c.predefined_metric_specification, &c.customized_metric_specification) {
        (Some(p), None) => {
            let kind = p.predefined_metric_type.clone().unwrap_or_default();
            let tg = if kind == "ALBRequestCountPerTarget" {
                let label = p.resource_label.clone().unwrap_or_default();
                // app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>
                let tg_name = label.split('/').nth(4).unwrap_or_default();
                match s.target_groups.iter().find(|t| t.name == tg_name) {
                    Some(t) if t.network() || label.starts_with("net/") => {
                        errors.push(format!("{path}.PredefinedMetricSpecification.ResourceLabel"), format!("target group {} belongs to a network load balancer: ALBRequestCountPerTarget counts Application Load Balancer requests (track ECSServiceAverageCPUUtilization instead)", t.name));
                        return None;
                    }
                    Some(t) => Some(target_group_dimension(&t.arn)),
                    None => {
                        errors.push(format!("{path}.PredefinedMetricSpecification.ResourceLabel"), "ALBRequestCountPerTarget needs ResourceLabel app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id> naming a target group of the scenario");
                        return None;
                    }
                }
            } else {
                None
            };
            match predefined_metric(&kind, &service_name, tg, &s.arns.cluster) {
                Some(m) => m,
                None => {
                    errors.push(format!("{path}.PredefinedMetricSpecification.PredefinedMetricType"), format!("`{kind}` is not one of {}", PREDEFINED.join(", ")));
                    return None;
                }
            }
        }
        (None, Some(m)) => {
            let (Some(name), Some(ns)) = (&m.metric_name, &m.namespace) else {
                errors.push(format!("{path}.CustomizedMetricSpecification"), "MetricName and Namespace are required");
                return None;
            };
            let dims = dimensions(&format!("{path}.CustomizedMetricSpecification.Dimensions"), m.dimensions.as_deref(), errors);
            (MetricKey::new(ns, name, dims), statistic(&format!("{path}.CustomizedMetricSpecification.Statistic"), m.statistic.as_deref(), Statistic::Average, errors))
        }
        _ => {
            errors.push(path.to_string(), "give exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification");
            return None;
        }
    };
    Some(PolicyKind::TargetTracking {
        target: target?,
        metric,
        statistic,
        scale_out_cooldown_s: cooldown(&format!("{path}.ScaleOutCooldown"), c.scale_out_cooldown, errors),
        scale_in_cooldown_s: cooldown(&format!("{path}.ScaleInCooldown"), c.scale_in_cooldown, errors),
        disable_scale_in: c.disable_scale_in.unwrap_or(false),
    })
}

fn step(path: &str, c: &StepScalingConfig, errors: &mut Errors) -> Option<PolicyKind> {
    let before = errors.list.len();
    let adjustment_type = match c.adjustment_type.as_deref() {
        Some("ChangeInCapacity") => AdjustmentType::ChangeInCapacity,
        Some("ExactCapacity") => AdjustmentType::ExactCapacity,
        Some("PercentChangeInCapacity") => AdjustmentType::PercentChangeInCapacity,
        o => {
            errors.push(format!("{path}.AdjustmentType"), format!("{}: AdjustmentType is ChangeInCapacity, ExactCapacity or PercentChangeInCapacity", o.unwrap_or("missing")));
            AdjustmentType::ChangeInCapacity
        }
    };
    let steps: Vec<StepAdjustment> = c
        .step_adjustments
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, st)| {
            let adjustment = st.scaling_adjustment.unwrap_or_else(|| {
                errors.push(format!("{path}.StepAdjustments[{i}].ScalingAdjustment"), "required");
                0
            });
            if adjustment_type == AdjustmentType::ExactCapacity && adjustment < 0 {
                errors.push(format!("{path}.StepAdjustments[{i}].ScalingAdjustment"), "ExactCapacity adjustments must be non-negative");
            }
            if st.metric_interval_lower_bound.is_none() && st.metric_interval_upper_bound.is_none() {
                errors.push(format!("{path}.StepAdjustments[{i}]"), "a step can't leave both bounds null");
            }
            StepAdjustment { lower: st.metric_interval_lower_bound, upper: st.metric_interval_upper_bound, adjustment }
        })
        .collect();
    if steps.is_empty() {
        errors.push(format!("{path}.StepAdjustments"), "required: at least one step adjustment");
    }
    if steps.iter().filter(|s| s.lower.is_none()).count() > 1 {
        errors.push(format!("{path}.StepAdjustments"), "at most one step may have a null lower bound");
    }
    if steps.iter().filter(|s| s.upper.is_none()).count() > 1 {
        errors.push(format!("{path}.StepAdjustments"), "at most one step may have a null upper bound");
    }
    // No overlaps and no gaps: sorted by lower bound, each step starts where the previous ends.
    let mut sorted = steps.clone();
    sorted.sort_small_by(|a, b| a.lower.unwrap_or(f64::NEG_INFINITY).total_cmp(&b.lower.unwrap_or(f64::NEG_INFINITY)));
    for w in sorted.windows(2) {
        if w[0].upper != w[1].lower {
            errors.push(format!("{path}.StepAdjustments"), format!("step intervals must not overlap or leave gaps ({:?} is followed by {:?})", w[0].upper, w[1].lower));
            break;
        }
    }
    let magnitude = c.min_adjustment_magnitude;
    if magnitude.is_some() && adjustment_type != AdjustmentType::PercentChangeInCapacity {
        errors.push(format!("{path}.MinAdjustmentMagnitude"), "MinAdjustmentMagnitude applies only to PercentChangeInCapacity");
    }
    if c.metric_aggregation_type.as_deref().is_some_and(|m| !["Average", "Minimum", "Maximum"].contains(&m)) {
        errors.push(format!("{path}.MetricAggregationType"), "Average, Minimum or Maximum");
    }
    let cooldown_s = cooldown(&format!("{path}.Cooldown"), c.cooldown, errors);
    (errors.list.len() == before).then_some(PolicyKind::Step { adjustment_type, steps, min_adjustment_magnitude: magnitude, cooldown_s })
}

fn alarm(path: &str, a: &PutMetricAlarm, s: &Scenario, errors: &mut Errors) -> Option<Alarm> {
    let before = errors.list.len();
    let name = a.alarm_name.clone().unwrap_or_default();
    if name.is_empty() || name.len() > 255 {
        errors.push(format!("{path}.AlarmName"), "required: 1-255 characters");
    }
    let (Some(metric_name), Some(namespace)) = (&a.metric_name, &a.namespace) else {
        errors.push(path.to_string(), "MetricName and Namespace are required");
        return None;
    };
    let dims = dimensions(&format!("{path}.Dimensions"), a.dimensions.as_deref(), errors);
    let statistic = statistic(&format!("{path}.Statistic"), a.statistic.as_deref(), Statistic::Average, errors);
    let period = a.period.unwrap_or(60);
    if period < 60 || period % 60 != 0 {
        errors.push(format!("{path}.Period"), format!("{period}: Stevedore's metrics have one-minute resolution, so Period is a multiple of 60"));
    }
    let evaluation_periods = a.evaluation_periods.unwrap_or(1);
    if evaluation_periods < 1 {
        errors.push(format!("{path}.EvaluationPeriods"), "at least 1");
    }
    // PutMetricAlarm, Period: "An alarm's total current evaluation period can be no longer than
    // seven days, so Period multiplied by EvaluationPeriods can't be more than 604,800 seconds.
    // For alarms with a period of less than one hour (3,600 seconds), the total evaluation period
    // can't be longer than one day (86,400 seconds)."
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html)
    let most = if period < 3600 { 86_400 } else { 604_800 };
    if period >= 60 && evaluation_periods >= 1 && period.saturating_mul(evaluation_periods) > most {
        errors.push(format!("{path}.EvaluationPeriods"), format!("{evaluation_periods} × Period {period} s: an alarm's total evaluation period can be no longer than {}, so Period multiplied by EvaluationPeriods can't be more than {most} seconds", if most == 86_400 { "one day for a period under an hour" } else { "seven days" }));
    }
    let (period, evaluation_periods) = (period.clamp(60, 604_800), evaluation_periods.clamp(1, 10_080));
    let datapoints = a.datapoints_to_alarm.unwrap_or(evaluation_periods);
    if datapoints < 1 || datapoints > evaluation_periods {
        errors.push(format!("{path}.DatapointsToAlarm"), format!("{datapoints}: between 1 and EvaluationPeriods ({evaluation_periods})"));
    }
    let threshold = a.threshold.unwrap_or_else(|| {
        errors.push(format!("{path}.Threshold"), "required");
        0.0
    });
    let comparison = match a.comparison_operator.as_deref() {
        Some("GreaterThanOrEqualToThreshold") => Comparison::GreaterThanOrEqualToThreshold,
        Some("GreaterThanThreshold") => Comparison::GreaterThanThreshold,
        Some("LessThanThreshold") => Comparison::LessThanThreshold,
        Some("LessThanOrEqualToThreshold") => Comparison::LessThanOrEqualToThreshold,
        o => {
            errors.push(format!("{path}.ComparisonOperator"), format!("{}: GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold or LessThanOrEqualToThreshold", o.unwrap_or("missing")));
            Comparison::GreaterThanThreshold
        }
    };
    let mut actions = Vec::new();
    for (i, action) in a.alarm_actions.iter().flatten().enumerate() {
        match s.policies.iter().position(|p| &p.arn == action || &p.name == action) {
            Some(k) if matches!(s.policies[k].kind, PolicyKind::Step { .. }) => actions.push(k),
            Some(_) => errors.push(format!("{path}.AlarmActions[{i}]"), "target tracking policies manage their own alarms; point alarms at step scaling policies"),
            None => errors.push(format!("{path}.AlarmActions[{i}]"), format!("no scaling policy `{action}` (give its ARN or PolicyName)")),
        }
    }
    (errors.list.len() == before).then(|| Alarm {
        name,
        metric: MetricKey::new(namespace, metric_name, dims),
        statistic,
        period_s: period as u32,
        evaluation_periods: evaluation_periods as u32,
        datapoints_to_alarm: datapoints as u32,
        threshold,
        comparison,
        actions,
    })
}

/// PutMetricData as a timeline action: `(metric, value)` pairs.
pub fn metric_data(path: &str, input: &Value, errors: &mut Errors) -> Option<Vec<(MetricKey, f64)>> {
    let d: PutMetricData = typed(path, input, errors)?;
    let Some(ns) = d.namespace else {
        errors.push(format!("{path}.Namespace"), "required");
        return None;
    };
    let mut out = Vec::new();
    for (i, m) in d.metric_data.iter().flatten().enumerate() {
        let (Some(name), Some(value)) = (&m.metric_name, m.value) else {
            errors.push(format!("{path}.MetricData[{i}]"), "MetricName and Value are required");
            continue;
        };
        let dims = dimensions(&format!("{path}.MetricData[{i}].Dimensions"), m.dimensions.as_deref(), errors);
        out.push((MetricKey::new(&ns, name, dims), value));
    }
    (!out.is_empty()).then_some(out)
}

fn scheduled_action(path: &str, a: &PutScheduledAction, s: &Scenario, errors: &mut Errors) -> Option<ScheduledAction> {
    let before = errors.list.len();
    let name = a.scheduled_action_name.clone().unwrap_or_default();
    if name.is_empty() || name.len() > 256 {
        errors.push(format!("{path}.ScheduledActionName"), "required: 1-256 characters");
    }
    let service = resolve_resource(path, a.service_namespace.as_deref(), a.resource_id.as_deref(), a.scalable_dimension.as_deref(), s, errors);
    let target = service.and_then(|svc| {
        let t = s.scalable_targets.iter().position(|t| t.service == svc);
        if t.is_none() {
            errors.push(format!("{path}.ResourceId"), "register the service as a scalable target (scalableTargets) first");
        }
        t
    });
    let zone = match &a.timezone {
        None => crate::schedule::Zone::Fixed(0),
        Some(z) => crate::schedule::parse_zone(z).map_err(|e| errors.push(format!("{path}.Timezone"), e)).unwrap_or(crate::schedule::Zone::Fixed(0)),
    };
    let schedule = match &a.schedule {
        None => {
            errors.push(format!("{path}.Schedule"), "required: at(...), rate(...) or cron(...)");
            None
        }
        Some(text) => crate::schedule::parse(text, zone).map_err(|e| errors.push(format!("{path}.Schedule"), e)).ok(),
    };
    let time = |field: &str, v: &Option<String>, errors: &mut Errors| v.as_ref().and_then(|t| crate::time::parse_iso_seconds(t).map_err(|e| errors.push(format!("{path}.{field}"), e)).ok());
    let start_unix_s = time("StartTime", &a.start_time, errors).unwrap_or(s.start_unix_s);
    let end_unix_s = time("EndTime", &a.end_time, errors);
    let action = a.scalable_target_action.clone();
    let capacity = |v: Option<i64>, field: &str, errors: &mut Errors| match v {
        None => None,
        Some(n) if (0..=5000).contains(&n) => Some(n as u32),
        Some(n) => {
            errors.push(format!("{path}.ScalableTargetAction.{field}"), format!("{n}: 0-5000"));
            None
        }
    };
    let (min, max) = match &action {
        Some(act) => (capacity(act.min_capacity, "MinCapacity", errors), capacity(act.max_capacity, "MaxCapacity", errors)),
        None => (None, None),
    };
    if min.is_none() && max.is_none() {
        errors.push(format!("{path}.ScalableTargetAction"), "give MinCapacity, MaxCapacity or both");
    }
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            errors.push(format!("{path}.ScalableTargetAction"), "MinCapacity can't exceed MaxCapacity");
        }
    }
    (errors.list.len() == before).then(|| ScheduledAction { name, target: target.unwrap_or(0), schedule: schedule.expect("no errors"), zone, start_unix_s, end_unix_s, min, max })
}
