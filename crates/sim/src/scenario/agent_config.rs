//! Container agent settings as the agent reads them: lines of `/etc/ecs/ecs.config` (`KEY=value`
//! text, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html), given
//! whole as `ecsConfig` or one key at a time, where a value may be the agent's string or the JSON
//! boolean / number / array it stands for.

use super::infrastructure::{parse_port_range, DEFAULT_DYNAMIC_RANGE, DEFAULT_RESERVED_PORTS};
use super::types::ContainerInstanceInput;
use crate::error::Errors;
use serde_json::Value;
use std::collections::BTreeMap;

/// The settings Stevedore models; other `ECS_*` lines of a pasted file are accepted and ignored,
/// as the agent ignores variables it doesn't know.
pub const MODELLED: [&str; 10] = [
    "ECS_CLUSTER",
    "ECS_RESERVED_PORTS",
    "ECS_RESERVED_PORTS_UDP",
    "ECS_DYNAMIC_HOST_PORT_RANGE",
    "ECS_ENABLE_SPOT_INSTANCE_DRAINING",
    "ECS_RESERVED_MEMORY",
    "ECS_AWSVPC_BLOCK_IMDS",
    "ECS_ENABLE_TASK_IAM_ROLE",
    "ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST",
    "ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE",
];

/// One instance's settings: for each key, the JSON path to blame and the value.
#[derive(Debug, Default)]
pub struct AgentConfig {
    entries: BTreeMap<String, (String, Value)>,
}

/// The agent parses booleans with Go's `strconv.ParseBool`: these strings and nothing else.
const TRUE_FORMS: [&str; 6] = ["1", "t", "T", "TRUE", "true", "True"];
const FALSE_FORMS: [&str; 6] = ["0", "f", "F", "FALSE", "false", "False"];

