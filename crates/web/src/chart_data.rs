//! What the charts show, extracted from the sim's metrics in pure Rust (tested natively):
//! per service utilisation against the scaling target, task counts, requests and healthy hosts,
//! and the cluster's CapacityProviderReservation, with scaling activities marked.

use stevedore_sim::model::scaling::{MetricKey, PolicyKind, Statistic};
use stevedore_sim::Sim;

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub colour: &'static str,
    /// (minute, value)
    pub points: Vec<(f64, f64)>,
    /// A flat reference line (a scaling target) rather than data.
    pub reference: bool,
    /// How the line is stroked: series that can coincide (desired and running task counts)
    /// differ in pattern, not only in colour.
    pub stroke: Stroke,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    Solid,
    /// Drawn over the solid lines, so a solid line beneath shows through its gaps.
    Dashed,
    /// Solid with a dot at each datapoint.
    Marked,
}

/// Axis and legend text, in CSS pixels: legible at a desk and, larger, from the back of a room.
pub const LABEL_PX: u32 = 12;
pub const LABEL_PX_PROJECTION: u32 = 16;

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub lines: Vec<Line>,
    /// Minutes at which a scaling activity happened.
    pub marks: Vec<f64>,
}

fn series(sim: &Sim, key: &MetricKey, statistic: Statistic) -> Vec<(f64, f64)> {
    let Some(minutes) = sim.metrics.get(key) else { return vec![] };
    minutes.minutes().filter_map(|m| sim.metric_value(key, statistic, m, m + 1).map(|v| (m as f64, v))).collect()
}

fn find<'a>(sim: &'a Sim, namespace: &str, name: &str, dim: (&str, &str)) -> Option<&'a MetricKey> {
    sim.metrics.keys().find(|k| k.namespace == namespace && k.name == name && k.dimensions.iter().any(|(n, v)| n == dim.0 && v == dim.1))
}

