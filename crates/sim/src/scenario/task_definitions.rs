//! RegisterTaskDefinition bodies (or pasted DescribeTaskDefinition output) → `TaskDef`,
//! with the documented rules of aws-semantics §4.1, §5 and §9.1.

use super::types::*;
use super::{typed, valid_name, Scenario};
use crate::catalog::fargate;
use crate::error::Errors;
use crate::model::*;
use crate::query::Query;
use serde_json::{Map, Value};

/// Container definitions per task definition (ECS quota, aws-semantics §9.1).
const MAX_CONTAINERS: usize = 10;
/// Placement constraints per task, task definition and runtime together (BOTO-ECS).
pub const MAX_CONSTRAINTS: usize = 10;
/// Parameters Fargate rejects (aws-semantics §4.1), by their JSON names.
const FARGATE_INVALID: &[&str] = &["links", "privileged", "disableNetworking", "dnsSearchDomains", "dnsServers", "dockerSecurityOptions", "extraHosts", "systemControls"];

pub fn load(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    let items = match root.get("taskDefinitions") {
        None | Some(Value::Null) => return,
        Some(Value::Array(items)) => items,
        Some(_) => return errors.push("$.taskDefinitions", "must be a list"),
    };
    for (i, item) in items.iter().enumerate() {
        let path = format!("$.taskDefinitions[{i}]");
        // DescribeTaskDefinition prints {"taskDefinition": {...}, "tags": [...]}: unwrap it.
        let (body, path) = match item.get("taskDefinition") {
            Some(inner) if item.get("family").is_none() => (inner, format!("{path}.taskDefinition")),
            _ => (item, path),
        };
        let Some(input) = typed::<TaskDefinitionInput>(&path, body, errors) else { continue };
        if let Some(td) = task_definition(&path, &input, body, s, errors) {
            s.task_defs.push(td);
        }
    }
}

