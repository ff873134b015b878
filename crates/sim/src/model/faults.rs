//! AWS Fault Injection Service actions as the engine runs them: what to break, which resources,
//! for how long. Built by `scenario::faults` from FIS's own action ids, parameters and targets
//! (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html).

use crate::time::SimTime;

/// FIS target resource types Stevedore can resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceType {
    Instance,
    Task,
    Subnet,
    Cluster,
    AutoScalingGroup,
}

impl ResourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Instance => "aws:ec2:instance",
            ResourceType::Task => "aws:ecs:task",
            ResourceType::Subnet => "aws:ec2:subnet",
            ResourceType::Cluster => "aws:ecs:cluster",
            ResourceType::AutoScalingGroup => "aws:ec2:autoscaling-group",
        }
    }
}

/// A target's `selectionMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    All,
    Count(u32),
    /// Stevedore rounds the share down (FIS documents no rounding); 0 selects nothing.
    Percent(u32),
}

/// A target's `filters[].path` that Stevedore understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterPath {
    /// `Placement.AvailabilityZone` (instances) or `AvailabilityZone` (subnets, tasks).
    AvailabilityZone,
    SubnetId,
    InstanceType,
    /// `State.Name` (instances: running | stopped).
    StateName,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FaultTarget {
    pub resource_type: ResourceType,
    /// `resourceArns`, reduced to what the sim names things by: EC2 instance ids, task ids,
    /// subnet ids, cluster and group names.
    pub ids: Vec<String>,
    /// `resourceTags`: every pair must be on the resource.
    pub tags: Vec<(String, String)>,
    pub filters: Vec<(FilterPath, Vec<String>)>,
    pub selection: Selection,
    /// aws:ecs:task `parameters.service`: only that service's tasks.
    pub service: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// aws:ec2:stop-instances; `startInstancesAfterDuration` restarts them.
    StopInstances { restart_after_ms: Option<SimTime> },
    /// aws:ec2:terminate-instances.
    TerminateInstances,
    /// aws:ecs:stop-task.
    StopTasks,
    /// aws:ecs:drain-container-instances: `drainagePercentage` of the cluster's instances
    /// DRAINING for `duration`.
    DrainContainerInstances { percentage: u32, duration_ms: SimTime },
    /// aws:network:disrupt-connectivity on subnets; `scope` all (every packet in or out of the
    /// subnet) or availability-zone (traffic to other zones' subnets).
    DisruptConnectivity { scope_all: bool, duration_ms: SimTime },
    /// aws:ec2:asg-insufficient-instance-capacity-error: the groups' launches in these zones
    /// fail with InsufficientInstanceCapacity (`percentage` of them) for `duration`.
    InsufficientCapacity { zones: Vec<String>, percentage: u32, duration_ms: SimTime },
}

impl FaultKind {
    /// How long the action runs, for `startAfter` ordering (one-shot actions take no time).
    pub fn duration_ms(&self) -> SimTime {
        match self {
            FaultKind::StopInstances { restart_after_ms } => restart_after_ms.unwrap_or(0),
            FaultKind::TerminateInstances | FaultKind::StopTasks => 0,
            FaultKind::DrainContainerInstances { duration_ms, .. } | FaultKind::DisruptConnectivity { duration_ms, .. } | FaultKind::InsufficientCapacity { duration_ms, .. } => *duration_ms,
        }
    }
}

/// One FIS action of one experiment, due at its timeline entry's time plus its `startAfter`
/// offset.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// The experiment's id (`EXP…`), for the log.
    pub experiment: String,
    /// The action's name in the template (or its action id when given alone).
    pub name: String,
    pub action_id: &'static str,
    pub kind: FaultKind,
    pub target: Option<FaultTarget>,
}
