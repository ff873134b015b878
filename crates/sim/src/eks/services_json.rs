//! Services, Endpoints and EndpointSlices as the API server returns them. Endpoints follow the
//! pods the selector matches in the Service's namespace: Ready ones under `addresses`, bound but
//! not Ready ones under `notReadyAddresses`; a terminating pod leaves `addresses` (its
//! EndpointSlice entry stays with `ready: false, terminating: true`).

use super::objects::Service;
use super::services::Allocated;
use serde_json::{json, Value};

/// One pod as the endpoints controller sees it.
pub struct EndpointPod<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    pub labels: &'a super::selector::Labels,
    pub ip: String,
    pub node: String,
    pub zone: String,
    pub ready: bool,
    pub terminating: bool,
    /// The pod's container ports (a named `targetPort` resolves against them).
    pub ports: &'a [super::objects::ContainerPort],
}

/// The Service's ports this pod serves, as (port index, container port number): a named
/// `targetPort` the pod lacks leaves the pod out of that port (`FindPort`).
fn served(s: &Service, p: &EndpointPod) -> Vec<(usize, i64)> {
    s.ports.iter().enumerate().filter_map(|(i, sp)| Some((i, sp.resolve(p.ports)?))).collect()
}

/// Pods grouped by the ports they serve, in first-seen order (the endpoints controllers write
/// one Endpoints subset / one EndpointSlice per distinct port set). Pods serving none are left out.
fn by_ports<'a, 'b>(s: &Service, pods: &[&'b EndpointPod<'a>]) -> Vec<(Vec<(usize, i64)>, Vec<&'b EndpointPod<'a>>)> {
    let mut groups: Vec<(Vec<(usize, i64)>, Vec<&EndpointPod>)> = Vec::new();
    for p in pods {
        let key = served(s, p);
        if key.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1.push(p),
            None => groups.push((key, vec![p])),
        }
    }
    groups
}

fn port_json(s: &Service, i: usize, number: i64, always_name: bool) -> Value {
    let p = &s.ports[i];
    let mut o = json!({"port": number, "protocol": p.protocol});
    if always_name || !p.name.is_empty() {
        o["name"] = json!(p.name);
    }
    o
}

fn ports_json(s: &Service, a: &Allocated) -> Vec<Value> {
    s.ports
        .iter()
        .zip(&a.node_ports)
        .map(|(p, np)| {
            let target = p.target_port_name.as_ref().map_or(json!(p.target_port), |n| json!(n));
            let mut o = json!({"protocol": p.protocol, "port": p.port, "targetPort": target});
            if !p.name.is_empty() {
                o["name"] = json!(p.name);
            }
            if let Some(n) = np {
                o["nodePort"] = json!(n);
            }
            o
        })
        .collect()
}

pub fn service_json(s: &Service, a: &Allocated, created: &str) -> Value {
    let mut spec = json!({"type": s.kind, "clusterIP": a.cluster_ip, "clusterIPs": [a.cluster_ip], "ports": ports_json(s, a),
        "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster"});
    if let Some(sel) = &s.selector {
        spec["selector"] = json!(sel);
    }
    if !s.external_traffic_policy.is_empty() {
        spec["externalTrafficPolicy"] = json!(s.external_traffic_policy);
    }
    let status = if s.kind == "LoadBalancer" { json!({"loadBalancer": {}}) } else { json!({"loadBalancer": {}}) };
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": s.name, "namespace": s.namespace, "creationTimestamp": created}, "spec": spec, "status": status})
}

fn selected<'a>(s: &Service, pods: &'a [EndpointPod<'a>]) -> Vec<&'a EndpointPod<'a>> {
    match &s.selector {
        None => Vec::new(),
        Some(sel) => pods.iter().filter(|p| p.namespace == s.namespace && sel.iter().all(|(k, v)| p.labels.get(k) == Some(v))).collect(),
    }
}

/// `v1` Endpoints (the `kubernetes` Service points at the control plane, which the sim does not
/// draw, so it lists none): one subset per distinct set of resolved ports.
pub fn endpoints_json(s: &Service, pods: &[EndpointPod], created: &str) -> Value {
    let picked: Vec<&EndpointPod> = selected(s, pods).into_iter().filter(|p| !p.terminating).collect();
    let addr = |p: &EndpointPod| json!({"ip": p.ip, "nodeName": p.node, "targetRef": {"kind": "Pod", "name": p.name, "namespace": p.namespace}});
    let subsets: Vec<Value> = by_ports(s, &picked)
        .into_iter()
        .map(|(ports, group)| {
            let mut subset = json!({"ports": ports.iter().map(|(i, n)| port_json(s, *i, *n, false)).collect::<Vec<_>>()});
            let ready: Vec<Value> = group.iter().filter(|p| p.ready).map(|p| addr(p)).collect();
            let not_ready: Vec<Value> = group.iter().filter(|p| !p.ready).map(|p| addr(p)).collect();
            if !ready.is_empty() {
                subset["addresses"] = json!(ready);
            }
            if !not_ready.is_empty() {
                subset["notReadyAddresses"] = json!(not_ready);
            }
            subset
        })
        .collect();
    json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": s.name, "namespace": s.namespace, "creationTimestamp": created}, "subsets": subsets})
}

/// `discovery.k8s.io/v1` EndpointSlices: one per distinct set of resolved ports (the sim never
/// splits at 100 endpoints per slice); with no pod, one empty slice.
pub fn endpoint_slices_json(s: &Service, pods: &[EndpointPod], created: &str) -> Vec<Value> {
    let picked = selected(s, pods);
    let mut groups = by_ports(s, &picked);
    if groups.is_empty() {
        let numeric: Vec<(usize, i64)> = s.ports.iter().enumerate().filter(|(_, p)| p.target_port_name.is_none()).map(|(i, p)| (i, p.target_port)).collect();
        groups.push((numeric, Vec::new()));
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(k, (ports, group))| {
            let eps: Vec<Value> = group
                .iter()
                .map(|p| json!({"addresses": [p.ip], "conditions": {"ready": p.ready && !p.terminating, "serving": p.ready, "terminating": p.terminating},
                    "nodeName": p.node, "zone": p.zone, "targetRef": {"kind": "Pod", "name": p.name, "namespace": p.namespace}}))
                .collect();
            let ports: Vec<Value> = ports.iter().map(|(i, n)| port_json(s, *i, *n, true)).collect();
            json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
                "metadata": {"name": format!("{}-sim{k:02}", s.name), "namespace": s.namespace, "creationTimestamp": created,
                    "labels": {"kubernetes.io/service-name": s.name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
                "endpoints": eps, "ports": ports})
        })
        .collect()
}
