//! The AWS Load Balancer Controller's annotations (eks-semantics §7.2; LBC docs/guide/ingress
//! and service annotations): scheme, target type, health check and target group attributes,
//! read with their defaults — an ALB's (Ingress) or an NLB's (Service type LoadBalancer).
//! An annotation's value is always a string; a bad one is an error at its key's path.

use super::read::key_path;
use crate::error::Errors;
use std::collections::BTreeMap;

/// What one load balancer and its target groups are built with.
#[derive(Debug, Clone, PartialEq)]
pub struct LbOptions {
    pub internet_facing: bool,
    pub target_ip: bool,
    pub hc_protocol: String,
    /// `traffic-port` or a number.
    pub hc_port: String,
    /// None for a TCP check.
    pub hc_path: Option<String>,
    pub hc_interval_s: u32,
    pub hc_timeout_s: u32,
    pub healthy: u32,
    pub unhealthy: u32,
    /// HTTP success codes (ALB), None for TCP.
    pub matcher: Option<String>,
    /// `deregistration_delay.timeout_seconds` (ELB default 300).
    pub deregistration_delay_s: u32,
    /// `slow_start.duration_seconds` (0 = off; ALB only).
    pub slow_start_s: u32,
}

/// Which controller's annotations: `alb.ingress.kubernetes.io/` or
/// `service.beta.kubernetes.io/aws-load-balancer-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Alb,
    Nlb,
}

const ALB: &str = "alb.ingress.kubernetes.io/";
const NLB: &str = "service.beta.kubernetes.io/aws-load-balancer-";

fn int(a: &BTreeMap<String, String>, key: &str, mp: &str, lo: u32, hi: u32, e: &mut Errors) -> Option<u32> {
    let v = a.get(key)?;
    match v.trim().parse::<u32>() {
        Ok(n) if (lo..=hi).contains(&n) => Some(n),
        _ => {
            e.push(key_path(&key_path(mp, "annotations"), key), format!("{v:?} must be a whole number from {lo} to {hi}"));
            None
        }
    }
}

fn one_of(a: &BTreeMap<String, String>, key: &str, mp: &str, allowed: &[&str], e: &mut Errors) -> Option<String> {
    let v = a.get(key)?;
    if allowed.contains(&v.as_str()) {
        return Some(v.clone());
    }
    e.push(key_path(&key_path(mp, "annotations"), key), format!("{v:?} must be {}", allowed.join(" or ")));
    None
}

/// Reads the annotations of `metadata` (path `mp`) for an ALB or an NLB.
pub fn options(a: &BTreeMap<String, String>, mp: &str, kind: Kind, e: &mut Errors) -> LbOptions {
    let p = match kind {
        Kind::Alb => ALB,
        Kind::Nlb => NLB,
    };
    let hc = "healthcheck-";
    let k = |s: &str| format!("{p}{s}");
    let scheme = one_of(a, &k("scheme"), mp, &["internal", "internet-facing"], e);
    let target_key = match kind {
        Kind::Alb => k("target-type"),
        Kind::Nlb => k("nlb-target-type"),
    };
    let target = one_of(a, &target_key, mp, &["instance", "ip"], e);
    // LBC defaults: ALB HTTP `/` every 15 s, timeout 5, 2/2, 200; NLB TCP every 10 s,
    // timeout 10, 3/3 (eks-semantics §7.2).
    let (proto_default, interval, timeout, thresholds) = match kind {
        Kind::Alb => ("HTTP", 15, 5, 2),
        Kind::Nlb => ("TCP", 10, 10, 3),
    };
    let hc_protocol = one_of(a, &k(&format!("{hc}protocol")), mp, &["HTTP", "HTTPS", "TCP"], e).unwrap_or_else(|| proto_default.into());
    let hc_port = match a.get(&k(&format!("{hc}port"))) {
        None => "traffic-port".to_string(),
        Some(v) if v == "traffic-port" || v.parse::<u16>().is_ok_and(|n| n > 0) => v.clone(),
        Some(v) => {
            e.push(key_path(&key_path(mp, "annotations"), &k(&format!("{hc}port"))), format!("{v:?} must be traffic-port or a port number"));
            "traffic-port".into()
        }
    };
    let tcp = hc_protocol == "TCP";
    let hc_path = (!tcp).then(|| a.get(&k(&format!("{hc}path"))).cloned().unwrap_or_else(|| "/".into()));
    let matcher_key = match kind {
        Kind::Alb => k("success-codes"),
        Kind::Nlb => k("healthcheck-success-codes"),
    };
    let matcher = (!tcp).then(|| a.get(&matcher_key).cloned().unwrap_or_else(|| "200".into()));
    // ALB `healthcheck-interval-seconds`, NLB `healthcheck-interval` (and timeout alike).
    let unit = if kind == Kind::Alb { "-seconds" } else { "" };
    let hc_interval_s = int(a, &k(&format!("{hc}interval{unit}")), mp, 5, 300, e).unwrap_or(interval);
    let hc_timeout_s = int(a, &k(&format!("{hc}timeout{unit}")), mp, 2, 120, e).unwrap_or(timeout);
    let (hk, uk) = match kind {
        Kind::Alb => (k("healthy-threshold-count"), k("unhealthy-threshold-count")),
        Kind::Nlb => (k("healthcheck-healthy-threshold"), k("healthcheck-unhealthy-threshold")),
    };
    let healthy = int(a, &hk, mp, 2, 10, e).unwrap_or(thresholds);
    let unhealthy = int(a, &uk, mp, 2, 10, e).unwrap_or(thresholds);
    let mut o = LbOptions {
        internet_facing: scheme.as_deref() == Some("internet-facing"),
        target_ip: target.as_deref() == Some("ip"),
        hc_protocol,
        hc_port,
        hc_path,
        hc_interval_s,
        hc_timeout_s,
        healthy,
        unhealthy,
        matcher,
        deregistration_delay_s: 300,
        slow_start_s: 0,
    };
    attributes(a, &k("target-group-attributes"), mp, kind, &mut o, e);
    o
}

/// `target-group-attributes: deregistration_delay.timeout_seconds=30,slow_start.duration_seconds=60`.
fn attributes(a: &BTreeMap<String, String>, key: &str, mp: &str, kind: Kind, o: &mut LbOptions, e: &mut Errors) {
    let Some(v) = a.get(key) else { return };
    let at = key_path(&key_path(mp, "annotations"), key);
    for pair in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, value)) = pair.split_once('=') else {
            e.push(at.clone(), format!("{pair:?} must be name=value"));
            continue;
        };
        let n = value.trim().parse::<u32>();
        match (name.trim(), n) {
            ("deregistration_delay.timeout_seconds", Ok(s)) if s <= 3600 => o.deregistration_delay_s = s,
            ("slow_start.duration_seconds", Ok(s)) if kind == Kind::Alb && (s == 0 || (30..=900).contains(&s)) => o.slow_start_s = s,
            ("deregistration_delay.timeout_seconds", _) => e.push(at.clone(), format!("{pair:?}: deregistration_delay.timeout_seconds is 0 to 3600")),
            ("slow_start.duration_seconds", _) if kind == Kind::Alb => e.push(at.clone(), format!("{pair:?}: slow_start.duration_seconds is 0 or 30 to 900")),
            // Other attributes (stickiness, algorithm…) are accepted and not modelled.
            _ => {}
        }
    }
}
