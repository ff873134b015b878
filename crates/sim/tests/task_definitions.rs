//! Real-world task definition shapes (aws-semantics §9.2) load, or fail where AWS would refuse.

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::model::NetworkMode;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/task-definitions/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn with_td(td: Value) -> Value {
    json!({"stevedore": 1, "taskDefinitions": [td]})
}

/// Fixture 4 (ecspresso's test file) has secrets but no executionRoleArn: RegisterTaskDefinition
/// refuses that with a ClientException, so it gets a role before it can load.
fn registrable(file: &str) -> Value {
    let mut td = fixture(file);
    if file.starts_with("4-") {
        assert_error(&with_td(td.clone()), "$.taskDefinitions[0].executionRoleArn", "you must also specify a value for 'executionRoleArn'");
        td["executionRoleArn"] = json!("arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
    }
    td
}

/// `(file, family, network mode, reserved cpu, reserved memory MiB, fargate)`
#[test]
fn real_task_definitions_load() {
    let table: &[(&str, &str, NetworkMode, u32, u32, bool)] = &[
        ("1-fargate-httpd.json", "sample-fargate", NetworkMode::Awsvpc, 256, 512, true),
        ("2-fargate-readonly.json", "task-def-family", NetworkMode::Awsvpc, 256, 512, true),
        ("3-describe-style.json", "ecspresso-test", NetworkMode::Awsvpc, 1024, 2048, true),
        ("4-ec2-host-daemon.json", "nginx-daemon", NetworkMode::Host, 256, 512, false),
        ("5-bridge-dynamic-ports.json", "circleci-demo", NetworkMode::Bridge, 128, 128, false),
        ("6-console-export-nulls.json", "app", NetworkMode::Awsvpc, 256, 512, true),
        ("7-describe-ec2-null-network.json", "backend", NetworkMode::Bridge, 1024, 1024, false),
        ("8-terraform-template.json", "nextjs", NetworkMode::Awsvpc, 512, 1024, true),
        ("9-aws-doc-webserver.json", "fargate-task-definition", NetworkMode::Awsvpc, 256, 512, true),
    ];
    for (file, family, mode, cpu, memory, fargate) in table {
        let doc = with_td(registrable(file));
        let scenario = stevedore_sim::load(&doc.to_string()).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let td = &scenario.task_defs[0];
        assert_eq!((td.family.as_str(), td.network_mode, td.reserved_cpu(), td.reserved_memory_mib(), td.requires_fargate), (*family, *mode, *cpu, *memory, *fargate), "{file}");
        assert_eq!(td.revision, 1, "{file}: revisions are numbered by registration order, not the pasted `revision`");
    }
}

#[test]
fn dynamic_port_mapping_is_left_to_the_agent_and_secrets_keep_their_source() {
    let doc = with_td(fixture("5-bridge-dynamic-ports.json"));
    let s = stevedore_sim::load(&doc.to_string()).unwrap();
    assert_eq!(s.task_defs[0].containers[0].ports[0].host_port, None);
    let doc = with_td(registrable("4-ec2-host-daemon.json"));
    let s = stevedore_sim::load(&doc.to_string()).unwrap();
    let secrets = &s.task_defs[0].containers[0].secrets;
    assert_eq!(secrets.len(), 3);
    assert_eq!(secrets[0], ("FOO".to_string(), "/app/foo".to_string()));
}

#[test]
fn aws_would_refuse_these_variants() {
    // Fargate with a size off the table.
    let mut td = fixture("9-aws-doc-webserver.json");
    td["memory"] = json!("4096");
    assert_error(&with_td(td), "$.taskDefinitions[0].memory", "not a valid Fargate size");
    // Fargate in bridge mode.
    let mut td = fixture("1-fargate-httpd.json");
    td["networkMode"] = json!("bridge");
    assert_error(&with_td(td), "$.taskDefinitions[0].networkMode", "awsvpc");
    // awsvpc with a host port that differs from the container port.
    let mut td = fixture("1-fargate-httpd.json");
    td["containerDefinitions"][0]["portMappings"][0]["hostPort"] = json!(8080);
    assert_error(&with_td(td), "$.taskDefinitions[0].containerDefinitions[0].portMappings[0].hostPort", "blank or equal the containerPort");
    // host mode: same rule.
    let mut td = fixture("4-ec2-host-daemon.json");
    td["containerDefinitions"][0]["portMappings"][0]["hostPort"] = json!(8080);
    assert_error(&with_td(td), "$.taskDefinitions[0].containerDefinitions[0].portMappings[0].hostPort", "networkMode host");
    // EC2 without any memory setting.
    let mut td = fixture("5-bridge-dynamic-ports.json");
    td["containerDefinitions"][0].as_object_mut().unwrap().remove("memoryReservation");
    assert_error(&with_td(td), "$.taskDefinitions[0].containerDefinitions[0]", "memory or memoryReservation");
    // A Fargate-invalid parameter.
    let mut td = fixture("1-fargate-httpd.json");
    td["containerDefinitions"][0]["privileged"] = json!(true);
    assert_error(&with_td(td), "$.taskDefinitions[0].containerDefinitions[0].privileged", "isn't valid on Fargate");
    // Windows on Fargate needs at least 1 vCPU.
    let mut td = fixture("9-aws-doc-webserver.json");
    td["runtimePlatform"]["operatingSystemFamily"] = json!("WINDOWS_SERVER_2019_CORE");
    assert_error(&with_td(td), "$.taskDefinitions[0].memory", "for Windows");
}

#[test]
fn vcpu_and_gb_strings_are_converted() {
    let mut td = fixture("9-aws-doc-webserver.json");
    td["cpu"] = json!("1 vCPU");
    td["memory"] = json!("2 GB");
    let s = stevedore_sim::load(&with_td(td).to_string()).unwrap();
    assert_eq!((s.task_defs[0].task_cpu, s.task_defs[0].task_memory_mib), (Some(1024), Some(2048)));
    let mut td = fixture("9-aws-doc-webserver.json");
    td["cpu"] = json!("0.25 vcpu");
    td["memory"] = json!("0.5GB");
    let s = stevedore_sim::load(&with_td(td).to_string()).unwrap();
    assert_eq!((s.task_defs[0].task_cpu, s.task_defs[0].task_memory_mib), (Some(256), Some(512)));
    let mut td = fixture("9-aws-doc-webserver.json");
    td["cpu"] = json!("1 potato");
    assert_error(&with_td(td), "$.taskDefinitions[0].cpu", "unknown cpu unit");
}

#[test]
fn revisions_are_numbered_per_family() {
    let doc = json!({"taskDefinitions": [td("a", 0, 128, json!([])), td("b", 0, 128, json!([])), td("a", 0, 256, json!([]))]});
    let s = stevedore_sim::load(&doc.to_string()).unwrap();
    let revs: Vec<String> = s.task_defs.iter().map(|t| t.family_revision()).collect();
    assert_eq!(revs, ["a:1", "b:1", "a:2"]);
    assert!(s.task_defs[2].arn.ends_with("task-definition/a:2"));
}
