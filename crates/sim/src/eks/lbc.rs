//! The AWS Load Balancer Controller's model (eks-semantics §7.2): which load balancers,
//! listeners, rules and target groups the cluster's Ingresses (class `alb`) and Services (type
//! LoadBalancer, `aws-load-balancer-type: external` or `loadBalancerClass:
//! service.k8s.aws/nlb`) ask for. Target groups are the same `model::TargetGroup` ECS loads, so
//! health checks, draining and slow start follow the same rules (`substrate::elb`).
//!
//! Names (LBC's pattern, hash part chosen here): `k8s-<namespace>-<name>-<10 hex>` for a load
//! balancer (`k8s-<group>-<10 hex>` for an IngressGroup), `k8s-<ns>-<service>-<10 hex>` for a
//! target group, each name part cut to 8 characters; DNS names as ELB gives them:
//! `[internal-]<name>-<10 digits>.<region>.elb.amazonaws.com` (ALB),
//! `<name>-<16 hex>.elb.<region>.amazonaws.com` (NLB).

use crate::sort::SortSmall;
use super::manifest::ingress::{Backend, PortRef};
use super::manifest::lb_annotations::{options, Kind, LbOptions};
use super::manifest::read;
use super::manifest::Manifest;
use super::objects::Service;
use super::services::Allocated;
use crate::error::Errors;
use crate::model::TargetGroup;
use crate::scenario::hex_id;
use crate::scenario::target_groups::HealthCheck;
use serde_json::Value;

const ACCOUNT: &str = "123456789012";

