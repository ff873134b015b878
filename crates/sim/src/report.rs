//! The state of a run as AWS's Describe* outputs would show it. One place owns this shape.

use crate::sort::SortSmall;
use crate::engine::{Instance, Sim, TargetState, Task, TaskStatus};
use crate::time::format_iso;
use serde_json::{json, Value};

/// Services to show per DescribeServices call: the 100 most recent events.
const SERVICE_EVENTS_SHOWN: usize = 100;

pub struct ReportOptions {
    pub explain: bool,
}

pub fn report(sim: &Sim, options: &ReportOptions) -> Value {
    let mut out = report_without_activities(sim, options);
    if !sim.scenario.scalable_targets.is_empty() {
        out["scalingActivities"] = scaling_activities(sim);
    }
    out
}

/// The report as pretty JSON, written without holding all of it: six weeks of scaling
/// activities (tens of thousands in a big cluster) are built and written one at a time.
/// The same bytes `report` would give.
pub fn write_report(sim: &Sim, options: &ReportOptions, w: impl std::io::Write) -> serde_json::Result<()> {
    use serde::ser::{Serialize, SerializeMap, Serializer};
    struct Activities<'a>(&'a Sim);
    impl Serialize for Activities<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.scaling_activities().map(|a| scaling_activity(self.0, a)))
        }
    }
    struct Streamed<'a>(&'a Value, &'a Sim);
    impl Serialize for Streamed<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            const KEY: &str = "scalingActivities";
            let mut pending = !self.1.scenario.scalable_targets.is_empty();
            let mut map = s.serialize_map(None)?;
            for (k, v) in self.0.as_object().into_iter().flatten() {
                if pending && k.as_str() > KEY {
                    map.serialize_entry(KEY, &Activities(self.1))?;
                    pending = false;
                }
                map.serialize_entry(k, v)?;
            }
            if pending {
                map.serialize_entry(KEY, &Activities(self.1))?;
            }
            map.end()
        }
    }
    serde_json::to_writer_pretty(w, &Streamed(&report_without_activities(sim, options), sim))
}

