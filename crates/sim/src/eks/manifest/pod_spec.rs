//! `PodSpec` (a Pod's `spec`, a Deployment's `spec.template.spec`): the scheduling fields.

use super::read::{self, key_path};
use crate::eks::objects::*;
use crate::eks::selector;
use crate::error::Errors;
use serde_json::Value;

pub fn pod_spec(v: &Value, path: &str, e: &mut Errors) -> PodSpec {
    let main = containers(v, "containers", path, e);
    if main.is_empty() && read::field(v, "containers").is_none() {
        e.push(key_path(path, "containers"), "is required: a pod needs at least one container");
    }
    let mut host_ports = Vec::new();
    let mut container_ports = Vec::new();
    for (p, c) in read::list(v, "containers", path, e) {
        for (pp, port) in read::list(c, "ports", &p, e) {
            let name = read::string(port, "name", &pp, e).unwrap_or_default();
            if !name.is_empty() {
                if let Err(why) = port_name_ok(&name) {
                    e.push(key_path(&pp, "name"), format!("Invalid value: {name:?}: {why}"));
                }
            }
            match read::int(port, "containerPort", &pp, 1, 65535, e) {
                Some(n) => container_ports.push(ContainerPort { name, container_port: n, protocol: read::string(port, "protocol", &pp, &mut Errors::default()).unwrap_or_else(|| "TCP".into()) }),
                None if read::field(port, "containerPort").is_none() => e.push(key_path(&pp, "containerPort"), "is required"),
                None => {}
            }
            if let Some(hp) = read::int(port, "hostPort", &pp, 0, 65535, e).filter(|h| *h > 0) {
                let protocol = read::string(port, "protocol", &pp, e).unwrap_or_else(|| "TCP".into());
                if !matches!(protocol.as_str(), "TCP" | "UDP" | "SCTP") {
                    e.push(key_path(&pp, "protocol"), format!("\"{protocol}\" must be TCP, UDP or SCTP"));
                }
                let ip = read::string(port, "hostIP", &pp, e).unwrap_or_default();
                host_ports.push(HostPort { protocol, ip, port: hp });
            }
        }
    }
    let mut overhead = Resources::default();
    if let Some((p, o)) = read::object(v, "overhead", path, e) {
        resources_into(o, &p, &mut overhead, e);
    }
    PodSpec {
        init_containers: containers(v, "initContainers", path, e),
        containers: main,
        node_name: read::string(v, "nodeName", path, e),
        node_selector: read::string_map(v, "nodeSelector", path, e),
        affinity: affinity(v, path, e),
        tolerations: tolerations(v, path, e),
        topology_spread: spread(v, path, e),
        host_ports,
        priority: read::int(v, "priority", path, i32::MIN as i64, 1_000_000_000, e).unwrap_or(0),
        scheduler_name: read::string(v, "schedulerName", path, e).unwrap_or_else(|| "default-scheduler".into()),
        overhead,
        readiness: readiness(v, path, e),
        termination_grace_s: read::int(v, "terminationGracePeriodSeconds", path, 0, i32::MAX as i64, e),
        service_account: read::string(v, "serviceAccountName", path, e).unwrap_or_default(),
        host_network: read::boolean(v, "hostNetwork", path, e).unwrap_or(false),
        privileged: privileged(v, path, e),
        container_ports,
        node_scaler: Default::default(),
    }
}

/// `containers[]` / `initContainers[]` `securityContext.privileged: true`, by container name
/// (only Fargate reads it: privileged containers are not supported there, §6.3).
fn privileged(v: &Value, path: &str, e: &mut Errors) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["initContainers", "containers"] {
        for (p, c) in read::list(v, key, path, e) {
            let Some((sp, sc)) = read::object(c, "securityContext", &p, e) else { continue };
            if read::boolean(sc, "privileged", &sp, e) == Some(true) {
                out.push(read::string(c, "name", &p, &mut Errors::default()).unwrap_or_default());
            }
        }
    }
    out
}

