//! The Scenario's `spec.traffic`: requests per second reaching a Service, and what a request
//! costs the pods behind it — ECS's `traffic` request-cost model (docs/scenario-format.md
//! `traffic`), with ECS's own key names and defaults, so the same load can drive ECS target
//! tracking and the HPA:
//! `{"services": [{"service": "web", "namespace": "default", "requestsPerSecond": {"type":
//! "constant", "value": 400}, "cpuUnitsPerRequest": 2, "memoryMiBPerRequest": 0.2,
//! "baseCpuUnits": 10, "baseMemoryMiB": 64}]}`.

use super::read::{self, key_path};
use crate::error::Errors;
use crate::model::scaling::{Curve, ServiceLoad};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceTraffic {
    pub namespace: String,
    pub service: String,
    /// Requests per second over sim time (milliseconds, as ECS's curves).
    pub curve: Curve,
    /// ECS's per-task costs; here per pod (1024 CPU units = 1 vCPU = 1000m).
    pub load: ServiceLoad,
    /// `$[i].spec.traffic.services[k]`, for the cross-document check (the Service exists).
    pub path: String,
}

const KEYS: &[&str] = &["service", "namespace", "requestsPerSecond", "cpuUnitsPerRequest", "memoryMiBPerRequest", "baseCpuUnits", "baseMemoryMiB"];

/// A number ≥ 0 at `key` (absent: 0, ECS's default).
fn cost(v: &Value, key: &str, p: &str, e: &mut Errors) -> f64 {
    match read::field(v, key) {
        None => 0.0,
        Some(x) => match x.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 => n,
            _ => {
                e.push(key_path(p, key), "must be a number ≥ 0");
                0.0
            }
        },
    }
}

pub fn traffic(s: &Value, sp: &str, e: &mut Errors) -> Vec<ServiceTraffic> {
    let mut out = Vec::new();
    let Some((tp, t)) = read::object(s, "traffic", sp, e) else { return out };
    for k in t.as_object().into_iter().flat_map(|o| o.keys()) {
        if k != "services" {
            e.push(key_path(&tp, k), "is not a key here; EKS traffic is per Service: `services`");
        }
    }
    for (p, item) in read::list(t, "services", &tp, e) {
        for k in item.as_object().into_iter().flat_map(|o| o.keys()) {
            if !KEYS.contains(&k.as_str()) {
                e.push(key_path(&p, k), format!("is not a key here; keys are {}", KEYS.join(", ")));
            }
        }
        let service = read::string(item, "service", &p, e);
        if read::field(item, "service").is_none() {
            e.push(key_path(&p, "service"), "is required: the name of a Service of the file");
        }
        let namespace = read::string(item, "namespace", &p, e).unwrap_or_else(|| "default".into());
        let rp = key_path(&p, "requestsPerSecond");
        let curve = match read::field(item, "requestsPerSecond") {
            None => {
                e.push(rp.clone(), "is required: a curve such as {type: constant, value: 100}");
                None
            }
            Some(c) => match serde_json::from_value::<crate::scenario::scaling_types::CurveInput>(c.clone()) {
                Ok(input) => crate::scenario::scaling::curve(&rp, &input, e),
                Err(err) => {
                    e.push(rp.clone(), format!("is not a curve ({err}); types are constant, steps, ramp, sine, spike, points"));
                    None
                }
            },
        };
        let load = ServiceLoad {
            cpu_units_per_request: cost(item, "cpuUnitsPerRequest", &p, e),
            memory_mib_per_request: cost(item, "memoryMiBPerRequest", &p, e),
            base_cpu_units: cost(item, "baseCpuUnits", &p, e),
            base_memory_mib: cost(item, "baseMemoryMiB", &p, e),
        };
        if let (Some(service), Some(curve)) = (service, curve) {
            if out.iter().any(|x: &ServiceTraffic| x.service == service && x.namespace == namespace) {
                e.push(key_path(&p, "service"), format!("Service {namespace}/{service} already has traffic"));
                continue;
            }
            out.push(ServiceTraffic { namespace, service, curve, load, path: p });
        }
    }
    out
}