fn report_without_activities(sim: &Sim, options: &ReportOptions) -> Value {
    let mut out = json!({
        "scenario": sim.scenario.name,
        "clusterArn": sim.scenario.arns.cluster_arn(),
        "time": format_iso(iso_at(sim, sim.now())),
        "elapsedSeconds": sim.now() / 1000,
        "services": sim.services.iter().enumerate().map(|(i, _)| describe_service(sim, i)).collect::<Vec<_>>(),
        "tasks": sim.tasks_oldest_first(|t| t.live() || t.stopped_at.is_some_and(|s| sim.now() - s < crate::engine::retention::STOPPED_TASK_RETENTION_MS)).into_iter().map(|t| describe_task(sim, &sim.tasks[t])).collect::<Vec<_>>(),
        "containerInstances": sim.instances.iter().map(|i| describe_container_instance(sim, i)).collect::<Vec<_>>(),
        "targetGroups": (0..sim.scenario.target_groups.len()).map(|tg| describe_target_health(sim, tg)).collect::<Vec<_>>(),
        "failures": sim.run_task_failures.iter().map(|f| json!({"at": format_iso(iso_at(sim, f.at)), "taskDefinition": f.task_definition, "reason": f.reason, "detail": f.detail})).collect::<Vec<_>>(),
    });
    if !sim.scenario.scalable_targets.is_empty() {
        out["scalableTargets"] = json!(sim.scenario.scalable_targets.iter().zip(&sim.bounds).map(|(t, (min, max))| json!({
            "ServiceNamespace": "ecs", "ResourceId": t.resource_id, "ScalableDimension": crate::scenario::scaling::ECS_DIMENSION,
            "MinCapacity": min, "MaxCapacity": max,
            "SuspendedState": {"DynamicScalingInSuspended": t.scale_in_suspended, "DynamicScalingOutSuspended": t.scale_out_suspended, "ScheduledScalingSuspended": t.scheduled_suspended},
        })).collect::<Vec<_>>());
        out["scheduledActions"] = json!(sim.scenario.scheduled_actions.iter().map(|a| json!({
            "ScheduledActionName": a.name, "ServiceNamespace": "ecs",
            "ResourceId": sim.scenario.scalable_targets[a.target].resource_id, "ScalableDimension": crate::scenario::scaling::ECS_DIMENSION,
            "ScalableTargetAction": {"MinCapacity": a.min, "MaxCapacity": a.max},
        })).collect::<Vec<_>>());
    }
    if !sim.scenario.alarms.is_empty() {
        out["alarms"] = json!(sim.scenario.alarms.iter().zip(&sim.alarm_states).map(|(a, st)| json!({
            "AlarmName": a.name,
            "StateValue": st.state.as_str(),
            "StateReason": st.reason,
            "StateUpdatedTimestamp": format_iso(iso_at(sim, st.since)),
            "Namespace": a.metric.namespace,
            "MetricName": a.metric.name,
            "Dimensions": a.metric.dimensions.iter().map(|(k, v)| json!({"Name": k, "Value": v})).collect::<Vec<_>>(),
            "Period": a.period_s,
            "EvaluationPeriods": a.evaluation_periods,
            "DatapointsToAlarm": a.datapoints_to_alarm,
            "Threshold": a.threshold,
            "ComparisonOperator": format!("{:?}", a.comparison),
            "AlarmActions": a.actions.iter().map(|&p| sim.scenario.policies[p].arn.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>());
    }
    if !sim.scenario.auto_scaling_groups.is_empty() {
        out["autoScalingGroups"] = json!(sim.scenario.auto_scaling_groups.iter().enumerate().map(|(k, g)| {
            let cp = sim.scenario.capacity_providers.iter().find(|c| c.asg == Some(k)).map(|c| c.name.as_str());
            let members: Vec<Value> = sim.instances.iter().filter(|i| cp.is_some() && i.spec.capacity_provider.as_deref() == cp && i.status != crate::engine::InstanceStatus::Inactive)
                .map(|i| json!({"InstanceId": i.spec.ec2_instance_id, "AvailabilityZone": i.spec.availability_zone, "LifecycleState": if i.status == crate::engine::InstanceStatus::Inactive { "Terminated" } else { "InService" }, "InstanceType": i.spec.instance_type}))
                .collect();
            json!({"AutoScalingGroupName": g.name, "MinSize": g.min_size, "MaxSize": g.max_size, "DesiredCapacity": sim.aws.auto_scaling.get(k).map_or(0, |a| a.desired()), "AvailabilityZones": g.zones, "Instances": members})
        }).collect::<Vec<_>>());
    }
    if !sim.repositories.is_empty() {
        out["repositories"] = repositories(sim);
    }
    if !sim.scenario.discovery_services.is_empty() {
        out["serviceDiscovery"] = service_discovery(sim);
    }
    if !sim.api_calls.is_empty() {
        out["apiCalls"] = json!(sim.api_calls.iter().map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
            v["at"] = json!(format_iso(iso_at(sim, c.at)));
            v
        }).collect::<Vec<_>>());
    }
    if !sim.scenario.schedules.is_empty() {
        out["schedules"] = json!(sim.scenario.schedules.iter().map(|d| json!({
            "Name": d.name, "State": if d.enabled { "ENABLED" } else { "DISABLED" },
            "Target": {"Arn": sim.scenario.arns.cluster_arn(), "RoleArn": d.role_arn, "EcsParameters": {"TaskDefinitionArn": sim.scenario.task_defs[d.run.task_def].arn, "TaskCount": d.run.count}},
            "TasksStarted": sim.tasks_started_by(&format!("scheduler/{}", d.name)).map_or(0, |(n, _)| n),
        })).collect::<Vec<_>>());
    }
    out["cost"] = crate::cost::report::section(sim);
    if options.explain {
        out["placements"] = placements(sim);
    }
    out
}

/// `--explain`'s placements: each explanation with its notes spelled out (`candidates`, only
/// when there are any).
fn placements(sim: &Sim) -> Value {
    Value::Array(
        sim.explained_tasks().into_iter().map(|(t, e)| e.to_json(&t.arn, &sim.instances)).collect(),
    )
}

/// `1.2 GiB`, `350 MiB`, `12 KiB`.
pub fn format_bytes(n: u64) -> String {
    let mib = n as f64 / (1024.0 * 1024.0);
    if mib >= 1024.0 {
        format!("{:.1} GiB", mib / 1024.0)
    } else if mib >= 1.0 {
        format!("{mib:.0} MiB")
    } else {
        format!("{} KiB", n.div_ceil(1024))
    }
}

/// Unix seconds at sim time `t`.
pub fn iso_at(sim: &Sim, t: u64) -> i64 {
    sim.scenario.start_unix_s + (t / 1000) as i64
}

pub fn describe_service(sim: &Sim, s: usize) -> Value {
    let state = &sim.services[s];
    let def = &state.def;
    let tasks: Vec<&Task> = state.tasks.iter().map(|&t| &*sim.tasks[t]).collect();
    let running = tasks.iter().filter(|t| t.desired_running && t.last_status == TaskStatus::Running).count();
    let pending = tasks.iter().filter(|t| t.desired_running && t.last_status < TaskStatus::Running).count();
    // DescribeServices lists the newest first.
    let events: Vec<Value> = sim
        .service_events(s)
        .take(SERVICE_EVENTS_SHOWN)
        .map(|e| json!({"id": crate::scenario::hex_id(&format!("{}#{}", def.name, e.seq), 32), "createdAt": format_iso(iso_at(sim, e.entry.at)), "message": e.entry.message}))
        .collect();
    let mut v = json!({
        "serviceArn": def.arn,
        "serviceName": def.name,
        "clusterArn": sim.scenario.arns.cluster_arn(),
        "status": "ACTIVE",
        "desiredCount": if def.daemon { tasks.iter().filter(|t| t.desired_running).count() as u32 } else { state.desired_count },
        "runningCount": running,
        "pendingCount": pending,
        "taskDefinition": sim.scenario.task_defs[state.deployments.last().map_or(def.task_def, |d| d.task_def)].arn,
        "schedulingStrategy": if def.daemon { "DAEMON" } else { "REPLICA" },
        "availabilityZoneRebalancing": if def.az_rebalancing { "ENABLED" } else { "DISABLED" },
        "deploymentConfiguration": {"maximumPercent": def.maximum_percent, "minimumHealthyPercent": def.minimum_healthy_percent},
        "placementConstraints": def.placement.constraints.iter().map(|c| match c {
            crate::model::Constraint::DistinctInstance => json!({"type": "distinctInstance"}),
            crate::model::Constraint::MemberOf(q) => json!({"type": "memberOf", "expression": q.text}),
        }).collect::<Vec<_>>(),
        "placementStrategy": def.placement.strategies.iter().map(strategy_json).collect::<Vec<_>>(),
        "loadBalancers": def.load_balancers.iter().map(|l| json!({"targetGroupArn": sim.scenario.target_groups[l.target_group].arn, "containerName": l.container_name, "containerPort": l.container_port})).collect::<Vec<_>>(),
        "events": events,
        "deployments": state.deployments.iter().enumerate().rev().map(|(k, d)| {
            let mine: Vec<&Task> = tasks.iter().copied().filter(|t| t.deployment == Some(k)).collect();
            json!({
                "id": d.id,
                "status": if k + 1 == state.deployments.len() { "PRIMARY" } else if mine.is_empty() { "INACTIVE" } else { "ACTIVE" },
                "taskDefinition": sim.scenario.task_defs[d.task_def].arn,
                "desiredCount": if k + 1 == state.deployments.len() { state.desired_count } else { 0 },
                "runningCount": mine.iter().filter(|t| t.desired_running && t.last_status == TaskStatus::Running).count(),
                "pendingCount": mine.iter().filter(|t| t.desired_running && t.last_status < TaskStatus::Running).count(),
                "failedTasks": d.failed_tasks,
                "rolloutState": d.rollout,
                "createdAt": format_iso(iso_at(sim, d.created_at)),
            })
        }).collect::<Vec<_>>(),
    });
    match &def.launch {
        crate::model::Launch::Ec2 => v["launchType"] = json!("EC2"),
        crate::model::Launch::Fargate => {
            v["launchType"] = json!("FARGATE");
            v["platformVersion"] = json!(def.platform_version);
        }
        crate::model::Launch::Providers(p) => {
            v["capacityProviderStrategy"] = json!(p.iter().map(|x| json!({"capacityProvider": x.name, "weight": x.weight, "base": x.base})).collect::<Vec<_>>())
        }
    }
    if !def.subnets.is_empty() {
        v["networkConfiguration"] = json!({"awsvpcConfiguration": {"subnets": def.subnets, "assignPublicIp": "DISABLED"}});
    }
    v
}

fn strategy_json(s: &crate::model::Strategy) -> Value {
    use crate::model::{Resource, SpreadField, Strategy};
    match s {
        Strategy::Binpack(Resource::Cpu) => json!({"type": "binpack", "field": "cpu"}),
        Strategy::Binpack(Resource::Memory) => json!({"type": "binpack", "field": "memory"}),
        Strategy::Spread(SpreadField::InstanceId) => json!({"type": "spread", "field": "instanceId"}),
        Strategy::Spread(SpreadField::Attribute(a)) => json!({"type": "spread", "field": format!("attribute:{a}")}),
        Strategy::Random => json!({"type": "random"}),
    }
}

pub fn describe_task(sim: &Sim, t: &Task) -> Value {
    let td = &sim.scenario.task_defs[t.task_def];
    let containers: Vec<Value> = td
        .containers
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let (status, exit_code) = container_state(sim, t, k);
            let mut v = json!({
                "name": c.name,
                "image": c.image,
                "lastStatus": status,
                "networkBindings": t.bindings.iter().filter(|b| b.container_name == c.name && t.private_ip.is_none()).map(|b| json!({"bindIP": "0.0.0.0", "containerPort": b.container_port, "hostPort": b.host_port, "protocol": b.protocol.as_str()})).collect::<Vec<_>>(),
            });
            if let Some(code) = exit_code {
                v["exitCode"] = json!(code);
            }
            if let Some(d) = t.pulls.get(k).and_then(|p| p.digest.clone()) {
                v["imageDigest"] = json!(d);
            }
            if let (Some(r), TaskStatus::Stopped) = (&t.start_failure, t.last_status) {
                v["reason"] = json!(r);
            }
            if let Some(ip) = t.private_ip {
                v["networkInterfaces"] = json!([{"attachmentId": crate::scenario::hex_id(&t.id, 32), "privateIpv4Address": crate::engine::task::format_ip(ip)}]);
            }
            v
        })
        .collect();
    let mut v = json!({
        "taskArn": t.arn,
        "clusterArn": sim.scenario.arns.cluster_arn(),
        "taskDefinitionArn": td.arn,
        "group": t.group,
        "lastStatus": t.last_status.as_str(),
        "desiredStatus": if t.desired_running { "RUNNING" } else { "STOPPED" },
        "launchType": if t.fargate { "FARGATE" } else { "EC2" },
        "availabilityZone": t.availability_zone,
        "cpu": td.reserved_cpu().to_string(),
        "memory": td.reserved_memory_mib().to_string(),
        "createdAt": format_iso(iso_at(sim, t.created_at)),
        "containers": containers,
    });
    if let Some(cp) = &t.capacity_provider {
        v["capacityProviderName"] = json!(cp);
    }
    if let Some(i) = t.instance {
        v["containerInstanceArn"] = json!(sim.instances[i].arn);
    }
    if let Some(by) = &t.started_by {
        v["startedBy"] = json!(by);
    }
    if let Some(at) = t.started_at {
        v["startedAt"] = json!(format_iso(iso_at(sim, at)));
    }
    if let Some(at) = t.stopping_at {
        v["stoppingAt"] = json!(format_iso(iso_at(sim, at)));
    }
    if let Some(at) = t.stopped_at {
        v["stoppedAt"] = json!(format_iso(iso_at(sim, at)));
    }
    if let Some(r) = &t.stopped_reason {
        v["stoppedReason"] = json!(r);
        v["stopCode"] = json!(t.stop_code);
    }
    if let (Some(ip), Some(sn)) = (t.private_ip, t.subnet) {
        v["attachments"] = json!([{
            "id": crate::scenario::hex_id(&t.id, 32),
            "type": "ElasticNetworkInterface",
            "status": if t.live() { "ATTACHED" } else { "DELETED" },
            "details": [
                {"name": "subnetId", "value": sim.scenario.subnets[sn].id},
                {"name": "networkInterfaceId", "value": format!("eni-{}", crate::scenario::hex_id(&t.id, 17))},
                {"name": "privateIPv4Address", "value": crate::engine::task::format_ip(ip)},
            ],
        }]);
    }
    v
}

