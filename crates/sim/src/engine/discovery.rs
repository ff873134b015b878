//! Cloud Map registrations (serviceRegistries and Service Connect), the service-to-service
//! calls that resolve through them, and containers' AWS calls with the identity they use.

use crate::sort::SortSmall;
use super::task::{format_ip, TaskStatus};
use super::Sim;
use crate::iam::CallIdentity;
use crate::model::platform::{NamespaceKind, RecordType};
use crate::time::SimTime;

/// A Cloud Map service instance, as DiscoverInstances returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryInstance {
    pub task: usize,
    /// The task's id: ECS uses it as the Cloud Map instance id.
    pub instance_id: String,
    pub ipv4: String,
    pub port: Option<u16>,
    pub availability_zone: String,
    pub registration: usize,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiCall {
    pub at: SimTime,
    pub task_arn: String,
    pub action: String,
    pub resource: String,
    pub identity: CallIdentity,
    pub allowed: bool,
    /// How IAM decided, or why there were no credentials.
    pub message: String,
}

/// One line drawn between two tasks: `from` calls `to` through service call `call`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallEdge {
    pub call: usize,
    pub from: usize,
    pub to: usize,
}

impl Sim {
    /// A task that reached RUNNING registers in each Cloud Map service its service uses.
    pub(super) fn register_discovery(&mut self, task: usize) {
        let Some(s) = self.tasks[task].service else { return };
        for k in 0..self.scenario.registrations.len() {
            let reg = &self.scenario.registrations[k];
            if reg.service != s {
                continue;
            }
            let (ds, container, fixed_port) = (reg.discovery_service, reg.container.clone(), reg.port);
            let t = &self.tasks[task];
            let ipv4 = match (t.private_ip, t.instance) {
                (Some(ip), _) => format_ip(ip),
                (None, Some(i)) => format_ip(self.instances[i].private_ip),
                (None, None) => continue,
            };
            let port = match &container {
                Some((name, cport)) => t.bindings.iter().find(|b| &b.container_name == name && b.container_port == *cport).map(|b| b.host_port),
                None => fixed_port,
            };
            let inst = DiscoveryInstance { task, instance_id: t.id.clone(), ipv4: ipv4.clone(), port, availability_zone: t.availability_zone.clone(), registration: k };
            self.discovery[ds].push(inst);
            let name = self.discovery_name(ds);
            let svc = self.services[s].def.name.clone();
            let at = port.map_or(ipv4.clone(), |p| format!("{ipv4}:{p}"));
            self.service_event(s, format!("(service {svc}) registered task {} ({at}) in Cloud Map service {name}", self.tasks[task].id));
        }
    }

    /// The attributes ECS puts on a task's Cloud Map instance
    /// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html,
    /// "Service discovery considerations"): `AWS_INSTANCE_IPV4`, `AWS_INSTANCE_PORT` (SRV),
    /// `AVAILABILITY_ZONE`, `REGION`, `ECS_SERVICE_NAME`, `ECS_CLUSTER_NAME`, `EC2_INSTANCE_ID`
    /// ("not added if the task is using Fargate"), `ECS_TASK_DEFINITION_FAMILY`, and
    /// `AWS_INIT_HEALTH_STATUS`. `ECS_TASK_SET_EXTERNAL_ID` belongs to external deployments'
    /// task sets, which Stevedore doesn't model. Sorted by name, as a string map prints.
    pub fn discovery_attributes(&self, inst: &DiscoveryInstance) -> Vec<(&'static str, String)> {
        let t = &self.tasks[inst.task];
        let mut out = vec![
            ("AVAILABILITY_ZONE", inst.availability_zone.clone()),
            ("AWS_INIT_HEALTH_STATUS", "HEALTHY".to_string()),
            ("AWS_INSTANCE_IPV4", inst.ipv4.clone()),
            ("ECS_CLUSTER_NAME", self.scenario.arns.cluster.clone()),
            ("ECS_SERVICE_NAME", t.service.map(|s| self.services[s].def.name.clone()).unwrap_or_default()),
            ("ECS_TASK_DEFINITION_FAMILY", self.scenario.task_defs[t.task_def].family.clone()),
            ("REGION", self.scenario.arns.region.clone()),
        ];
        if let Some(p) = inst.port {
            out.push(("AWS_INSTANCE_PORT", p.to_string()));
        }
        if let Some(i) = t.instance {
            out.push(("EC2_INSTANCE_ID", self.instances[i].spec.ec2_instance_id.clone()));
        }
        out.sort_small();
        out
    }

    /// Deregistration starts with the stop, so callers stop resolving the task at once.
    pub(super) fn deregister_discovery(&mut self, task: usize) {
        for ds in 0..self.discovery.len() {
            let before = self.discovery[ds].len();
            self.discovery[ds].retain(|d| d.task != task);
            if self.discovery[ds].len() < before {
                let name = self.discovery_name(ds);
                let id = self.tasks[task].id.clone();
                self.log("task", id.clone(), format!("deregistered from Cloud Map service {name}"));
            }
        }
    }

