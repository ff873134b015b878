//! `v1` Service: `spec.{type, selector, ports[], clusterIP}`, validated as the API server does
//! (`ValidateService`): port 1–65535, protocol TCP/UDP/SCTP, nodePort only for NodePort and
//! LoadBalancer and inside the default range 30000–32767, names required when ports are many.

use super::read::{self, key_path};
use crate::eks::objects::{Service, ServicePort};
use crate::error::Errors;
use serde_json::Value;

pub const NODE_PORT_MIN: i64 = 30000;
pub const NODE_PORT_MAX: i64 = 32767;

pub fn service(s: &Value, sp: &str, name: String, namespace: String, e: &mut Errors) -> Service {
    let kind = read::string(s, "type", sp, e).unwrap_or_else(|| "ClusterIP".into());
    match kind.as_str() {
        "ClusterIP" | "NodePort" | "LoadBalancer" => {}
        "ExternalName" => e.push(key_path(sp, "type"), "ExternalName Services are not modelled (they have no endpoints)"),
        other => e.push(key_path(sp, "type"), format!("{other:?} must be ClusterIP, NodePort, LoadBalancer or ExternalName")),
    }
    let selector = read::field(s, "selector").map(|_| read::string_map(s, "selector", sp, e));
    let node_ports_ok = kind != "ClusterIP";
    let items = read::list(s, "ports", sp, e);
    if items.is_empty() {
        e.push(key_path(sp, "ports"), "is required: a Service needs at least one port");
    }
    let many = items.len() > 1;
    let mut ports = Vec::new();
    for (pp, p) in items {
        let port_name = read::string(p, "name", &pp, e).unwrap_or_default();
        if many && port_name.is_empty() {
            e.push(key_path(&pp, "name"), "is required when a Service has more than one port");
        }
        let protocol = read::string(p, "protocol", &pp, e).unwrap_or_else(|| "TCP".into());
        if !matches!(protocol.as_str(), "TCP" | "UDP" | "SCTP") {
            e.push(key_path(&pp, "protocol"), format!("{protocol:?} must be TCP, UDP or SCTP"));
        }
        let Some(port) = read::int(p, "port", &pp, 1, 65535, e) else {
            if read::field(p, "port").is_none() {
                e.push(key_path(&pp, "port"), "is required");
            }
            continue;
        };
        let mut target_port_name = None;
        let target_port = match read::field(p, "targetPort") {
            None => port,
            Some(Value::String(t)) => match t.parse::<i64>() {
                Ok(n) if (1..=65535).contains(&n) => n,
                _ => {
                    // A container port's name (IANA_SVC_NAME, ValidatePortNumOrName).
                    if let Err(why) = super::pod_spec::port_name_ok(t) {
                        e.push(key_path(&pp, "targetPort"), format!("Invalid value: {t:?}: {why}"));
                    }
                    target_port_name = Some(t.clone());
                    0
                }
            },
            Some(_) => read::int(p, "targetPort", &pp, 1, 65535, e).unwrap_or(port),
        };
        let node_port = read::int(p, "nodePort", &pp, 0, 65535, e).filter(|n| *n != 0);
        if let Some(n) = node_port {
            if !node_ports_ok {
                e.push(key_path(&pp, "nodePort"), "may not be used when `type` is 'ClusterIP'");
            } else if !(NODE_PORT_MIN..=NODE_PORT_MAX).contains(&n) {
                e.push(key_path(&pp, "nodePort"), format!("{n}: provided port is not in the valid range. The range of valid ports is {NODE_PORT_MIN}-{NODE_PORT_MAX}"));
            }
        }
        ports.push(ServicePort { name: port_name, protocol, port, target_port, target_port_name, node_port });
    }
    let cluster_ip = read::string(s, "clusterIP", sp, e).filter(|c| !c.is_empty());
    // `externalTrafficPolicy` (ValidateService): Cluster | Local, only for externally reachable
    // types; the API defaults it to Cluster there.
    let policy = read::string(s, "externalTrafficPolicy", sp, e);
    let external_traffic_policy = match (policy, node_ports_ok) {
        (Some(p), _) if !matches!(p.as_str(), "Cluster" | "Local") => {
            e.push(key_path(sp, "externalTrafficPolicy"), format!("Unsupported value: {p:?}: supported values: \"Cluster\", \"Local\""));
            String::new()
        }
        (Some(p), false) => {
            e.push(key_path(sp, "externalTrafficPolicy"), format!("Invalid value: {p:?}: may only be set for externally-accessible services"));
            String::new()
        }
        (Some(p), true) => p,
        (None, true) => "Cluster".into(),
        (None, false) => String::new(),
    };
    Service { name, namespace, kind, selector, ports, cluster_ip, path: sp.to_string(), external_traffic_policy }
}
