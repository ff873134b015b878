//! What the Charts tab plots in EKS mode: the engine sampled every few sim seconds as the
//! session steps it — each HPA's `status` (current and desired replicas, each metric's current
//! value) and the nodes per node group. The samples are taken at fixed instants after
//! `advance_to`, so they are the same however the frames fell (and rebuilt on a rewind).

use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::hpa::{MetricSpec, ResourceName, Target};
use stevedore_sim::eks::hpa_json::quantity;
use stevedore_sim::eks::selector::{LabelSelector, Op};
use stevedore_sim::eks::manifest::Manifest;

/// Seconds between samples (the HPA syncs every 15 s; nodes join at any second).
pub const SAMPLE_S: i64 = 5;
/// Samples kept at most; past that, every other one is dropped and the stride doubles, so a
/// day-long manifest stays a few thousand points.
const MAX_SAMPLES: usize = 4096;

/// One HPA's metric as its chart labels it (`eks_charts::metric_lines`).
#[derive(Debug, Clone, PartialEq)]
pub struct HpaMetric {
    /// What is measured: `cpu`, `memory (app)`, a Pods metric's name, `Ingress main-route:
    /// requests-per-second` for an Object metric, `sqs_messages_visible{queue=orders}` for an
    /// External one.
    pub label: String,
    pub target: f64,
    /// Utilization targets are percents of request; the rest are values.
    pub percent: bool,
    /// The target as the HPA spec gives it: `50 %`, `averageValue 10`, `value 2k`.
    pub target_text: String,
    /// An `averageValue` target (every Pods metric's) is compared per pod: its line says so.
    pub per_pod: bool,
}
#[derive(Debug, Clone, PartialEq)]
pub struct HpaInfo {
    pub name: String,
    /// `Deployment/web`, as `kubectl get hpa` prints REFERENCE.
    pub reference: String,
    pub min: i64,
    pub max: i64,
    pub metrics: Vec<HpaMetric>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub at_s: i64,
    /// Per HPA: (currentReplicas, desiredReplicas, each metric's current value).
    pub hpas: Vec<(i64, i64, Vec<Option<f64>>)>,
    /// Nodes per `History::groups` entry.
    pub nodes: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub hpas: Vec<HpaInfo>,
    /// Node groups in manifest order, then `Fargate` when the file has profiles.
    pub groups: Vec<String>,
    pub samples: Vec<Sample>,
    stride: i64,
}

pub const FARGATE_SERIES: &str = "Fargate";

/// `queue=orders,tier in (a,b)`: a selector as `kubectl get -l` takes it (empty: nothing).
pub fn selector_text(s: Option<&LabelSelector>) -> String {
    let Some(s) = s else { return String::new() };
    let mut parts: Vec<String> = s.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    for r in &s.match_expressions {
        parts.push(match r.op {
            Op::In => format!("{} in ({})", r.key, r.values.join(",")),
            Op::NotIn => format!("{} notin ({})", r.key, r.values.join(",")),
            Op::Exists => r.key.clone(),
            Op::DoesNotExist => format!("!{}", r.key),
            Op::Gt => format!("{}>{}", r.key, r.values.join(",")),
            Op::Lt => format!("{}<{}", r.key, r.values.join(",")),
        });
    }
    parts.join(",")
}

fn metric(m: &MetricSpec) -> HpaMetric {
    let label = match m {
        MetricSpec::Resource { name, container: None, .. } => name.as_str().to_string(),
        MetricSpec::Resource { name, container: Some(c), .. } => format!("{} ({c})", name.as_str()),
        MetricSpec::Pods { metric, .. } => metric.clone(),
        MetricSpec::Object { kind, object_name, metric, .. } => format!("{kind} {object_name}: {metric}"),
        MetricSpec::External { metric, selector, .. } => match selector_text(selector.as_ref()) {
            sel if sel.is_empty() => metric.clone(),
            sel => format!("{metric}{{{sel}}}"),
        },
    };
    let memory = matches!(m, MetricSpec::Resource { name: ResourceName::Memory, .. });
    // Memory values are plotted in MiB (bytes would make the axis unreadable).
    let label = if memory && !matches!(m.target(), Target::Utilization(_)) { format!("{label} MiB") } else { label };
    match m.target() {
        Target::Utilization(p) => HpaMetric { label, target: p as f64, percent: true, target_text: format!("{p} %"), per_pod: false },
        Target::AverageValue(v) => HpaMetric { label, target: plotted(m, v), percent: false, target_text: format!("averageValue {}", quantity(v, memory)), per_pod: true },
        Target::Value(v) => HpaMetric { label, target: plotted(m, v), percent: false, target_text: format!("value {}", quantity(v, memory)), per_pod: false },
    }
}

/// A milli-unit value as the chart plots it: units, memory in MiB.
fn plotted(m: &MetricSpec, milli: i64) -> f64 {
    let units = milli as f64 / 1000.0;
    if matches!(m, MetricSpec::Resource { name: ResourceName::Memory, .. }) { units / 1_048_576.0 } else { units }
}

impl History {
    pub fn new(m: &Manifest) -> History {
        let hpas = m.hpas.iter().map(|h| HpaInfo { name: h.name.clone(), reference: format!("{}/{}", h.target_kind, h.target_name), min: h.min_replicas, max: h.max_replicas, metrics: h.metrics.iter().map(metric).collect() }).collect();
        let mut groups: Vec<String> = m.cluster.iter().flat_map(|c| &c.node_groups).map(|g| g.name.clone()).collect();
        if !m.fargate_profiles.is_empty() {
            groups.push(FARGATE_SERIES.into());
        }
        History { hpas, groups, samples: Vec::new(), stride: SAMPLE_S }
    }

    fn sample(&self, e: &Engine) -> Sample {
        let hpas = e
            .hpas
            .iter()
            .map(|h| {
                let values = h.hpa.metrics.iter().zip(&h.current_metrics).map(|(m, v)| v.map(|v| if matches!(m.target(), Target::Utilization(_)) { v as f64 } else { plotted(m, v) })).collect();
                (h.current_replicas, h.desired_replicas, values)
            })
            .collect();
        let mut nodes = vec![0; self.groups.len()];
        // Nodes the engine retired (a reclaimed Spot node) are not counted.
        for (_, n) in e.state.nodes.iter().enumerate().filter(|(i, _)| !e.spot.removed.contains_key(i)) {
            let g = if n.node.node_group.starts_with("fargate/") { FARGATE_SERIES } else { n.node.node_group.as_str() };
            if let Some(k) = self.groups.iter().position(|x| x == g) {
                nodes[k] += 1;
            }
        }
        Sample { at_s: e.now, hpas, nodes }
    }

    /// Steps `e` to `t`, sampling at every stride multiple on the way (and at 0).
    pub fn advance(&mut self, e: &mut Engine, t: i64) {
        if self.samples.is_empty() {
            e.advance_to(0);
            self.samples.push(self.sample(e));
        }
        loop {
            let last = self.samples.last().map_or(0, |s| s.at_s);
            let next = (last / self.stride + 1) * self.stride;
            if next > t {
                break;
            }
            e.advance_to(next);
            self.samples.push(self.sample(e));
            if self.samples.len() > MAX_SAMPLES {
                self.stride *= 2;
                let stride = self.stride;
                self.samples.retain(|s| s.at_s % stride == 0);
            }
        }
        e.advance_to(t);
    }

    pub fn reset(&mut self) {
        self.samples.clear();
        self.stride = SAMPLE_S;
    }
}
