//! The AWS underneath both orchestrators: what EC2 and the VPC do whether ECS or EKS asks.
//! ECS (`engine::Sim`) and EKS (`eks::nodes`) each own one `Aws` and go through its narrow API;
//! orchestrator state (tasks, services, pods, placement) stays with the orchestrator.
//!
//! Shared so far: VPC subnets and their address books (`vpc`; eksctl's default VPC in
//! `eksctl`), EC2 instance ids, launches, private DNS names and the Spot notice (`ec2`),
//! CloudWatch's datapoint store (`metric_store`, `minute_tier`) and alarm evaluation
//! (`cloudwatch`), target groups' rules (`elb`: health states, first verdict, slow start,
//! draining, routing) and which targets each group holds (`target_groups`: ECS and the EKS
//! AWS Load Balancer Controller register through it), and EC2 Auto Scaling groups
//! (`auto_scaling`: sizes, AZ balance, the default termination policy, scale-in protection,
//! activities; ECS capacity providers and eksctl node groups). Spot handling still lives
//! in each orchestrator (see ARCHITECTURE.md, "EKS").

pub mod auto_scaling;
pub mod cloudwatch;
pub mod ec2;
mod eksctl;
pub mod elb;
pub mod eni_prefixes;
pub mod metric_store;
pub mod target_groups;
mod minute_tier;
pub mod vpc;

pub use vpc::Vpc;

/// One account's AWS in one Region, as the simulation runs it.
#[derive(Debug, Clone, Default)]
pub struct Aws {
    pub vpc: Vpc,
    /// Instances launched through `Aws::launch_instance` (EKS nodes). ECS container instances
    /// are still launched by the scenario loader and carry their EC2 half in `engine::Instance`.
    pub launched: Vec<ec2::Launched>,
    /// ELB target groups' registered targets (sized by the orchestrator: `TargetGroups::new`).
    pub elb: target_groups::TargetGroups,
    /// Instances ever launched: part of each new instance id's seed, so a node group that
    /// launches again (Cluster Autoscaler, a Spot replacement) never reuses an id.
    pub launches: u64,
    /// EC2 Auto Scaling groups (ECS capacity providers' groups, eksctl node groups).
    pub auto_scaling: Vec<auto_scaling::AutoScalingGroup>,
    /// The run's start (Unix seconds): scaling activities' Causes name clock times.
    pub start_unix_s: i64,
    /// The /28 prefixes each instance's ENIs hold (prefix delegation: `eni_prefixes`).
    pub eni_prefixes: eni_prefixes::EniPrefixes,
}

impl Aws {
    pub fn new(subnets: Vec<crate::model::Subnet>) -> Aws {
        Aws { vpc: Vpc::new(subnets), launched: Vec::new(), elb: Default::default(), launches: 0, auto_scaling: Vec::new(), start_unix_s: 0, eni_prefixes: Default::default() }
    }
}