/// The first container that has a `readinessProbe` gives the pod's (a pod is Ready when every
/// container is; with equal timing the first probe decides).
fn readiness(v: &Value, path: &str, e: &mut Errors) -> Option<Probe> {
    let mut out = None;
    for (p, c) in read::list(v, "containers", path, e) {
        let Some((pp, probe)) = read::object(c, "readinessProbe", &p, e) else { continue };
        let initial_delay_s = read::int(probe, "initialDelaySeconds", &pp, 0, i32::MAX as i64, e).unwrap_or(0);
        let period_s = read::int(probe, "periodSeconds", &pp, 1, i32::MAX as i64, e).unwrap_or(10);
        let success_threshold = read::int(probe, "successThreshold", &pp, 1, i32::MAX as i64, e).unwrap_or(1);
        read::int(probe, "failureThreshold", &pp, 1, i32::MAX as i64, e);
        read::int(probe, "timeoutSeconds", &pp, 1, i32::MAX as i64, e);
        out = out.or(Some(Probe { initial_delay_s, period_s, success_threshold }));
    }
    out
}

fn containers(v: &Value, key: &str, path: &str, e: &mut Errors) -> Vec<Container> {
    let mut out = Vec::new();
    for (p, c) in read::list(v, key, path, e) {
        let name = read::string(c, "name", &p, e).unwrap_or_default();
        let image = read::string(c, "image", &p, e).unwrap_or_default();
        let mut requests = Resources::default();
        let mut limits = Resources::default();
        let (mut has_cpu, mut has_memory) = (false, false);
        if let Some((rp, r)) = read::object(c, "resources", &p, e) {
            if let Some((lp, l)) = read::object(r, "limits", &rp, e) {
                resources_into(l, &lp, &mut limits, e);
            }
            if let Some((qp, q)) = read::object(r, "requests", &rp, e) {
                let (c, m) = resources_into(q, &qp, &mut requests, e);
                has_cpu = c;
                has_memory = m;
            }
            // API defaulting: a limit with no request sets the request to the limit.
            if let Some(l) = r.get("limits").and_then(Value::as_object) {
                if !has_cpu && l.contains_key("cpu") {
                    requests.cpu = limits.cpu;
                    has_cpu = true;
                }
                if !has_memory && l.contains_key("memory") {
                    requests.memory = limits.memory;
                    has_memory = true;
                }
                for (name, amount) in &limits.extended {
                    if !requests.extended.iter().any(|(n, _)| n == name) {
                        requests.extended.push((name.clone(), *amount));
                    }
                }
            }
        }
        out.push(Container { name, image, requests, has_cpu, has_memory });
    }
    out
}

/// Reads `{cpu, memory, ephemeral-storage, <extended>}` into `into`; says whether cpu and
/// memory were present.
fn resources_into(v: &Value, path: &str, into: &mut Resources, e: &mut Errors) -> (bool, bool) {
    let (mut has_cpu, mut has_memory) = (false, false);
    for (name, x) in v.as_object().into_iter().flatten() {
        let p = key_path(path, name);
        let Some(q) = read::quantity(x, &p, e) else { continue };
        match name.as_str() {
            "cpu" => {
                into.cpu = q.millis();
                has_cpu = true;
            }
            "memory" => {
                into.memory = q.value();
                has_memory = true;
            }
            "ephemeral-storage" => into.ephemeral = q.value(),
            "pods" => e.push(p, "pods is not a resource a container can request"),
            other if other.contains('/') => into.extended.push((other.to_string(), q.value())),
            other => e.push(p, format!("\"{other}\" is not a resource: use cpu, memory, ephemeral-storage or a domain-prefixed extended resource such as nvidia.com/gpu")),
        }
    }
    (has_cpu, has_memory)
}

