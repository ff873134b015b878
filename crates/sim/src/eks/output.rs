//! kubectl's shapes: a `v1` `List` of Nodes, Pods and Events with Kubernetes' field names, and
//! the per-pod "why this node?" tables. Pod IPs are the engine's (`PodRecord::ip`, from the
//! VPC's subnet books); timestamps are derived from the run's start.

use crate::sort::SortSmall;
use super::nodes::Node;
use super::objects::Resources;
use super::engine::disruption::PdbStatus;
use super::engine::events::KEvent;
use super::engine::PodRecord;
use super::objects::PodDisruptionBudget;
use super::run::EksRun;
use super::services_json::{endpoint_slices_json, endpoints_json, service_json, EndpointPod};
use super::scheduler::decision::Decision;
use super::scheduler::state::PodInfo;
use crate::time::format_iso;
use serde_json::{json, Map, Value};

/// Kubernetes minor the model pins (eks-semantics §0: 1.31–1.33 window).
pub const KUBELET_VERSION: &str = "v1.32.0-eks";

fn cpu(m: i64) -> String {
    if m % 1000 == 0 { (m / 1000).to_string() } else { format!("{m}m") }
}

/// Memory the way the kubelet reports it: whole KiB with a `Ki` suffix.
fn ki(bytes: i64) -> String {
    format!("{}Ki", bytes / 1024)
}

fn resources(r: &Resources, pods: Option<i64>) -> Value {
    let mut m = Map::new();
    m.insert("cpu".into(), json!(cpu(r.cpu)));
    m.insert("memory".into(), json!(ki(r.memory)));
    m.insert("ephemeral-storage".into(), json!(ki(r.ephemeral)));
    if let Some(p) = pods {
        m.insert("pods".into(), json!(p.to_string()));
    }
    Value::Object(m)
}

/// `spec.providerID` is `aws:///<zone>/<instance id>` (the EC2 instance behind the node; a
/// Fargate node's name stands in, as it has no instance).
pub fn node_json(n: &Node, created: &str, instance_id: &str) -> Value {
    let taints: Vec<Value> = n.taints.iter().map(|t| json!({"key": t.key, "value": t.value, "effect": t.effect.as_str()})).collect();
    let mut spec = json!({"providerID": format!("aws:///{}/{}", n.zone, instance_id)});
    if !taints.is_empty() {
        spec["taints"] = Value::Array(taints);
    }
    if n.unschedulable {
        spec["unschedulable"] = json!(true);
    }
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": n.name, "labels": n.labels, "creationTimestamp": created},
        "spec": spec,
        "status": {
            "capacity": resources(&n.capacity, Some(n.max_pods)),
            "allocatable": resources(&n.allocatable, Some(n.max_pods)),
            "addresses": [{"type": "InternalIP", "address": n.internal_ip}, {"type": "Hostname", "address": n.name}, {"type": "InternalDNS", "address": n.name}],
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastTransitionTime": created}],
            "nodeInfo": {"kubeletVersion": KUBELET_VERSION, "architecture": n.labels.get("kubernetes.io/arch"), "operatingSystem": "linux", "containerRuntimeVersion": "containerd://1.7.25", "osImage": "Amazon Linux 2023"},
        },
    })
}

