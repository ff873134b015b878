//! The scenario file's serde types: the compatibility boundary. Each list entry is the request
//! body of the named AWS API call, with AWS's own field names and casing (camelCase for ECS,
//! PascalCase for EC2, Auto Scaling and ELBv2). Unknown keys inside an entry are ignored so a
//! user can paste a full AWS request or a Describe* output; unknown *top-level* keys are errors.

use serde::Serialize;
use stevedore_derive::FromJson;
use serde_json::Value;

pub const FORMAT_VERSION: u32 = 1;

/// A number of seconds, or a string such as "90s", "15m", "1h30m".
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum DurationInput {
    Seconds(f64),
    Text(String),
}

/// ECS accepts task cpu/memory as strings ("256", "1 vCPU", "2GB") and users write numbers.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum StringOrNumber {
    Number(f64),
    Text(String),
}

/// A number, else a string (serde's `untagged` for these two enums).
fn number_or_text<T>(v: &Value, name: &str, number: fn(f64) -> T, text: fn(String) -> T) -> Result<T, crate::json::JsonError> {
    match v {
        Value::Number(n) => Ok(number(n.as_f64().unwrap_or(f64::NAN))),
        Value::String(s) => Ok(text(s.clone())),
        _ => Err(crate::json::no_variant(name)),
    }
}

impl crate::json::FromJson for DurationInput {
    fn from_json(v: &Value) -> Result<Self, crate::json::JsonError> {
        number_or_text(v, "DurationInput", DurationInput::Seconds, DurationInput::Text)
    }
}

impl crate::json::FromJson for StringOrNumber {
    fn from_json(v: &Value) -> Result<Self, crate::json::JsonError> {
        number_or_text(v, "StringOrNumber", StringOrNumber::Number, StringOrNumber::Text)
    }
}

