//! Availability Zone rebalancing (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html):
//! once a service is steady, ECS compares its tasks per Availability Zone; when they are uneven
//! it says so, starts tasks in the zones with fewest, and once those are healthy stops as many
//! in the zones with most, within maximumPercent; when even, it says so. Messages are the
//! documented ones (service-rebalancing-event-messages-list.html).
//!
//! Stevedore's reading where AWS is silent: zones count as even when they differ by at most one
//! task; the zones in play are those that can take the service's tasks now (an ACTIVE instance
//! with a connected agent, or a Fargate subnet not cut off); a round starts at most as many
//! tasks as maximumPercent leaves room for.

use crate::sort::SortSmall;
use super::{InstanceStatus, Sim};
use crate::model::{Constraint, Launch, Placement, SpreadField, Strategy};
use crate::query::Query;
use std::collections::BTreeMap;

impl Sim {
    /// Rebalancing tasks still on their way: scale-in must leave them alone.
    pub(super) fn rebalance_surplus(&mut self, s: usize) -> usize {
        let tasks = &self.tasks;
        self.services[s].rebalance_started.retain(|&t| tasks[t].desired_running);
        self.services[s].rebalance_started.len()
    }

    fn fargate_service(&self, s: usize) -> bool {
        match &self.services[s].def.launch {
            Launch::Fargate => true,
            Launch::Ec2 => false,
            Launch::Providers(p) => p.iter().all(|x| x.name.starts_with("FARGATE")),
        }
    }

    /// Zones that could take one of the service's tasks now.
    fn rebalance_zones(&self, s: usize) -> Vec<String> {
        let def = &self.services[s].def;
        let mut zones: Vec<String> = if self.fargate_service(s) {
            def.subnets.iter().filter_map(|id| self.scenario.subnets.iter().position(|n| &n.id == id)).filter(|&n| !self.subnet_cut(n)).map(|n| self.scenario.subnets[n].availability_zone.clone()).collect()
        } else {
            let providers: Option<Vec<&str>> = match &def.launch {
                Launch::Providers(p) => Some(p.iter().map(|x| x.name.as_str()).collect()),
                _ => None,
            };
            let usable = |i: &super::Instance| i.status == InstanceStatus::Active && i.agent_connected && providers.as_ref().is_none_or(|p| i.spec.capacity_provider.as_deref().is_some_and(|c| p.contains(&c)));
            // Usually a zone's first instance answers.
            self.zone_instances.iter().filter(|(_, list)| list.iter().any(|&i| usable(&self.instances[i]))).map(|(z, _)| z.clone()).collect()
        };
        zones.sort_small();
        zones.dedup();
        zones
    }

    /// One step of rebalancing, run at the end of every reconcile of the service.
    pub(super) fn rebalance(&mut self, s: usize) {
        let state = &self.services[s];
        let primary = &state.deployments[state.deployments.len() - 1];
        if !state.def.az_rebalancing || state.def.daemon || primary.rollout != super::deployments::RolloutState::Completed {
            // Turned off, or a deployment took over: its extra tasks are ordinary ones again
            // (scale-in trims them).
            let state = &mut self.services[s];
            state.rebalance_started.clear();
            state.rebalancing &= state.def.az_rebalancing;
            return;
        }
        if state.unplaced.is_some() {
            return;
        }
        if state.rebalance_started.is_empty() && state.tasks.len() as u32 != state.desired_count {
            return;
        }
        // Only from a settled service: nothing starting, stopping or waiting to turn healthy.
        let tasks: Vec<usize> = state.tasks.clone();
        if tasks.iter().any(|&t| !self.tasks[t].desired_running || !self.task_healthy(t)) {
            return;
        }
        let name = state.def.name.clone();
        let started = state.rebalance_started.clone();
        if !started.is_empty() {
            return self.rebalance_stop(s, &tasks, &started);
        }
        if tasks.len() as u32 != state.desired_count {
            return;
        }
        let zones = self.rebalance_zones(s);
        let mut counts: BTreeMap<String, u32> = zones.iter().map(|z| (z.clone(), 0)).collect();
        for &t in &tasks {
            if let Some(n) = counts.get_mut(&self.tasks[t].availability_zone) {
                *n += 1;
            }
        }
        let spread = |c: &BTreeMap<String, u32>| c.values().max().copied().unwrap_or(0) - c.values().min().copied().unwrap_or(0);
        if counts.len() < 2 || spread(&counts) <= 1 {
            if std::mem::take(&mut self.services[s].rebalancing) {
                self.service_event(s, format!("service ({name}) is AZ balanced with {}.", zone_list(&counts, true)));
            }
            return;
        }
        if !self.services[s].rebalancing {
            self.services[s].rebalancing = true;
            self.service_event(s, format!("service ({name}) is not AZ balanced with {}. AZ Rebalancing in progress.", zone_list(&counts, false)));
        }
        // Plan the moves: each one adds to the emptiest zone and takes from the fullest.
        let room = state_room(self, s);
        let mut starts: BTreeMap<String, u32> = BTreeMap::new();
        for _ in 0..room {
            if spread(&counts) <= 1 {
                break;
            }
            let low = counts.iter().min_by_key(|(z, n)| (**n, (*z).clone())).map(|(z, _)| z.clone()).expect("two zones or more");
            let high = counts.iter().max_by_key(|(z, n)| (**n, std::cmp::Reverse((*z).clone()))).map(|(z, _)| z.clone()).expect("two zones or more");
            *counts.get_mut(&low).expect("a counted zone") += 1;
            *counts.get_mut(&high).expect("a counted zone") -= 1;
            *starts.entry(low).or_default() += 1;
        }
        for (zone, n) in starts {
            self.rebalance_start(s, &zone, n);
        }
    }