fn task_definition(path: &str, input: &TaskDefinitionInput, source: &Value, s: &Scenario, errors: &mut Errors) -> Option<TaskDef> {
    let before = errors.list.len();
    let family = input.family.clone().unwrap_or_default();
    if !valid_name(&family, 255) {
        errors.push(format!("{path}.family"), "required: up to 255 letters, numbers, hyphens and underscores");
    }
    let compat = input.requires_compatibilities.clone().unwrap_or_default();
    for (i, c) in compat.iter().enumerate() {
        if !["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"].contains(&c.as_str()) {
            errors.push(format!("{path}.requiresCompatibilities[{i}]"), format!("`{c}` is not one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES"));
        }
    }
    let requires_fargate = compat.iter().any(|c| c == "FARGATE");
    let network_mode = match input.network_mode.as_deref() {
        None => NetworkMode::Bridge, // the Linux default when omitted (aws-semantics §5.1)
        Some("bridge") => NetworkMode::Bridge,
        Some("host") => NetworkMode::Host,
        Some("awsvpc") => NetworkMode::Awsvpc,
        Some("none") => NetworkMode::None,
        Some(other) => {
            errors.push(format!("{path}.networkMode"), format!("`{other}` is not one of bridge, host, awsvpc, none"));
            NetworkMode::Bridge
        }
    };
    let (windows, arm64) = runtime_platform(path, input.runtime_platform.as_ref(), errors);
    let task_cpu = input.cpu.as_ref().and_then(|v| parse_cpu(v).map_err(|m| errors.push(format!("{path}.cpu"), m)).ok());
    let task_memory_mib = input.memory.as_ref().and_then(|v| parse_memory(v).map_err(|m| errors.push(format!("{path}.memory"), m)).ok());

    if requires_fargate {
        check_fargate(path, input, network_mode, task_cpu, task_memory_mib, windows, source, errors);
    } else if let Some(cpu) = task_cpu {
        if !(128..=196_608).contains(&cpu) {
            errors.push(format!("{path}.cpu"), format!("{cpu} units: task-level cpu on EC2 is 128-196608 units (0.125-192 vCPU)"));
        }
    }
    if let Some(size) = input.ephemeral_storage.as_ref().and_then(|e| e.size_in_gi_b) {
        if !(21..=200).contains(&size) {
            errors.push(format!("{path}.ephemeralStorage.sizeInGiB"), format!("{size} GiB: ephemeral storage is 21-200 GiB"));
        }
    }
    let containers = containers(path, input, network_mode, requires_fargate, task_cpu, task_memory_mib, errors);
    let constraints = constraints(&format!("{path}.placementConstraints"), input.placement_constraints.as_deref().unwrap_or(&[]), true, errors);
    if requires_fargate && !constraints.is_empty() {
        errors.push(format!("{path}.placementConstraints"), "placement constraints aren't supported on Fargate");
    }
    // The execution role is what reads secrets at task start (RegisterTaskDefinition's ClientException).
    if input.execution_role_arn.as_deref().unwrap_or_default().is_empty() && containers.iter().any(|c| !c.secrets.is_empty()) {
        errors.push(format!("{path}.executionRoleArn"), "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
    }
    // RegisterTaskDefinition's ClientException for awslogs on Fargate without an execution role.
    if requires_fargate && input.execution_role_arn.as_deref().unwrap_or_default().is_empty() && containers.iter().any(|c| c.log_configuration.as_ref().is_some_and(|l| l.driver == "awslogs")) {
        errors.push(format!("{path}.executionRoleArn"), "Fargate requires task definition to have execution role ARN to support log driver awslogs.");
    }
    if errors.list.len() > before {
        return None;
    }
    let revision = s.task_defs.iter().filter(|t| t.family == family).count() as u32 + 1;
    Some(TaskDef {
        arn: s.arns.task_definition(&family, revision),
        family,
        revision,
        network_mode,
        requires_fargate,
        task_cpu,
        task_memory_mib,
        containers,
        constraints,
        task_role_arn: input.task_role_arn.clone(),
        execution_role_arn: input.execution_role_arn.clone(),
        windows,
        arm64,
        source: source.clone(),
    })
}

#[allow(clippy::too_many_arguments)]
fn check_fargate(path: &str, input: &TaskDefinitionInput, mode: NetworkMode, cpu: Option<u32>, memory: Option<u32>, windows: bool, source: &Value, errors: &mut Errors) {
    if mode != NetworkMode::Awsvpc {
        errors.push(format!("{path}.networkMode"), "Fargate tasks must use networkMode awsvpc");
    }
    match (cpu, memory) {
        (Some(c), Some(m)) if !fargate::is_valid_size(c, m, windows) => {
            let choices: Vec<String> = fargate::memory_choices_for(c).iter().map(|m| m.to_string()).collect();
            let hint = if choices.is_empty() { "valid cpu values are 256, 512, 1024, 2048, 4096, 8192, 16384".to_string() } else { format!("with cpu {c} memory must be one of {}", choices.join(", ")) };
            errors.push(format!("{path}.memory"), format!("cpu {c} / memory {m} MiB is not a valid Fargate size{}: {hint}", if windows { " for Windows (at least 1 vCPU)" } else { "" }));
        }
        (Some(_), Some(_)) => {}
        _ => errors.push(path.to_string(), "Fargate task definitions need task-level cpu and memory"),
    }
    for key in ["pidMode", "ipcMode"] {
        if source.get(key).is_some_and(|v| !v.is_null()) && (key != "pidMode" || input.pid_mode.as_ref().and_then(|v| v.as_str()) != Some("task")) {
            errors.push(format!("{path}.{key}"), format!("{key} isn't valid on Fargate"));
        }
    }
    for (i, c) in source.get("containerDefinitions").and_then(Value::as_array).into_iter().flatten().enumerate() {
        for key in FARGATE_INVALID {
            if c.get(*key).is_some_and(|v| !v.is_null() && v != &Value::Bool(false) && v != &Value::Array(vec![])) {
                errors.push(format!("{path}.containerDefinitions[{i}].{key}"), format!("{key} isn't valid on Fargate"));
            }
        }
    }
}

fn runtime_platform(path: &str, rp: Option<&RuntimePlatform>, errors: &mut Errors) -> (bool, bool) {
    let Some(rp) = rp else { return (false, false) };
    let arm64 = match rp.cpu_architecture.as_deref() {
        None | Some("X86_64") => false,
        Some("ARM64") => true,
        Some(o) => {
            errors.push(format!("{path}.runtimePlatform.cpuArchitecture"), format!("`{o}` is not X86_64 or ARM64"));
            false
        }
    };
    const FAMILIES: &[&str] = &["LINUX", "WINDOWS_SERVER_2016_FULL", "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2019_CORE", "WINDOWS_SERVER_2004_CORE", "WINDOWS_SERVER_20H2_CORE", "WINDOWS_SERVER_2022_FULL", "WINDOWS_SERVER_2022_CORE", "WINDOWS_SERVER_2025_FULL", "WINDOWS_SERVER_2025_CORE"];
    let windows = match rp.operating_system_family.as_deref() {
        None => false,
        Some(f) if FAMILIES.contains(&f) => f.starts_with("WINDOWS"),
        Some(f) => {
            errors.push(format!("{path}.runtimePlatform.operatingSystemFamily"), format!("`{f}` is not one of {}", FAMILIES.join(", ")));
            false
        }
    };
    (windows, arm64)
}

/// Task cpu: integer units ("256", 256) or vCPUs ("1 vCPU", "0.25 vcpu"). Fractional vCPU
/// strings are accepted and converted (aws-semantics §11.7: undocumented, our choice).
pub fn parse_cpu(v: &StringOrNumber) -> Result<u32, String> {
    let (number, text) = split_unit(v);
    let units = match text.as_str() {
        "" => number,
        "vcpu" => number * 1024.0,
        other => return Err(format!("unknown cpu unit `{other}`: write CPU units (\"256\") or vCPUs (\"1 vCPU\")")),
    };
    whole(units, "cpu")
}

/// Task memory: MiB ("512", 512) or GB ("2GB", "0.5 GB").
pub fn parse_memory(v: &StringOrNumber) -> Result<u32, String> {
    let (number, text) = split_unit(v);
    let mib = match text.as_str() {
        "" | "mib" | "mb" => number,
        "gb" | "gib" => number * 1024.0,
        other => return Err(format!("unknown memory unit `{other}`: write MiB (\"512\") or GB (\"2GB\")")),
    };
    whole(mib, "memory")
}

fn split_unit(v: &StringOrNumber) -> (f64, String) {
    match v {
        StringOrNumber::Number(n) => (*n, String::new()),
        StringOrNumber::Text(t) => {
            let t = t.trim();
            let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
            let number = t[..split].parse().unwrap_or(f64::NAN);
            (number, t[split..].trim().to_ascii_lowercase())
        }
    }
}

fn whole(value: f64, what: &str) -> Result<u32, String> {
    if !value.is_finite() || value <= 0.0 || value > 4_000_000.0 || value.fract() != 0.0 {
        return Err(format!("{what} must be a positive whole number of units (got {value})"));
    }
    Ok(value as u32)
}

fn containers(path: &str, input: &TaskDefinitionInput, mode: NetworkMode, fargate: bool, task_cpu: Option<u32>, task_memory: Option<u32>, errors: &mut Errors) -> Vec<ContainerDef> {
    let defs = input.container_definitions.as_deref().unwrap_or(&[]);
    if defs.is_empty() {
        errors.push(format!("{path}.containerDefinitions"), "required: at least one container definition");
    }
    if defs.len() > MAX_CONTAINERS {
        errors.push(format!("{path}.containerDefinitions"), format!("{} containers: a task definition holds at most {MAX_CONTAINERS}", defs.len()));
    }
    if !defs.is_empty() && !defs.iter().any(|c| c.essential.unwrap_or(true)) {
        errors.push(format!("{path}.containerDefinitions"), "at least one container must be essential");
    }
    let mut out = Vec::new();
    let mut names = Vec::new();
    for (i, c) in defs.iter().enumerate() {
        let cp = format!("{path}.containerDefinitions[{i}]");
        let name = c.name.clone().unwrap_or_default();
        if name.is_empty() || name.len() > 255 || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') {
            errors.push(format!("{cp}.name"), "required: up to 255 letters, numbers, hyphens and underscores");
        }
        if names.contains(&name) {
            errors.push(format!("{cp}.name"), format!("container name `{name}` is used twice in this task definition"));
        }
        names.push(name.clone());
        let image = c.image.clone().unwrap_or_default();
        if image.is_empty() || image.len() > 255 {
            errors.push(format!("{cp}.image"), "required: up to 255 characters (repository-url/image:tag or @sha256:digest)");
        }
        let memory_mib = positive(&format!("{cp}.memory"), c.memory, errors);
        let memory_reservation_mib = positive(&format!("{cp}.memoryReservation"), c.memory_reservation, errors);
        if let (Some(hard), Some(soft)) = (memory_mib, memory_reservation_mib) {
            if hard <= soft {
                errors.push(format!("{cp}.memory"), format!("memory ({hard} MiB) must be greater than memoryReservation ({soft} MiB)"));
            }
        }
        for (field, v) in [("memory", memory_mib), ("memoryReservation", memory_reservation_mib)] {
            if v.is_some_and(|m| m < 6) {
                errors.push(format!("{cp}.{field}"), "a container needs at least 6 MiB of memory");
            }
        }
        if !fargate && task_memory.is_none() && memory_mib.is_none() && memory_reservation_mib.is_none() {
            errors.push(cp.clone(), "on EC2 each container needs memory or memoryReservation when the task definition has no task-level memory");
        }
        let cpu = match c.cpu {
            None => 0,
            Some(v) if (0..=196_608).contains(&v) => v as u32,
            Some(v) => {
                errors.push(format!("{cp}.cpu"), format!("{v} CPU units is outside 0-196608"));
                0
            }
        };
        let ports = port_mappings(&cp, c.port_mappings.as_deref().unwrap_or(&[]), mode, errors);
        out.push(ContainerDef {
            name,
            image,
            essential: c.essential.unwrap_or(true),
            ports,
            environment: c.environment.iter().flatten().map(|kv| (kv.name.clone().unwrap_or_default(), kv.value.clone().unwrap_or_default())).collect(),
            secrets: secrets(&cp, c.secrets.as_deref().unwrap_or(&[]), errors),
            cpu,
            memory_mib,
            memory_reservation_mib,
            health_check: c.health_check.as_ref().and_then(|h| health_check(&format!("{cp}.healthCheck"), h, errors)),
            exit_after_ms: c.exit_after.as_ref().and_then(|d| super::duration_input(&format!("{cp}.exitAfter"), d, errors)),
            log_configuration: c.log_configuration.as_ref().and_then(|l| super::log_configuration::log_configuration(&format!("{cp}.logConfiguration"), l, fargate, errors)),
            exit_code: match c.exit_code {
                None => 0,
                Some(code) if (0..=255).contains(&code) => code as i32,
                Some(_) => {
                    errors.push(format!("{cp}.exitCode"), "an exit code is 0-255");
                    0
                }
            },
        });
    }
    let total_cpu: u32 = out.iter().map(|c| c.cpu).sum();
    if let Some(task_cpu) = task_cpu {
        if total_cpu > task_cpu {
            errors.push(format!("{path}.containerDefinitions"), format!("the containers' cpu adds up to {total_cpu} units, more than the task's {task_cpu}"));
        }
    }
    if let Some(task_memory) = task_memory {
        let total: u32 = out.iter().map(|c| c.memory_reservation_mib.or(c.memory_mib).unwrap_or(0)).sum();
        if total > task_memory {
            errors.push(format!("{path}.containerDefinitions"), format!("the containers' memory adds up to {total} MiB, more than the task's {task_memory} MiB"));
        }
        for (i, c) in out.iter().enumerate() {
            if c.memory_mib.is_some_and(|m| m > task_memory) {
                errors.push(format!("{path}.containerDefinitions[{i}].memory"), format!("a container's memory can't exceed the task's {task_memory} MiB"));
            }
        }
    }
    out
}

