//! CloudWatch-like metrics: one datapoint per minute for the ECS service metrics (aws-semantics
//! §7.2: CPU = used units × 100 / (task definition CPU × tasks)), the ALB's RequestCount,
//! RequestCountPerTarget and HealthyHostCount, and anything PutMetricData sends; alarms on them.

use super::{Sim, TargetState, TaskStatus, Wake};
use crate::model::scaling::{Alarm, MetricKey, Statistic};
use crate::substrate::cloudwatch;
use crate::scenario::scaling::target_group_dimension;
use rand_core::RngCore;
pub use super::metric_store::{MetricStore, Series, Stat};

pub use crate::substrate::cloudwatch::{AlarmState, AlarmStatus, MINUTE_MS};

impl Sim {
    /// The statistic of `metric` over the minutes `[from, to)`, if any sample exists.
    pub fn metric_value(&self, metric: &MetricKey, statistic: Statistic, from: u64, to: u64) -> Option<f64> {
        cloudwatch::metric_value(&self.metrics, metric, statistic, from, to)
    }

    pub(super) fn metric_value_by_id(&self, id: usize, statistic: Statistic, from: u64, to: u64) -> Option<f64> {
        cloudwatch::value_by_id(&self.metrics, id, statistic, from, to)
    }

    /// The metric keys ECS and the ALB publish, built once: (CPU, memory) per service and
    /// (RequestCount, HealthyHostCount, RequestCountPerTarget) per target group.
    /// Requests per second a target group receives now (the traffic curve, without noise).
    pub fn traffic_rps(&self, tg: usize) -> f64 {
        self.traffic.iter().filter(|t| t.target_group == tg).map(|t| t.curve.at(self.now).max(0.0)).sum()
    }

    pub(super) fn build_metric_keys(&mut self) {
        let cluster = self.scenario.arns.cluster.clone();
        self.service_keys = self
            .services
            .iter()
            .map(|s| {
                let dims = vec![("ClusterName".to_string(), cluster.clone()), ("ServiceName".to_string(), s.def.name.clone())];
                [MetricKey::new("AWS/ECS", "CPUUtilization", dims.clone()), MetricKey::new("AWS/ECS", "MemoryUtilization", dims)]
            })
            .collect::<Vec<_>>()
            .iter()
            .map(|keys| keys.each_ref().map(|k| self.metrics.intern(k)))
            .collect();
        self.count_keys = self
            .services
            .iter()
            .map(|s| {
                let dims = vec![("ClusterName".to_string(), cluster.clone()), ("ServiceName".to_string(), s.def.name.clone())];
                ["DesiredTaskCount", "RunningTaskCount", "PendingTaskCount"].map(|n| MetricKey::new("ECS/ContainerInsights", n, dims.clone()))
            })
            .collect::<Vec<_>>()
            .iter()
            .map(|keys| keys.each_ref().map(|k| self.metrics.intern(k)))
            .collect();
        self.tg_keys = self
            .scenario
            .target_groups
            .iter()
            .map(|g| {
                let dim = vec![("TargetGroup".to_string(), target_group_dimension(&g.arn))];
                if g.network() {
                    // An NLB counts flows, not requests: each request is modelled as a new flow.
                    // AWS has no per-target flow metric; Stevedore's own namespace says so.
                    [MetricKey::new("AWS/NetworkELB", "NewFlowCount", dim.clone()), MetricKey::new("AWS/NetworkELB", "HealthyHostCount", dim.clone()), MetricKey::new("Stevedore/NetworkELB", "NewFlowCountPerTarget", dim)]
                } else {
                    ["RequestCount", "HealthyHostCount", "RequestCountPerTarget"].map(|n| MetricKey::new("AWS/ApplicationELB", n, dim.clone()))
                }
            })
            .collect::<Vec<_>>()
            .iter()
            .map(|keys| keys.each_ref().map(|k| self.metrics.intern(k)))
            .collect();
    }

    pub(super) fn record(&mut self, metric: MetricKey, minute: u64, value: f64) {
        let id = self.metrics.intern(&metric);
        self.metrics.record(id, minute, value);
    }

    /// Runs at the end of every minute: publish, evaluate alarms and scaling policies.
    pub(super) fn minute_tick(&mut self) {
        let minute = self.now / MINUTE_MS; // the minute that just ended is minute - 1
        if minute > 0 {
            self.publish(minute - 1);
            self.evaluate_alarms(minute);
            self.apply_step_proposals();
            self.evaluate_target_tracking(minute);
            self.cluster_autoscaling(minute);
            self.random_spot_interruptions();
        }
        if !self.scenario.service_calls.is_empty() {
            self.check_service_calls();
        }
        self.schedule(self.now + MINUTE_MS, Wake::Minute);
    }