/// A Service's NLB options when the controller manages it (see the module comment).
pub fn service_lb(s: &Value, sp: &str, meta: &Value, mp: &str, e: &mut Errors) -> Option<LbOptions> {
    let mut e2 = Errors::default();
    let kind = read::string(s, "type", sp, &mut e2);
    let class = read::string(s, "loadBalancerClass", sp, e);
    let annotations = read::string_map(meta, "annotations", mp, &mut e2);
    let external = annotations.get("service.beta.kubernetes.io/aws-load-balancer-type").is_some_and(|t| t == "external");
    if class.is_some() && kind.as_deref() != Some("LoadBalancer") {
        e.push(read::key_path(sp, "loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'");
    }
    let ours = kind.as_deref() == Some("LoadBalancer") && (external || class.as_deref() == Some("service.k8s.aws/nlb"));
    // The annotations are read (and checked) only for the Services the controller builds.
    ours.then(|| options(&annotations, mp, Kind::Nlb, e))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// 1, 2, … in evaluation order (group.order, then the Ingress's rule order).
    pub priority: u32,
    pub host: Option<String>,
    /// `path-pattern` values: `Prefix /api` → `/api`, `/api/*`; `Exact` → itself.
    pub paths: Vec<String>,
    pub tg: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Listener {
    pub protocol: String,
    pub port: u16,
    pub rules: Vec<Rule>,
    /// Forward to this target group; None: LBC's default fixed 404 response.
    pub default: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    pub name: String,
    pub arn: String,
    pub dns: String,
    /// `application` or `network`.
    pub kind: &'static str,
    pub internet_facing: bool,
    pub listeners: Vec<Listener>,
    /// The objects it serves: ("Ingress" | "Service", namespace, name).
    pub owners: Vec<(&'static str, String, String)>,
}

#[derive(Debug, Clone)]
pub struct Tg {
    pub group: TargetGroup,
    pub lb: usize,
    /// Index into the engine's Services (0 is `kubernetes`).
    pub service: usize,
    pub port: usize,
}

/// What the controller reconciles, and what it could not build.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub lbs: Vec<LoadBalancer>,
    pub tgs: Vec<Tg>,
    /// (kind, namespace, name, message): a `FailedBuildModel` Warning on that object.
    pub failures: Vec<(&'static str, String, String, String)>,
}

fn part(s: &str) -> String {
    s.chars().take(8).collect()
}

fn dns(name: &str, kind: &str, internet_facing: bool, region: &str) -> String {
    if kind == "network" {
        return format!("{name}-{}.elb.{region}.amazonaws.com", hex_id(&format!("{name}/dns"), 16));
    }
    let digits: String = hex_id(&format!("{name}/dns"), 10).bytes().map(|b| char::from(b'0' + b % 10)).collect();
    format!("{}{name}-{digits}.{region}.elb.amazonaws.com", if internet_facing { "" } else { "internal-" })
}

fn target_group(o: &LbOptions, ns: &str, svc: &str, key: &str, protocol: &str, port: u16, region: &str) -> TargetGroup {
    let name = format!("k8s-{}-{}-{}", part(ns), part(svc), hex_id(&format!("tg/{key}"), 10));
    let health_check = HealthCheck { protocol: o.hc_protocol.clone(), port: o.hc_port.clone(), path: o.hc_path.clone(), interval_s: o.hc_interval_s, timeout_s: o.hc_timeout_s, healthy_threshold: o.healthy, unhealthy_threshold: o.unhealthy, matcher: o.matcher.clone() };
    TargetGroup {
        arn: format!("arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:targetgroup/{name}/{}", hex_id(&format!("tgarn/{key}"), 16)),
        name,
        protocol: protocol.into(),
        port,
        target_type_ip: o.target_ip,
        interval_s: o.hc_interval_s,
        healthy_threshold: o.healthy,
        unhealthy_threshold: o.unhealthy,
        deregistration_delay_s: o.deregistration_delay_s,
        health_check_path: o.hc_path.clone().unwrap_or_default(),
        slow_start_s: o.slow_start_s,
        least_outstanding_requests: false,
        cross_zone: None,
        health_check_protocol: o.hc_protocol.clone(),
        health_check,
    }
}

fn balancer(name: String, kind: &'static str, internet_facing: bool, region: &str) -> LoadBalancer {
    let short = if kind == "network" { "net" } else { "app" };
    let arn = format!("arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:loadbalancer/{short}/{name}/{}", hex_id(&format!("lbarn/{name}"), 16));
    LoadBalancer { dns: dns(&name, kind, internet_facing, region), arn, name, kind, internet_facing, listeners: Vec::new(), owners: Vec::new() }
}

/// The Service port a backend names (by number or by name) in the Ingress's namespace.
fn resolve(services: &[(Service, Allocated)], ns: &str, b: &Backend) -> Result<(usize, usize), String> {
    let Some(k) = services.iter().position(|(s, _)| s.namespace == ns && s.name == b.service) else {
        return Err(format!("services \"{}\" not found", b.service));
    };
    let ports = &services[k].0.ports;
    let j = match &b.port {
        PortRef::Number(n) => ports.iter().position(|p| p.port == *n),
        PortRef::Name(n) => ports.iter().position(|p| &p.name == n),
    };
    let shown = match &b.port {
        PortRef::Number(n) => n.to_string(),
        PortRef::Name(n) => n.clone(),
    };
    j.map(|j| (k, j)).ok_or_else(|| format!("unable to find port {shown} on service {ns}/{}", b.service))
}

/// LBC's path-pattern for one Ingress path.
fn patterns(path: &str, path_type: &str) -> Vec<String> {
    match path_type {
        "Prefix" if path == "/" => vec!["/*".into()],
        "Prefix" => {
            let p = path.trim_end_matches('/');
            vec![p.to_string(), format!("{p}/*")]
        }
        _ => vec![path.to_string()],
    }
}

pub fn build(m: &Manifest, services: &[(Service, Allocated)], region: &str) -> Model {
    let mut model = Model::default();
    // IngressGroups: explicit `group.name`, else one per Ingress; members by group.order, then name.
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (k, ing) in m.ingresses.iter().enumerate().filter(|(_, i)| i.alb) {
        let key = match &ing.group {
            Some(g) => format!("group:{g}"),
            None => format!("ing:{}/{}", ing.namespace, ing.name),
        };
        match groups.iter_mut().find(|(g, _)| *g == key) {
            Some((_, v)) => v.push(k),
            None => groups.push((key, vec![k])),
        }
    }
    for (key, mut members) in groups {
        members.sort_small_by_key(|&k| (m.ingresses[k].order, m.ingresses[k].namespace.clone(), m.ingresses[k].name.clone()));
        let first = &m.ingresses[members[0]];
        let name = match &first.group {
            Some(g) => format!("k8s-{}-{}", part(g), hex_id(&key, 10)),
            None => format!("k8s-{}-{}-{}", part(&first.namespace), part(&first.name), hex_id(&key, 10)),
        };
        let lb = model.lbs.len();
        let mut b = balancer(name, "application", first.options.internet_facing, region);
        b.listeners = first.listen.iter().map(|(p, n)| Listener { protocol: p.clone(), port: *n, rules: Vec::new(), default: None }).collect();
        let mut rules: Vec<(Option<String>, Vec<String>, usize)> = Vec::new();
        let mut default = None;
        for &k in &members {
            let ing = &m.ingresses[k];
            b.owners.push(("Ingress", ing.namespace.clone(), ing.name.clone()));
            let tg_for = |bk: &Backend, model: &mut Model| -> Option<usize> {
                let (svc, port) = match resolve(services, &ing.namespace, bk) {
                    Ok(x) => x,
                    Err(msg) => {
                        model.failures.push(("Ingress", ing.namespace.clone(), ing.name.clone(), format!("Failed build model due to ingress: {}/{}: {msg}", ing.namespace, ing.name)));
                        return None;
                    }
                };
                let s = &services[svc].0;
                if !ing.options.target_ip && s.kind == "ClusterIP" {
                    // Chosen wording (LBC: instance targets need a NodePort on every node).
                    model.failures.push(("Ingress", ing.namespace.clone(), ing.name.clone(), format!("Failed build model due to ingress: {}/{}: service {}/{} is type ClusterIP: target-type instance needs a NodePort or LoadBalancer Service (or use alb.ingress.kubernetes.io/target-type: ip)", ing.namespace, ing.name, s.namespace, s.name)));
                    return None;
                }
                if let Some(t) = model.tgs.iter().position(|t| t.lb == lb && t.service == svc && t.port == port && t.group.target_type_ip == ing.options.target_ip) {
                    return Some(t);
                }
                let tg_key = format!("{}/{}/{}/{port}", b.name, s.namespace, s.name);
                let traffic = if ing.options.target_ip { s.ports[port].target_port } else { services[svc].1.node_ports[port].unwrap_or(0) };
                let group = target_group(&ing.options, &s.namespace, &s.name, &tg_key, "HTTP", traffic as u16, region);
                model.tgs.push(Tg { group, lb, service: svc, port });
                Some(model.tgs.len() - 1)
            };
            if let Some(d) = &ing.default_backend {
                if default.is_none() {
                    default = tg_for(d, &mut model);
                }
            }
            for p in &ing.paths {
                if let Some(tg) = tg_for(&p.backend, &mut model) {
                    rules.push((p.host.clone(), patterns(&p.path, &p.path_type), tg));
                }
            }
        }
        for l in &mut b.listeners {
            l.default = default;
            l.rules = rules.iter().enumerate().map(|(i, (h, p, tg))| Rule { priority: i as u32 + 1, host: h.clone(), paths: p.clone(), tg: *tg }).collect();
        }
        model.lbs.push(b);
    }
    for (k, o) in m.service_lbs.iter().enumerate() {
        let (Some(o), Some(svc)) = (o, m.services.get(k)) else { continue };
        let Some(idx) = services.iter().position(|(s, _)| s.namespace == svc.namespace && s.name == svc.name) else { continue };
        let name = format!("k8s-{}-{}-{}", part(&svc.namespace), part(&svc.name), hex_id(&format!("svc:{}/{}", svc.namespace, svc.name), 10));
        let lb = model.lbs.len();
        let mut b = balancer(name, "network", o.internet_facing, region);
        b.owners.push(("Service", svc.namespace.clone(), svc.name.clone()));
        for (j, p) in svc.ports.iter().enumerate() {
            let traffic = if o.target_ip { p.target_port } else { services[idx].1.node_ports[j].unwrap_or(0) };
            let group = target_group(o, &svc.namespace, &svc.name, &format!("{}/{j}", b.name), &p.protocol, traffic as u16, region);
            model.tgs.push(Tg { group, lb, service: idx, port: j });
            b.listeners.push(Listener { protocol: p.protocol.clone(), port: p.port as u16, rules: Vec::new(), default: Some(model.tgs.len() - 1) });
        }
        model.lbs.push(b);
    }
    model
}