/// Container health check limits (aws-semantics §6.4): interval 5-300 (30), timeout 2-60 (5),
/// retries 1-10 (3), startPeriod 0-300 (0); the command starts with CMD or CMD-SHELL.
fn health_check(path: &str, h: &HealthCheck, errors: &mut Errors) -> Option<ContainerHealthCheck> {
    let command = h.command.clone().unwrap_or_default();
    if !matches!(command.first().map(String::as_str), Some("CMD" | "CMD-SHELL")) || command.len() < 2 {
        errors.push(format!("{path}.command"), "required: [\"CMD\", ...] or [\"CMD-SHELL\", \"...\"]");
        return None;
    }
    let r = super::infrastructure::ranged;
    let interval_s = r(&format!("{path}.interval"), h.interval, 30, 5, 300, errors);
    let _timeout = r(&format!("{path}.timeout"), h.timeout, 5, 2, 60, errors);
    let retries = r(&format!("{path}.retries"), h.retries, 3, 1, 10, errors);
    let start_period_s = r(&format!("{path}.startPeriod"), h.start_period, 0, 0, 300, errors);
    let fails = command[1..].join(" ").contains("exit 1");
    Some(ContainerHealthCheck { command, interval_s, retries, start_period_s, fails })
}

fn positive(path: &str, v: Option<i64>, errors: &mut Errors) -> Option<u32> {
    match v {
        None => None,
        Some(m) if (1..=4_000_000).contains(&m) => Some(m as u32),
        Some(m) => {
            errors.push(path.to_string(), format!("{m} must be a positive number of MiB"));
            None
        }
    }
}

