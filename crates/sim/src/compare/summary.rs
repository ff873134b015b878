//! One run in numbers, for the comparison table: what it cost and how it behaved.

use crate::sort::SortSmall;
use crate::engine::metrics::MINUTE_MS;
use crate::engine::Sim;
use crate::model::scaling::MetricKey;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub name: String,
    pub elapsed_seconds: u64,
    pub cost_usd: f64,
    pub cost_per_hour_usd: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_per_1000_requests: Option<f64>,
    /// RUNNING tasks over all services, sampled each minute.
    pub tasks_running_min: f64,
    pub tasks_running_avg: f64,
    pub tasks_running_max: f64,
    /// Desired tasks neither running nor pending (no capacity to place them), × minutes.
    pub unplaced_task_minutes: f64,
    /// Tasks placed but not yet RUNNING (PROVISIONING, PENDING, ACTIVATING), × minutes.
    pub pending_task_minutes: f64,
    /// 95th percentile (nearest rank) of every service's per-minute CPUUtilization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p95_cpu_percent: Option<f64>,
    pub requests_served: f64,
    /// Requests in minutes when a target group had no target to route to (the ALB answers 503).
    pub requests_failed: f64,
    /// Application Auto Scaling activities.
    pub scaling_activities: usize,
    /// Spot interruption notices (EC2 Spot instances and Fargate Spot tasks).
    pub interruptions: usize,
    /// Container instances that ever ran a task, and instances launched in all.
    pub instances_used: usize,
    pub instances_launched: usize,
}

fn values(sim: &Sim, namespace: &str, name: &str, dims: Vec<(String, String)>) -> Vec<(u64, f64)> {
    let key = MetricKey::new(namespace, name, dims);
    sim.metrics.get(&key).map(|s| s.periods().map(|(m, st)| (m, st.sum)).collect()).unwrap_or_default()
}

impl Summary {
    pub fn of(name: &str, sim: &Sim) -> Summary {
        let minutes = (sim.now() / MINUTE_MS) as usize;
        let cluster = sim.scenario.arns.cluster.clone();
        let (mut running, mut unplaced, mut pending) = (vec![0.0; minutes], 0.0, 0.0);
        let mut cpu = Vec::new();
        for s in &sim.services {
            let dims = vec![("ClusterName".to_string(), cluster.clone()), ("ServiceName".to_string(), s.def.name.clone())];
            let series = |n: &str| values(sim, "ECS/ContainerInsights", n, dims.clone());
            let (desired, run, pend) = (series("DesiredTaskCount"), series("RunningTaskCount"), series("PendingTaskCount"));
            for (k, &(m, r)) in run.iter().enumerate() {
                if let Some(slot) = running.get_mut(m as usize) {
                    *slot += r;
                }
                let p = pend.get(k).map_or(0.0, |x| x.1);
                let d = desired.get(k).map_or(0.0, |x| x.1);
                pending += p;
                unplaced += (d - r - p).max(0.0);
            }
            cpu.extend(values(sim, "AWS/ECS", "CPUUtilization", dims).into_iter().map(|x| x.1));
        }
        cpu.sort_small_by(f64::total_cmp);
        let p95 = (!cpu.is_empty()).then(|| cpu[((cpu.len() as f64 * 0.95).ceil() as usize).clamp(1, cpu.len()) - 1]);
        let (served, failed) = requests(sim);
        let bill = crate::cost::bill(sim);
        let used: std::collections::BTreeSet<usize> = sim.tasks.iter().filter_map(|t| t.instance).collect();
        Summary {
            name: name.to_string(),
            elapsed_seconds: sim.now() / 1000,
            cost_usd: micro(bill.total_usd),
            cost_per_hour_usd: micro(bill.rate_usd_per_hour),
            usd_per_1000_requests: (served > 0.0).then(|| micro(bill.total_usd * 1000.0 / served)),
            tasks_running_min: if running.is_empty() { 0.0 } else { running.iter().copied().fold(f64::INFINITY, f64::min) },
            tasks_running_avg: if running.is_empty() { 0.0 } else { (running.iter().sum::<f64>() / running.len() as f64 * 100.0).round() / 100.0 },
            tasks_running_max: running.iter().copied().fold(0.0, f64::max),
            unplaced_task_minutes: unplaced,
            pending_task_minutes: pending,
            p95_cpu_percent: p95,
            requests_served: served,
            requests_failed: failed,
            scaling_activities: sim.activities.len(),
            interruptions: sim.log.iter().filter(|e| e.message.starts_with("Spot interruption")).count(),
            instances_used: used.len(),
            instances_launched: sim.instances.len(),
        }
    }
}

/// Money to a millionth of a dollar, as the report's `cost` section gives it.
fn micro(usd: f64) -> f64 {
    (usd * 1e6).round() / 1e6
}

/// (served, failed): a minute's requests fail when its target group routed to no target.
fn requests(sim: &Sim) -> (f64, f64) {
    let (mut served, mut failed) = (0.0, 0.0);
    for g in &sim.scenario.target_groups {
        let dims = vec![("TargetGroup".to_string(), crate::scenario::scaling::target_group_dimension(&g.arn))];
        let (ns, count, per_target) = if g.network() { ("AWS/NetworkELB", "NewFlowCount", "NewFlowCountPerTarget") } else { ("AWS/ApplicationELB", "RequestCount", "RequestCountPerTarget") };
        let routed: std::collections::BTreeSet<u64> = values(sim, if g.network() { "Stevedore/NetworkELB" } else { ns }, per_target, dims.clone()).into_iter().map(|x| x.0).collect();
        for (m, n) in values(sim, ns, count, dims) {
            if routed.contains(&m) {
                served += n;
            } else {
                failed += n;
            }
        }
    }
    (served, failed)
}
