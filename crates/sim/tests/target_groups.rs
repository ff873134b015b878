//! DescribeTargetGroups' fields with CreateTargetGroup's per-protocol defaults
//! (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html,
//! https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html).

mod common;
use common::*;
use serde_json::{json, Value};

fn described(tg: Value) -> Value {
    let mut d = doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a"}]), json!([]), json!([]));
    d["targetGroups"] = json!([tg]);
    let s = sim(&d);
    stevedore_sim::report::describe_target_group(&s, 0)
}

#[test]
fn an_http_target_group_gets_the_alb_defaults() {
    let v = described(json!({"Name": "web", "Protocol": "HTTP", "Port": 80}));
    assert_eq!(v["Protocol"], "HTTP");
    assert_eq!(v["Port"], 80);
    assert_eq!(v["TargetType"], "instance");
    assert_eq!(v["HealthCheckProtocol"], "HTTP", "For Application Load Balancers, the default is HTTP");
    assert_eq!(v["HealthCheckPort"], "traffic-port");
    assert_eq!(v["HealthCheckPath"], "/");
    assert_eq!(v["HealthCheckIntervalSeconds"], 30);
    assert_eq!(v["HealthCheckTimeoutSeconds"], 6, "For target groups with a protocol of HTTP, the default is 6 seconds");
    assert_eq!(v["HealthyThresholdCount"], 5);
    assert_eq!(v["UnhealthyThresholdCount"], 2);
    assert_eq!(v["Matcher"], json!({"HttpCode": "200"}), "ALB default 200");
}

#[test]
fn an_https_target_group_checks_over_http_with_a_ten_second_timeout() {
    let v = described(json!({"Name": "web", "Protocol": "HTTPS", "Port": 443, "TargetType": "ip"}));
    assert_eq!(v["HealthCheckProtocol"], "HTTP");
    assert_eq!(v["HealthCheckTimeoutSeconds"], 10, "For target groups with a protocol of TCP, TLS or HTTPS, the default is 10 seconds");
    assert_eq!(v["TargetType"], "ip");
}

#[test]
fn a_tcp_target_group_gets_the_nlb_defaults() {
    let v = described(json!({"Name": "db", "Protocol": "TCP", "Port": 5432}));
    assert_eq!(v["HealthCheckProtocol"], "TCP", "For Network Load Balancers … the default is TCP");
    assert_eq!(v["HealthCheckPort"], "traffic-port");
    assert_eq!(v["HealthCheckTimeoutSeconds"], 10);
    assert_eq!(v["HealthCheckIntervalSeconds"], 30);
    assert_eq!((v["HealthyThresholdCount"].clone(), v["UnhealthyThresholdCount"].clone()), (json!(5), json!(2)));
    assert!(v.get("HealthCheckPath").is_none() && v.get("Matcher").is_none(), "a TCP check has no path or matcher: {v:#}");
    // An NLB target group may check over HTTP: the matcher default is then 200-399.
    let v = described(json!({"Name": "db", "Protocol": "TCP", "Port": 5432, "HealthCheckProtocol": "HTTP"}));
    assert_eq!(v["Matcher"], json!({"HttpCode": "200-399"}));
    assert_eq!(v["HealthCheckPath"], "/");
}

#[test]
fn given_settings_are_shown_as_given() {
    let v = described(json!({"Name": "web", "Protocol": "HTTP", "Port": 8080, "HealthCheckPath": "/health", "HealthCheckPort": "8081",
        "HealthCheckIntervalSeconds": 10, "HealthCheckTimeoutSeconds": 5, "HealthyThresholdCount": 3, "UnhealthyThresholdCount": 4, "Matcher": {"HttpCode": "200-299"}}));
    assert_eq!((v["HealthCheckPath"].clone(), v["HealthCheckPort"].clone(), v["Matcher"]["HttpCode"].clone()), (json!("/health"), json!("8081"), json!("200-299")));
    assert_eq!((v["HealthCheckIntervalSeconds"].clone(), v["HealthCheckTimeoutSeconds"].clone(), v["HealthyThresholdCount"].clone(), v["UnhealthyThresholdCount"].clone()), (json!(10), json!(5), json!(3), json!(4)));
}

#[test]
fn bad_health_check_settings_error_at_their_path() {
    let bad = |tg: Value, path: &str, needle: &str| {
        let mut d = doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a"}]), json!([]), json!([]));
        d["targetGroups"] = json!([tg]);
        assert_error(&d, path, needle);
    };
    bad(json!({"Name": "a", "Protocol": "HTTP", "Matcher": {"HttpCode": "500"}}), "$.targetGroups[0].Matcher.HttpCode", "between 200 and 499");
    bad(json!({"Name": "a", "Protocol": "TCP", "Matcher": {"HttpCode": "200"}}), "$.targetGroups[0].Matcher", "no response codes");
    bad(json!({"Name": "a", "Protocol": "HTTP", "HealthCheckPort": "http"}), "$.targetGroups[0].HealthCheckPort", "traffic-port");
    bad(json!({"Name": "a", "Protocol": "HTTP", "HealthCheckTimeoutSeconds": 1}), "$.targetGroups[0].HealthCheckTimeoutSeconds", "");
}
