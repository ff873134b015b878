//! A registered container instance's live state: what is left of its CPU, memory, ports and
//! ENIs, and which tasks it runs.

use crate::catalog::{eni, instance_types};
use crate::model::{InstanceSpec, Protocol};
use crate::query::QueryTarget;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InstanceStatus {
    Active,
    Draining,
    /// Deregistered (DescribeContainerInstances calls it INACTIVE).
    Inactive,
}

impl InstanceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceStatus::Active => "ACTIVE",
            InstanceStatus::Draining => "DRAINING",
            InstanceStatus::Inactive => "INACTIVE",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Instance {
    /// What it was launched as; never changes, so shared (`Arc`) by every rewind copy.
    pub spec: std::sync::Arc<InstanceSpec>,
    pub id: String,
    pub arn: String,
    pub status: InstanceStatus,
    /// The EC2 instance is stopped (FIS aws:ec2:stop-instances).
    pub ec2_stopped: bool,
    /// The agent reaches ECS (not while stopped or cut off): DescribeContainerInstances'
    /// `agentConnected`. Nothing is placed on a disconnected instance.
    pub agent_connected: bool,
    pub registered_cpu: u32,
    pub registered_memory_mib: u32,
    pub remaining_cpu: u32,
    pub remaining_memory_mib: u32,
    /// Host ports bound by tasks on this instance.
    pub bound_tcp: BTreeSet<u16>,
    pub bound_udp: BTreeSet<u16>,
    /// Host ports a task definition named explicitly; they count toward the 100-port limit.
    pub static_port_count: u32,
    /// The agent hands out dynamic ports upward from the last one it assigned.
    pub last_dynamic_port: u16,
    pub awsvpc_limit: u32,
    pub awsvpc_used: u32,
    pub private_ip: u32,
    /// Live tasks (placed and not yet STOPPED), by task index.
    pub tasks: Vec<usize>,
    /// Group of each live task, kept beside `tasks` for the query language.
    pub task_groups: Vec<String>,
    pub attributes: std::sync::Arc<BTreeMap<String, String>>,
    /// Cached from `ecs.cpu-architecture`: placement checks it for every instance.
    pub arm64: bool,
    /// Image digests whose layers are on the instance (the agent's image cache).
    pub image_cache: BTreeSet<String>,
    /// Image pulls under way: digest → when the layers are down. A second task needing the
    /// same image waits for that pull rather than starting another.
    pub pulls_in_flight: BTreeMap<String, u64>,
    /// Bound ports inside the dynamic range, per protocol (tcp, udp), kept as counters so the
    /// placement check is O(1).
    dynamic_bound: [u32; 2],
    /// Free dynamic ports when nothing is bound (range size minus reserved ports in it).
    dynamic_capacity: [u32; 2],
    /// Sim time the instance joined the cluster and left it (INACTIVE): its billed span.
    pub launched_at: u64,
    pub terminated_at: Option<u64>,
}

impl Instance {
    pub fn new(spec: InstanceSpec, id: String, arn: String, private_ip: u32) -> Instance {
        let catalog = instance_types::lookup(&spec.instance_type);
        let cpu = catalog.map_or(2048, |c| c.cpu_units());
        let memory = catalog.map_or(4096, |c| c.registered_memory_mib()).saturating_sub(spec.agent.reserved_memory_mib);
        let (without, with) = eni::awsvpc_task_limits(&spec.instance_type);
        let awsvpc_limit = if spec.awsvpc_trunking { with } else { without };
        let arm64 = catalog.is_some_and(|c| c.arm64);
        let mut attributes = BTreeMap::new();
        let builtins = [
            ("ecs.instance-type", spec.instance_type.clone()),
            ("ecs.availability-zone", spec.availability_zone.clone()),
            ("ecs.ami-id", spec.ami_id.clone()),
            ("ecs.os-type", "linux".to_string()),
            ("ecs.os-family", "LINUX".to_string()),
            ("ecs.cpu-architecture", if arm64 { "arm64" } else { "x86_64" }.to_string()),
            ("ecs.vpc-id", "vpc-0stevedore0".to_string()),
            ("ecs.subnet-id", spec.subnet_id.clone()),
            ("ecs.capability.task-eni", String::new()),
        ];
        for (k, v) in builtins {
            attributes.insert(k.to_string(), v);
        }
        if spec.awsvpc_trunking {
            attributes.insert("ecs.awsvpc-trunk-id".into(), format!("eni-trunk-{}", &id[..8.min(id.len())]));
        }
        for (k, v) in &spec.attributes {
            attributes.insert(k.clone(), v.clone());
        }
        let (lo, hi) = spec.agent.dynamic_port_range;
        let capacity = |reserved: &[u16]| u32::from(hi - lo) + 1 - reserved.iter().filter(|p| (lo..=hi).contains(*p)).count() as u32;
        let dynamic_capacity = [capacity(&spec.agent.reserved_ports_tcp), capacity(&spec.agent.reserved_ports_udp)];
        Instance {
            arm64,
            image_cache: BTreeSet::new(),
            pulls_in_flight: BTreeMap::new(),
            dynamic_bound: [0, 0],
            dynamic_capacity,
            last_dynamic_port: spec.agent.dynamic_port_range.0.saturating_sub(1),
            spec: std::sync::Arc::new(spec),
            id,
            arn,
            status: InstanceStatus::Active,
            ec2_stopped: false,
            agent_connected: true,
            registered_cpu: cpu,
            registered_memory_mib: memory,
            remaining_cpu: cpu,
            remaining_memory_mib: memory,
            bound_tcp: BTreeSet::new(),
            bound_udp: BTreeSet::new(),
            static_port_count: 0,
            awsvpc_limit,
            awsvpc_used: 0,
            private_ip,
            tasks: vec![],
            task_groups: vec![],
            attributes: std::sync::Arc::new(attributes),
            launched_at: 0,
            terminated_at: None,
        }
    }

