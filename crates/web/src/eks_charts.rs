//! The Charts tab in EKS mode, from the session's samples (`eks_adapter::history`): per HPA its
//! metric against the target (as `kubectl get hpa` TARGETS: `cpu: 80%/50%`) and current vs
//! desired replicas — the same pair the ECS charts show for target tracking — and the nodes per
//! node group, where Cluster Autoscaler's scale-ups and Fargate's one-pod nodes show as steps.

use crate::chart_data::{Chart, Line, Stroke};
use crate::eks_adapter::history::{History, HpaMetric, Sample};

const METRIC_COLOURS: [&str; 3] = ["#38bdf8", "#a78bfa", "#34d399"];
const GROUP_COLOURS: [&str; 5] = ["#22c55e", "#60a5fa", "#f472b6", "#facc15", "#c084fc"];

/// The legend of a metric's two lines, (current, target), in the HPA spec's terms: `cpu %
/// (current)` / `cpu target 50 %`; a Pods metric `http_requests_per_second per pod (current)` /
/// `… target averageValue 10`; an Object metric names its object (`Ingress main-route:
/// requests-per-second`) and target `value 2k` or `averageValue 30`; an External metric its
/// selector (`sqs_messages_visible{queue=orders}`).
pub fn metric_labels(m: &HpaMetric) -> (String, String) {
    let current = if m.percent {
        format!("{} % (current)", m.label)
    } else if m.per_pod {
        format!("{} per pod (current)", m.label)
    } else {
        format!("{} (current)", m.label)
    };
    (current, format!("{} target {}", m.label, m.target_text))
}

fn minute(s: &Sample) -> f64 {
    s.at_s as f64 / 60.0
}

/// The charts at sim second `now` (samples after it, from before a rewind, are not drawn).
pub fn charts(h: &History, now: i64) -> Vec<Chart> {
    let samples: Vec<&Sample> = h.samples.iter().take_while(|s| s.at_s <= now).collect();
    let mut out = Vec::new();
    for (k, hpa) in h.hpas.iter().enumerate() {
        // Minutes at which the desired size changed: the HPA's rescales.
        let marks: Vec<f64> = samples.windows(2).filter(|w| w[0].hpas[k].1 != w[1].hpas[k].1 && w[1].hpas[k].1 > 0).map(|w| minute(w[1])).collect();
        let mut lines = Vec::new();
        for (m, metric) in hpa.metrics.iter().enumerate() {
            let (current, target) = metric_labels(metric);
            let points = samples.iter().filter_map(|s| s.hpas[k].2.get(m).copied().flatten().map(|v| (minute(s), v))).collect();
            lines.push(Line { label: current, colour: METRIC_COLOURS[m % METRIC_COLOURS.len()], points, reference: false, stroke: Stroke::Solid });
            let span = samples.iter().map(|s| (minute(s), metric.target)).collect();
            lines.push(Line { label: target, colour: "#f97316", points: span, reference: true, stroke: Stroke::Dashed });
        }
        out.push(Chart { id: format!("chart-hpa-{k}-metrics"), title: format!("HPA {}: metric vs target", hpa.name), lines, marks: marks.clone() });
        // Before the first sync an HPA has no status: nothing to plot yet.
        let synced: Vec<&&Sample> = samples.iter().filter(|s| s.hpas[k].0 > 0 || s.hpas[k].1 > 0).collect();
        let replicas = vec![
            Line { label: "desired".into(), colour: "#f97316", points: synced.iter().map(|s| (minute(s), s.hpas[k].1 as f64)).collect(), reference: false, stroke: Stroke::Dashed },
            Line { label: "current".into(), colour: "#22c55e", points: synced.iter().map(|s| (minute(s), s.hpas[k].0 as f64)).collect(), reference: false, stroke: Stroke::Marked },
            Line { label: format!("maxReplicas {}", hpa.max), colour: "#94a3b8", points: synced.iter().map(|s| (minute(s), hpa.max as f64)).collect(), reference: true, stroke: Stroke::Dashed },
        ];
        out.push(Chart { id: format!("chart-hpa-{k}-replicas"), title: format!("HPA {} → {}: replicas", hpa.name, hpa.reference), lines: replicas, marks });
    }
    if !h.groups.is_empty() {
        let lines = h
            .groups
            .iter()
            .enumerate()
            .map(|(g, name)| Line { label: name.clone(), colour: GROUP_COLOURS[g % GROUP_COLOURS.len()], points: samples.iter().map(|s| (minute(s), s.nodes[g] as f64)).collect(), reference: false, stroke: if g % 2 == 0 { Stroke::Solid } else { Stroke::Dashed } })
            .collect();
        out.push(Chart { id: "chart-eks-nodes".into(), title: "Nodes per node group".into(), lines, marks: vec![] });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eks_adapter::EksSession;

    const HPA: &str = include_str!("../../../examples/eks/hpa-web.yaml");
    const CA: &str = include_str!("../../../examples/eks/cluster-autoscaler.yaml");

    fn line<'a>(c: &'a Chart, label: &str) -> &'a Line {
        c.lines.iter().find(|l| l.label == label).unwrap_or_else(|| panic!("{label} in {:?}", c.lines.iter().map(|l| &l.label).collect::<Vec<_>>()))
    }

    #[test]
    fn an_hpa_charts_cpu_against_its_target_and_replicas_following() {
        let mut s = EksSession::load(HPA).unwrap();
        s.at(9 * 60_000);
        let charts = charts(&s.history, s.picture.at_s);
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["chart-hpa-0-metrics", "chart-hpa-0-replicas", "chart-eks-nodes"]);
        let cpu = line(&charts[0], "cpu % (current)");
        // 200m of a 200m request at the 1 m sync: 100 %, twice the 50 % target.
        assert!(cpu.points.iter().any(|&(m, v)| (1.0..1.1).contains(&m) && v == 100.0), "{:?}", cpu.points);
        assert!(line(&charts[0], "cpu target 50 %").points.iter().all(|p| p.1 == 50.0));
        let desired = &line(&charts[1], "desired").points;
        let at = |m: f64| desired.iter().rev().find(|p| p.0 <= m).unwrap().1;
        // The example's story: 2 → 4 at the 1 m sync; the 300 s window holds 4 until the 8 m sync.
        assert_eq!((at(0.9), at(1.5), at(7.9), at(8.6)), (2.0, 4.0, 4.0, 2.0));
        assert_eq!(charts[1].marks.len(), 2, "two rescales marked: {:?}", charts[1].marks);
        // Rewound, the charts end where the clock is.
        s.at(30_000);
        assert!(charts_at(&s).iter().all(|c| c.lines.iter().all(|l| l.points.iter().all(|p| p.0 <= 0.5))));
    }

    /// kubernetes.io "Autoscaling on multiple metrics and custom metrics": a Pods metric with an
    /// AverageValue target, an Object metric on an Ingress with a Value target, an External
    /// metric with a selector and an AverageValue target.
    const CUSTOM: &str = r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: us-west-2}
