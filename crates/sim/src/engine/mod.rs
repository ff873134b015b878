//! The simulation: a sans-IO state machine. Time comes in through `advance_to`; the engine
//! says when it next needs to wake (`next_event_time`) and hands out what happened as a
//! drained list (`drain_log`). Work is scheduled as events, never by stepping every second.

mod actions;
pub mod autoscaling;
pub mod discovery;
pub mod cluster_scaling;
pub mod deployments;
mod fault_targets;
pub mod faults;
pub mod instance;
mod invariants;
mod lifecycle;
mod logging;
pub mod metrics;
/// CloudWatch's store moved to the substrate; this path stays for callers.
pub use crate::substrate::metric_store;
pub mod retention;
mod providers;
mod rebalancing;
mod scale_in;
mod scheduler;
pub mod schedules;
mod spot;
pub mod startup;
pub mod task;
mod targets;
mod why_not;

pub use instance::{Instance, InstanceStatus};
pub use targets::{Target, TargetState};
pub use task::{Task, TaskStatus};

use crate::sort::SortSmall;
use crate::placement::Explanation;
use crate::scenario::Scenario;
use crate::time::SimTime;
use rand_core::SeedableRng;
use rand_pcg::Pcg64;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

/// Scheduled work. Ordered by (time, sequence) in the queue, so equal-time events run in the
/// order they were scheduled: the run is deterministic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Wake {
    Action(usize),
    RunTask(usize),
    Reconcile(usize),
    Transition { task: usize, generation: u32 },
    TargetHealthy { target_group: usize, task: usize },
    TargetRemoved { target_group: usize, task: usize },
    Minute,
    HealthCheckFailed { task: usize, generation: u32 },
    SpotTerminate(usize),
    Scheduled(usize),
    AsgLaunch(usize),
    TargetUnhealthyVerdict { target_group: usize, task: usize },
    StartFailed { task: usize, generation: u32 },
    /// An ECR lifecycle policy runs on a repository.
    Lifecycle(usize),
    /// An EventBridge Scheduler schedule fires for its scheduled time (unix seconds).
    Schedule { k: usize, nominal: i64 },
    /// A fault injection action's duration ends (index into `FaultState`'s undo list).
    FaultEnd(usize),
    /// A target's health checks after a connectivity change.
    TargetCheck { target_group: usize, task: usize },
    /// A stopped task's hour in Describe* output is over (`retention.rs`).
    Expire { task: usize, generation: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    pub at: SimTime,
    /// `service`, `task`, `taskStopped` (a start failure or an essential container's exit),
    /// `instance`, `targetGroup`, `action` or `iam` (a container's AWS call).
    pub kind: &'static str,
    /// Service name, task id, EC2 instance id, target group name or action name.
    pub subject: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct ServiceState {
    pub def: crate::model::ServiceDef,
    pub desired_count: u32,
    /// The service's live tasks (not yet STOPPED), by task index.
    pub tasks: Vec<usize>,
    /// Set while the scheduler can't place a task; cleared on the next success.
    pub unplaced: Option<String>,
    pub steady: bool,
    /// A pending placement retry, if one is scheduled.
    retry_at: Option<SimTime>,
    /// Newest last: the last one is PRIMARY.
    pub deployments: Vec<deployments::Deployment>,
    /// Instants a reconcile is already queued for: triggers for the same instant (hundreds of
    /// tasks stopping at once, or turning healthy 40 s after starting together) collapse into
    /// one pass.
    reconcile_queued: BTreeSet<SimTime>,
    /// When each distinct event message was last emitted (6-hour duplicate suppression).
    last_emitted: BTreeMap<String, SimTime>,
    /// Tasks that went from PENDING to STOPPED in a row (the service throttle logic).
    pub start_failures: u32,
    /// No new task before this time while throttled.
    pub throttled_until: Option<SimTime>,
    /// Availability Zone rebalancing: tasks it started that haven't yet let an overloaded
    /// zone's task go, and whether a rebalance is under way.
    pub rebalance_started: Vec<usize>,
    pub rebalancing: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunTaskFailure {
    pub at: SimTime,
    pub task_definition: String,
    pub arn: Option<String>,
    pub reason: String,
    pub detail: String,
}

#[derive(Clone)]
pub struct Sim {
    /// Shared: clones of a sim (checkpoints) share the scenario.
    pub scenario: std::sync::Arc<Scenario>,
    now: SimTime,
    rng: Pcg64,
    pub instances: Vec<Instance>,
    /// Shared between copies of a sim (checkpoints) until written (`shared::Shared`).
    pub tasks: Vec<crate::shared::Shared<Task>>,
    pub services: Vec<ServiceState>,
    /// The newest entries (see `retention::LOG_LIMIT`); `logged` counts every entry ever,
    /// `log_dropped` those dropped from the front.
    /// Entries are shared between copies of a sim (checkpoints).
    pub log: Vec<std::sync::Arc<LogEntry>>,
    logged: u64,
    log_dropped: u64,
    /// Per service, its newest DescribeServices events.
    service_events: Vec<std::collections::VecDeque<retention::ServiceEvent>>,
    activities_recorded: u64,
    /// Slots of `tasks` whose stopped task expired, reused newest first; tasks created so far;
    /// placements explained so far.
    free_tasks: Vec<usize>,
    tasks_created: usize,
    /// Expired tasks, kept for the bill (AWS bills a task after ECS forgets it): only what the
    /// bill reads (`retention::billable`).
    expired_billable: Vec<crate::shared::Shared<Task>>,
    /// Expired tasks past `expired_kept`, folded into aggregate bill entries (`cost::rollup`).
    expired_rollup: crate::cost::rollup::Rollup,
    expired_kept: usize,
    /// Per `startedBy`: tasks started and when the last one was (tasks themselves expire).
    started_by: BTreeMap<String, (u64, SimTime)>,
    explained: u64,
    /// One placement context per group, shared by its explanations (`Explanation::share_context`).
    explain_contexts: Vec<std::sync::Arc<crate::placement::Context>>,
    pub run_task_failures: Vec<RunTaskFailure>,
    /// Live tasks per group per instance, for spread and distinctInstance.
    groups: BTreeMap<String, BTreeMap<usize, u32>>,
    /// The AWS underneath (VPC address books so far): shared with EKS (`substrate`).
    pub aws: crate::substrate::Aws,
    queue: BinaryHeap<Reverse<(SimTime, u64, Wake)>>,
    seq: u64,
    drained: usize,
    /// Keep a note per instance in every placement explanation (costly at thousands of
    /// instances: off by default above 500).
    pub explain_full: bool,
    /// Largest number of wake-ups one `advance_to` may process (a bound on every loop).
    pub max_steps: u64,
    /// Traffic curves in force (SetTraffic replaces them over time).
    pub traffic: Vec<crate::model::scaling::TargetGroupTraffic>,
    pub metrics: metrics::MetricStore,
    pub alarm_states: Vec<metrics::AlarmStatus>,
    /// Shared between copies of a sim (checkpoints) until written.
    pub activities: Vec<crate::shared::Shared<autoscaling::ScalingActivity>>,
    scaling: Vec<autoscaling::ScalingState>,
    step_proposals: Vec<autoscaling::StepProposal>,
    /// Each scalable target's (min, max) in force: scheduled actions change them.
    pub bounds: Vec<(u32, u32)>,
    /// Auto Scaling groups as cluster auto scaling runs them.
    pub groups_state: Vec<cluster_scaling::GroupState>,
    /// Interned metric ids (see `metrics::MetricStore`): CPU and memory per service, task
    /// counts per service, RequestCount / HealthyHostCount / per-target per target group.
    service_keys: Vec<[usize; 2]>,
    count_keys: Vec<[usize; 3]>,
    tg_keys: Vec<[usize; 3]>,
    /// Target tracking policies per scalable target.
    tracking: Vec<Vec<usize>>,
    /// ECR repositories as pushes and lifecycle policies change them.
    pub repositories: Vec<crate::ecr::Repository>,
    /// Containers' AWS calls (CallAwsApi) and what IAM decided.
    pub api_calls: Vec<discovery::ApiCall>,
    /// Cloud Map instances per discovery service.
    pub discovery: Vec<Vec<discovery::DiscoveryInstance>>,
    /// Endpoints each service call resolved to at the last minute (to log changes).
    call_endpoints: Vec<Option<usize>>,
    /// Fault injection in force (subnets cut off, capacity errors) and what to undo.
    pub faults: faults::FaultState,
    /// Container instances per Availability Zone, in registration order (rebalancing asks
    /// which zones can take a task on every reconcile: this keeps that O(zones)).
    zone_instances: BTreeMap<String, Vec<usize>>,
}

impl Sim {
    pub fn new(scenario: Scenario) -> Sim {
        let rng = Pcg64::seed_from_u64(scenario.seed);
        let explain_full = scenario.instances.len() <= 500;
        let mut sim = Sim {
            rng,
            now: 0,
            instances: vec![],
            tasks: vec![],
            services: vec![],
            log: vec![],
            logged: 0,
            log_dropped: 0,
            service_events: retention::service_event_rings(scenario.services.len()),
            activities_recorded: 0,
            free_tasks: vec![],
            tasks_created: 0,
            expired_billable: vec![],
            expired_rollup: Default::default(),
            expired_kept: crate::cost::rollup::EXPIRED_KEPT,
            started_by: BTreeMap::new(),
            explained: 0,
            explain_contexts: vec![],
            run_task_failures: vec![],
            groups: BTreeMap::new(),
            aws: crate::substrate::Aws { elb: crate::substrate::target_groups::TargetGroups::new(scenario.target_groups.len()), auto_scaling: cluster_scaling::groups(&scenario), start_unix_s: scenario.start_unix_s, ..crate::substrate::Aws::new(scenario.subnets.clone()) },
            queue: BinaryHeap::new(),
            seq: 0,
            drained: 0,
            explain_full,
            max_steps: 50_000_000,
            traffic: scenario.traffic.clone(),
            metrics: Default::default(),
            alarm_states: vec![metrics::AlarmStatus::initial(); scenario.alarms.len()],
            activities: vec![],
            scaling: vec![Default::default(); scenario.scalable_targets.len()],
            step_proposals: vec![],
            bounds: scenario.scalable_targets.iter().map(|t| (t.min, t.max)).collect(),
            service_keys: vec![],
            count_keys: vec![],
            tg_keys: vec![],
            tracking: (0..scenario.scalable_targets.len()).map(|t| (0..scenario.policies.len()).filter(|&p| scenario.policies[p].target == t && matches!(scenario.policies[p].kind, crate::model::scaling::PolicyKind::TargetTracking { .. })).collect()).collect(),
            repositories: scenario.repositories.clone(),
            api_calls: vec![],
            discovery: vec![vec![]; scenario.discovery_services.len()],
            call_endpoints: vec![None; scenario.service_calls.len()],
            zone_instances: BTreeMap::new(),
            faults: faults::FaultState { cut: vec![(0, 0); scenario.subnets.len()], ..Default::default() },
            groups_state: scenario.auto_scaling_groups.iter().map(|g| cluster_scaling::GroupState { desired: g.desired_capacity, ..Default::default() }).collect(),
            scenario: std::sync::Arc::new(scenario),
        };
        // One spec copied at a time (not a copy of the whole list first): 5,000 instances.
        sim.instances.reserve_exact(sim.scenario.instances.len());
        for k in 0..sim.scenario.instances.len() {
            let spec = sim.scenario.instances[k].clone();
            sim.register_instance(spec);
        }
        for (i, def) in sim.scenario.services.clone().into_iter().enumerate() {
            let first = deployments::Deployment { id: format!("ecs-svc/{:0>19}", i + 1), task_def: def.task_def, rollout: deployments::RolloutState::InProgress, failed_tasks: 0, created_at: 0 };
            sim.services.push(ServiceState { desired_count: def.desired_count, def, tasks: vec![], deployments: vec![first], unplaced: None, steady: false, retry_at: None, reconcile_queued: BTreeSet::new(), last_emitted: BTreeMap::new(), start_failures: 0, throttled_until: None, rebalance_started: vec![], rebalancing: false });
            sim.schedule(0, Wake::Reconcile(i));
        }
        let run_at: Vec<SimTime> = sim.scenario.run_tasks.iter().map(|r| r.at).collect();
        for (i, at) in run_at.into_iter().enumerate() {
            sim.schedule(at, Wake::RunTask(i));
        }
        let action_at: Vec<SimTime> = sim.scenario.timeline.iter().map(|a| a.at).collect();
        for (i, at) in action_at.into_iter().enumerate() {
            sim.schedule(at, Wake::Action(i));
        }
        sim.build_metric_keys();
        for r in 0..sim.repositories.len() {
            if sim.repositories[r].lifecycle.is_some() {
                sim.schedule(schedules::LIFECYCLE_FIRST_RUN_MS, Wake::Lifecycle(r));
            }
        }
        for k in 0..sim.scenario.schedules.len() {
            sim.schedule_next_run(k, sim.scenario.start_unix_s - 1);
        }
        for k in 0..sim.scenario.scheduled_actions.len() {
            sim.schedule_next_action(k);
        }
        // Metrics every minute, always: charts show task counts even without traffic.
        sim.schedule(metrics::MINUTE_MS, Wake::Minute);
        sim
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// When the engine next has something to do, if anything.
    pub fn next_event_time(&self) -> Option<SimTime> {
        self.queue.peek().map(|Reverse((t, _, _))| *t)
    }

    /// Runs every event due up to and including `t`, then sets the clock to `t`.
    /// Going backwards is a no-op: replay by building a new `Sim` (runs are deterministic).
    pub fn advance_to(&mut self, t: SimTime) {
        self.advance_within(t, || true);
    }

    /// Like `advance_to`, but between events asks `more()` whether to go on (a driver's time
    /// budget: the app spreads a burst of work over several frames). Runs at least one event.
    /// Returns whether it got to `t`; if not, the clock stays at the last event run, and calling
    /// again continues exactly where it stopped (the run is the same however it is sliced).
    pub fn advance_within(&mut self, t: SimTime, mut more: impl FnMut() -> bool) -> bool {
        let mut steps = 0u64;
        while let Some(&Reverse((when, _, wake))) = self.queue.peek() {
            if when > t || steps >= self.max_steps {
                break;
            }
            if steps > 0 && !more() {
                return false;
            }
            self.queue.pop();
            self.now = when.max(self.now);
            self.handle(wake);
            steps += 1;
        }
        self.now = self.now.max(t);
        true
    }

    /// Advances until nothing is scheduled or `limit` is reached; returns the final time.
    pub fn run_until_idle(&mut self, limit: SimTime) -> SimTime {
        while let Some(t) = self.next_event_time() {
            if t > limit {
                break;
            }
            self.advance_to(t);
        }
        self.now
    }

    /// Log entries added since the last call.
    pub fn drain_log(&mut self) -> &[std::sync::Arc<LogEntry>] {
        let from = self.drained;
        self.drained = self.log.len();
        &self.log[from..]
    }

    fn schedule(&mut self, at: SimTime, wake: Wake) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, wake)));
    }

    fn handle(&mut self, wake: Wake) {
        match wake {
            Wake::Action(i) => self.apply_action(i),
            Wake::RunTask(i) => {
                let def = self.scenario.run_tasks[i].clone();
                self.run_task(&def);
            }
            Wake::Reconcile(s) => {
                self.services[s].reconcile_queued.remove(&self.now);
                self.reconcile(s)
            }
            Wake::Transition { task, generation } => {
                if self.tasks[task].generation == generation {
                    self.advance_task(task);
                }
            }
            Wake::TargetHealthy { target_group, task } => self.target_healthy(target_group, task),
            Wake::TargetRemoved { target_group, task } => self.target_removed(target_group, task),
            Wake::Minute => self.minute_tick(),
            Wake::SpotTerminate(i) => self.spot_terminate(i),
            Wake::Scheduled(k) => self.run_scheduled_action(k),
            Wake::AsgLaunch(asg) => self.asg_instance_ready(asg),
            Wake::TargetUnhealthyVerdict { target_group, task } => self.replace_unhealthy_target(target_group, task),
            Wake::StartFailed { task, generation } => {
                if self.tasks[task].generation == generation {
                    self.start_failed(task);
                }
            }
            Wake::Lifecycle(r) => self.run_lifecycle(r),
            Wake::Schedule { k, nominal } => self.fire_schedule(k, nominal),
            Wake::FaultEnd(k) => self.end_fault(k),
            Wake::TargetCheck { target_group, task } => self.target_check(target_group, task),
            Wake::Expire { task, generation } => self.expire_task(task, generation),
            Wake::HealthCheckFailed { task, generation } => {
                if self.tasks[task].generation == generation {
                    self.health_check_failed(task);
                }
            }
        }
    }

    /// Queues a reconcile of service `s` now, unless one is already queued for this instant.
    fn reconcile_soon(&mut self, s: usize) {
        self.reconcile_at(s, self.now);
    }

    /// Queues a reconcile of service `s` at `at`, unless one is already queued for then.
    fn reconcile_at(&mut self, s: usize, at: SimTime) {
        if self.services[s].reconcile_queued.insert(at) {
            self.schedule(at, Wake::Reconcile(s));
        }
    }

    fn log(&mut self, kind: &'static str, subject: impl Into<String>, message: impl Into<String>) {
        self.push_log(LogEntry { at: self.now, kind, subject: subject.into(), message: message.into() });
    }

    /// Placement explanations of the tasks still known, in the order they were made.
    pub fn explanations(&self) -> Vec<&Explanation> {
        self.explained_tasks().into_iter().map(|(_, e)| e).collect()
    }

    /// The tasks still known that were placed with an explanation, with it, in placement order.
    pub fn explained_tasks(&self) -> Vec<(&Task, &Explanation)> {
        let mut v: Vec<(&Task, &Explanation)> = self.tasks.iter().filter_map(|t| t.explanation.as_deref().map(|e| (&**t, e))).collect();
        v.sort_small_by_key(|(t, _)| t.explanation_seq);
        v
    }

    /// Finds a container instance by ARN, container-instance id or EC2 instance id.
    pub fn find_instance(&self, reference: &str) -> Option<usize> {
        self.instances.iter().position(|i| i.arn == reference || i.id == reference || i.spec.ec2_instance_id == reference)
    }

    pub fn find_task(&self, reference: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.exists() && (t.arn == reference || t.id == reference))
    }

    pub(super) fn register_instance(&mut self, spec: crate::model::InstanceSpec) -> usize {
        let n = self.instances.len();
        let id = crate::scenario::hex_id(&format!("{}/ci/{n}", self.scenario.arns.cluster), 32);
        let arn = self.scenario.arns.container_instance(&id);
        let subnet = self.aws.vpc.find(&spec.subnet_id);
        let ip = subnet.and_then(|s| self.allocate_ip(s)).unwrap_or(0);
        self.zone_instances.entry(spec.availability_zone.clone()).or_default().push(n);
        self.instances.push(Instance::new(spec, id, arn, ip));
        self.instances[n].launched_at = self.now;
        self.asg_attach(n);
        // Launched into a subnet that fault injection cut off: its agent can't reach ECS.
        if subnet.is_some_and(|k| self.faults.cut.get(k).is_some_and(|c| c.0 > 0)) {
            self.instances[n].agent_connected = false;
        }
        n
    }

    fn allocate_ip(&mut self, subnet: usize) -> Option<u32> {
        self.aws.vpc.allocate_ip(subnet)
    }

    fn release_ip(&mut self, subnet: usize, ip: u32) {
        self.aws.vpc.release_ip(subnet, ip)
    }

    /// Free addresses left in a subnet.
    pub fn subnet_free(&self, subnet: usize) -> u32 {
        self.aws.vpc.free(subnet)
    }
}