    /// Starts `n` tasks pinned to `zone` (EC2: a memberOf on the zone; Fargate: its subnets).
    fn rebalance_start(&mut self, s: usize, zone: &str, n: u32) {
        let def = self.services[s].def.clone();
        let primary = self.primary(s);
        let deployment = self.services[s].deployments[primary].clone();
        let group = format!("service:{}", def.name);
        let mut placement: Placement = def.placement.clone();
        let fargate = self.fargate_service(s);
        if !fargate {
            if let Ok(q) = Query::parse(&format!("attribute:ecs.availability-zone == {zone}")) {
                placement.constraints.push(Constraint::MemberOf(q));
            }
        }
        let subnets: Vec<String> = def.subnets.iter().filter(|id| self.scenario.subnets.iter().any(|n| &&n.id == id && n.availability_zone == zone)).cloned().collect();
        let l = super::scheduler::Launchable { task_def: deployment.task_def, group: &group, service: Some(s), started_by: Some(deployment.id.clone()), launch: &def.launch, placement: &placement, subnets: if fargate { &subnets } else { &def.subnets } };
        let (tasks, failed) = match self.launch(&l, n) {
            Ok(tasks) => (tasks, false),
            Err((tasks, _)) => (tasks, true),
        };
        if !tasks.is_empty() {
            self.services[s].tasks.extend(&tasks);
            self.services[s].rebalance_started.extend(&tasks);
            let ids: Vec<String> = tasks.iter().map(|&t| format!("(task {})", self.tasks[t].id)).collect();
            self.service_event(s, format!("{} has started {} tasks in {zone} to AZ Rebalance: {}.", def.name, tasks.len(), ids.join(" ")));
        }
        if failed {
            let message = if fargate {
                format!("service ({}) is unable to place a task in Availability Zone {zone}.", def.name)
            } else {
                format!("service ({}) is unable to place a task in Availability Zone {zone} because no container instance met all of its requirements.", def.name)
            };
            self.service_event_deduped(s, message);
        }
    }

    /// The rebalancing tasks are healthy: stop as many in the fullest zones.
    fn rebalance_stop(&mut self, s: usize, tasks: &[usize], started: &[usize]) {
        let pool: Vec<usize> = tasks.iter().copied().filter(|t| !started.contains(t)).collect();
        let by_zone = vec![Strategy::Spread(SpreadField::Attribute("ecs.availability-zone".into())), Strategy::Spread(SpreadField::InstanceId)];
        let excess = tasks.len().saturating_sub(self.services[s].desired_count as usize).min(started.len());
        let chosen = self.choose_tasks_to_stop(&pool, &by_zone, excess);
        self.services[s].rebalance_started.clear();
        let mut per_zone: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &t in &chosen {
            per_zone.entry(self.tasks[t].availability_zone.clone()).or_default().push(t);
        }
        let name = self.services[s].def.name.clone();
        for (zone, list) in per_zone {
            let ids: Vec<String> = list.iter().map(|&t| format!("(task {})", self.tasks[t].id)).collect();
            self.service_event(s, format!("{name} has stopped {} running tasks in {zone} due to AZ rebalancing: {}.", list.len(), ids.join(" ")));
            for t in list {
                self.stop_task(t, "Task stopped by Availability Zone rebalancing", "ServiceSchedulerInitiated");
            }
        }
    }
}

/// How many tasks maximumPercent lets the service add now.
fn state_room(sim: &Sim, s: usize) -> u32 {
    let state = &sim.services[s];
    let max_total = state.desired_count * state.def.maximum_percent / 100;
    let in_flight = state.tasks.iter().filter(|&&t| sim.tasks[t].live()).count() as u32;
    max_total.saturating_sub(in_flight)
}

/// "4 tasks in us-east-1a, 1 in us-east-1b, and 1 in us-east-1c" (`every`: "tasks" after each
/// count, as the balanced message has it).
fn zone_list(counts: &BTreeMap<String, u32>, every: bool) -> String {
    let parts: Vec<String> = counts.iter().enumerate().map(|(k, (z, n))| if k == 0 || every { format!("{n} tasks in {z}") } else { format!("{n} in {z}") }).collect();
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        2 => format!("{} and {}", parts[0], parts[1]),
        _ => format!("{}, and {}", parts[..parts.len() - 1].join(", "), parts[parts.len() - 1]),
    }
}