/// A container's lastStatus and exit code: a container with `exitAfter` stops on its own (its
/// code); the others stop with the task and exit 0 on SIGTERM; a container that never started
/// has no exit code.
pub fn container_state(sim: &Sim, t: &Task, k: usize) -> (&'static str, Option<i32>) {
    let c = &sim.scenario.task_defs[t.task_def].containers[k];
    let ran_out = match (t.started_at, c.exit_after_ms) {
        (Some(start), Some(ms)) => start + ms <= t.stopping_at.unwrap_or(sim.now()),
        _ => false,
    };
    match t.last_status {
        _ if ran_out => ("STOPPED", Some(c.exit_code)),
        TaskStatus::Stopped if t.started_at.is_some() => ("STOPPED", Some(0)),
        TaskStatus::Stopped => ("STOPPED", None),
        TaskStatus::Running | TaskStatus::Deactivating | TaskStatus::Stopping => ("RUNNING", None),
        _ => ("PENDING", None),
    }
}

/// DescribeRepositories with each repository's DescribeImages and lifecycle preview.
pub fn repositories(sim: &Sim) -> Value {
    json!(sim.repositories.iter().enumerate().map(|(r, repo)| {
        let preview = sim.lifecycle_preview(r);
        let mut v = json!({
            "repositoryName": repo.name,
            "repositoryArn": repo.arn,
            "repositoryUri": repo.uri,
            "imageTagMutability": repo.tag_mutability,
            "imageTagMutabilityExclusionFilters": repo.mutability_exclusions.iter().map(|f| json!({"filterType": "WILDCARD", "filter": f})).collect::<Vec<_>>(),
            "imageScanningConfiguration": {"scanOnPush": repo.scan_on_push},
            "imageDetails": repo.images.iter().map(|i| {
                let mut d = json!({"imageDigest": i.digest, "imageTags": i.tags, "imageSizeInBytes": i.size_bytes, "imagePushedAt": format_iso(i.pushed_at_unix_s), "architecture": i.architecture});
                if i.scanned {
                    d["imageScanStatus"] = json!({"status": "COMPLETE"});
                    d["imageScanFindingsSummary"] = json!({"findingSeverityCounts": i.findings});
                }
                d
            }).collect::<Vec<_>>(),
        });
        if let Some(p) = &repo.lifecycle {
            v["lifecyclePolicyText"] = json!(p.text);
            v["lifecyclePolicyPreview"] = json!({"status": "COMPLETE", "previewResults": preview, "summary": {"expiringImageTotalCount": preview.len()}});
        }
        v
    }).collect::<Vec<_>>())
}

