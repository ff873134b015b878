//! kubectl's shapes: a `v1` `List` of Nodes, Pods and Events with Kubernetes' field names, and
//! the per-pod "why this node?" tables. Pod IPs and timestamps are derived deterministically.

use super::nodes::Node;
use super::objects::Resources;
use super::run::EksRun;
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

/// A pod's IP: aws-node / kube-proxy use the host network (the node's IP); others get a
/// secondary IP from the node's subnet, numbered in bind order (IPAM detail is part 2).
pub fn pod_ip(node: &Node, k: usize, host_network: bool) -> String {
    if host_network {
        return node.internal_ip.clone();
    }
    let mut octets = node.internal_ip.split('.').map(|o| o.parse::<usize>().unwrap_or(0));
    let (a, b, c) = (octets.next().unwrap_or(192), octets.next().unwrap_or(168), octets.next().unwrap_or(0));
    let subnet_base = c - c % 32;
    format!("{a}.{b}.{}.{}", subnet_base + 8 + (k / 250) % 24, 10 + k % 250)
}

pub fn node_json(n: &Node, created: &str) -> Value {
    let taints: Vec<Value> = n.taints.iter().map(|t| json!({"key": t.key, "value": t.value, "effect": t.effect.as_str()})).collect();
    let mut spec = json!({"providerID": format!("aws:///{}/{}", n.zone, n.name)});
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

/// `app-7d4b9c-x2x4k` → its ReplicaSet `app-7d4b9c`, when the pod came from a Deployment.
fn owner(p: &PodInfo) -> Option<Value> {
    p.owner_selector.as_ref()?;
    let (rs, _) = p.name.rsplit_once('-')?;
    Some(json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "controller": true, "blockOwnerDeletion": true}]))
}

fn pod_json(p: &PodInfo, node: Option<(&Node, String)>, message: Option<&str>, created: &str) -> Value {
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
    if let Some(o) = owner(p) {
        meta["ownerReferences"] = o;
    }
    let mut spec = json!({"containers": containers, "schedulerName": p.spec.scheduler_name});
    let status = match &node {
        Some((n, ip)) => {
            spec["nodeName"] = json!(n.name);
            let cond = |t: &str| json!({"type": t, "status": "True", "lastTransitionTime": created});
            json!({"phase": "Running", "hostIP": n.internal_ip, "podIP": ip, "podIPs": [{"ip": ip}], "startTime": created,
                "conditions": [cond("PodScheduled"), cond("Initialized"), cond("ContainersReady"), cond("Ready")]})
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
    let mut items: Vec<Value> = r.state.nodes.iter().map(|n| node_json(&n.node, &created)).collect();
    let mut app_index = 0;
    let mut pods = Vec::new();
    for bp in &r.state.pods {
        let n = &r.state.nodes[bp.node].node;
        let host = bp.pod.namespace == "kube-system";
        let ip = pod_ip(n, app_index, host);
        if !host {
            app_index += 1;
        }
        pods.push(pod_json(&bp.pod, Some((n, ip)), None, &created));
    }
    for p in &r.pending {
        pods.push(pod_json(&p.pod, None, p.message.as_deref(), &created));
    }
    // The API server lists by key: namespace, then name.
    let key = |p: &Value| (p["metadata"]["namespace"].as_str().unwrap_or("").to_string(), p["metadata"]["name"].as_str().unwrap_or("").to_string());
    pods.sort_by_key(key);
    items.extend(pods);
    for ro in &r.rollouts {
        items.push(super::workloads_json::deployment_json(ro, start_unix_s));
        items.extend(super::workloads_json::replica_sets_json(ro, start_unix_s));
    }
    for (i, p) in r.pending.iter().enumerate() {
        let Some(m) = &p.message else { continue };
        items.push(json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": format!("{}.{:016x}", p.pod.name, i), "namespace": p.pod.namespace, "creationTimestamp": created},
            "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": p.pod.name, "namespace": p.pod.namespace},
            "reason": "FailedScheduling", "message": m, "type": "Warning", "count": 1,
            "source": {"component": "default-scheduler"}, "reportingComponent": "default-scheduler",
            "firstTimestamp": created, "lastTimestamp": created,
        }));
    }
    for ro in &r.rollouts {
        items.extend(super::workloads_json::events_json(ro, start_unix_s));
    }
    json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}})
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