    /// `orders.shop.local`: the Cloud Map service name in its namespace.
    pub fn discovery_name(&self, ds: usize) -> String {
        let d = &self.scenario.discovery_services[ds];
        format!("{}.{}", d.name, self.scenario.namespaces[d.namespace].name)
    }

    /// The DNS records Cloud Map serves for one discovery service right now.
    pub fn dns_records(&self, ds: usize) -> Vec<String> {
        let d = &self.scenario.discovery_services[ds];
        let name = self.discovery_name(ds);
        let mut out = Vec::new();
        for inst in &self.discovery[ds] {
            for (kind, ttl) in &d.records {
                match kind {
                    RecordType::A => out.push(format!("{name}. {ttl} IN A {}", inst.ipv4)),
                    RecordType::Srv => {
                        out.push(format!("{name}. {ttl} IN SRV 1 1 {} {}.{name}.", inst.port.unwrap_or(0), inst.instance_id));
                        out.push(format!("{}.{name}. {ttl} IN A {}", inst.instance_id, inst.ipv4));
                    }
                }
            }
        }
        out
    }

    /// The tasks a name resolves to: a Cloud Map DNS name (private DNS namespaces only; an
    /// HTTP namespace has no DNS) or a Service Connect client alias / discovery name (only
    /// for callers that are themselves in Service Connect).
    pub fn resolve(&self, caller_service: usize, host: &str, port: Option<u16>) -> Vec<usize> {
        let member_of = |ns: usize| self.scenario.service_connect_members.contains(&(caller_service, ns));
        let mut out = Vec::new();
        for (ds, d) in self.scenario.discovery_services.iter().enumerate() {
            let ns = &self.scenario.namespaces[d.namespace];
            // `<service>.<namespace>`, compared in place: this runs for every call every frame.
            let named = host.strip_prefix(d.name.as_str()).and_then(|r| r.strip_prefix('.')) == Some(ns.name.as_str());
            let dns = ns.kind == NamespaceKind::DnsPrivate && !d.records.is_empty() && named;
            let alias = member_of(d.namespace)
                && self.scenario.registrations.iter().any(|r| r.discovery_service == ds && r.client_alias.as_ref().is_some_and(|(h, p)| h == host && port.is_none_or(|x| x == *p)));
            if dns || alias {
                out.extend(self.discovery[ds].iter().map(|i| i.task));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Who calls whom right now: each RUNNING caller task sends to one endpoint, spread round
    /// robin by the caller's position (what a client's DNS or proxy load balancing does).
    pub fn call_edges(&self) -> Vec<CallEdge> {
        let mut out = Vec::new();
        for (k, c) in self.scenario.service_calls.iter().enumerate() {
            let targets = self.resolve(c.from, &c.host, c.port);
            if targets.is_empty() {
                continue;
            }
            let callers = self.services[c.from].tasks.iter().filter(|&&t| self.tasks[t].last_status == TaskStatus::Running);
            for (n, &from) in callers.enumerate() {
                out.push(CallEdge { call: k, from, to: targets[n % targets.len()] });
            }
        }
        out
    }

    /// Once a minute: log when a call's name starts or stops resolving.
    pub(super) fn check_service_calls(&mut self) {
        for k in 0..self.scenario.service_calls.len() {
            let c = self.scenario.service_calls[k].clone();
            let n = self.resolve(c.from, &c.host, c.port).len();
            let before = self.call_endpoints[k];
            self.call_endpoints[k] = Some(n);
            let from = self.services[c.from].def.name.clone();
            match (before, n) {
                (Some(b), 0) if b > 0 => self.log("service", from, format!("calls to {}: NXDOMAIN, no instances registered", c.to)),
                (None, 0) => self.log("service", from, format!("calls to {}: the name does not resolve (not a Cloud Map DNS name, or a Service Connect alias the caller can't see)", c.to)),
                (b, n) if n > 0 && b.is_none_or(|b| b == 0) => self.log("service", from, format!("calls to {} resolve to {n} endpoints", c.to)),
                _ => {}
            }
        }
    }

    /// Which identity an AWS SDK call from this task's containers uses. On EC2 the agent serves
    /// the task role only where enabled (`ECS_ENABLE_TASK_IAM_ROLE` for bridge/awsvpc,
    /// `ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST` for host); otherwise "the task uses the Amazon EC2
    /// instance role" (https://repost.aws/knowledge-center/ecs-iam-task-roles-config-errors),
    /// which the SDK reaches through the instance metadata, unless `ECS_AWSVPC_BLOCK_IMDS` blocks
    /// that for awsvpc tasks (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html;
    /// host-network tasks share the host's network and always reach it).
    pub fn call_identity(&self, task: usize) -> CallIdentity {
        let t = &self.tasks[task];
        let td = &self.scenario.task_defs[t.task_def];
        let role = td.task_role_arn.as_deref().filter(|a| !a.is_empty());
        let Some(i) = t.instance else {
            return role.map_or(CallIdentity::None, |arn| CallIdentity::TaskRole { role_arn: arn.to_string() });
        };
        let spec = &self.instances[i].spec;
        let served = match td.network_mode {
            crate::model::NetworkMode::Host => spec.agent.task_iam_role_network_host,
            _ => spec.agent.task_iam_role,
        };
        match role {
            Some(arn) if served => CallIdentity::TaskRole { role_arn: arn.to_string() },
            _ if self.imds_blocked(task) => CallIdentity::None,
            _ => CallIdentity::InstanceProfile { instance_profile: self.instance_profile(i), role_arn: self.instance_role(i).map(|r| r.arn.clone()) },
        }
    }

    /// An awsvpc task on an instance whose agent has `ECS_AWSVPC_BLOCK_IMDS` set.
    fn imds_blocked(&self, task: usize) -> bool {
        let t = &self.tasks[task];
        t.instance.is_some_and(|i| self.instances[i].spec.agent.awsvpc_block_imds) && self.scenario.task_defs[t.task_def].network_mode == crate::model::NetworkMode::Awsvpc
    }

    /// CallAwsApi: each calling task's call, allowed or denied.
    pub(super) fn call_aws_api(&mut self, service: Option<usize>, task: Option<String>, action: &str, resource: &str) {
        let callers: Vec<usize> = match (service, task) {
            (Some(s), _) => self.services[s].tasks.iter().copied().filter(|&t| self.tasks[t].last_status == TaskStatus::Running).collect(),
            (None, Some(r)) => self.find_task(&r).into_iter().filter(|&t| self.tasks[t].last_status == TaskStatus::Running).collect(),
            (None, None) => vec![],
        };
        if callers.is_empty() {
            self.log("action", "CallAwsApi", format!("{action}: no RUNNING task to make the call"));
        }
        for t in callers {
            let identity = self.call_identity(t);
            let id = self.tasks[t].id.clone();
            let session = match &identity {
                CallIdentity::InstanceProfile { .. } => self.tasks[t].instance.map(|i| self.instances[i].spec.ec2_instance_id.clone()).unwrap_or_default(),
                _ => id.clone(),
            };
            let role_name = match &identity {
                CallIdentity::TaskRole { role_arn } => Some(crate::scenario::name_of(role_arn).to_string()),
                CallIdentity::InstanceProfile { role_arn, .. } => role_arn.as_deref().map(|a| crate::scenario::name_of(a).to_string()),
                CallIdentity::None => None,
            };
            let (allowed, message) = match (&self.scenario.roles, role_name, &identity) {
                (_, _, CallIdentity::None) if self.imds_blocked(t) => (false, "NoCredentialProviders: Unable to locate credentials (no task role, and ECS_AWSVPC_BLOCK_IMDS blocks awsvpc tasks from the instance metadata)".to_string()),
                (_, _, CallIdentity::None) => (false, "NoCredentialProviders: Unable to locate credentials (no task role, and Fargate has no instance profile)".to_string()),
                (None, Some(r), _) => (true, format!("allowed as role {r} (this scenario has no roles key, so IAM is not checked)")),
                (None, None, CallIdentity::InstanceProfile { instance_profile, .. }) => (true, format!("allowed as instance profile {instance_profile} (this scenario has no roles key, so IAM is not checked)")),
                (Some(roles), Some(r), _) => match roles.iter().find(|x| x.name == r) {
                    Some(role) => {
                        let d = role.evaluate(action, resource);
                        if d.allowed {
                            (true, format!("allowed as role {r} by {}", d.by))
                        } else {
                            (false, crate::iam::access_denied(&self.scenario.arns.account, &r, &session, action, resource, &d))
                        }
                    }
                    None => (false, format!("role {r} does not exist")),
                },
                (_, None, CallIdentity::InstanceProfile { instance_profile, .. }) => (false, format!("instance profile {instance_profile} holds no role in roles: Unable to locate credentials")),
                (_, None, _) => (false, "Unable to locate credentials".to_string()),
            };
            let who = match &identity {
                CallIdentity::TaskRole { .. } => "task role",
                CallIdentity::InstanceProfile { .. } => "instance profile",
                CallIdentity::None => "no credentials",
            };
            self.log("iam", id, format!("{action} on {resource} ({who}): {}", if allowed { message.clone() } else { format!("DENIED: {message}") }));
            self.record_api_call(ApiCall { at: self.now, task_arn: self.tasks[t].arn.clone(), action: action.to_string(), resource: resource.to_string(), identity, allowed, message });
        }
    }
}
