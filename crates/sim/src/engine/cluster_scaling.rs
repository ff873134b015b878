//! Cluster auto scaling: Auto Scaling group capacity providers with managed scaling
//! (aws-semantics §3.2). Every minute, per provider, CapacityProviderReservation =
//! instances needed / instances running × 100; above targetCapacity the group grows (two
//! instances from zero; otherwise the computed count bounded by the step sizes, waiting out
//! the instance warm-up), below it for 15 minutes the group shrinks by at most half a minute,
//! terminating empty instances (only empty ones under managed termination protection).
//!
//! Tasks that find no room wait in PROVISIONING (no instance yet) and are placed as soon as
//! an instance with room registers.
//!
//! What ECS decides stays here (the reservation, the step, which instances are busy and so
//! keep scale-in protection under managed termination protection); the group itself —
//! DesiredCapacity, the zone each launch goes to, which instance a scale-in takes, its
//! activities — is the substrate's (`substrate::auto_scaling`), as for EKS node groups.

use super::{InstanceStatus, Sim, TaskStatus, Wake};
use crate::model::scaling::MetricKey;
use crate::model::NetworkMode;
use crate::substrate::auto_scaling::AutoScalingGroup;
use crate::time::SimTime;

/// From RunInstances to a registered container instance.
pub const INSTANCE_LAUNCH_MS: SimTime = 90_000;
const SCALE_IN_MINUTES: u32 = 15;

/// ECS's side of one group (the group itself is `Sim::aws.auto_scaling[k]`).
#[derive(Debug, Clone, Default)]
pub struct GroupState {
    /// A copy of the group's DesiredCapacity (`aws.auto_scaling[k].desired()` decides), for
    /// readers that take it from here (the app's edges); refreshed on every change.
    pub desired: u32,
    pub launching: u32,
    pub launched_at: Vec<SimTime>,
    pub last_scale_out: Option<SimTime>,
    pub low_minutes: u32,
    pub launches: u64,
}

/// The substrate's groups for a scenario's `autoScalingGroups` (validated by the loader; a
/// size it refused is clamped so a Sim built anyway cannot panic).
pub(super) fn groups(s: &crate::scenario::Scenario) -> Vec<AutoScalingGroup> {
    s.auto_scaling_groups
        .iter()
        .map(|g| {
            let max = g.max_size.max(g.min_size);
            let group = AutoScalingGroup::new(&g.name, g.min_size, max, g.desired_capacity.clamp(g.min_size, max), g.zones.clone());
            // ECS's groups break zone ties one zone in (`substrate::auto_scaling::policy`).
            group.map(|a| a.with_zone_cursor(1)).unwrap_or_else(|_| AutoScalingGroup::new(&g.name, 0, 0, 0, g.zones.clone()).expect("0 ≤ 0 ≤ 0"))
        })
        .collect()
}

/// The target tracking policy ECS managed scaling puts on the group, as a Cause names it.
fn managed_scaling_cause(cp: &str) -> String {
    format!("a monitor alarm TargetTracking-ECSManagedAutoScalingPolicy-{cp}-AlarmHigh in state ALARM triggered policy ECSManagedAutoScalingPolicy-{cp}")
}

impl Sim {
    /// A container instance registered: if its group launched it, it is the group's member
    /// (protected from scale-in when the group's NewInstancesProtectedFromScaleIn is set).
    pub(super) fn asg_attach(&mut self, i: usize) {
        let spec = &self.instances[i].spec;
        let Some(g) = spec.auto_scaling_group else { return };
        let protected = self.scenario.auto_scaling_groups.get(g).is_some_and(|d| d.protect_from_scale_in);
        let (id, az) = (spec.ec2_instance_id.clone(), spec.availability_zone.clone());
        let (now, start) = (self.now, self.scenario.start_unix_s);
        if let Some(group) = self.aws.auto_scaling.get_mut(g) {
            let zone = group.zones.iter().position(|z| *z == az).unwrap_or(usize::MAX);
            group.attach(&id, zone, protected, now, start);
        }
    }

    /// EC2 took a group's instance away (Spot, a fault, a deregistration): it leaves the group.
    pub(super) fn asg_instance_gone(&mut self, i: usize) {
        let Some(g) = self.instances[i].spec.auto_scaling_group else { return };
        let id = self.instances[i].spec.ec2_instance_id.clone();
        let (now, start) = (self.now, self.scenario.start_unix_s);
        if let Some(group) = self.aws.auto_scaling.get_mut(g) {
            group.instance_gone(&id, now, start);
        }
    }