    pub fn reserved(&self, protocol: Protocol) -> &[u16] {
        match protocol {
            Protocol::Tcp => &self.spec.agent.reserved_ports_tcp,
            Protocol::Udp => &self.spec.agent.reserved_ports_udp,
        }
    }

    pub fn bound(&self, protocol: Protocol) -> &BTreeSet<u16> {
        match protocol {
            Protocol::Tcp => &self.bound_tcp,
            Protocol::Udp => &self.bound_udp,
        }
    }

    pub fn port_free(&self, port: u16, protocol: Protocol) -> bool {
        !self.reserved(protocol).contains(&port) && !self.bound(protocol).contains(&port)
    }

    /// How many dynamic ports are still free for `protocol`.
    pub fn dynamic_ports_free(&self, protocol: Protocol) -> u32 {
        let k = protocol as usize;
        self.dynamic_capacity[k].saturating_sub(self.dynamic_bound[k])
    }

    fn in_dynamic_range(&self, port: u16) -> bool {
        (self.spec.agent.dynamic_port_range.0..=self.spec.agent.dynamic_port_range.1).contains(&port)
    }

    /// The agent's allocation: scan upward from the last assigned port + 1, skipping reserved and
    /// bound ports, wrapping to the start of the range once (aws-semantics §5.2).
    pub fn next_dynamic_port(&self, protocol: Protocol, also_taken: &[u16]) -> Option<u16> {
        let (lo, hi) = self.spec.agent.dynamic_port_range;
        let size = u32::from(hi - lo) + 1;
        let start = if self.last_dynamic_port >= lo && self.last_dynamic_port < hi { self.last_dynamic_port + 1 } else { lo };
        (0..size)
            .map(|k| lo + ((u32::from(start - lo) + k) % size) as u16)
            .find(|p| self.port_free(*p, protocol) && !also_taken.contains(p))
    }

    pub fn bind(&mut self, port: u16, protocol: Protocol) {
        let new = match protocol {
            Protocol::Tcp => self.bound_tcp.insert(port),
            Protocol::Udp => self.bound_udp.insert(port),
        };
        if new && self.in_dynamic_range(port) && !self.reserved(protocol).contains(&port) {
            self.dynamic_bound[protocol as usize] += 1;
        }
    }

    pub fn unbind(&mut self, port: u16, protocol: Protocol) {
        let was = match protocol {
            Protocol::Tcp => self.bound_tcp.remove(&port),
            Protocol::Udp => self.bound_udp.remove(&port),
        };
        if was && self.in_dynamic_range(port) && !self.reserved(protocol).contains(&port) {
            self.dynamic_bound[protocol as usize] -= 1;
        }
    }
}

impl QueryTarget for Instance {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }
    fn task_groups(&self) -> Vec<&str> {
        self.task_groups.iter().map(String::as_str).collect()
    }
    fn agent_connected(&self) -> bool {
        self.status != InstanceStatus::Inactive && self.agent_connected
    }
    fn agent_version(&self) -> &str {
        &self.spec.agent_version
    }
    fn ec2_instance_id(&self) -> &str {
        &self.spec.ec2_instance_id
    }
    fn registered_at_s(&self) -> i64 {
        self.spec.registered_at_unix_s
    }
    fn running_tasks_count(&self) -> u32 {
        self.tasks.len() as u32
    }
}