/// Cloud Map: each service's DNS records and DiscoverInstances output.
pub fn service_discovery(sim: &Sim) -> Value {
    json!(sim.scenario.discovery_services.iter().enumerate().map(|(ds, d)| {
        let ns = &sim.scenario.namespaces[d.namespace];
        json!({
            "Id": d.id, "Arn": d.arn, "Name": d.name, "NamespaceName": ns.name, "NamespaceType": ns.kind,
            "DnsRecords": sim.dns_records(ds),
            "Instances": sim.discovery[ds].iter().map(|i| {
                let attrs: serde_json::Map<String, Value> = sim.discovery_attributes(i).into_iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
                json!({"InstanceId": i.instance_id, "NamespaceName": ns.name, "ServiceName": d.name, "HealthStatus": "HEALTHY", "Attributes": attrs})
            }).collect::<Vec<_>>(),
        })
    }).collect::<Vec<_>>())
}

pub fn describe_container_instance(sim: &Sim, inst: &Instance) -> Value {
    let resources = |cpu: u32, memory: u32, ports: Vec<String>, udp: Vec<String>| {
        json!([
            {"name": "CPU", "type": "INTEGER", "integerValue": cpu},
            {"name": "MEMORY", "type": "INTEGER", "integerValue": memory},
            {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ports},
            {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": udp},
        ])
    };
    let reserved_tcp: Vec<String> = inst.spec.agent.reserved_ports_tcp.iter().map(|p| p.to_string()).collect();
    let reserved_udp: Vec<String> = inst.spec.agent.reserved_ports_udp.iter().map(|p| p.to_string()).collect();
    let mut used_tcp: Vec<u16> = inst.spec.agent.reserved_ports_tcp.clone();
    used_tcp.extend(inst.bound_tcp.iter());
    used_tcp.sort_unstable();
    used_tcp.dedup();
    let mut used_udp: Vec<u16> = inst.spec.agent.reserved_ports_udp.clone();
    used_udp.extend(inst.bound_udp.iter());
    used_udp.sort_unstable();
    used_udp.dedup();
    let pending = inst.tasks.iter().filter(|&&t| sim.tasks[t].last_status < TaskStatus::Running).count();
    let mut attributes: Vec<Value> = inst.attributes.iter().map(|(k, v)| if v.is_empty() { json!({"name": k}) } else { json!({"name": k, "value": v}) }).collect();
    attributes.sort_small_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let mut v = json!({
        "containerInstanceArn": inst.arn,
        "ec2InstanceId": inst.spec.ec2_instance_id,
        "status": inst.status.as_str(),
        "agentConnected": inst.status != crate::engine::InstanceStatus::Inactive && inst.agent_connected,
        "versionInfo": {"agentVersion": inst.spec.agent_version},
        "registeredAt": format_iso(inst.spec.registered_at_unix_s),
        "runningTasksCount": inst.tasks.iter().filter(|&&t| sim.tasks[t].last_status == TaskStatus::Running).count(),
        "pendingTasksCount": pending,
        "registeredResources": resources(inst.registered_cpu, inst.registered_memory_mib, reserved_tcp, reserved_udp),
        "remainingResources": resources(inst.remaining_cpu, inst.remaining_memory_mib, used_tcp.iter().map(|p| p.to_string()).collect(), used_udp.iter().map(|p| p.to_string()).collect()),
        "attributes": attributes,
    });
    if let Some(cp) = &inst.spec.capacity_provider {
        v["capacityProviderName"] = json!(cp);
    }
    v
}

pub fn describe_target_health(sim: &Sim, tg: usize) -> Value {
    let load_balancers: Vec<&str> = sim.scenario.load_balancers.iter().filter(|lb| lb.listeners.iter().any(|l| l.2 == Some(tg))).map(|lb| lb.arn.as_str()).collect();
    target_health_json(&sim.scenario.target_groups[tg], &load_balancers, &sim.aws.elb[tg])
}

/// A target group with its DescribeTargetHealth descriptions: one shape for ECS's target
/// groups and the EKS load balancer controller's.
pub fn target_health_json(group: &crate::model::TargetGroup, load_balancers: &[&str], targets: &[crate::substrate::elb::Target]) -> Value {
    let descriptions: Vec<Value> = targets
        .iter()
        .map(|t| {
            let mut health = json!({"State": match t.state { TargetState::Initial => "initial", TargetState::Healthy => "healthy", TargetState::Unhealthy => "unhealthy", TargetState::Draining => "draining" }});
            if let Some((reason, description)) = t.reason() {
                health["Reason"] = json!(reason);
                health["Description"] = json!(description);
            }
            json!({"Target": {"Id": t.id, "Port": t.port}, "HealthCheckPort": t.port.to_string(), "TargetHealth": health})
        })
        .collect();
    let mut v = target_group_json(group, load_balancers);
    v["TargetHealthDescriptions"] = json!(descriptions);
    v
}

/// DescribeTargetGroups' fields for one target group, defaults filled in per protocol
/// (`scenario::target_groups`): a TCP health check has no path and no matcher.
pub fn describe_target_group(sim: &Sim, tg: usize) -> Value {
    let load_balancers: Vec<&str> = sim.scenario.load_balancers.iter().filter(|lb| lb.listeners.iter().any(|l| l.2 == Some(tg))).map(|lb| lb.arn.as_str()).collect();
    target_group_json(&sim.scenario.target_groups[tg], &load_balancers)
}

pub fn target_group_json(group: &crate::model::TargetGroup, load_balancers: &[&str]) -> Value {
    let hc = &group.health_check;
    let mut v = json!({
        "TargetGroupName": group.name, "TargetGroupArn": group.arn, "Protocol": group.protocol, "Port": group.port,
        "TargetType": if group.target_type_ip { "ip" } else { "instance" },
        "HealthCheckProtocol": hc.protocol, "HealthCheckPort": hc.port, "HealthCheckEnabled": true,
        "HealthCheckIntervalSeconds": hc.interval_s, "HealthCheckTimeoutSeconds": hc.timeout_s,
        "HealthyThresholdCount": hc.healthy_threshold, "UnhealthyThresholdCount": hc.unhealthy_threshold,
        "LoadBalancerArns": load_balancers,
    });
    if let Some(p) = &hc.path {
        v["HealthCheckPath"] = json!(p);
    }
    if let Some(m) = &hc.matcher {
        v["Matcher"] = json!({"HttpCode": m});
    }
    v
}

/// DescribeScalingActivities: newest first.
pub fn scaling_activities(sim: &Sim) -> Value {
    json!(sim.scaling_activities().map(|a| scaling_activity(sim, a)).collect::<Vec<_>>())
}

fn scaling_activity(sim: &Sim, a: &crate::engine::autoscaling::ScalingActivity) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
    v["StartTime"] = json!(format_iso(iso_at(sim, a.at)));
    v["EndTime"] = json!(format_iso(iso_at(sim, a.at)));
    v
}