#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct CreateCluster {
    pub cluster_name: Option<String>,
    pub capacity_providers: Option<Vec<String>>,
    pub default_capacity_provider_strategy: Option<Vec<CapacityProviderStrategyItem>>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct CapacityProviderStrategyItem {
    pub capacity_provider: String,
    pub weight: Option<i64>,
    pub base: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
pub struct KeyValue {
    pub name: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct ContainerInstanceInput {
    pub instance_type: Option<String>,
    pub availability_zone: Option<String>,
    pub subnet_id: Option<String>,
    pub count: Option<i64>,
    pub ec2_instance_id: Option<String>,
    /// `on-demand` (default) or `spot`.
    pub purchase_option: Option<String>,
    pub attributes: Option<Vec<KeyValue>>,
    pub agent_version: Option<String>,
    pub registered_at: Option<String>,
    pub ami_id: Option<String>,
    pub awsvpc_trunking: Option<bool>,
    /// `/etc/ecs/ecs.config` as text: `KEY=value` lines (see `agent_config.rs`).
    pub ecs_config: Option<String>,
    // Agent settings one at a time: the agent's string or the JSON value it stands for.
    #[serde(rename = "ECS_RESERVED_PORTS")]
    pub ecs_reserved_ports: Option<Value>,
    #[serde(rename = "ECS_RESERVED_PORTS_UDP")]
    pub ecs_reserved_ports_udp: Option<Value>,
    #[serde(rename = "ECS_DYNAMIC_HOST_PORT_RANGE")]
    pub ecs_dynamic_host_port_range: Option<Value>,
    #[serde(rename = "ECS_ENABLE_SPOT_INSTANCE_DRAINING")]
    pub ecs_enable_spot_instance_draining: Option<Value>,
    #[serde(rename = "ECS_RESERVED_MEMORY")]
    pub ecs_reserved_memory: Option<Value>,
    #[serde(rename = "ECS_AWSVPC_BLOCK_IMDS")]
    pub ecs_awsvpc_block_imds: Option<Value>,
    #[serde(rename = "ECS_ENABLE_TASK_IAM_ROLE")]
    pub ecs_enable_task_iam_role: Option<Value>,
    #[serde(rename = "ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST")]
    pub ecs_enable_task_iam_role_network_host: Option<Value>,
    #[serde(rename = "ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE")]
    pub ecs_enable_awslogs_executionrole_override: Option<Value>,
    /// RunInstances' `IamInstanceProfile` (name or ARN): the role the instance runs as.
    #[serde(alias = "IamInstanceProfile")]
    pub iam_instance_profile: Option<String>,
    /// EC2 tags: `[{"Key": "AzImpairmentPower", "Value": "StopInstances"}]`.
    #[serde(alias = "Tags")]
    pub tags: Option<Vec<Tag>>,
}

/// An EC2 / Auto Scaling tag.
#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct SubnetInput {
    pub subnet_id: Option<String>,
    pub availability_zone: Option<String>,
    pub cidr_block: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct AutoScalingGroupInput {
    pub auto_scaling_group_name: Option<String>,
    pub min_size: Option<i64>,
    pub max_size: Option<i64>,
    pub desired_capacity: Option<i64>,
    pub instance_type: Option<String>,
    pub availability_zones: Option<Vec<String>>,
    #[serde(rename = "VPCZoneIdentifier")]
    pub vpc_zone_identifier: Option<String>,
    pub new_instances_protected_from_scale_in: Option<bool>,
    /// Stevedore shorthand for a MixedInstancesPolicy: `on-demand` or `spot`.
    #[serde(rename = "purchaseOption")]
    pub purchase_option: Option<String>,
    /// The launch template's `IamInstanceProfile` (name or ARN).
    pub iam_instance_profile: Option<String>,
    /// The launch template user data's `/etc/ecs/ecs.config` lines.
    #[serde(rename = "ecsConfig")]
    pub ecs_config: Option<String>,
    /// Tags propagated to the group's instances.
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct CapacityProviderInput {
    pub name: Option<String>,
    pub auto_scaling_group_provider: Option<AutoScalingGroupProvider>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct AutoScalingGroupProvider {
    pub auto_scaling_group_arn: Option<String>,
    pub managed_scaling: Option<ManagedScaling>,
    pub managed_termination_protection: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct ManagedScaling {
    pub status: Option<String>,
    pub target_capacity: Option<i64>,
    pub minimum_scaling_step_size: Option<i64>,
    pub maximum_scaling_step_size: Option<i64>,
    pub instance_warmup_period: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefinitionInput {
    pub family: Option<String>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub network_mode: Option<String>,
    pub container_definitions: Option<Vec<ContainerDefinition>>,
    pub placement_constraints: Option<Vec<PlacementConstraint>>,
    pub requires_compatibilities: Option<Vec<String>>,
    pub cpu: Option<StringOrNumber>,
    pub memory: Option<StringOrNumber>,
    pub ephemeral_storage: Option<EphemeralStorage>,
    pub runtime_platform: Option<RuntimePlatform>,
    pub pid_mode: Option<Value>,
    pub ipc_mode: Option<Value>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct EphemeralStorage {
    pub size_in_gi_b: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct RuntimePlatform {
    pub cpu_architecture: Option<String>,
    pub operating_system_family: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct ContainerDefinition {
    pub name: Option<String>,
    pub image: Option<String>,
    pub cpu: Option<i64>,
    pub memory: Option<i64>,
    pub memory_reservation: Option<i64>,
    pub port_mappings: Option<Vec<PortMapping>>,
    pub essential: Option<bool>,
    pub environment: Option<Vec<KeyValue>>,
    pub secrets: Option<Vec<Secret>>,
    pub command: Option<Vec<String>>,
    pub entry_point: Option<Vec<String>>,
    pub stop_timeout: Option<i64>,
    pub start_timeout: Option<i64>,
    pub health_check: Option<HealthCheck>,
    pub log_configuration: Option<LogConfigurationInput>,
    /// Stevedore: the container exits this long after it starts (batch work); absent = runs on.
    pub exit_after: Option<DurationInput>,
    /// Stevedore: the exit code it exits with (default 0).
    pub exit_code: Option<i64>,
    // Present only to reject them on Fargate (aws-semantics §4.1).
    pub links: Option<Value>,
    pub privileged: Option<Value>,
    pub disable_networking: Option<Value>,
    pub dns_search_domains: Option<Value>,
    pub dns_servers: Option<Value>,
    pub docker_security_options: Option<Value>,
    pub extra_hosts: Option<Value>,
    pub system_controls: Option<Value>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct LogConfigurationInput {
    pub log_driver: Option<String>,
    pub options: Option<std::collections::BTreeMap<String, String>>,
    pub secret_options: Option<Vec<Secret>>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheck {
    pub command: Option<Vec<String>>,
    pub interval: Option<i64>,
    pub timeout: Option<i64>,
    pub retries: Option<i64>,
    pub start_period: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct PortMapping {
    pub container_port: Option<i64>,
    pub host_port: Option<i64>,
    pub protocol: Option<String>,
    pub name: Option<String>,
    pub app_protocol: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    pub name: Option<String>,
    pub value_from: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
pub struct PlacementConstraint {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub expression: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
pub struct PlacementStrategy {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub field: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct NetworkConfiguration {
    pub awsvpc_configuration: Option<AwsVpcConfiguration>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct AwsVpcConfiguration {
    pub subnets: Option<Vec<String>>,
    pub security_groups: Option<Vec<String>>,
    pub assign_public_ip: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerRef {
    pub target_group_arn: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentConfiguration {
    pub maximum_percent: Option<i64>,
    pub minimum_healthy_percent: Option<i64>,
    pub deployment_circuit_breaker: Option<CircuitBreaker>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
pub struct CircuitBreaker {
    pub enable: Option<bool>,
    pub rollback: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct CreateService {
    pub cluster: Option<String>,
    pub service_name: Option<String>,
    pub task_definition: Option<String>,
    pub desired_count: Option<i64>,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Option<Vec<CapacityProviderStrategyItem>>,
    pub platform_version: Option<String>,
    pub placement_constraints: Option<Vec<PlacementConstraint>>,
    pub placement_strategy: Option<Vec<PlacementStrategy>>,
    pub network_configuration: Option<NetworkConfiguration>,
    pub load_balancers: Option<Vec<LoadBalancerRef>>,
    pub scheduling_strategy: Option<String>,
    pub deployment_configuration: Option<DeploymentConfiguration>,
    pub health_check_grace_period_seconds: Option<i64>,
    /// ENABLED | DISABLED.
    pub availability_zone_rebalancing: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct RunTask {
    /// Stevedore: when to call RunTask (default: at start).
    pub at: Option<DurationInput>,
    pub cluster: Option<String>,
    pub task_definition: Option<String>,
    pub count: Option<i64>,
    pub group: Option<String>,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Option<Vec<CapacityProviderStrategyItem>>,
    pub placement_constraints: Option<Vec<PlacementConstraint>>,
    pub placement_strategy: Option<Vec<PlacementStrategy>>,
    pub network_configuration: Option<NetworkConfiguration>,
    pub started_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTargetGroup {
    pub name: Option<String>,
    pub protocol: Option<String>,
    pub port: Option<i64>,
    pub target_type: Option<String>,
    pub health_check_interval_seconds: Option<i64>,
    pub health_check_timeout_seconds: Option<i64>,
    pub healthy_threshold_count: Option<i64>,
    pub unhealthy_threshold_count: Option<i64>,
    pub health_check_path: Option<String>,
    pub health_check_protocol: Option<String>,
    /// `traffic-port` or a port number (string or number).
    pub health_check_port: Option<Value>,
    pub matcher: Option<MatcherInput>,
    /// ModifyTargetGroupAttributes pairs, e.g. `deregistration_delay.timeout_seconds`.
    pub attributes: Option<Vec<TargetGroupAttribute>>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct MatcherInput {
    pub http_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct TargetGroupAttribute {
    pub key: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct CreateLoadBalancer {
    pub name: Option<String>,
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub subnets: Option<Vec<String>>,
    #[serde(alias = "listeners")]
    pub listeners: Option<Vec<CreateListener>>,
    /// ModifyLoadBalancerAttributes' attributes, set at creation (Stevedore's shape, as for
    /// target groups): `load_balancing.cross_zone.enabled`.
    pub attributes: Option<Vec<TargetGroupAttribute>>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct CreateListener {
    pub protocol: Option<String>,
    pub port: Option<i64>,
    pub default_actions: Option<Vec<ListenerAction>>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
#[serde(rename_all = "PascalCase")]
pub struct ListenerAction {
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub target_group_arn: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
pub struct TimelineEntry {
    pub at: DurationInput,
    pub action: String,
    #[serde(default)]
    pub input: Value,
}

#[derive(Debug, Clone, Serialize, FromJson)]
pub struct NarrativeInput {
    pub at: DurationInput,
    pub title: Option<String>,
    pub text: String,
}