pub fn service_charts(sim: &Sim, service: usize) -> Vec<Chart> {
    let name = sim.services[service].def.name.as_str();
    let resource = format!("service/{}/{name}", sim.scenario.arns.cluster);
    let marks: Vec<f64> = sim.activities.iter().filter(|a| a.resource_id == resource).map(|a| a.at as f64 / 60_000.0).collect();
    let mut charts = Vec::new();

    let mut util = Vec::new();
    for (metric, colour) in [("CPUUtilization", "#38bdf8"), ("MemoryUtilization", "#a78bfa")] {
        if let Some(k) = find(sim, "AWS/ECS", metric, ("ServiceName", name)) {
            util.push(Line { label: format!("{metric} %"), colour, points: series(sim, k, Statistic::Average), reference: false, stroke: Stroke::Solid });
        }
    }
    let target = sim.scenario.policies.iter().find_map(|p| match &p.kind {
        PolicyKind::TargetTracking { target, metric, .. } if sim.scenario.scalable_targets[p.target].service == service && metric.namespace == "AWS/ECS" => Some(*target),
        _ => None,
    });
    if let (Some(t), Some(first)) = (target, util.first()) {
        let span: Vec<(f64, f64)> = first.points.iter().map(|(m, _)| (*m, t)).collect();
        util.push(Line { label: format!("target {t}"), colour: "#f97316", points: span, reference: true, stroke: Stroke::Dashed });
    }
    if !util.is_empty() {
        charts.push(Chart { id: "chart-utilisation".into(), title: format!("{name}: CPU and memory utilisation (%)"), lines: util, marks: marks.clone() });
    }

    // Running usually equals desired: running is solid with markers, desired dashed over it.
    let counts: Vec<Line> = [("DesiredTaskCount", "desired", "#f97316", Stroke::Dashed), ("RunningTaskCount", "running", "#22c55e", Stroke::Marked), ("PendingTaskCount", "pending", "#facc15", Stroke::Solid)]
        .iter()
        .filter_map(|&(metric, label, colour, stroke)| find(sim, "ECS/ContainerInsights", metric, ("ServiceName", name)).map(|k| Line { label: label.to_string(), colour, points: series(sim, k, Statistic::Average), reference: false, stroke }))
        .collect();
    if !counts.is_empty() {
        charts.push(Chart { id: "chart-tasks".into(), title: format!("{name}: tasks"), lines: counts, marks: marks.clone() });
    }

    for link in &sim.services[service].def.load_balancers {
        let tg = &sim.scenario.target_groups[link.target_group];
        let dim = stevedore_sim::scenario::scaling::target_group_dimension(&tg.arn);
        // An NLB publishes flows under AWS/NetworkELB (and Stevedore's per-target flows).
        let network = tg.network();
        let per_minute = |metric: &str, label: &str, colour: &'static str, per_second: bool| {
            let (namespace, metric) = match (network, metric) {
                (false, m) => ("AWS/ApplicationELB", m),
                (true, "RequestCount") => ("AWS/NetworkELB", "NewFlowCount"),
                (true, "RequestCountPerTarget") => ("Stevedore/NetworkELB", "NewFlowCountPerTarget"),
                (true, m) => ("AWS/NetworkELB", m),
            };
            find(sim, namespace, metric, ("TargetGroup", &dim)).map(|k| Line {
                label: label.to_string(),
                colour,
                points: series(sim, k, Statistic::Sum).into_iter().map(|(m, v)| (m, if per_second { v / 60.0 } else { v })).collect(),
                reference: false,
                stroke: Stroke::Solid,
            })
        };
        let unit = if network { "flows" } else { "requests" };
        let mut requests: Vec<Line> = [per_minute("RequestCount", &format!("{unit}/s"), "#60a5fa", true), per_minute("RequestCountPerTarget", &format!("per target ({unit}/s)"), "#f472b6", true)].into_iter().flatten().collect();
        // With one target, per-target equals the total: dash it so both stay visible.
        if let Some(per_target) = requests.get_mut(1) {
            per_target.stroke = Stroke::Dashed;
        }
        if !requests.is_empty() {
            charts.push(Chart { id: "chart-requests".into(), title: format!("{}: {} rate", tg.name, if network { "new flow" } else { "request" }), lines: requests, marks: marks.clone() });
        }
        if let Some(h) = per_minute("HealthyHostCount", "healthy hosts", "#22c55e", false) {
            charts.push(Chart { id: "chart-healthy".into(), title: format!("{}: healthy hosts", tg.name), lines: vec![h], marks: marks.clone() });
        }
    }
    let reservations: Vec<Line> = sim
        .metrics
        .keys()
        .filter(|k| k.name == "CapacityProviderReservation")
        .map(|k| Line { label: k.dimensions.iter().find(|(n, _)| n == "CapacityProviderName").map_or("reservation".into(), |d| d.1.clone()), colour: "#c084fc", points: series(sim, k, Statistic::Average), reference: false, stroke: Stroke::Solid })
        .collect();
    if !reservations.is_empty() {
        charts.push(Chart { id: "chart-reservation".into(), title: "CapacityProviderReservation (%)".into(), lines: reservations, marks: vec![] });
    }
    charts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson_at(id: &str, minutes: u64) -> Sim {
        let mut sim = Sim::new(stevedore_sim::load(crate::scenarios::find(id).unwrap().json).unwrap());
        sim.advance_to(minutes * 60_000);
        sim
    }

    #[test]
    fn target_tracking_lesson_charts_utilisation_against_its_target_and_marks_activities() {
        let sim = lesson_at("target-tracking", 30);
        let charts = service_charts(&sim, 0);
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["chart-utilisation", "chart-tasks", "chart-requests", "chart-healthy"]);
        let util = &charts[0];
        assert!(util.lines.iter().any(|l| l.reference && l.points.iter().all(|p| p.1 == 50.0)));
        assert_eq!(util.lines[0].points.len(), 30);
        assert!(!util.marks.is_empty(), "scaling activities are marked");
        let desired = &charts[1].lines[0];
        assert!(desired.points.last().unwrap().1 > 2.0);
    }

    #[test]
    fn lines_that_can_coincide_are_stroked_differently_and_text_is_legible() {
        let sim = lesson_at("target-tracking", 30);
        let charts = service_charts(&sim, 0);
        let tasks = charts.iter().find(|c| c.id == "chart-tasks").unwrap();
        let stroke = |label: &str| tasks.lines.iter().find(|l| l.label == label).unwrap().stroke;
        assert_ne!(stroke("desired"), stroke("running"));
        // They do coincide in this lesson once scaling settles: the pattern is what tells them apart.
        let (d, r) = (&tasks.lines[0].points, &tasks.lines[1].points);
        assert!(d.iter().zip(r).any(|(a, b)| a.1 == b.1));
        for c in &charts {
            let strokes: Vec<Stroke> = c.lines.iter().map(|l| l.stroke).collect();
            for (i, a) in c.lines.iter().enumerate() {
                for b in &c.lines[i + 1..] {
                    assert!(a.colour != b.colour || a.stroke != b.stroke, "{}: {strokes:?}", c.id);
                }
            }
        }
        assert!(LABEL_PX >= 12 && LABEL_PX_PROJECTION >= 16);
    }

    #[test]
    fn an_nlb_target_group_charts_its_flows() {
        let scenario = stevedore_sim::load(crate::scenarios::find("network-load-balancer").unwrap().json).unwrap();
        let mut sim = Sim::new(scenario);
        sim.advance_to(5 * 60_000);
        let charts = service_charts(&sim, 1);
        let flows = charts.iter().find(|c| c.id == "chart-requests").expect("the NLB's flows are charted");
        assert_eq!(flows.title, "api-tcp: new flow rate");
        // 80 requests/s, modelled as 80 new flows/s.
        assert!(flows.lines[0].points.iter().any(|(_, v)| (*v - 80.0).abs() < 1e-6), "{:?}", flows.lines[0].points);
    }

    #[test]
    fn cluster_auto_scaling_charts_the_reservation() {
        let sim = lesson_at("cluster-auto-scaling", 20);
        assert!(service_charts(&sim, 0).iter().any(|c| c.id == "chart-reservation" && c.lines[0].points.iter().any(|p| p.1 > 100.0)));
    }
}
