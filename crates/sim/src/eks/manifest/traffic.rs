//! The Scenario's `spec.traffic`: requests per second reaching a Service, and what a request
//! costs the pods behind it — ECS's `traffic` request-cost model (docs/scenario-format.md
//! `traffic`), with ECS's own key names and defaults, so the same load can drive ECS target
//! tracking and the HPA:
//! `{"services": [{"service": "web", "namespace": "default", "requestsPerSecond": {"type":
//! "constant", "value": 400}, "cpuUnitsPerRequest": 2, "memoryMiBPerRequest": 0.2,
//! "baseCpuUnits": 10, "baseMemoryMiB": 64}]}`. `ingresses[]` gives the same load at an
//! Ingress's ALB instead (`ingress`, optional `host` and `path` of the requests), which the
//! ALB's rules route to the backend Services (`engine/ingress_traffic.rs`).

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

/// Requests arriving at an Ingress's ALB, with the same costs per request.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressTraffic {
    pub namespace: String,
    pub ingress: String,
    /// The requests' Host header and path; without a path they are spread evenly over the
    /// ALB's rules (our choice: the file says nothing about which paths its clients ask for).
    pub host: Option<String>,
    pub path_of_requests: Option<String>,
    pub curve: Curve,
    pub load: ServiceLoad,
    /// `$[i].spec.traffic.ingresses[k]`, for the cross-document check (the Ingress exists).
    pub path: String,
}

const KEYS: &[&str] = &["service", "namespace", "requestsPerSecond", "cpuUnitsPerRequest", "memoryMiBPerRequest", "baseCpuUnits", "baseMemoryMiB"];
const INGRESS_KEYS: &[&str] = &["ingress", "namespace", "host", "path", "requestsPerSecond", "cpuUnitsPerRequest", "memoryMiBPerRequest", "baseCpuUnits", "baseMemoryMiB"];

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

/// The keys, the target's name (`service` / `ingress`, required), the namespace, the curve and
/// the costs of one entry.
fn entry(item: &Value, p: &str, name_key: &str, keys: &[&str], e: &mut Errors) -> Option<(String, String, Curve, ServiceLoad)> {
    for k in item.as_object().into_iter().flat_map(|o| o.keys()) {
        if !keys.contains(&k.as_str()) {
            e.push(key_path(p, k), format!("is not a key here; keys are {}", keys.join(", ")));
        }
    }
    let name = read::string(item, name_key, p, e);
    if read::field(item, name_key).is_none() {
        let what = if name_key == "service" { "a Service" } else { "an Ingress" };
        e.push(key_path(p, name_key), format!("is required: the name of {what} of the file"));
    }
    let namespace = read::string(item, "namespace", p, e).unwrap_or_else(|| "default".into());
    let rp = key_path(p, "requestsPerSecond");
    let curve = match read::field(item, "requestsPerSecond") {
        None => {
            e.push(rp.clone(), "is required: a curve such as {type: constant, value: 100}");
            None
        }
        Some(c) => match crate::json::read::<crate::scenario::scaling_types::CurveInput>(c) {
            Ok(input) => crate::scenario::scaling::curve(&rp, &input, e),
            Err(err) => {
                e.push(rp.clone(), format!("is not a curve ({err}); types are constant, steps, ramp, sine, spike, points"));
                None
            }
        },
    };
    let load = ServiceLoad {
        cpu_units_per_request: cost(item, "cpuUnitsPerRequest", p, e),
        memory_mib_per_request: cost(item, "memoryMiBPerRequest", p, e),
        base_cpu_units: cost(item, "baseCpuUnits", p, e),
        base_memory_mib: cost(item, "baseMemoryMiB", p, e),
    };
    Some((name?, namespace, curve?, load))
}

pub fn traffic(s: &Value, sp: &str, e: &mut Errors) -> (Vec<ServiceTraffic>, Vec<IngressTraffic>) {
    let (mut out, mut ingresses) = (Vec::new(), Vec::new());
    let Some((tp, t)) = read::object(s, "traffic", sp, e) else { return (out, ingresses) };
    for k in t.as_object().into_iter().flat_map(|o| o.keys()) {
        if k != "services" && k != "ingresses" {
            e.push(key_path(&tp, k), "is not a key here; EKS traffic is per Service or per Ingress: `services`, `ingresses`");
        }
    }
    for (p, item) in read::list(t, "services", &tp, e) {
        let Some((service, namespace, curve, load)) = entry(item, &p, "service", KEYS, e) else { continue };
        if out.iter().any(|x: &ServiceTraffic| x.service == service && x.namespace == namespace) {
            e.push(key_path(&p, "service"), format!("Service {namespace}/{service} already has traffic"));
            continue;
        }
        out.push(ServiceTraffic { namespace, service, curve, load, path: p });
    }
    for (p, item) in read::list(t, "ingresses", &tp, e) {
        let host = read::string(item, "host", &p, e);
        let path_of_requests = read::string(item, "path", &p, e);
        if path_of_requests.as_ref().is_some_and(|x| !x.starts_with('/')) {
            e.push(key_path(&p, "path"), "must start with `/` (the path the requests ask for)");
        }
        let Some((ingress, namespace, curve, load)) = entry(item, &p, "ingress", INGRESS_KEYS, e) else { continue };
        if ingresses.iter().any(|x: &IngressTraffic| x.ingress == ingress && x.namespace == namespace && x.host == host && x.path_of_requests == path_of_requests) {
            e.push(key_path(&p, "ingress"), format!("Ingress {namespace}/{ingress} already has traffic for that host and path"));
            continue;
        }
        ingresses.push(IngressTraffic { namespace, ingress, host, path_of_requests, curve, load, path: p });
    }
    (out, ingresses)
}
