//! The load balancer controller's objects in the report: Ingresses and LoadBalancer Services
//! with `status.loadBalancer.ingress[].hostname` (the ALB/NLB DNS name), the `targetGroups`
//! (the ECS report's `target_health_json` shape) and `loadBalancers` (DescribeLoadBalancers,
//! with each listener's rules), pods' readiness-gate conditions, and `kubectl get ingress`.

use super::engine::lbc_ctl::{Lbc, GATE_PREFIX};
use super::kubectl::{age_of, table};
use super::manifest::ingress::{Ingress, PortRef};
use crate::report::target_health_json;
use crate::substrate::elb::TargetState;
use serde_json::{json, Value};

fn lb_of<'a>(l: &'a Lbc, kind: &str, ns: &str, name: &str) -> Option<&'a super::lbc::LoadBalancer> {
    l.model.lbs.iter().find(|b| b.owners.iter().any(|(k, n, m)| *k == kind && n == ns && m == name))
}

pub fn ingress_json(ing: &Ingress, l: Option<&Lbc>, created: &str) -> Value {
    let backend = |b: &super::manifest::ingress::Backend| {
        let port = match &b.port {
            PortRef::Number(n) => json!({"number": n}),
            PortRef::Name(n) => json!({"name": n}),
        };
        json!({"service": {"name": b.service, "port": port}})
    };
    // Rules as written, one per host (paths of one host together, in order).
    let mut rules: Vec<Value> = Vec::new();
    let mut hosts: Vec<Option<String>> = Vec::new();
    for p in &ing.paths {
        if !hosts.contains(&p.host) {
            hosts.push(p.host.clone());
        }
    }
    for h in &hosts {
        let paths: Vec<Value> = ing.paths.iter().filter(|p| &p.host == h).map(|p| json!({"path": p.path, "pathType": p.path_type, "backend": backend(&p.backend)})).collect();
        let mut r = json!({"http": {"paths": paths}});
        if let Some(h) = h {
            r["host"] = json!(h);
        }
        rules.push(r);
    }
    let mut spec = json!({"rules": rules});
    if ing.alb {
        spec["ingressClassName"] = json!("alb");
    }
    if let Some(d) = &ing.default_backend {
        spec["defaultBackend"] = backend(d);
    }
    let lb = l.and_then(|l| lb_of(l, "Ingress", &ing.namespace, &ing.name));
    let status = match lb {
        Some(b) => json!({"loadBalancer": {"ingress": [{"hostname": b.dns}]}}),
        None => json!({"loadBalancer": {}}),
    };
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": ing.name, "namespace": ing.namespace, "creationTimestamp": created, "generation": 1}, "spec": spec, "status": status})
}

/// A LoadBalancer Service the controller built an NLB for: its DNS name in the status.
pub fn service_status(item: &mut Value, l: &Lbc) {
    let (Some(ns), Some(name)) = (item["metadata"]["namespace"].as_str(), item["metadata"]["name"].as_str()) else { return };
    if let Some(b) = lb_of(l, "Service", ns, name) {
        item["status"] = json!({"loadBalancer": {"ingress": [{"hostname": b.dns}]}});
    }
}

/// `targetGroups`: every target group with its targets, as the ECS report lists them.
pub fn target_groups_json(l: &Lbc) -> Vec<Value> {
    l.model.tgs.iter().enumerate().map(|(k, t)| target_health_json(&t.group, &[l.model.lbs[t.lb].arn.as_str()], &l.elb[k])).collect()
}

/// Renames each `ip` target (in `target_groups_json`'s order) by `ip_of(owner pod)`.
pub fn name_ip_targets(groups: &mut [Value], l: &Lbc, ip_of: impl Fn(usize) -> Option<String>) {
    for (k, g) in groups.iter_mut().enumerate().filter(|(k, _)| l.model.tgs[*k].group.target_type_ip) {
        let Some(list) = g["TargetHealthDescriptions"].as_array_mut() else { continue };
        for (d, t) in list.iter_mut().zip(l.elb[k].iter()) {
            if let Some(ip) = ip_of(t.task) {
                d["Target"]["Id"] = json!(ip);
            }
        }
    }
}