/// Every datapoint as CSV: `time,namespace,metric,dimensions,value` (one row per sample; periods
/// CloudWatch has rolled up, past 15 days, as one row with their average).
pub fn metrics_csv(sim: &Sim) -> String {
    let mut out = String::from("time,namespace,metric,dimensions,value\n");
    for (key, minutes) in sim.metrics.iter() {
        let dims: Vec<String> = key.dimensions.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for (minute, v) in minutes.samples() {
            out.push_str(&format!("{},{},{},\"{}\",{}\n", format_iso(iso_at(sim, minute * 60_000)), key.namespace, key.name, dims.join(";"), v));
        }
    }
    out
}

/// Every datapoint as JSON, grouped per metric like GetMetricData's `MetricDataResults`.
pub fn metrics_json(sim: &Sim) -> Value {
    json!(sim.metrics.iter().map(|(key, minutes)| {
        let (times, values): (Vec<String>, Vec<f64>) = minutes.samples().map(|(m, v)| (format_iso(iso_at(sim, m * 60_000)), v)).unzip();
        json!({"Namespace": key.namespace, "MetricName": key.name,
               "Dimensions": key.dimensions.iter().map(|(k, v)| json!({"Name": k, "Value": v})).collect::<Vec<_>>(),
               "Timestamps": times, "Values": values})
    }).collect::<Vec<_>>())
}