/// `app-7d4b9c-x2x4k` → its ReplicaSet `app-7d4b9c`, when the pod came from a Deployment; a
/// manifest DaemonSet's pod → that DaemonSet.
fn owner(p: &PodInfo, ds: Option<&str>) -> Option<Value> {
    if let Some(d) = ds {
        return Some(json!([{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": d, "controller": true, "blockOwnerDeletion": true}]));
    }
    p.owner_selector.as_ref()?;
    let (rs, _) = p.name.rsplit_once('-')?;
    Some(json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "controller": true, "blockOwnerDeletion": true}]))
}

fn pod_json(p: &PodInfo, node: Option<(&Node, Option<String>)>, message: Option<&str>, rec: Option<&PodRecord>, ds: Option<&str>, start: i64, now: i64) -> Value {
    let ts = |t: Option<i64>| format_iso(start + t.unwrap_or(0));
    let created = &ts(rec.map(|r| r.created_at));
    let containers: Vec<Value> = p
        .spec
        .containers
        .iter()
        .map(|c| {
            let mut req = Map::new();
            if c.has_cpu {
                req.insert("cpu".into(), json!(cpu(c.requests.cpu)));
            }
            if c.has_memory {
                req.insert("memory".into(), json!(c.requests.memory.to_string()));
            }
            json!({"name": c.name, "image": c.image, "resources": {"requests": req}})
        })
        .collect();
    let mut meta = json!({"name": p.name, "namespace": p.namespace, "labels": p.labels, "creationTimestamp": created});
    if let Some(o) = owner(p, ds) {
        meta["ownerReferences"] = o;
    }
    let annotations = rec.map(|r| r.annotations.as_slice()).unwrap_or_default();
    if !annotations.is_empty() {
        meta["annotations"] = annotations.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<String, Value>>().into();
    }
    // EKS's webhook gives a pod a Fargate profile selects to the fargate-scheduler.
    let fargate = annotations.iter().any(|(k, _)| k == super::engine::fargate_nodes::CAPACITY_ANNOTATION);
    let mut spec = json!({"containers": containers, "schedulerName": if fargate { "fargate-scheduler" } else { p.spec.scheduler_name.as_str() }});
    if let Some(g) = p.spec.termination_grace_s {
        spec["terminationGracePeriodSeconds"] = json!(g);
    }
    if let Some(d) = rec.and_then(|r| r.deleting_at) {
        meta["deletionTimestamp"] = json!(ts(Some(d)));
        meta["deletionGracePeriodSeconds"] = json!(p.spec.grace_s());
    }
    let status = match &node {
        Some((n, ip)) => {
            spec["nodeName"] = json!(n.name);
            // Before its containers start the pod is Pending (ContainerCreating); Ready per probe.
            let scheduled = rec.and_then(|r| r.scheduled_at);
            let started = rec.map_or(Some(0), |r| r.started_at.filter(|t| *t <= now));
            let ready = rec.map_or(true, |r| r.ready(now));
            let cond = |t: &str, ok: bool, at: Option<i64>| json!({"type": t, "status": if ok { "True" } else { "False" }, "lastTransitionTime": ts(at)});
            let ready_at = if ready { rec.and_then(|r| r.ready_at) } else { started.or(scheduled) };
            let phase = if started.is_some() { "Running" } else { "Pending" };
            let mut st = json!({"phase": phase, "hostIP": n.internal_ip, "hostIPs": [{"ip": n.internal_ip}], "startTime": ts(scheduled),
                "conditions": [cond("PodScheduled", true, scheduled), cond("Initialized", true, scheduled), cond("ContainersReady", ready, ready_at), cond("Ready", ready, ready_at)]});
            // A pod whose sandbox has no address yet has no podIP (kubectl shows <none>).
            if let Some(ip) = ip {
                st["podIP"] = json!(ip);
                st["podIPs"] = json!([{"ip": ip}]);
            }
            let failed = rec.and_then(|r| r.pull_failure.as_ref()).filter(|f| f.at <= now);
            let cs: Vec<Value> = p.spec.containers.iter().enumerate().map(|(k, c)| {
                let state = match (started, failed) {
                    (Some(t), _) => json!({"running": {"startedAt": ts(Some(t))}}),
                    // The container whose image the kubelet could not pull (engine::image_pull).
                    (None, Some(f)) if f.container == k => {
                        let (reason, message) = f.waiting(now);
                        json!({"waiting": {"reason": reason, "message": message}})
                    }
                    (None, _) => json!({"waiting": {"reason": "ContainerCreating"}}),
                };
                json!({"name": c.name, "image": c.image, "ready": ready, "restartCount": 0, "started": started.is_some(), "state": state})
            }).collect();
            st["containerStatuses"] = json!(cs);
            st
        }
        None => {
            let mut c = json!({"type": "PodScheduled", "status": "False", "lastTransitionTime": created});
            if let Some(m) = message {
                c["reason"] = json!("Unschedulable");
                c["message"] = json!(m);
            }
            json!({"phase": "Pending", "conditions": [c]})
        }
    };
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status})
}

