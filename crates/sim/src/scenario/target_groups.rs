//! CreateTargetGroup's health check settings and their per-protocol defaults, as the API
//! reference states them (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html,
//! https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html).

use super::infrastructure::ranged;
use super::types::CreateTargetGroup;
use crate::error::Errors;
use serde_json::Value;

/// The health check a target group runs, every field as DescribeTargetGroups shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthCheck {
    pub protocol: String,
    /// `traffic-port` or a port number, as text (the API's type).
    pub port: String,
    /// HTTP/HTTPS checks only.
    pub path: Option<String>,
    pub interval_s: u32,
    pub timeout_s: u32,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    /// `Matcher.HttpCode`, HTTP/HTTPS checks only.
    pub matcher: Option<String>,
}

/// Network Load Balancer target group protocols (TCP health checks by default).
pub fn network_protocol(protocol: &str) -> bool {
    ["TCP", "UDP", "TLS", "TCP_UDP"].contains(&protocol)
}

pub fn health_check(path: &str, tg: &CreateTargetGroup, protocol: &str, errors: &mut Errors) -> HealthCheck {
    let network = network_protocol(protocol);
    // "For Application Load Balancers, the default is HTTP. For Network Load Balancers … TCP."
    let hc_protocol = tg.health_check_protocol.clone().unwrap_or_else(|| if network { "TCP" } else { "HTTP" }.into());
    if !["HTTP", "HTTPS", "TCP"].contains(&hc_protocol.as_str()) || (!network && hc_protocol == "TCP") {
        errors.push(format!("{path}.HealthCheckProtocol"), format!("`{hc_protocol}`: HTTP or HTTPS for {protocol} target groups{}", if network { ", or TCP" } else { "" }));
    }
    let http_check = hc_protocol != "TCP";
    if !http_check && tg.health_check_path.is_some() {
        errors.push(format!("{path}.HealthCheckPath"), "a TCP health check only opens a connection: it has no path");
    }
    if !http_check && tg.matcher.is_some() {
        errors.push(format!("{path}.Matcher"), "a TCP health check has no response codes to match");
    }
    let port = match &tg.health_check_port {
        None => "traffic-port".to_string(),
        Some(Value::String(s)) if s == "traffic-port" => s.clone(),
        Some(v) => match v.as_str().map_or_else(|| v.as_i64(), |s| s.parse().ok()) {
            Some(p) if (1..=65535).contains(&p) => p.to_string(),
            _ => {
                errors.push(format!("{path}.HealthCheckPort"), format!("{v} is not `traffic-port` or a port (1-65535)"));
                "traffic-port".to_string()
            }
        },
    };
    // Timeout: "For target groups with a protocol of HTTP, the default is 6 seconds. For target
    // groups with a protocol of TCP, TLS or HTTPS, the default is 10 seconds." UDP and TCP_UDP
    // (unlisted) check over TCP: Stevedore gives them TCP's 10.
    let default_timeout = if protocol == "HTTP" { 6 } else { 10 };
    // Matcher: ALBs 200-499, default "200"; NLBs 200-599, default "200-399".
    let (low, high, default_codes) = if network { (200, 599, "200-399") } else { (200, 499, "200") };
    let matcher = http_check.then(|| match tg.matcher.as_ref().and_then(|m| m.http_code.clone()) {
        None => default_codes.to_string(),
        Some(codes) => {
            if !http_codes_ok(&codes, low, high) {
                errors.push(format!("{path}.Matcher.HttpCode"), format!("`{codes}` is not HTTP codes between {low} and {high} such as \"200,202\" or \"200-299\""));
            }
            codes
        }
    });
    HealthCheck {
        path: http_check.then(|| tg.health_check_path.clone().unwrap_or_else(|| "/".into())),
        port,
        interval_s: ranged(&format!("{path}.HealthCheckIntervalSeconds"), tg.health_check_interval_seconds, 30, 5, 300, errors),
        timeout_s: ranged(&format!("{path}.HealthCheckTimeoutSeconds"), tg.health_check_timeout_seconds, default_timeout, 2, 120, errors),
        healthy_threshold: ranged(&format!("{path}.HealthyThresholdCount"), tg.healthy_threshold_count, 5, 2, 10, errors),
        unhealthy_threshold: ranged(&format!("{path}.UnhealthyThresholdCount"), tg.unhealthy_threshold_count, 2, 2, 10, errors),
        matcher,
        protocol: hc_protocol,
    }
}

/// "200", "200,202", "200-299": each code or range inside [low, high].
fn http_codes_ok(codes: &str, low: u32, high: u32) -> bool {
    let code = |s: &str| s.trim().parse::<u32>().ok().filter(|c| (low..=high).contains(c));
    !codes.is_empty()
        && codes.split(',').all(|part| match part.split_once('-') {
            Some((a, b)) => matches!((code(a), code(b)), (Some(a), Some(b)) if a <= b),
            None => code(part).is_some(),
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_codes() {
        assert!(super::http_codes_ok("200,202", 200, 499));
        assert!(super::http_codes_ok("200-299", 200, 499));
        assert!(!super::http_codes_ok("500", 200, 499));
        assert!(super::http_codes_ok("500", 200, 599));
        assert!(!super::http_codes_ok("299-200", 200, 499));
        assert!(!super::http_codes_ok("ok", 200, 499));
    }
}
