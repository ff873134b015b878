//! Services and RunTask requests as the engine sees them.

use super::Constraint;
use crate::time::SimTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Cpu,
    Memory,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpreadField {
    /// `instanceId` or `host`.
    InstanceId,
    Attribute(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    Binpack(Resource),
    Spread(SpreadField),
    Random,
}

impl Strategy {
    pub fn describe(&self) -> String {
        match self {
            Strategy::Binpack(Resource::Cpu) => "binpack(cpu)".into(),
            Strategy::Binpack(Resource::Memory) => "binpack(memory)".into(),
            Strategy::Spread(SpreadField::InstanceId) => "spread(instanceId)".into(),
            Strategy::Spread(SpreadField::Attribute(a)) => format!("spread(attribute:{a})"),
            Strategy::Random => "random".into(),
        }
    }

    /// What ECS does when a service names no strategy: spread across Availability Zones, then
    /// favour the instances with the fewest tasks of the service (aws-semantics §1.1). We use the
    /// same default for RunTask, matching the console's "AZ balanced spread" template.
    pub fn service_default() -> Vec<Strategy> {
        vec![
            Strategy::Spread(SpreadField::Attribute("ecs.availability-zone".into())),
            Strategy::Spread(SpreadField::InstanceId),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderShare {
    pub name: String,
    pub weight: u32,
    pub base: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    Ec2,
    Fargate,
    Providers(Vec<ProviderShare>),
}

#[derive(Debug, Clone)]
pub struct LoadBalancerLink {
    pub target_group: usize,
    pub container_name: String,
    pub container_port: u16,
}

#[derive(Debug, Clone)]
pub struct Placement {
    pub constraints: Vec<Constraint>,
    pub strategies: Vec<Strategy>,
}

#[derive(Debug, Clone)]
pub struct ServiceDef {
    pub name: String,
    pub arn: String,
    pub task_def: usize,
    pub desired_count: u32,
    pub daemon: bool,
    pub launch: Launch,
    pub placement: Placement,
    pub subnets: Vec<String>,
    pub load_balancers: Vec<LoadBalancerLink>,
    pub minimum_healthy_percent: u32,
    pub maximum_percent: u32,
    pub health_check_grace_period_s: u32,
    pub platform_version: String,
    /// `deploymentCircuitBreaker`: `Some(rollback)` when enabled.
    pub circuit_breaker: Option<bool>,
    /// `availabilityZoneRebalancing` ENABLED.
    pub az_rebalancing: bool,
}

#[derive(Debug, Clone)]
pub struct RunTaskDef {
    pub at: SimTime,
    pub task_def: usize,
    pub count: u32,
    pub group: String,
    pub launch: Launch,
    pub placement: Placement,
    pub subnets: Vec<String>,
    pub started_by: Option<String>,
}