/// The run as `kubectl get nodes,pods,events -A -o json` would print it.
pub fn list(r: &EksRun, start_unix_s: i64) -> Value {
    let created = format_iso(start_unix_s);
    // A Fargate node leaves the cluster with its one pod; a reclaimed Spot node is deleted.
    let joined = |n: &Node| r.node_joined.get(&n.name).map_or(created.clone(), |t| format_iso(start_unix_s + t));
    let mut items: Vec<Value> = r.state.nodes.iter().enumerate().filter(|(i, n)| !(super::engine::fargate_nodes::is_fargate(&n.node) && n.pod_count == 0) && !r.removed_nodes.contains_key(i)).map(|(_, n)| node_json(&n.node, &joined(&n.node), r.instance_ids.get(&n.node.name).unwrap_or(&n.node.name))).collect();
    items.extend(r.node_claims.iter().filter(|c| c.deleted_s.is_none()).map(|c| super::nodeclaim_json::node_claim_json(c, start_unix_s)));
    let mut pods = Vec::new();
    let now = r.until_s;
    let recs: std::collections::BTreeMap<(&str, &str), &PodRecord> = r.pods.iter().map(|p| ((p.info.namespace.as_str(), p.info.name.as_str()), p)).collect();
    let rec = |ns: &str, name: &str| recs.get(&(ns, name)).copied();
    let ds_of = |x: Option<&PodRecord>| match x.map(|x| x.owner) {
        Some(super::engine::Owner::UserDaemonSet(k)) => r.daemon_sets.get(k).map(|d| d.0.ds.name.as_str()),
        _ => None,
    };
    let mut endpoint_pods = Vec::new();
    for bp in &r.state.pods {
        let n = &r.state.nodes[bp.node].node;
        let rc = rec(&bp.pod.namespace, &bp.pod.name);
        let ip = rc.and_then(|x| x.ip.clone());
        // Endpoints list addresses: a pod still without one is in neither list.
        if let Some(ip) = ip.clone() {
            endpoint_pods.push(EndpointPod {
            namespace: &bp.pod.namespace,
            name: &bp.pod.name,
            labels: &bp.pod.labels,
                ip,
                node: n.name.clone(),
                zone: n.zone.clone(),
                ready: rc.map_or(true, |x| x.ready(now)),
                terminating: rc.is_some_and(|x| x.deleting_at.is_some()),
                ports: &bp.pod.spec.container_ports,
            });
        }
        pods.push(pod_json(&bp.pod, Some((n, ip)), None, rc, ds_of(rc), start_unix_s, now));
    }
    for p in &r.pending {
        let rc = rec(&p.pod.namespace, &p.pod.name);
        pods.push(pod_json(&p.pod, None, p.message.as_deref(), rc, ds_of(rc), start_unix_s, now));
    }
    // Job pods whose containers exited: no longer on the scheduler's books, still listed.
    for p in r.pods.iter().filter(|p| p.finished_at.is_some()) {
        let Some(n) = p.node.and_then(|i| r.state.nodes.get(i)).map(|x| &x.node) else { continue };
        let mut v = pod_json(&p.info, Some((n, p.ip.clone())), None, Some(p), None, start_unix_s, now);
        super::job_json::finish_pod(&mut v, p, start_unix_s);
        pods.push(v);
    }
    // The API server lists by key: namespace, then name.
    let key = |p: &Value| (p["metadata"]["namespace"].as_str().unwrap_or("").to_string(), p["metadata"]["name"].as_str().unwrap_or("").to_string());
    pods.sort_small_by_key(key);
    for p in &mut pods {
        let k = key(p);
        if let Some((tg, healthy)) = r.gates.get(&k) {
            super::lb_json::gate_pod(p, tg, *healthy);
        }
    }
    items.extend(pods);
    for ro in &r.rollouts {
        items.push(super::workloads_json::deployment_json(ro, start_unix_s));
        items.extend(super::workloads_json::replica_sets_json(ro, start_unix_s));
    }
    for (c, n) in &r.replica_sets {
        items.push(super::replicaset_json::replica_set_json(c, n, start_unix_s));
    }
    for (c, st) in &r.daemon_sets {
        items.push(super::daemonset_json::daemon_set_json(c, st, start_unix_s));
    }
    for (c, active) in &r.cron_jobs {
        items.push(super::cronjob_json::cron_job_json(c, active, start_unix_s));
    }
    for (c, n) in &r.jobs {
        items.push(super::job_json::job_json(c, n, start_unix_s));
    }
    for (svc, a) in &r.services {
        let mut v = service_json(svc, a, &created);
        if let Some(l) = &r.lbc {
            super::lb_json::service_status(&mut v, l);
        }
        items.push(v);
    }
    if let Some(l) = &r.lbc {
        items.extend(l.ingresses.iter().map(|i| super::lb_json::ingress_json(i, Some(l), &created)));
    }
    for (svc, _) in r.services.iter().filter(|(s, _)| s.selector.is_some()) {
        items.push(endpoints_json(svc, &endpoint_pods, &created));
        items.extend(endpoint_slices_json(svc, &endpoint_pods, &created));
    }
    for (b, st) in &r.pdbs {
        items.push(pdb_json(b, st, &created));
    }
    items.extend(r.hpas.iter().map(|h| super::hpa_json::hpa_json(h, start_unix_s)));
    let mut events: Vec<Value> = r.events.iter().map(|e| event_json(e, e.seq, start_unix_s)).collect();
    for ro in &r.rollouts {
        events.extend(super::workloads_json::events_json(ro, start_unix_s));
    }
    // `kubectl get events` lists by time; the sort is stable within an instant.
    events.sort_small_by(|a, b| a["lastTimestamp"].as_str().cmp(&b["lastTimestamp"].as_str()));
    items.extend(events);
    let mut out = json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}});
    // Beside kubectl's List: the controller's load balancers and target groups, in the ECS
    // report's shape (`targetGroups`) and DescribeLoadBalancers' (`loadBalancers`).
    if let Some(l) = r.lbc.as_ref().filter(|l| !l.model.lbs.is_empty()) {
        out["loadBalancers"] = json!(super::lb_json::load_balancers_json(l));
        let mut groups = super::lb_json::target_groups_json(l);
        // An `ip` target is named by its pod's podIP as this List shows it.
        let ips: std::collections::BTreeMap<(&str, &str), &str> = endpoint_pods.iter().map(|p| ((p.namespace, p.name), p.ip.as_str())).collect();
        super::lb_json::name_ip_targets(&mut groups, l, |id| r.target_pods.get(&id).and_then(|(ns, n)| ips.get(&(ns.as_str(), n.as_str())).map(|s| s.to_string())));
        out["targetGroups"] = json!(groups);
    }
    out
}