fn effect(x: &Value, p: &str, required: bool, e: &mut Errors) -> Option<Effect> {
    match read::string(x, "effect", p, e).as_deref() {
        Some("NoSchedule") => Some(Effect::NoSchedule),
        Some("PreferNoSchedule") => Some(Effect::PreferNoSchedule),
        Some("NoExecute") => Some(Effect::NoExecute),
        Some("") | None if !required => None,
        Some(other) => {
            e.push(key_path(p, "effect"), format!("\"{other}\" must be NoSchedule, PreferNoSchedule or NoExecute"));
            None
        }
        None => {
            e.push(key_path(p, "effect"), "is required: NoSchedule, PreferNoSchedule or NoExecute");
            None
        }
    }
}

fn tolerations(v: &Value, path: &str, e: &mut Errors) -> Vec<Toleration> {
    let mut out = Vec::new();
    for (p, t) in read::list(v, "tolerations", path, e) {
        let key = read::string(t, "key", &p, e).unwrap_or_default();
        let value = read::string(t, "value", &p, e).unwrap_or_default();
        let exists = match read::string(t, "operator", &p, e).as_deref() {
            None | Some("Equal") => false,
            Some("Exists") => true,
            Some(other) => {
                e.push(key_path(&p, "operator"), format!("\"{other}\" must be Equal or Exists"));
                false
            }
        };
        if exists && !value.is_empty() {
            e.push(key_path(&p, "value"), "must be empty when operator is Exists");
        }
        if key.is_empty() && !exists {
            e.push(key_path(&p, "operator"), "must be Exists when key is empty");
        }
        let effect = effect(t, &p, false, e);
        read::int(t, "tolerationSeconds", &p, i64::MIN, i64::MAX, e);
        out.push(Toleration { key, exists, value, effect });
    }
    out
}

/// eksctl / Node taints: `{key, value, effect}`.
pub fn taints(v: &Value, key: &str, path: &str, e: &mut Errors) -> Vec<Taint> {
    let mut out = Vec::new();
    for (p, t) in read::list(v, key, path, e) {
        let k = read::string(t, "key", &p, e);
        if k.is_none() {
            e.push(key_path(&p, "key"), "is required");
        }
        let value = read::string(t, "value", &p, e).unwrap_or_default();
        if let (Some(key), Some(effect)) = (k, effect(t, &p, true, e)) {
            out.push(Taint { key, value, effect });
        }
    }
    out
}

fn node_term(x: &Value, p: &str, e: &mut Errors) -> NodeSelectorTerm {
    NodeSelectorTerm { match_expressions: selector::requirements(x, "matchExpressions", p, true, e) }
}

fn pod_term(x: &Value, p: &str, e: &mut Errors) -> Option<PodAffinityTerm> {
    let topology_key = read::string(x, "topologyKey", p, e).unwrap_or_default();
    if topology_key.is_empty() {
        e.push(key_path(p, "topologyKey"), "is required and must not be empty");
    }
    Some(PodAffinityTerm {
        label_selector: selector::label_selector(x, "labelSelector", p, e),
        topology_key,
        namespaces: read::strings(x, "namespaces", p, e),
        namespace_selector: selector::label_selector(x, "namespaceSelector", p, e),
    })
}

fn weighted<T>(v: &Value, path: &str, inner: &str, e: &mut Errors, f: impl Fn(&Value, &str, &mut Errors) -> Option<T>) -> Vec<(i64, T)> {
    let mut out = Vec::new();
    for (p, x) in read::list(v, "preferredDuringSchedulingIgnoredDuringExecution", path, e) {
        let w = read::int(x, "weight", &p, 1, 100, e);
        if read::field(x, "weight").is_none() {
            e.push(key_path(&p, "weight"), "is required (1-100)");
        }
        let term = read::object(x, inner, &p, e).and_then(|(ip, t)| f(t, &ip, e));
        if let (Some(w), Some(t)) = (w, term) {
            out.push((w, t));
        }
    }
    out
}