/// `loadBalancers`: DescribeLoadBalancers' fields, each listener with DescribeRules' rules.
pub fn load_balancers_json(l: &Lbc) -> Vec<Value> {
    let arn = |tg: usize| l.model.tgs[tg].group.arn.clone();
    l.model
        .lbs
        .iter()
        .map(|b| {
            let listeners: Vec<Value> = b
                .listeners
                .iter()
                .map(|li| {
                    let mut rules: Vec<Value> = li
                        .rules
                        .iter()
                        .map(|r| {
                            let mut conditions = Vec::new();
                            if let Some(h) = &r.host {
                                conditions.push(json!({"Field": "host-header", "HostHeaderConfig": {"Values": [h]}}));
                            }
                            conditions.push(json!({"Field": "path-pattern", "PathPatternConfig": {"Values": r.paths}}));
                            json!({"Priority": r.priority.to_string(), "Conditions": conditions, "Actions": [{"Type": "forward", "TargetGroupArn": arn(r.tg)}], "IsDefault": false})
                        })
                        .collect();
                    let default = match li.default {
                        Some(tg) => json!([{"Type": "forward", "TargetGroupArn": arn(tg)}]),
                        None => json!([{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain"}}]),
                    };
                    if b.kind == "application" {
                        rules.push(json!({"Priority": "default", "Conditions": [], "Actions": default.clone(), "IsDefault": true}));
                    }
                    let mut v = json!({"Protocol": li.protocol, "Port": li.port, "DefaultActions": default});
                    if b.kind == "application" {
                        v["Rules"] = json!(rules);
                    }
                    v
                })
                .collect();
            json!({"LoadBalancerName": b.name, "LoadBalancerArn": b.arn, "DNSName": b.dns, "Type": b.kind,
                "Scheme": if b.internet_facing { "internet-facing" } else { "internal" }, "State": {"Code": "active"},
                "Listeners": listeners})
        })
        .collect()
}

/// A gated pod: `spec.readinessGates` and its `target-health.elbv2.k8s.aws/<tg>` condition,
/// True once its target is healthy.
pub fn gate_pod(item: &mut Value, tg_name: &str, healthy: bool) {
    let cond = format!("{GATE_PREFIX}{tg_name}");
    item["spec"]["readinessGates"] = json!([{"conditionType": cond}]);
    if let Some(c) = item["status"]["conditions"].as_array_mut() {
        c.push(json!({"type": cond, "status": if healthy { "True" } else { "False" }, "reason": if healthy { "Healthy" } else { "Elb.RegistrationInProgress" }}));
    }
}

/// Whether pod `owner`'s target in `tg` is healthy now.
pub fn target_healthy(l: &Lbc, tg: usize, owner: usize) -> bool {
    l.elb[tg].iter().any(|t| t.task == owner && t.state == TargetState::Healthy)
}

/// `kubectl get ingress`: `NAME CLASS HOSTS ADDRESS PORTS AGE`; HOSTS `*` when a rule has no
/// host, ADDRESS the load balancer's DNS name once it has one, PORTS 80 (443 with TLS).
pub fn get_ingresses(items: &[Value], now_unix_s: i64, all: bool) -> String {
    let mut head: Vec<&str> = vec!["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"];
    if all {
        head.insert(0, "NAMESPACE");
    }
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for it in items.iter().filter(|i| i["kind"] == "Ingress" && (all || i["metadata"]["namespace"] == "default")) {
        let mut hosts: Vec<String> = it["spec"]["rules"].as_array().into_iter().flatten().map(|r| r["host"].as_str().unwrap_or("*").to_string()).collect();
        if hosts.is_empty() {
            hosts.push("*".into());
        }
        let address = it["status"]["loadBalancer"]["ingress"][0]["hostname"].as_str().unwrap_or("").to_string();
        let class = it["spec"]["ingressClassName"].as_str().unwrap_or("<none>").to_string();
        let mut row = vec![it["metadata"]["name"].as_str().unwrap_or("").to_string(), class, hosts.join(","), address, "80".into(), age_of(it, now_unix_s)];
        if all {
            row.insert(0, it["metadata"]["namespace"].as_str().unwrap_or("").to_string());
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return if all { "No resources found\n".into() } else { "No resources found in default namespace.\n".into() };
    }
    table(rows)
}