fn port_mappings(cp: &str, mappings: &[PortMapping], mode: NetworkMode, errors: &mut Errors) -> Vec<PortSpec> {
    if mode == NetworkMode::None && !mappings.is_empty() {
        errors.push(format!("{cp}.portMappings"), "networkMode none has no external connectivity: port mappings can't be specified");
        return vec![];
    }
    let mut out: Vec<PortSpec> = Vec::new();
    for (j, pm) in mappings.iter().enumerate() {
        let pp = format!("{cp}.portMappings[{j}]");
        let Some(container_port) = pm.container_port.and_then(|p| u16::try_from(p).ok()).filter(|p| *p > 0) else {
            errors.push(format!("{pp}.containerPort"), "required: a port 1-65535");
            continue;
        };
        let protocol = match pm.protocol.as_deref() {
            None | Some("tcp") => Protocol::Tcp,
            Some("udp") => Protocol::Udp,
            Some(o) => {
                errors.push(format!("{pp}.protocol"), format!("`{o}` is not tcp or udp"));
                Protocol::Tcp
            }
        };
        let host_port = match pm.host_port {
            None | Some(0) => None,
            Some(h) => match u16::try_from(h) {
                Ok(h) => Some(h),
                Err(_) => {
                    errors.push(format!("{pp}.hostPort"), format!("{h} is not a port (0-65535)"));
                    None
                }
            },
        };
        match mode {
            NetworkMode::Awsvpc | NetworkMode::Host => {
                if host_port.is_some_and(|h| h != container_port) {
                    errors.push(format!("{pp}.hostPort"), format!("with networkMode {} the hostPort must be left blank or equal the containerPort ({container_port})", mode.as_str()));
                }
            }
            _ => {}
        }
        if out.iter().any(|p| p.container_port == container_port && p.protocol != protocol) {
            errors.push(format!("{pp}.protocol"), format!("container port {container_port} is already exposed over the other protocol: you can't expose the same container port for multiple protocols"));
        }
        // host and awsvpc bind the container port itself.
        let host_port = match mode {
            NetworkMode::Host | NetworkMode::Awsvpc => Some(container_port),
            _ => host_port,
        };
        out.push(PortSpec { container_port, host_port, protocol });
    }
    out
}

