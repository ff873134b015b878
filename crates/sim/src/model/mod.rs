//! The resolved, validated model the engine runs on. Built from the scenario file's serde
//! types by `scenario::load`; nothing here is parsed from text again.

pub mod faults;
pub mod platform;
pub mod scaling;
mod service;
mod task_definition;

pub use service::*;
pub use task_definition::*;

use crate::time::SimTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Protocol {
    // Discriminants index per-protocol arrays.
    #[serde(rename = "tcp")]
    Tcp,
    #[serde(rename = "udp")]
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

#[derive(Debug, Clone)]
pub struct InstanceSpec {
    pub ec2_instance_id: String,
    pub instance_type: String,
    pub availability_zone: String,
    pub subnet_id: String,
    pub spot: bool,
    pub attributes: Vec<(String, String)>,
    pub agent_version: String,
    pub registered_at_unix_s: i64,
    pub ami_id: String,
    pub awsvpc_trunking: bool,
    /// What its ECS agent's configuration resolves to (`scenario/agent_config.rs`).
    pub agent: crate::scenario::AgentSettings,
    /// The Auto Scaling group capacity provider that launched it, if any.
    pub capacity_provider: Option<String>,
    /// The instance profile name (not ARN) the instance runs as, if any.
    pub iam_instance_profile: Option<String>,
    /// EC2 tags (`Key`/`Value`), which FIS targets can select by.
    pub tags: Vec<(String, String)>,
    /// Index of the Auto Scaling group that launched it: the group replaces it when it
    /// stops or terminates.
    pub auto_scaling_group: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subnet {
    pub id: String,
    pub availability_zone: String,
    /// Addresses usable for tasks: AWS reserves 5 per subnet.
    pub cidr: String,
    pub first_host: u32,
    pub usable: u32,
}

#[derive(Debug, Clone)]
pub struct TargetGroup {
    pub name: String,
    pub arn: String,
    pub protocol: String,
    pub port: u16,
    pub target_type_ip: bool,
    pub interval_s: u32,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    pub deregistration_delay_s: u32,
    pub health_check_path: String,
    /// `slow_start.duration_seconds` (0 = off).
    pub slow_start_s: u32,
    pub least_outstanding_requests: bool,
    /// `load_balancing.cross_zone.enabled`: Some(on/off), or None to use the load balancer's.
    pub cross_zone: Option<bool>,
    /// HTTP, HTTPS or TCP. A TCP check passes once the port accepts connections: it can't see
    /// an application that answers with errors.
    pub health_check_protocol: String,
    /// Every health check setting with its defaults filled in, as DescribeTargetGroups shows it.
    pub health_check: crate::scenario::target_groups::HealthCheck,
}

impl TargetGroup {
    pub fn network(&self) -> bool {
        ["TCP", "UDP", "TLS", "TCP_UDP"].contains(&self.protocol.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct LoadBalancer {
    pub name: String,
    pub arn: String,
    pub kind: String,
    pub listeners: Vec<(String, u16, Option<usize>)>,
    /// Cross-zone load balancing at the load balancer level: always on for an ALB, off by
    /// default for an NLB (`load_balancing.cross_zone.enabled`).
    pub cross_zone: bool,
}

#[derive(Debug, Clone)]
pub enum Action {
    UpdateService { service: String, desired_count: Option<u32>, task_def: Option<usize>, force_new_deployment: bool, az_rebalancing: Option<bool> },
    RunTask(RunTaskDef),
    StopTask { task: String, reason: String },
    UpdateContainerInstancesState { instances: Vec<String>, draining: bool },
    DeregisterContainerInstance { instance: String, force: bool },
    RegisterContainerInstance(Vec<InstanceSpec>),
    PutMetricData(Vec<(scaling::MetricKey, f64)>),
    SetTraffic(scaling::TargetGroupTraffic),
    /// An EC2 Spot instance's two-minute notice, or Fargate Spot tasks interrupted.
    SpotInterruption { ec2_instance_id: Option<String>, task: Option<String>, count: u32 },
    /// ECR PutImage: a new image (or tag) in a repository.
    PutImage { repository: usize, image: crate::ecr::Image },
    PutLifecyclePolicy { repository: usize, policy: crate::ecr::lifecycle::LifecyclePolicy },
    /// A container's AWS SDK call, from every RUNNING task of a service or from one task.
    CallAwsApi { service: Option<usize>, task: Option<String>, action: String, resource: String },
    /// An AWS Fault Injection Service action (alone, or one action of an experiment).
    Fault(faults::Fault),
}

#[derive(Debug, Clone)]
pub struct TimedAction {
    pub at: SimTime,
    pub action: Action,
    pub name: String,
}