    fn group_instances(&self, asg: usize) -> Vec<usize> {
        let cp = self.scenario.capacity_providers.iter().find(|c| c.asg == Some(asg)).map(|c| c.name.as_str());
        (0..self.instances.len()).filter(|&i| self.instances[i].status == InstanceStatus::Active && cp.is_some() && self.instances[i].spec.capacity_provider.as_deref() == cp).collect()
    }

    /// Instances that run at least one task that isn't a daemon's.
    fn busy(&self, i: usize) -> bool {
        self.instances[i].tasks.iter().any(|&t| self.tasks[t].service.is_none_or(|s| !self.services[s].def.daemon))
    }

    /// Extra instances the tasks waiting in PROVISIONING for provider `cp` need, packed onto
    /// the group's instance type; a task that fits no such instance is left out, as ECS does.
    fn extra_instances_needed(&self, cp: &str, asg: usize) -> u32 {
        let Some(template) = self.scenario.auto_scaling_groups[asg].templates.first() else { return 0 };
        let probe = super::Instance::new(template.clone(), String::new(), String::new(), 0);
        let mut waiting: std::collections::BTreeMap<usize, u32> = std::collections::BTreeMap::new();
        for t in self.tasks.iter().filter(|t| t.awaiting_capacity && t.desired_running && t.capacity_provider.as_deref() == Some(cp)) {
            *waiting.entry(t.task_def).or_default() += 1;
        }
        let mut extra = 0;
        for (td, count) in waiting {
            let td = &self.scenario.task_defs[td];
            let by = |have: u32, need: u32| if need == 0 { u32::MAX } else { have / need };
            let mut per_instance = by(probe.registered_cpu, td.reserved_cpu()).min(by(probe.registered_memory_mib, td.reserved_memory_mib()));
            if td.network_mode == NetworkMode::Awsvpc {
                per_instance = per_instance.min(probe.awsvpc_limit);
            }
            if td.ports().any(|(_, p)| p.host_port.is_some()) && td.network_mode != NetworkMode::Awsvpc {
                per_instance = per_instance.min(1);
            }
            if per_instance > 0 {
                extra += count.div_ceil(per_instance);
            }
        }
        extra
    }

    pub(super) fn cluster_autoscaling(&mut self, minute: u64) {
        for k in 0..self.scenario.capacity_providers.len() {
            let cp = self.scenario.capacity_providers[k].clone();
            let (Some(asg), Some(managed)) = (cp.asg, cp.managed.clone()) else { continue };
            let members = self.group_instances(asg);
            let launching = self.groups_state[asg].launching;
            let n = members.len() as u32 + launching;
            let busy = members.iter().filter(|&&i| self.busy(i)).count() as u32;
            let extra = self.extra_instances_needed(&cp.name, asg);
            let m = busy + extra;
            let reservation = match (n, m) {
                (0, 0) => 100.0,
                (0, _) => 200.0, // no instances yet: "scales out to two instances initially"
                _ => m as f64 * 100.0 / n as f64,
            };
            let dims = vec![("CapacityProviderName".to_string(), cp.name.clone()), ("ClusterName".to_string(), self.scenario.arns.cluster.clone())];
            self.record(MetricKey::new("AWS/ECS/ManagedScaling", "CapacityProviderReservation", dims), minute.saturating_sub(1), reservation);
            let target = managed.target_capacity as f64;
            let group = self.scenario.auto_scaling_groups[asg].clone();
            if reservation > target {
                self.groups_state[asg].low_minutes = 0;
                let warming = self.groups_state[asg].launched_at.iter().any(|&at| self.now < at + managed.warmup_s as u64 * 1000);
                if warming || launching > 0 {
                    continue;
                }
                let wanted = if n == 0 { 2 } else { ((m as f64 * 100.0 / target).ceil() as u32).saturating_sub(n) };
                let step = if wanted < managed.min_step { managed.min_step } else { wanted.min(managed.max_step) };
                let new = (n + step).min(group.max_size);
                if new > n {
                    self.launch_instances(asg, new - n, &cp.name, reservation);
                }
            } else if reservation < target {
                self.groups_state[asg].low_minutes += 1;
                let recent_out = self.groups_state[asg].last_scale_out.is_some_and(|at| self.now < at + SCALE_IN_MINUTES as u64 * 60_000);
                if self.groups_state[asg].low_minutes >= SCALE_IN_MINUTES && !recent_out {
                    let floor = ((m as f64 * 100.0 / target).ceil() as u32).max(group.min_size);
                    let remove = n.saturating_sub(floor).min((n / 2).max(1));
                    self.terminate_instances(asg, &members, remove, cp.managed_termination_protection, &cp.name);
                }
            } else {
                self.groups_state[asg].low_minutes = 0;
            }
        }
    }

