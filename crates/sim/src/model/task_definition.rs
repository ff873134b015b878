//! Task definitions as the engine sees them: resources to reserve, ports to bind.

use super::Protocol;
use crate::query::Query;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    Bridge,
    Host,
    Awsvpc,
    None,
}

impl NetworkMode {
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::Bridge => "bridge",
            NetworkMode::Host => "host",
            NetworkMode::Awsvpc => "awsvpc",
            NetworkMode::None => "none",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PortSpec {
    pub container_port: u16,
    /// `None` = dynamic (bridge with hostPort omitted or 0).
    pub host_port: Option<u16>,
    pub protocol: Protocol,
}

#[derive(Debug, Clone)]
pub struct ContainerDef {
    pub name: String,
    pub image: String,
    pub essential: bool,
    pub ports: Vec<PortSpec>,
    pub environment: Vec<(String, String)>,
    /// `(name, valueFrom)`: values are never held, only where they come from.
    pub secrets: Vec<(String, String)>,
    pub cpu: u32,
    pub memory_mib: Option<u32>,
    pub memory_reservation_mib: Option<u32>,
    pub health_check: Option<ContainerHealthCheck>,
    /// Batch work: the container exits this long after the task starts running.
    pub exit_after_ms: Option<u64>,
    pub exit_code: i32,
    pub log_configuration: Option<LogConfig>,
}

/// A container's logConfiguration: the driver and its options (sorted by name).
#[derive(Debug, Clone, PartialEq)]
pub struct LogConfig {
    pub driver: String,
    pub options: Vec<(String, String)>,
}

impl LogConfig {
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// A container health check. Stevedore can't run the command, so it reads it: a command that
/// contains `exit 1` always fails (how a lesson models a broken release); any other passes.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerHealthCheck {
    pub command: Vec<String>,
    pub interval_s: u32,
    pub retries: u32,
    pub start_period_s: u32,
    pub fails: bool,
}

impl ContainerHealthCheck {
    /// How long after RUNNING an always-failing check marks the container UNHEALTHY.
    pub fn time_to_unhealthy_ms(&self) -> u64 {
        (self.start_period_s as u64 + self.interval_s as u64 * self.retries as u64) * 1000
    }
}

#[derive(Debug, Clone)]
pub enum Constraint {
    DistinctInstance,
    MemberOf(Query),
}

impl Constraint {
    pub fn describe(&self) -> String {
        match self {
            Constraint::DistinctInstance => "distinctInstance".into(),
            Constraint::MemberOf(q) => format!("memberOf({})", q.text),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TaskDef {
    pub family: String,
    pub revision: u32,
    pub arn: String,
    pub network_mode: NetworkMode,
    pub requires_fargate: bool,
    pub task_cpu: Option<u32>,
    pub task_memory_mib: Option<u32>,
    pub containers: Vec<ContainerDef>,
    pub constraints: Vec<Constraint>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub windows: bool,
    pub arm64: bool,
    /// The request as given, for display (task details in the app).
    pub source: serde_json::Value,
}

impl TaskDef {
    pub fn family_revision(&self) -> String {
        format!("{}:{}", self.family, self.revision)
    }

    /// CPU units a task reserves on an instance: the task-level value if set, else the sum of
    /// the containers' `cpu` (0 when unset, as ECS does on Linux).
    pub fn reserved_cpu(&self) -> u32 {
        self.task_cpu.unwrap_or_else(|| self.containers.iter().map(|c| c.cpu).sum())
    }

    /// Memory a task reserves: task-level memory if set, else per container its
    /// `memoryReservation` if set, else its hard `memory` (aws-semantics §9.1).
    pub fn reserved_memory_mib(&self) -> u32 {
        self.task_memory_mib.unwrap_or_else(|| {
            self.containers.iter().map(|c| c.memory_reservation_mib.or(c.memory_mib).unwrap_or(0)).sum()
        })
    }

    /// The first essential container whose health check always fails, if any.
    pub fn failing_health_check(&self) -> Option<&ContainerHealthCheck> {
        self.containers.iter().filter(|c| c.essential).filter_map(|c| c.health_check.as_ref()).find(|h| h.fails)
    }

    /// When the task ends by itself: the first essential container to exit (its index and
    /// run time). Non-essential exits don't end the task.
    pub fn essential_exit(&self) -> Option<(usize, u64)> {
        self.containers.iter().enumerate().filter(|(_, c)| c.essential).filter_map(|(i, c)| c.exit_after_ms.map(|ms| (i, ms))).min_by_key(|&(i, ms)| (ms, i))
    }

    pub fn ports(&self) -> impl Iterator<Item = (&ContainerDef, &PortSpec)> {
        self.containers.iter().flat_map(|c| c.ports.iter().map(move |p| (c, p)))
    }
}