managedNodeGroups: [{name: general, instanceType: m5.large, desiredCapacity: 2}]
---
apiVersion: stevedore.dev/v1
kind: Scenario
spec:
  duration: 5m
  timeline:
    - {at: 0s, action: SetPodMetric, input: {selector: {matchLabels: {app: web}}, metric: http_requests_per_second, value: "8"}}
    - {at: 0s, action: SetObjectMetric, input: {describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}, metric: requests-per-second, value: 1500m}}
    - {at: 0s, action: SetExternalMetric, input: {metric: sqs_messages_visible, labels: {queue: orders}, value: "20"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, resources: {requests: {cpu: 200m, memory: 256Mi}}}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Pods
      pods: {metric: {name: http_requests_per_second}, target: {type: AverageValue, averageValue: "10"}}
    - type: Object
      object:
        describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}
        metric: {name: requests-per-second}
        target: {type: Value, value: 2k}
    - type: External
      external:
        metric: {name: sqs_messages_visible, selector: {matchLabels: {queue: orders}}}
        target: {type: AverageValue, averageValue: "30"}
    - type: Resource
      resource: {name: memory, target: {type: AverageValue, averageValue: 300Mi}}
"#;

    #[test]
    fn custom_metric_charts_name_the_metric_its_object_or_selector_and_the_target_type() {
        let mut s = EksSession::load(CUSTOM).unwrap_or_else(|e| panic!("{e:?}"));
        s.at(60_000);
        let c = &charts_at(&s)[0];
        let labels: Vec<&str> = c.lines.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "http_requests_per_second per pod (current)",
                "http_requests_per_second target averageValue 10",
                "Ingress main-route: requests-per-second (current)",
                "Ingress main-route: requests-per-second target value 2k",
                "sqs_messages_visible{queue=orders} per pod (current)",
                "sqs_messages_visible{queue=orders} target averageValue 30",
                "memory MiB per pod (current)",
                "memory MiB target averageValue 300Mi",
            ]
        );
        // The values plotted are the metrics' own: 8 per pod, 1.5k on the Ingress; the
        // external 20 over 2 pods is 10 per pod.
        assert!(line(c, "http_requests_per_second per pod (current)").points.iter().any(|p| p.1 == 8.0));
        assert!(line(c, "Ingress main-route: requests-per-second (current)").points.iter().any(|p| p.1 == 1.5));
        assert!(line(c, "sqs_messages_visible{queue=orders} per pod (current)").points.iter().any(|p| p.1 == 10.0), "{:?}", line(c, "sqs_messages_visible{queue=orders} per pod (current)").points);
        assert!(line(c, "Ingress main-route: requests-per-second target value 2k").points.iter().all(|p| p.1 == 2000.0));
        // Memory in MiB: the 300Mi target is 300 on the axis.
        assert!(line(c, "memory MiB target averageValue 300Mi").points.iter().all(|p| p.1 == 300.0));
    }

    #[test]
    fn selectors_read_as_kubectl_takes_them() {
        use stevedore_sim::eks::selector::{LabelSelector, Op, Requirement};
        let mut sel = LabelSelector::default();
        sel.match_labels.insert("queue".into(), "orders".into());
        sel.match_expressions.push(Requirement { key: "tier".into(), op: Op::In, values: vec!["a".into(), "b".into()] });
        sel.match_expressions.push(Requirement { key: "canary".into(), op: Op::DoesNotExist, values: vec![] });
        assert_eq!(crate::eks_adapter::history::selector_text(Some(&sel)), "queue=orders,tier in (a,b),!canary");
        assert_eq!(crate::eks_adapter::history::selector_text(None), "");
    }

    fn charts_at(s: &EksSession) -> Vec<Chart> {
        charts(&s.history, s.picture.at_s)
    }

    #[test]
    fn the_node_chart_steps_up_when_cluster_autoscaler_nodes_join() {
        let mut s = EksSession::load(CA).unwrap();
        s.at(5 * 60_000);
        let c = charts_at(&s).into_iter().find(|c| c.id == "chart-eks-nodes").unwrap();
        let general = &line(&c, "general").points;
        assert_eq!(general.first().unwrap().1, 1.0);
        assert!(general.last().unwrap().1 > 1.0, "{general:?}");
        // The same samples however the clock was stepped.
        let mut t = EksSession::load(CA).unwrap();
        for k in 0..=300 {
            t.at(k * 997);
        }
        t.at(5 * 60_000);
        assert_eq!(t.history, s.history);
    }
}