    fn launch_instances(&mut self, asg: usize, count: u32, cp: &str, reservation: f64) {
        let state = &mut self.groups_state[asg];
        state.launching += count;
        state.last_scale_out = Some(self.now);
        let (now, start, why) = (self.now, self.scenario.start_unix_s, managed_scaling_cause(cp));
        let group = &mut self.aws.auto_scaling[asg];
        group.change_desired(group.desired() + count, &why, now, start);
        self.groups_state[asg].desired = self.aws.auto_scaling[asg].desired();
        let name = self.scenario.auto_scaling_groups[asg].name.clone();
        self.log("instance", name.clone(), format!("{cp}: CapacityProviderReservation {reservation:.0} > target: Auto Scaling group {name} launches {count} instance(s)"));
        for _ in 0..count {
            self.schedule(self.now + INSTANCE_LAUNCH_MS, Wake::AsgLaunch(asg));
        }
    }

    pub(super) fn asg_instance_ready(&mut self, asg: usize) {
        let group = &self.scenario.auto_scaling_groups[asg];
        let state = &mut self.groups_state[asg];
        state.launching = state.launching.saturating_sub(1);
        state.launches += 1;
        if group.templates.is_empty() {
            return;
        }
        // The group picks the zone; one that can't launch (fault injection) sends it on.
        let Some(k) = self.launch_template(asg) else {
            let name = self.scenario.auto_scaling_groups[asg].name.clone();
            self.log("instance", name, "Launching a new EC2 instance failed: InsufficientInstanceCapacity in every zone of the group; retrying");
            self.groups_state[asg].launching += 1;
            self.schedule(self.now + INSTANCE_LAUNCH_MS, Wake::AsgLaunch(asg));
            return;
        };
        let group = &self.scenario.auto_scaling_groups[asg];
        let mut spec = group.templates[k].clone();
        let launches = self.groups_state[asg].launches;
        spec.ec2_instance_id = crate::substrate::ec2::instance_id(&format!("{}#asg{asg}#{}", self.scenario.arns.cluster, launches));
        spec.registered_at_unix_s = self.scenario.start_unix_s + (self.now / 1000) as i64;
        self.groups_state[asg].launched_at.push(self.now);
        let i = self.register_instance(spec);
        let id = self.instances[i].spec.ec2_instance_id.clone();
        self.log("instance", id, "registered (ACTIVE) by cluster auto scaling");
        self.place_waiting();
        self.reconcile_all();
    }

    fn terminate_instances(&mut self, asg: usize, members: &[usize], count: u32, protected: bool, cp: &str) {
        // Under managed termination protection ECS keeps scale-in protection on instances
        // running tasks and lifts it from empty ones; the group's default termination policy
        // then picks among what is unprotected, from the instances ECS counts (ACTIVE).
        if protected {
            for &i in members {
                let (id, busy) = (self.instances[i].spec.ec2_instance_id.clone(), self.busy(i));
                self.aws.auto_scaling[asg].set_protected(&id, busy);
            }
        }
        let ids: Vec<&str> = members.iter().map(|&i| self.instances[i].spec.ec2_instance_id.as_str()).collect();
        let order = self.aws.auto_scaling[asg].scale_in_order(count as usize, |m| ids.contains(&m.instance_id.as_str()));
        let (now, start) = (self.now, self.scenario.start_unix_s);
        let group = &mut self.aws.auto_scaling[asg];
        let to = group.desired().saturating_sub(order.len() as u32);
        group.change_desired(to, &managed_scaling_cause(cp).replace("AlarmHigh", "AlarmLow"), now, start);
        self.groups_state[asg].desired = group.desired();
        let name = self.scenario.auto_scaling_groups[asg].name.clone();
        for ec2 in &order {
            let Some(&i) = members.iter().find(|&&i| self.instances[i].spec.ec2_instance_id == *ec2) else { continue };
            let reason = format!("Host EC2 (instance {ec2}) terminated.");
            for t in self.instances[i].tasks.clone() {
                if self.tasks[t].last_status != TaskStatus::Stopped {
                    self.kill_task(t, &reason);
                }
            }
            self.instances[i].status = InstanceStatus::Inactive;
            self.instances[i].terminated_at = Some(self.now);
            self.aws.auto_scaling[asg].scale_in(ec2, now, start);
            self.log("instance", ec2.clone(), format!("{cp}: scale-in: Auto Scaling group {name} terminated the instance"));
        }
        if count > 0 {
            self.groups_state[asg].low_minutes = 0;
            self.reconcile_all();
        }
    }
}