impl AgentConfig {
    /// Collects `ecsConfig` text (at `path.ecsConfig`) and the individual keys (at `path.KEY`).
    /// A key given both ways is an error: which one the instance would see is unclear.
    pub fn collect(path: &str, text: Option<&str>, keys: &[(&str, Option<&Value>)], errors: &mut Errors) -> AgentConfig {
        let mut entries = BTreeMap::new();
        for &(key, value) in keys {
            if let Some(v) = value {
                entries.insert(key.to_string(), (format!("{path}.{key}"), v.clone()));
            }
        }
        let config_path = format!("{path}.ecsConfig");
        for (n, line) in text.unwrap_or("").lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                errors.push(&config_path, format!("line {}: `{line}` is not KEY=value", n + 1));
                continue;
            };
            let key = key.trim();
            if !MODELLED.contains(&key) {
                continue;
            }
            if entries.get(key).is_some_and(|(p, _)| p != &config_path) {
                errors.push(&config_path, format!("line {}: {key} is also set as a key of its own; set it once", n + 1));
                continue;
            }
            // A later line wins, as with repeated variables in an environment file.
            entries.insert(key.to_string(), (config_path.clone(), Value::String(value.trim().to_string())));
        }
        AgentConfig { entries }
    }

    fn blame(path: &str, key: &str) -> String {
        if path.ends_with(".ecsConfig") {
            format!("{key}: ")
        } else {
            String::new()
        }
    }

    /// A boolean: JSON `true`/`false`, `1`/`0`, or a string `strconv.ParseBool` accepts.
    pub fn bool(&self, key: &str, default: bool, errors: &mut Errors) -> bool {
        let Some((path, v)) = self.entries.get(key) else { return default };
        let parsed = match v {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => match n.as_i64() {
                Some(1) => Some(true),
                Some(0) => Some(false),
                _ => None,
            },
            Value::String(s) => {
                let s = s.trim();
                if TRUE_FORMS.contains(&s) {
                    Some(true)
                } else if FALSE_FORMS.contains(&s) {
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        };
        parsed.unwrap_or_else(|| {
            errors.push(path, format!("{}{v} is not a boolean the agent reads (true/false, 1/0, t/f, TRUE/FALSE, True/False)", Self::blame(path, key)));
            default
        })
    }

    /// A whole number: a JSON number or a string of digits (`ECS_RESERVED_MEMORY=256`).
    pub fn integer(&self, key: &str, errors: &mut Errors) -> Option<i64> {
        let (path, v) = self.entries.get(key)?;
        let parsed = match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if parsed.is_none() {
            errors.push(path, format!("{}{v} is not a whole number", Self::blame(path, key)));
        }
        parsed
    }

    /// A list of numbers: a JSON array, or its text (`ECS_RESERVED_PORTS=[22, 80]`).
    pub fn numbers(&self, key: &str, errors: &mut Errors) -> Option<(String, Vec<i64>)> {
        let (path, v) = self.entries.get(key)?;
        let array = match v {
            Value::String(s) => serde_json::from_str::<Value>(s).ok(),
            other => Some(other.clone()),
        };
        let list = array.as_ref().and_then(Value::as_array).and_then(|a| a.iter().map(Value::as_i64).collect::<Option<Vec<i64>>>());
        if list.is_none() {
            errors.push(path, format!("{}{v} is not a list of ports such as [22, 80]", Self::blame(path, key)));
        }
        list.map(|l| (path.clone(), l))
    }

    /// A string value, with the path to blame.
    pub fn text(&self, key: &str, errors: &mut Errors) -> Option<(String, String)> {
        let (path, v) = self.entries.get(key)?;
        match v {
            Value::String(s) => Some((path.clone(), s.trim().to_string())),
            other => {
                errors.push(path, format!("{}{other} is not a string", Self::blame(path, key)));
                None
            }
        }
    }
}

/// What the modelled settings resolve to on one instance.
#[derive(Debug, Clone)]
pub struct AgentSettings {
    pub reserved_ports_tcp: Vec<u16>,
    pub reserved_ports_udp: Vec<u16>,
    pub dynamic_port_range: (u16, u16),
    pub spot_draining: bool,
    pub reserved_memory_mib: u32,
    /// `ECS_AWSVPC_BLOCK_IMDS`: awsvpc tasks can't reach the instance metadata (no profile fallback).
    pub awsvpc_block_imds: bool,
    /// `ECS_ENABLE_TASK_IAM_ROLE` / `ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST`: whether the agent
    /// serves task role credentials to bridge/awsvpc and to host-network tasks.
    pub task_iam_role: bool,
    pub task_iam_role_network_host: bool,
    /// `ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE`: awslogs uses the task's execution role (else
    /// the instance profile).
    pub awslogs_execution_role_override: bool,
}

/// Resolves an instance's agent settings. `registered_memory_mib` bounds `ECS_RESERVED_MEMORY`;
/// `ECS_CLUSTER`, when a pasted file sets it, must be this scenario's cluster.
pub fn settings(path: &str, input: &ContainerInstanceInput, registered_memory_mib: u32, cluster: &str, errors: &mut Errors) -> AgentSettings {
    let keys = [
        ("ECS_RESERVED_PORTS", input.ecs_reserved_ports.as_ref()),
        ("ECS_RESERVED_PORTS_UDP", input.ecs_reserved_ports_udp.as_ref()),
        ("ECS_DYNAMIC_HOST_PORT_RANGE", input.ecs_dynamic_host_port_range.as_ref()),
        ("ECS_ENABLE_SPOT_INSTANCE_DRAINING", input.ecs_enable_spot_instance_draining.as_ref()),
        ("ECS_RESERVED_MEMORY", input.ecs_reserved_memory.as_ref()),
        ("ECS_AWSVPC_BLOCK_IMDS", input.ecs_awsvpc_block_imds.as_ref()),
        ("ECS_ENABLE_TASK_IAM_ROLE", input.ecs_enable_task_iam_role.as_ref()),
        ("ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST", input.ecs_enable_task_iam_role_network_host.as_ref()),
        ("ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE", input.ecs_enable_awslogs_executionrole_override.as_ref()),
    ];
    let c = AgentConfig::collect(path, input.ecs_config.as_deref(), &keys, errors);
    if let Some((p, name)) = c.text("ECS_CLUSTER", errors) {
        if name != cluster && !(name.is_empty() && cluster == "default") {
            errors.push(p, format!("ECS_CLUSTER={name}: this instance would register in cluster {name}, not this scenario's cluster {cluster}"));
        }
    }
    let ports = |key: &str, default: &[u16], errors: &mut Errors| match c.numbers(key, errors) {
        None => default.to_vec(),
        Some((p, list)) => ports(&p, &list, errors),
    };
    let reserved_ports_tcp = ports("ECS_RESERVED_PORTS", &DEFAULT_RESERVED_PORTS, errors);
    let reserved_ports_udp = ports("ECS_RESERVED_PORTS_UDP", &[], errors);
    let dynamic_port_range = match c.text("ECS_DYNAMIC_HOST_PORT_RANGE", errors) {
        None => DEFAULT_DYNAMIC_RANGE,
        Some((p, text)) => parse_port_range(&text).unwrap_or_else(|m| {
            errors.push(p, m);
            DEFAULT_DYNAMIC_RANGE
        }),
    };
    let reserved_memory_mib = match c.integer("ECS_RESERVED_MEMORY", errors) {
        None => 0,
        Some(m) if (0..i64::from(registered_memory_mib)).contains(&m) => m as u32,
        Some(m) => {
            let p = c.entries.get("ECS_RESERVED_MEMORY").map_or(String::new(), |e| e.0.clone());
            errors.push(p, format!("{m} MiB must be ≥ 0 and below the instance's {registered_memory_mib} MiB"));
            0
        }
    };
    AgentSettings {
        reserved_ports_tcp,
        reserved_ports_udp,
        dynamic_port_range,
        spot_draining: c.bool("ECS_ENABLE_SPOT_INSTANCE_DRAINING", false, errors),
        reserved_memory_mib,
        awsvpc_block_imds: c.bool("ECS_AWSVPC_BLOCK_IMDS", false, errors),
        // The ECS-optimized AMI's ecs-init turns both on (the agent's own default is false).
        task_iam_role: c.bool("ECS_ENABLE_TASK_IAM_ROLE", true, errors),
        task_iam_role_network_host: c.bool("ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST", true, errors),
        // The same AMI turns this on too: awslogs uses the task's execution role when it has one.
        awslogs_execution_role_override: c.bool("ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE", true, errors),
    }
}

fn ports(path: &str, given: &[i64], errors: &mut Errors) -> Vec<u16> {
    let mut out = Vec::new();
    for (i, &p) in given.iter().enumerate() {
        match u16::try_from(p) {
            Ok(p) if p > 0 => out.push(p),
            _ => errors.push(if path.ends_with(".ecsConfig") { path.to_string() } else { format!("{path}[{i}]") }, format!("{p} is not a port (1-65535)")),
        }
    }
    if out.len() > 100 {
        errors.push(path.to_string(), "a container instance can have at most 100 reserved ports");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_file_and_keys() {
        let mut e = Errors::default();
        let text = "# user data\nECS_CLUSTER=prod\n\nECS_ENABLE_SPOT_INSTANCE_DRAINING=True\nECS_RESERVED_MEMORY=256\nECS_RESERVED_PORTS=[22, 80]\n";
        let c = AgentConfig::collect("$.x", Some(text), &[("ECS_AWSVPC_BLOCK_IMDS", Some(&Value::String("1".into())))], &mut e);
        assert!(c.bool("ECS_ENABLE_SPOT_INSTANCE_DRAINING", false, &mut e));
        assert!(c.bool("ECS_AWSVPC_BLOCK_IMDS", false, &mut e));
        assert_eq!(c.integer("ECS_RESERVED_MEMORY", &mut e), Some(256));
        assert_eq!(c.numbers("ECS_RESERVED_PORTS", &mut e).map(|p| p.1), Some(vec![22, 80]));
        assert!(e.is_empty(), "{:?}", e.list);
        let c = AgentConfig::collect("$.x", Some("ECS_ENABLE_SPOT_INSTANCE_DRAINING=yes\nnonsense"), &[], &mut e);
        c.bool("ECS_ENABLE_SPOT_INSTANCE_DRAINING", false, &mut e);
        assert_eq!(e.list.len(), 2);
        assert!(e.list.iter().all(|x| x.path == "$.x.ecsConfig"));
    }
}