fn event_json(e: &KEvent, i: u64, start: i64) -> Value {
    let api = match e.kind {
        "ReplicaSet" | "Deployment" | "DaemonSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        _ => "v1",
    };
    let mut obj = json!({"apiVersion": api, "kind": e.kind, "name": e.name});
    let ns = if e.namespace.is_empty() { "default" } else { e.namespace.as_str() };
    if !e.namespace.is_empty() {
        obj["namespace"] = json!(e.namespace);
    }
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{}.{:016x}", e.name, i), "namespace": ns, "creationTimestamp": format_iso(start + e.first_s)},
        "involvedObject": obj,
        "reason": e.reason, "message": e.message, "type": if e.warning { "Warning" } else { "Normal" }, "count": e.count,
        "source": {"component": e.source}, "reportingComponent": e.source,
        "firstTimestamp": format_iso(start + e.first_s), "lastTimestamp": format_iso(start + e.last_s),
    })
}

fn pdb_json(b: &PodDisruptionBudget, st: &PdbStatus, created: &str) -> Value {
    let mut spec = json!({"selector": {"matchLabels": b.selector.match_labels}});
    if let Some(v) = b.min_available {
        spec["minAvailable"] = v.to_json();
    }
    if let Some(v) = b.max_unavailable {
        spec["maxUnavailable"] = v.to_json();
    }
    let ok = st.disruptions_allowed > 0;
    json!({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": b.name, "namespace": b.namespace, "creationTimestamp": created},
        "spec": spec,
        "status": {"currentHealthy": st.current_healthy, "desiredHealthy": st.desired_healthy, "disruptionsAllowed": st.disruptions_allowed,
            "expectedPods": st.expected_pods, "observedGeneration": 1,
            "conditions": [{"type": "DisruptionAllowed", "status": if ok { "True" } else { "False" }, "reason": if ok { "SufficientPods" } else { "InsufficientPods" }, "message": "", "observedGeneration": 1, "lastTransitionTime": created}]},
    })
}

/// "Why this node?": every evaluated node's filter verdict and every score plugin's numbers.
pub fn explain(r: &EksRun, d: &Decision) -> Value {
    let name = |i: usize| r.state.nodes[i].node.name.clone();
    let nodes: Vec<Value> = d
        .verdicts
        .iter()
        .map(|v| {
            let mut o = json!({"node": name(v.node)});
            match &v.rejected {
                None => o["filter"] = json!("passed"),
                Some(rj) => o["filter"] = json!({"plugin": rj.plugin, "reasons": rj.reasons}),
            }
            if let Some(s) = d.scores.iter().find(|s| s.node == v.node) {
                o["scores"] = s.plugins.iter().map(|p| json!({"plugin": p.plugin, "raw": p.raw, "normalized": p.normalized, "weight": p.weight, "weighted": p.weighted})).collect();
                o["total"] = json!(s.total);
            }
            o
        })
        .collect();
    json!({"pod": d.pod, "node": d.node.map(name), "message": d.message, "evaluated": d.evaluated, "nodes": nodes})
}