    fn publish(&mut self, minute: u64) {
        let mid = minute * MINUTE_MS + MINUTE_MS / 2;
        // Requests per second reaching each service's tasks, summed over target groups.
        let mut service_rps = vec![0.0f64; self.services.len()];
        for k in 0..self.traffic.len() {
            let (tg, base, noise) = (self.traffic[k].target_group, self.traffic[k].curve.at(mid), self.traffic[k].noise);
            let jitter = if noise > 0.0 { (self.rng.next_u64() as f64 / u64::MAX as f64) * 2.0 - 1.0 } else { 0.0 };
            let rps = (base * (1.0 + noise * jitter)).max(0.0);
            let healthy: Vec<usize> = self.aws.elb[tg].iter().filter(|t| t.state == TargetState::Healthy).map(|t| t.task).collect();
            let routed: Vec<usize> = self.aws.elb[tg].iter().filter(|t| t.routed(!healthy.is_empty())).map(|t| t.task).collect();
            // Round robin and least outstanding requests split evenly over identical tasks;
            // slow start ramps a new target's share; cross-zone off keeps each zone's share in it.
            let weights = self.target_weights(tg);
            for (target, &(w, total)) in self.aws.elb[tg].iter().zip(&weights) {
                if let Some(s) = self.tasks[target.task].service {
                    if w > 0.0 && self.tasks[target.task].last_status == TaskStatus::Running {
                        service_rps[s] += rps * w / total;
                    }
                }
            }
            let [request_count, healthy_hosts, per_target] = &self.tg_keys[tg];
            let count = rps * 60.0;
            self.metrics.record(*request_count, minute, count);
            self.metrics.record(*healthy_hosts, minute, healthy.len() as f64);
            if !routed.is_empty() {
                // "The only valid statistic is Sum. This represents the average": requests per target.
                self.metrics.record(*per_target, minute, count / routed.len() as f64);
            }
        }
        for s in 0..self.services.len() {
            let running = self.services[s].tasks.iter().filter(|&&t| self.tasks[t].last_status == TaskStatus::Running).count();
            let pending = self.services[s].tasks.iter().filter(|&&t| self.tasks[t].desired_running && self.tasks[t].last_status < TaskStatus::Running).count();
            // Container Insights' task counts, for charts.
            let [desired_key, running_key, pending_key] = &self.count_keys[s];
            self.metrics.record(*desired_key, minute, self.services[s].desired_count as f64);
            self.metrics.record(*running_key, minute, running as f64);
            self.metrics.record(*pending_key, minute, pending as f64);
            if running == 0 {
                continue;
            }
            let load = self.scenario.service_load.get(&s).cloned().unwrap_or_default();
            let td = &self.scenario.task_defs[self.services[s].def.task_def];
            let (cpu, memory) = (td.reserved_cpu() as f64, td.reserved_memory_mib() as f64);
            let requests = service_rps[s];
            let n = running as f64;
            let (used_cpu, used_memory) = load.used(n, requests);
            let [cpu_key, memory_key] = &self.service_keys[s];
            if cpu > 0.0 {
                self.metrics.record(*cpu_key, minute, used_cpu * 100.0 / (cpu * n));
            }
            if memory > 0.0 {
                self.metrics.record(*memory_key, minute, used_memory * 100.0 / (memory * n));
            }
        }
    }

    fn evaluate_alarms(&mut self, minute: u64) {
        for a in 0..self.scenario.alarms.len() {
            let alarm: Alarm = self.scenario.alarms[a].clone();
            let Some(cloudwatch::Verdict { state, reason, last }) = cloudwatch::evaluate(&alarm, &self.metrics, minute) else { continue };
            let changed = self.alarm_states[a].state != state;
            if changed {
                self.alarm_states[a] = AlarmStatus { state, reason: reason.clone(), since: self.now };
                self.log("alarm", alarm.name.clone(), format!("{} → {}: {reason}", alarm.name, state.as_str()));
            }
            if state == AlarmState::Alarm {
                let value = last.unwrap_or(alarm.threshold);
                for &p in &alarm.actions {
                    self.run_step_policy(p, value - alarm.threshold, &alarm.name);
                }
            }
        }
    }
}