fn secrets(cp: &str, secrets: &[Secret], errors: &mut Errors) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, s) in secrets.iter().enumerate() {
        let (Some(name), Some(from)) = (&s.name, &s.value_from) else {
            errors.push(format!("{cp}.secrets[{k}]"), "a secret needs name and valueFrom");
            continue;
        };
        let ok = from.starts_with("arn:aws:secretsmanager:") || from.starts_with("arn:aws:ssm:") || (!from.starts_with("arn:") && !from.is_empty());
        if !ok {
            errors.push(format!("{cp}.secrets[{k}].valueFrom"), "valueFrom is a Secrets Manager ARN, an SSM parameter ARN, or an SSM parameter name");
        }
        out.push((name.clone(), from.clone()));
    }
    out
}

/// Placement constraints, from a task definition (`memberOf` only) or a service/RunTask.
pub fn constraints(path: &str, items: &[PlacementConstraint], task_definition: bool, errors: &mut Errors) -> Vec<Constraint> {
    let mut out = Vec::new();
    if items.len() > MAX_CONSTRAINTS {
        errors.push(path.to_string(), format!("{} constraints: at most {MAX_CONSTRAINTS} per task", items.len()));
    }
    for (i, c) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        match c.kind.as_deref() {
            Some("distinctInstance") if task_definition => errors.push(format!("{p}.type"), "task definitions take only memberOf constraints"),
            Some("distinctInstance") => {
                if c.expression.as_deref().is_some_and(|e| !e.is_empty()) {
                    errors.push(format!("{p}.expression"), "you can't specify an expression if the constraint type is distinctInstance");
                }
                out.push(Constraint::DistinctInstance);
            }
            Some("memberOf") => match c.expression.as_deref() {
                None | Some("") => errors.push(format!("{p}.expression"), "memberOf needs an expression in the cluster query language"),
                Some(e) if e.chars().count() > 2000 => errors.push(format!("{p}.expression"), "an expression is at most 2000 characters"),
                Some(e) => match Query::parse(e) {
                    Ok(q) => out.push(Constraint::MemberOf(q)),
                    Err(err) => errors.push(format!("{p}.expression"), format!("{err} in `{e}`")),
                },
            },
            Some(o) => errors.push(format!("{p}.type"), format!("`{o}` is not distinctInstance or memberOf")),
            None => errors.push(format!("{p}.type"), "required: distinctInstance or memberOf"),
        }
    }
    out
}
