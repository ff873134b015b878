//! A task's live state and its lifecycle (aws-semantics §6.6).

use crate::model::Protocol;
use crate::time::SimTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    Provisioning,
    Pending,
    Activating,
    Running,
    Deactivating,
    Stopping,
    Deprovisioning,
    Stopped,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Provisioning => "PROVISIONING",
            TaskStatus::Pending => "PENDING",
            TaskStatus::Activating => "ACTIVATING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Deactivating => "DEACTIVATING",
            TaskStatus::Stopping => "STOPPING",
            TaskStatus::Deprovisioning => "DEPROVISIONING",
            TaskStatus::Stopped => "STOPPED",
        }
    }
}

/// How long each lifecycle stage lasts. AWS documents the stages, not their length; these are
/// typical observed values, chosen so the app can animate each stage.
pub mod durations {
    use crate::time::SimTime;
    /// Fargate finds capacity and attaches the task's ENI.
    pub const FARGATE_PROVISIONING_MS: SimTime = 15_000;
    /// The agent attaches an ENI for an awsvpc task on EC2.
    pub const EC2_AWSVPC_PROVISIONING_MS: SimTime = 5_000;
    /// Image pull and container start.
    pub const PENDING_MS: SimTime = 10_000;
    pub const FARGATE_PENDING_MS: SimTime = 20_000;
    /// Registering targets with the load balancer.
    pub const ACTIVATING_MS: SimTime = 1_000;
    /// SIGTERM to exit for a well-behaved container (SIGKILL would come at stopTimeout, 30 s).
    pub const STOPPING_MS: SimTime = 2_000;
    /// Detaching the task ENI.
    pub const DEPROVISIONING_MS: SimTime = 5_000;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub container_name: String,
    pub container_port: u16,
    pub host_port: u16,
    pub protocol: Protocol,
}

#[derive(Debug, Clone)]
pub struct Task {
    /// Its place among the tasks the run created (the id derives from it); slots in
    /// `Sim::tasks` are reused once a stopped task expires (`retention.rs`).
    pub seq: usize,
    pub id: String,
    pub arn: String,
    pub task_def: usize,
    pub group: String,
    pub service: Option<usize>,
    /// The service deployment that started it.
    pub deployment: Option<usize>,
    pub started_by: Option<String>,
    pub fargate: bool,
    pub capacity_provider: Option<String>,
    pub instance: Option<usize>,
    pub availability_zone: String,
    pub subnet: Option<usize>,
    /// Private IPv4 (as u32) of the task's ENI (awsvpc only).
    pub private_ip: Option<u32>,
    pub bindings: Vec<Binding>,
    pub last_status: TaskStatus,
    pub desired_running: bool,
    /// In PROVISIONING without an instance, until cluster auto scaling brings one.
    pub awaiting_capacity: bool,
    /// Target group registrations, and how many of them are healthy (kept by `targets.rs`).
    pub registrations: u8,
    pub healthy_registrations: u8,
    pub created_at: SimTime,
    pub started_at: Option<SimTime>,
    /// When the task entered PENDING (image pulls begin): Fargate bills from here.
    pub pending_at: Option<SimTime>,
    pub stopping_at: Option<SimTime>,
    pub stopped_at: Option<SimTime>,
    pub stopped_reason: Option<String>,
    pub stop_code: Option<String>,
    /// "Why here?": shared, so cloning a sim (a checkpoint) doesn't copy it.
    pub explanation: Option<std::sync::Arc<crate::placement::Explanation>>,
    /// The order placements were explained in (a waiting task is placed after later ones).
    pub explanation_seq: u64,
    /// Bumped on every transition so stale wake-ups are ignored.
    pub generation: u32,
    /// When the current lifecycle stage ends, if it is timed (for countdowns in the app).
    pub next_change_at: Option<SimTime>,
    /// Per container: how its image was obtained (set on entering PENDING).
    pub pulls: Vec<super::startup::Pull>,
    /// Why the task can't start (CannotPullContainerError, ResourceInitializationError).
    pub start_failure: Option<String>,
    /// The essential container that exited by itself, and its exit code.
    pub exited: Option<(usize, i32)>,
}

impl Task {
    /// An empty slot: no ids, STOPPED, nothing held. New tasks start from it; an expired
    /// task's slot goes back to it (`retention.rs`).
    pub fn vacant() -> Task {
        Task {
            seq: usize::MAX,
            id: String::new(),
            arn: String::new(),
            task_def: 0,
            group: String::new(),
            service: None,
            deployment: None,
            started_by: None,
            fargate: false,
            capacity_provider: None,
            instance: None,
            availability_zone: String::new(),
            subnet: None,
            private_ip: None,
            bindings: vec![],
            last_status: TaskStatus::Stopped,
            desired_running: false,
            awaiting_capacity: false,
            registrations: 0,
            healthy_registrations: 0,
            created_at: 0,
            started_at: None,
            pending_at: None,
            stopping_at: None,
            stopped_at: None,
            stopped_reason: None,
            stop_code: None,
            explanation: None,
            explanation_seq: 0,
            generation: 0,
            next_change_at: None,
            pulls: vec![],
            start_failure: None,
            exited: None,
        }
    }

    pub fn live(&self) -> bool {
        self.last_status != TaskStatus::Stopped
    }
    pub fn awsvpc(&self) -> bool {
        self.private_ip.is_some()
    }
}

pub use crate::substrate::vpc::format_ip;
