//! The HPA's metric sources besides `SetPodUsage`: Service traffic through ECS's request-cost
//! model (metrics-server cpu and memory), and the metrics adapter's custom (`SetPodMetric`,
//! `SetObjectMetric`) and external (`SetExternalMetric`) values.
//!
//! Traffic: at each sync the Service's requests per second (its curve at that instant, no noise)
//! are split evenly over its **ready endpoints** (Ready, not Terminating pods it selects); a pod
//! then uses `baseCpuUnits + cpuUnitsPerRequest × its share` CPU units (1024 = 1 vCPU = 1000m,
//! truncated to whole millicores) and `baseMemoryMiB + memoryMiBPerRequest × share` MiB — ECS's
//! formula for one task (`ServiceLoad::used`). A Running pod that is not ready gets no requests,
//! only the base cost. A pod several Services select adds their costs. A `SetPodUsage` entry
//! matching the pod and setting that resource wins over traffic. Requests at an Ingress's ALB
//! (`spec.traffic.ingresses`) reach pods through its rules and target groups
//! (`ingress_traffic.rs`) and cost the same.

use super::{Engine, PodRecord};
use crate::eks::manifest::metric_sources::MetricSources;
use crate::eks::manifest::traffic::ServiceTraffic;
use crate::eks::selector::{LabelSelector, Labels};

/// 1024 ECS CPU units are one vCPU, 1000 millicores.
const MILLICORES_PER_CPU_UNIT: f64 = 1000.0 / 1024.0;
const MILLI_BYTES_PER_MIB: f64 = 1024.0 * 1024.0 * 1000.0;

#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub metrics: MetricSources,
    pub traffic: Vec<ServiceTraffic>,
    /// Per traffic entry: its Service's selector.
    selectors: Vec<Labels>,
    /// Per traffic entry, at the last `refresh`: (requests per second, ready endpoints).
    now: Vec<(f64, usize)>,
    pub ingresses: Vec<crate::eks::manifest::traffic::IngressTraffic>,
    /// At the last refresh, per pod behind an Ingress's ALB (namespace, name): (ingress entry,
    /// requests per second it gets when ready). Pods of one ReplicaSet may differ here (an `ip`
    /// target still in its first health check gets none), so they are looked up one by one.
    pub(super) routed: std::collections::BTreeMap<(String, String), Vec<(usize, f64)>>,
}

fn selects(selector: &Labels, labels: &Labels) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

impl Sources {
    pub fn new(m: &crate::eks::manifest::Manifest) -> Sources {
        let Some(s) = &m.scenario else { return Sources::default() };
        let selectors = s
            .traffic
            .iter()
            .map(|t| m.services.iter().find(|x| x.name == t.service && x.namespace == t.namespace).and_then(|x| x.selector.clone()).unwrap_or_default())
            .collect();
        Sources { metrics: s.metrics.clone(), traffic: s.traffic.clone(), selectors, now: Vec::new(), ingresses: s.ingress_traffic.clone(), routed: Default::default() }
    }

    /// Usage from traffic for a pod whose labels some entry selects: (cpu millicores, memory
    /// milli-bytes) when ready and when not; None when no entry selects it.
    pub fn traffic_usage(&self, p: &PodRecord) -> Option<((i64, i64), (i64, i64))> {
        let (mut ready, mut unready, mut any) = ((0.0, 0.0), (0.0, 0.0), false);
        for ((t, sel), &(rps, endpoints)) in self.traffic.iter().zip(&self.selectors).zip(&self.now) {
            if t.namespace != p.info.namespace || !selects(sel, &p.info.labels) {
                continue;
            }
            any = true;
            let share = if endpoints == 0 { 0.0 } else { rps / endpoints as f64 };
            let (c, m) = t.load.used(1.0, share);
            ready = (ready.0 + c, ready.1 + m);
            let (c, m) = t.load.used(1.0, 0.0);
            unready = (unready.0 + c, unready.1 + m);
        }
        for &(k, share) in self.routed.get(&(p.info.namespace.clone(), p.info.name.clone())).into_iter().flatten() {
            any = true;
            let load = &self.ingresses[k].load;
            let (c, m) = load.used(1.0, share);
            ready = (ready.0 + c, ready.1 + m);
            let (c, m) = load.used(1.0, 0.0);
            unready = (unready.0 + c, unready.1 + m);
        }
        let convert = |(c, m): (f64, f64)| ((c * MILLICORES_PER_CPU_UNIT) as i64, (m * MILLI_BYTES_PER_MIB) as i64);
        any.then(|| (convert(ready), convert(unready)))
    }

    /// Whether the pod's traffic is its own (behind an Ingress), not its ReplicaSet's.
    pub(super) fn routed_alone(&self, p: &PodRecord) -> bool {
        !self.routed.is_empty() && self.routed.contains_key(&(p.info.namespace.clone(), p.info.name.clone()))
    }
}

impl Engine {
    /// Each traffic entry's requests per second now and its ready endpoints (once per sync
    /// instant, for every HPA).
    pub(super) fn refresh_traffic(&mut self) {
        self.refresh_ingress_traffic();
        if self.sources.traffic.is_empty() {
            return;
        }
        let now = self.now;
        let t_ms = (now.max(0) as u64) * 1000;
        let mut out = Vec::with_capacity(self.sources.traffic.len());
        for (t, sel) in self.sources.traffic.iter().zip(&self.sources.selectors) {
            let endpoints = self.live_pods().filter(|p| p.info.namespace == t.namespace && p.ready(now) && selects(sel, &p.info.labels)).count();
            out.push((t.curve.at(t_ms).max(0.0), endpoints));
        }
        self.sources.now = out;
    }

    /// The last `SetPodMetric` value for `metric` matching the pod, at `now`.
    pub(super) fn pod_metric(&self, p: &PodRecord, metric: &str, now: i64) -> Option<i64> {
        let list = &self.sources.metrics.pods;
        let active = list.partition_point(|m| m.at_s <= now);
        list[..active].iter().rev().find(|m| m.metric == metric && m.namespace == p.info.namespace && m.selector.matches(&p.info.labels)).map(|m| m.value)
    }

    /// `GetObjectMetric`: the last `SetObjectMetric` for that object and metric.
    pub(super) fn object_metric(&self, namespace: &str, kind: &str, name: &str, metric: &str, now: i64) -> Option<i64> {
        let list = &self.sources.metrics.objects;
        let active = list.partition_point(|m| m.at_s <= now);
        list[..active].iter().rev().find(|m| m.metric == metric && m.namespace == namespace && m.kind == kind && m.name == name).map(|m| m.value)
    }

    /// `GetExternalMetric`: the sum of the series of `metric` in the namespace whose labels the
    /// selector matches (each series at its last value); None when no series matches.
    pub(super) fn external_metric(&self, namespace: &str, metric: &str, selector: Option<&LabelSelector>, now: i64) -> Option<i64> {
        let list = &self.sources.metrics.external;
        let active = list.partition_point(|m| m.at_s <= now);
        let mut sum: Option<i64> = None;
        for (i, m) in list[..active].iter().enumerate() {
            if m.metric != metric || m.namespace != namespace || !selector.is_none_or(|s| s.matches(&m.labels)) {
                continue;
            }
            // A series counts at its last value: skip it if a later entry sets the same series.
            if list[i + 1..active].iter().any(|n| n.metric == m.metric && n.namespace == m.namespace && n.labels == m.labels) {
                continue;
            }
            sum = Some(sum.unwrap_or(0).saturating_add(m.value));
        }
        sum
    }
}
