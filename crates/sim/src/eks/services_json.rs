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
}

fn ports_json(s: &Service, a: &Allocated) -> Vec<Value> {
    s.ports
        .iter()
        .zip(&a.node_ports)
        .map(|(p, np)| {
            let mut o = json!({"protocol": p.protocol, "port": p.port, "targetPort": p.target_port});
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
    if s.kind != "ClusterIP" {
        spec["externalTrafficPolicy"] = json!("Cluster");
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
/// draw, so it lists none).
pub fn endpoints_json(s: &Service, pods: &[EndpointPod], created: &str) -> Value {
    let picked = selected(s, pods);
    let addr = |p: &EndpointPod| json!({"ip": p.ip, "nodeName": p.node, "targetRef": {"kind": "Pod", "name": p.name, "namespace": p.namespace}});
    let ready: Vec<Value> = picked.iter().filter(|p| p.ready && !p.terminating).map(|p| addr(p)).collect();
    let not_ready: Vec<Value> = picked.iter().filter(|p| !p.ready && !p.terminating).map(|p| addr(p)).collect();
    let ports: Vec<Value> = s.ports.iter().map(|p| {
        let mut o = json!({"port": p.target_port, "protocol": p.protocol});
        if !p.name.is_empty() {
            o["name"] = json!(p.name);
        }
        o
    }).collect();
    let mut subset = json!({"ports": ports});
    if !ready.is_empty() {
        subset["addresses"] = json!(ready);
    }
    if !not_ready.is_empty() {
        subset["notReadyAddresses"] = json!(not_ready);
    }
    let subsets = if ready.is_empty() && not_ready.is_empty() { json!([]) } else { json!([subset]) };
    json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": s.name, "namespace": s.namespace, "creationTimestamp": created}, "subsets": subsets})
}

/// `discovery.k8s.io/v1` EndpointSlice (one per Service: the sim never exceeds 100 endpoints
/// per slice in a lesson; larger Services are still listed in one).
pub fn endpoint_slice_json(s: &Service, pods: &[EndpointPod], created: &str) -> Value {
    let eps: Vec<Value> = selected(s, pods)
        .iter()
        .map(|p| json!({"addresses": [p.ip], "conditions": {"ready": p.ready && !p.terminating, "serving": p.ready, "terminating": p.terminating},
            "nodeName": p.node, "zone": p.zone, "targetRef": {"kind": "Pod", "name": p.name, "namespace": p.namespace}}))
        .collect();
    let ports: Vec<Value> = s.ports.iter().map(|p| json!({"name": p.name, "port": p.target_port, "protocol": p.protocol})).collect();
    json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
        "metadata": {"name": format!("{}-{}", s.name, "sim00"), "namespace": s.namespace, "creationTimestamp": created,
            "labels": {"kubernetes.io/service-name": s.name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
        "endpoints": eps, "ports": ports})
}
