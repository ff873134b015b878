//! `networking.k8s.io/v1` Ingress: `spec.{ingressClassName, defaultBackend, rules[].{host,
//! http.paths[].{path, pathType, backend.service.{name, port.{number|name}}}}}`, validated as the
//! API server does (pathType required and one of Exact/Prefix/ImplementationSpecific, a path
//! starting with `/`, a backend port by number or by name), and the AWS Load Balancer
//! Controller's `alb.ingress.kubernetes.io/*` annotations (`lb_annotations`, `group.name`,
//! `group.order`, `listen-ports`).

use super::lb_annotations::{options, Kind, LbOptions};
use super::read::{self, key_path};
use crate::error::Errors;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Backend {
    pub service: String,
    pub port: PortRef,
    /// The backend's path, for errors found against the Services.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IngressPath {
    pub host: Option<String>,
    pub path: String,
    pub path_type: String,
    pub backend: Backend,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ingress {
    pub name: String,
    pub namespace: String,
    /// `ingressClassName: alb` or the legacy `kubernetes.io/ingress.class: alb`: the AWS Load
    /// Balancer Controller's. Other classes belong to other controllers (no load balancer here).
    pub alb: bool,
    pub options: LbOptions,
    /// `group.name` (None: the Ingress is its own group) and `group.order` (default 0).
    pub group: Option<String>,
    pub order: i64,
    /// `listen-ports`, default `[{"HTTP": 80}]`.
    pub listen: Vec<(String, u16)>,
    pub default_backend: Option<Backend>,
    /// Every rule's paths in order (host copied onto each).
    pub paths: Vec<IngressPath>,
    pub path: String,
}

fn backend(b: &Value, bp: &str, e: &mut Errors) -> Option<Backend> {
    let Some((sp, s)) = read::object(b, "service", bp, e) else {
        e.push(key_path(bp, "service"), "is required (resource backends are not modelled)");
        return None;
    };
    let name = read::string(s, "name", &sp, e);
    if name.is_none() && read::field(s, "name").is_none() {
        e.push(key_path(&sp, "name"), "is required");
    }
    let port = match read::object(s, "port", &sp, e) {
        None => {
            e.push(key_path(&sp, "port"), "is required: give port.number or port.name");
            None
        }
        Some((pp, p)) => match (read::field(p, "number"), read::field(p, "name")) {
            (Some(_), Some(_)) => {
                e.push(pp, "may specify port.number or port.name, not both");
                None
            }
            (Some(_), None) => read::int(p, "number", &pp, 1, 65535, e).map(PortRef::Number),
            (None, Some(_)) => read::string(p, "name", &pp, e).map(PortRef::Name),
            (None, None) => {
                e.push(pp, "must specify port.number or port.name");
                None
            }
        },
    };
    Some(Backend { service: name?, port: port?, path: sp })
}

fn listen_ports(a: &BTreeMap<String, String>, mp: &str, e: &mut Errors) -> Vec<(String, u16)> {
    const KEY: &str = "alb.ingress.kubernetes.io/listen-ports";
    let Some(v) = a.get(KEY) else { return vec![("HTTP".into(), 80)] };
    let at = key_path(&key_path(mp, "annotations"), KEY);
    let parsed: Option<Vec<(String, u16)>> = serde_json::from_str::<Value>(v).ok().and_then(|j| {
        j.as_array()?
            .iter()
            .map(|o| {
                let (k, p) = o.as_object()?.iter().next()?;
                let port = u16::try_from(p.as_u64()?).ok().filter(|n| *n > 0)?;
                ["HTTP", "HTTPS"].contains(&k.as_str()).then(|| (k.clone(), port))
            })
            .collect()
    });
    match parsed.filter(|p| !p.is_empty()) {
        Some(p) => p,
        None => {
            e.push(at, format!("{v:?} must be a JSON list like [{{\"HTTP\": 80}}, {{\"HTTPS\": 443}}]"));
            vec![("HTTP".into(), 80)]
        }
    }
}

pub fn ingress(s: &Value, sp: &str, meta: &Value, mp: &str, name: String, namespace: String, e: &mut Errors) -> Ingress {
    let annotations = read::string_map(meta, "annotations", mp, e);
    let class = read::string(s, "ingressClassName", sp, e).or_else(|| annotations.get("kubernetes.io/ingress.class").cloned());
    let alb = class.as_deref() == Some("alb");
    let options = options(&annotations, mp, Kind::Alb, e);
    let group = annotations.get("alb.ingress.kubernetes.io/group.name").cloned();
    let order = match annotations.get("alb.ingress.kubernetes.io/group.order") {
        None => 0,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (-1000..=1000).contains(&n) => n,
            _ => {
                e.push(key_path(&key_path(mp, "annotations"), "alb.ingress.kubernetes.io/group.order"), format!("{v:?} must be a whole number from -1000 to 1000"));
                0
            }
        },
    };
    let listen = listen_ports(&annotations, mp, e);
    let default_backend = read::object(s, "defaultBackend", sp, e).and_then(|(bp, b)| backend(b, &bp, e));
    let mut paths = Vec::new();
    let rule_items = read::list(s, "rules", sp, e);
    let any_rule = !rule_items.is_empty();
    for (rp, r) in rule_items {
        let host = read::string(r, "host", &rp, e);
        if let Some(h) = &host {
            if h.contains(':') || h.is_empty() {
                e.push(key_path(&rp, "host"), format!("{h:?} must be a DNS name, not an IP or with a port"));
            }
        }
        let Some((hp, http)) = read::object(r, "http", &rp, e) else { continue };
        let items = read::list(http, "paths", &hp, e);
        if items.is_empty() {
            e.push(key_path(&hp, "paths"), "is required: a rule needs at least one path");
        }
        for (pp, p) in items {
            let path_type = read::string(p, "pathType", &pp, e);
            match path_type.as_deref() {
                None => e.push(key_path(&pp, "pathType"), "is required"),
                Some("Exact" | "Prefix" | "ImplementationSpecific") => {}
                Some(other) => e.push(key_path(&pp, "pathType"), format!("{other:?} must be Exact, Prefix or ImplementationSpecific")),
            }
            let path = read::string(p, "path", &pp, e).unwrap_or_else(|| "/".into());
            if !path.starts_with('/') {
                e.push(key_path(&pp, "path"), format!("{path:?} must be an absolute path (start with /)"));
            }
            let Some((bp, b)) = read::object(p, "backend", &pp, e) else {
                e.push(key_path(&pp, "backend"), "is required");
                continue;
            };
            if let (Some(backend), Some(pt)) = (backend(b, &bp, e), path_type) {
                paths.push(IngressPath { host: host.clone(), path, path_type: pt, backend });
            }
        }
    }
    if !any_rule && read::field(s, "defaultBackend").is_none() {
        e.push(key_path(sp, "rules"), "an Ingress needs rules or a defaultBackend");
    }
    Ingress { name, namespace, alb, options, group, order, listen, default_backend, paths, path: sp.to_string() }
}
