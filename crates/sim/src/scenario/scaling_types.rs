//! Serde types for load and scaling: `traffic` (Stevedore's own), and the request bodies of
//! Application Auto Scaling's RegisterScalableTarget / PutScalingPolicy and CloudWatch's
//! PutMetricAlarm / PutMetricData, in their own PascalCase.

use super::types::DurationInput;
use serde::Serialize;
use stevedore_derive::FromJson;

#[derive(Debug, Clone, Default, Serialize, FromJson)]
// Stevedore's own shape: an unknown key is a typo, not a field of some AWS request.
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrafficInput {
    pub target_groups: Option<Vec<TargetGroupTraffic>>,
    pub services: Option<Vec<ServiceLoadInput>>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
// Stevedore's own shape: an unknown key is a typo, not a field of some AWS request.
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetGroupTraffic {
    pub target_group: Option<String>,
    pub requests_per_second: Option<CurveInput>,
    /// Relative seeded noise, e.g. 0.05 for ±5 %.
    pub noise: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum CurveInput {
    Constant { value: f64 },
    Steps { steps: Vec<CurvePoint> },
    Ramp { from: f64, to: f64, start: DurationInput, end: DurationInput },
    #[serde(rename_all = "camelCase")]
    Sine { mean: f64, amplitude: f64, period: Option<DurationInput>, peak_at: Option<DurationInput> },
    Spike { base: f64, peak: f64, at: DurationInput, duration: DurationInput },
    Points { points: Vec<CurvePoint> },
}

/// serde's internally tagged enum: `type` names the variant, the object's other keys are its
/// fields (unknown ones ignored). Errors name the field's key.
impl crate::json::FromJson for CurveInput {
    fn from_json(v: &serde_json::Value) -> Result<Self, crate::json::JsonError> {
        use crate::json::{field, invalid_type, missing, unknown_variant, JsonError};
        let map = crate::json::object(v, "internally tagged enum CurveInput")?;
        fn req<T: crate::json::FromJson>(map: &serde_json::Map<String, serde_json::Value>, key: &str) -> Result<T, JsonError> {
            map.get(key).map_or_else(|| Err(missing(key)), |v| field(key, v))
        }
        fn opt<T: crate::json::FromJson>(map: &serde_json::Map<String, serde_json::Value>, key: &str) -> Result<Option<T>, JsonError> {
            map.get(key).map_or(Ok(None), |v| field(key, v))
        }
        let tag = match map.get("type") {
            None => return Err(missing("type")),
            Some(serde_json::Value::String(s)) => s.as_str(),
            Some(other) => return Err(invalid_type(other, "variant identifier").at_key("type")),
        };
        Ok(match tag {
            "constant" => CurveInput::Constant { value: req(map, "value")? },
            "steps" => CurveInput::Steps { steps: req(map, "steps")? },
            "ramp" => CurveInput::Ramp { from: req(map, "from")?, to: req(map, "to")?, start: req(map, "start")?, end: req(map, "end")? },
            "sine" => CurveInput::Sine { mean: req(map, "mean")?, amplitude: req(map, "amplitude")?, period: opt(map, "period")?, peak_at: opt(map, "peakAt")? },
            "spike" => CurveInput::Spike { base: req(map, "base")?, peak: req(map, "peak")?, at: req(map, "at")?, duration: req(map, "duration")? },
            "points" => CurveInput::Points { points: req(map, "points")? },
            other => return Err(unknown_variant(other, &["constant", "steps", "ramp", "sine", "spike", "points"])),
        })
    }
}

#[derive(Debug, Clone, Serialize, FromJson)]
pub struct CurvePoint {
    pub at: DurationInput,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize, FromJson)]
// Stevedore's own shape: an unknown key is a typo, not a field of some AWS request.
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceLoadInput {
    pub service: Option<String>,
    pub cpu_units_per_request: Option<f64>,
    /// Documented as `memoryMiBPerRequest` / `baseMemoryMiB` (MiB's capital B).
    #[serde(rename = "memoryMiBPerRequest", alias = "memoryMibPerRequest")]
    pub memory_mib_per_request: Option<f64>,
    pub base_cpu_units: Option<f64>,
    #[serde(rename = "baseMemoryMiB", alias = "baseMemoryMib")]
    pub base_memory_mib: Option<f64>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct RegisterScalableTarget {
    pub service_namespace: Option<String>,
    pub resource_id: Option<String>,
    pub scalable_dimension: Option<String>,
    pub min_capacity: Option<i64>,
    pub max_capacity: Option<i64>,
    pub suspended_state: Option<SuspendedState>,
}

#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct SuspendedState {
    pub dynamic_scaling_in_suspended: Option<bool>,
    pub dynamic_scaling_out_suspended: Option<bool>,
    pub scheduled_scaling_suspended: Option<bool>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct PutScalingPolicy {
    pub policy_name: Option<String>,
    pub service_namespace: Option<String>,
    pub resource_id: Option<String>,
    pub scalable_dimension: Option<String>,
    pub policy_type: Option<String>,
    pub target_tracking_scaling_policy_configuration: Option<TargetTrackingConfig>,
    pub step_scaling_policy_configuration: Option<StepScalingConfig>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct TargetTrackingConfig {
    pub target_value: Option<f64>,
    pub predefined_metric_specification: Option<PredefinedMetric>,
    pub customized_metric_specification: Option<CustomizedMetric>,
    pub scale_out_cooldown: Option<i64>,
    pub scale_in_cooldown: Option<i64>,
    pub disable_scale_in: Option<bool>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct PredefinedMetric {
    pub predefined_metric_type: Option<String>,
    pub resource_label: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct CustomizedMetric {
    pub metric_name: Option<String>,
    pub namespace: Option<String>,
    pub dimensions: Option<Vec<Dimension>>,
    pub statistic: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct Dimension {
    pub name: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct StepScalingConfig {
    pub adjustment_type: Option<String>,
    pub step_adjustments: Option<Vec<StepAdjustmentInput>>,
    pub min_adjustment_magnitude: Option<i64>,
    pub cooldown: Option<i64>,
    pub metric_aggregation_type: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct StepAdjustmentInput {
    pub metric_interval_lower_bound: Option<f64>,
    pub metric_interval_upper_bound: Option<f64>,
    pub scaling_adjustment: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct PutMetricAlarm {
    pub alarm_name: Option<String>,
    pub metric_name: Option<String>,
    pub namespace: Option<String>,
    pub dimensions: Option<Vec<Dimension>>,
    pub statistic: Option<String>,
    pub period: Option<i64>,
    pub evaluation_periods: Option<i64>,
    pub datapoints_to_alarm: Option<i64>,
    pub threshold: Option<f64>,
    pub comparison_operator: Option<String>,
    pub alarm_actions: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct PutMetricData {
    pub namespace: Option<String>,
    pub metric_data: Option<Vec<MetricDatum>>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct MetricDatum {
    pub metric_name: Option<String>,
    pub dimensions: Option<Vec<Dimension>>,
    pub value: Option<f64>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct PutScheduledAction {
    pub service_namespace: Option<String>,
    pub scheduled_action_name: Option<String>,
    pub resource_id: Option<String>,
    pub scalable_dimension: Option<String>,
    pub schedule: Option<String>,
    pub timezone: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub scalable_target_action: Option<ScalableTargetAction>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct ScalableTargetAction {
    pub min_capacity: Option<i64>,
    pub max_capacity: Option<i64>,
}