fn affinity(v: &Value, path: &str, e: &mut Errors) -> Affinity {
    let mut a = Affinity::default();
    let Some((ap, av)) = read::object(v, "affinity", path, e) else { return a };
    if let Some((np, nv)) = read::object(av, "nodeAffinity", &ap, e) {
        if let Some((rp, rv)) = read::object(nv, "requiredDuringSchedulingIgnoredDuringExecution", &np, e) {
            let terms: Vec<_> = read::list(rv, "nodeSelectorTerms", &rp, e).into_iter().map(|(p, t)| node_term(t, &p, e)).collect();
            a.node_required = Some(terms);
        }
        a.node_preferred = weighted(nv, &np, "preference", e, |t, p, e| Some(node_term(t, p, e)));
    }
    for (key, anti) in [("podAffinity", false), ("podAntiAffinity", true)] {
        let Some((pp, pv)) = read::object(av, key, &ap, e) else { continue };
        let req: Vec<_> = read::list(pv, "requiredDuringSchedulingIgnoredDuringExecution", &pp, e)
            .into_iter()
            .filter_map(|(p, t)| pod_term(t, &p, e))
            .collect();
        let pref = weighted(pv, &pp, "podAffinityTerm", e, pod_term);
        if anti {
            (a.anti_required, a.anti_preferred) = (req, pref);
        } else {
            (a.pod_required, a.pod_preferred) = (req, pref);
        }
    }
    a
}

fn spread(v: &Value, path: &str, e: &mut Errors) -> Vec<SpreadConstraint> {
    let mut out = Vec::new();
    for (p, c) in read::list(v, "topologySpreadConstraints", path, e) {
        let max_skew = read::int(c, "maxSkew", &p, 1, i32::MAX as i64, e);
        if read::field(c, "maxSkew").is_none() {
            e.push(key_path(&p, "maxSkew"), "is required (at least 1)");
        }
        let topology_key = read::string(c, "topologyKey", &p, e).unwrap_or_default();
        if topology_key.is_empty() {
            e.push(key_path(&p, "topologyKey"), "is required and must not be empty");
        }
        let do_not_schedule = match read::string(c, "whenUnsatisfiable", &p, e).as_deref() {
            Some("DoNotSchedule") => true,
            Some("ScheduleAnyway") => false,
            Some(other) => {
                e.push(key_path(&p, "whenUnsatisfiable"), format!("\"{other}\" must be DoNotSchedule or ScheduleAnyway"));
                false
            }
            None => {
                e.push(key_path(&p, "whenUnsatisfiable"), "is required: DoNotSchedule or ScheduleAnyway");
                false
            }
        };
        let policy = |key: &str, default: bool, e: &mut Errors| match read::string(c, key, &p, e).as_deref() {
            None => default,
            Some("Honor") => true,
            Some("Ignore") => false,
            Some(other) => {
                e.push(key_path(&p, key), format!("\"{other}\" must be Honor or Ignore"));
                default
            }
        };
        let honor_node_affinity = policy("nodeAffinityPolicy", true, e);
        let honor_taints = policy("nodeTaintsPolicy", false, e);
        let min_domains = read::int(c, "minDomains", &p, 1, i32::MAX as i64, e).unwrap_or(1);
        out.push(SpreadConstraint {
            max_skew: max_skew.unwrap_or(1),
            topology_key,
            do_not_schedule,
            label_selector: selector::label_selector(c, "labelSelector", &p, e),
            min_domains,
            match_label_keys: read::strings(c, "matchLabelKeys", &p, e),
            honor_node_affinity,
            honor_taints,
        });
    }
    out
}

/// A port name is an IANA_SVC_NAME (apimachinery validation `IsValidPortName`): at most 15
/// characters of a-z, 0-9 and '-', at least one letter, no leading, trailing or doubled '-'.
pub fn port_name_ok(name: &str) -> Result<(), &'static str> {
    if name.len() > 15 {
        return Err("must be no more than 15 characters");
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if name.contains("--") {
        return Err("must not contain consecutive hyphens");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return Err("must contain at least one letter (a-z)");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("must not begin or end with a hyphen");
    }
    Ok(())
}
