//! Stages 1 and 2 of placement: can this instance run the task at all, and does it satisfy
//! the constraints?

use super::{Batch, Request};
use crate::engine::instance::{Instance, InstanceStatus};
use crate::model::{Constraint, NetworkMode};

/// Where an instance dropped out, in the order ECS checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Status,
    CapacityProvider,
    Attribute,
    Cpu,
    Memory,
    Ports,
    Eni,
    Constraint,
}

impl Stage {
    pub const COUNT: usize = 8;
    pub const ALL: [Stage; Stage::COUNT] = [Stage::Status, Stage::CapacityProvider, Stage::Attribute, Stage::Cpu, Stage::Memory, Stage::Ports, Stage::Eni, Stage::Constraint];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Status => "status",
            Stage::CapacityProvider => "capacityProvider",
            Stage::Attribute => "attributes",
            Stage::Cpu => "cpu",
            Stage::Memory => "memory",
            Stage::Ports => "ports",
            Stage::Eni => "eni",
            Stage::Constraint => "constraints",
        }
    }

    /// RunTask's `failures[].reason` codes.
    pub fn run_task_reason(self) -> &'static str {
        match self {
            Stage::Status => "No Container Instances were found in your cluster.",
            Stage::CapacityProvider => "CAPACITY_PROVIDER",
            Stage::Attribute => "ATTRIBUTE",
            Stage::Cpu => "RESOURCE:CPU",
            Stage::Memory => "RESOURCE:MEMORY",
            Stage::Ports => "RESOURCE:PORTS",
            Stage::Eni => "RESOURCE:ENI",
            Stage::Constraint => "CONSTRAINT",
        }
    }
}

pub fn check(inst: &Instance, i: usize, req: &Request, batch: &Batch) -> Result<(), Stage> {
    if inst.status != InstanceStatus::Active || !inst.agent_connected {
        return Err(Stage::Status);
    }
    if let Some(cp) = req.capacity_provider {
        if inst.spec.capacity_provider.as_deref() != Some(cp) {
            return Err(Stage::CapacityProvider);
        }
    }
    if req.td.arm64 != inst.arm64 || req.td.windows {
        return Err(Stage::Attribute);
    }
    if inst.remaining_cpu < req.need_cpu {
        return Err(Stage::Cpu);
    }
    if inst.remaining_memory_mib < req.need_memory_mib {
        return Err(Stage::Memory);
    }
    if !ports_fit(inst, req) {
        return Err(Stage::Ports);
    }
    if req.td.network_mode == NetworkMode::Awsvpc && inst.awsvpc_used >= inst.awsvpc_limit {
        return Err(Stage::Eni);
    }
    if batch.static_failure(i).is_some() || failing_dynamic_constraint(inst, i, req, batch).is_some() {
        return Err(Stage::Constraint);
    }
    Ok(())
}

fn ports_fit(inst: &Instance, req: &Request) -> bool {
    if req.td.network_mode == NetworkMode::Awsvpc {
        return true; // the task's own ENI: no host ports are consumed
    }
    let mut static_new = 0;
    let mut dynamic_tcp = 0;
    let mut dynamic_udp = 0;
    for (_, p) in req.td.ports() {
        match p.host_port {
            Some(h) => {
                if !inst.port_free(h, p.protocol) {
                    return false;
                }
                static_new += 1;
            }
            None => match p.protocol {
                crate::model::Protocol::Tcp => dynamic_tcp += 1,
                crate::model::Protocol::Udp => dynamic_udp += 1,
            },
        }
    }
    // Up to 100 reserved ports including the defaults; dynamic ports don't count (§5.2).
    let reserved_total = inst.spec.agent.reserved_ports_tcp.len() as u32 + inst.static_port_count + static_new;
    reserved_total <= 100
        && (dynamic_tcp == 0 || inst.dynamic_ports_free(crate::model::Protocol::Tcp) >= dynamic_tcp)
        && (dynamic_udp == 0 || inst.dynamic_ports_free(crate::model::Protocol::Udp) >= dynamic_udp)
}

fn failing_dynamic_constraint(inst: &Instance, i: usize, req: &Request, batch: &Batch) -> Option<usize> {
    batch.dynamic_constraints.iter().copied().find(|&k| match &req.constraints[k] {
        Constraint::DistinctInstance => batch.group_count(i) > 0,
        Constraint::MemberOf(q) => !q.matches(inst),
    })
}

/// Why this instance was dropped, in a sentence for "Why here?".
pub fn reason(stage: Stage, inst: &Instance, req: &Request) -> String {
    match stage {
        Stage::Status => format!("instance is {}", inst.status.as_str()),
        Stage::CapacityProvider => format!("not launched by capacity provider {}", req.capacity_provider.unwrap_or("?")),
        Stage::Attribute => format!("the task needs {} {}, the instance is {}", if req.td.windows { "Windows" } else { "Linux" }, if req.td.arm64 { "arm64" } else { "x86_64" }, inst.attributes.get("ecs.cpu-architecture").map_or("?", String::as_str)),
        Stage::Cpu => format!("needs {} CPU units, {} remaining", req.td.reserved_cpu(), inst.remaining_cpu),
        Stage::Memory => format!("needs {} MiB, {} MiB remaining", req.td.reserved_memory_mib(), inst.remaining_memory_mib),
        Stage::Ports => {
            let taken: Vec<String> = req.td.ports().filter_map(|(_, p)| p.host_port.filter(|h| !inst.port_free(*h, p.protocol)).map(|h| format!("{h}/{}", p.protocol.as_str()))).collect();
            if taken.is_empty() { "no free ports left in the dynamic range or over the 100 reserved ports limit".into() } else { format!("host port {} already in use or reserved", taken.join(", ")) }
        }
        Stage::Eni => format!("all {} awsvpc task ENIs in use", inst.awsvpc_limit),
        Stage::Constraint => {
            let k = (0..req.constraints.len()).find(|&k| match &req.constraints[k] {
                Constraint::MemberOf(q) => !q.matches(inst),
                Constraint::DistinctInstance => inst.task_groups.iter().any(|g| g == req.group),
            });
            k.map_or("fails a placement constraint".into(), |k| format!("fails {}", req.constraints[k].describe()))
        }
    }
}

/// The end of ECS's "The closest matching (container-instance …) …" sentence.
pub fn closest_phrase(stage: Stage, req: &Request) -> String {
    match stage {
        Stage::Status => "is not ACTIVE".into(),
        Stage::CapacityProvider => format!("is not part of capacity provider {}", req.capacity_provider.unwrap_or("?")),
        Stage::Attribute => "is missing an attribute required by your task".into(),
        Stage::Cpu => "has insufficient CPU units available".into(),
        Stage::Memory => "has insufficient memory available".into(),
        Stage::Ports => "is already using a port required by your task".into(),
        Stage::Eni => "encountered error \"RESOURCE:ENI\"".into(),
        Stage::Constraint => "doesn't satisfy the placement constraints".into(),
    }
}
