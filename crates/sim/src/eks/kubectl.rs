//! `kubectl get pods|nodes [-o wide]` tables, from the List items (`output::list`), with
//! kubectl's columns and its left-aligned, three-space-padded layout.

use serde_json::Value;

/// kubectl's `duration.HumanDuration` for AGE.
pub fn human_duration(secs: i64) -> String {
    if secs < 0 {
        return "<invalid>".into();
    }
    let (m, h, d) = (secs / 60, secs / 3600, secs / 86400);
    if secs < 120 {
        format!("{secs}s")
    } else if m < 10 {
        if secs % 60 == 0 { format!("{m}m") } else { format!("{m}m{}s", secs % 60) }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        if m % 60 == 0 { format!("{h}h") } else { format!("{h}h{}m", m % 60) }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 192 {
        if h % 24 == 0 { format!("{d}d") } else { format!("{d}d{}h", h % 24) }
    } else if d < 365 * 2 {
        format!("{d}d")
    } else {
        format!("{}y", d / 365)
    }
}

pub(crate) fn table(rows: Vec<Vec<String>>) -> String {
    let cols = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..cols).map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r.iter().enumerate().map(|(c, v)| if c + 1 == cols { v.clone() } else { format!("{v:<w$}", w = widths[c] + 3) }).collect();
        out.push_str(line.concat().trim_end());
        out.push('\n');
    }
    out
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("<none>").to_string()
}

/// `kubectl get pods` (namespace `default`, or every namespace with `all`).
pub fn get_pods(items: &[Value], age: &str, wide: bool, all: bool) -> String {
    let mut head: Vec<&str> = vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
    if all {
        head.insert(0, "NAMESPACE");
    }
    if wide {
        head.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
    }
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for p in items.iter().filter(|i| i["kind"] == "Pod") {
        if !all && p["metadata"]["namespace"] != "default" {
            continue;
        }
        let n = p["spec"]["containers"].as_array().map_or(0, Vec::len);
        let statuses = p["status"]["containerStatuses"].as_array();
        let ready = statuses.map_or(0, |c| c.iter().filter(|c| c["ready"] == true).count());
        // kubectl's STATUS: Terminating while deleting, a waiting or terminated container's
        // reason (a Job pod: Completed / Error), else the phase.
        let waiting = statuses.and_then(|c| c.iter().find_map(|c| c["state"]["waiting"]["reason"].as_str().or(c["state"]["terminated"]["reason"].as_str())));
        let status = if !p["metadata"]["deletionTimestamp"].is_null() { "Terminating".to_string() } else if let Some(w) = waiting { w.to_string() } else { s(&p["status"]["phase"]) };
        let mut row = vec![s(&p["metadata"]["name"]), format!("{ready}/{n}"), status, "0".into(), age.into()];
        if all {
            row.insert(0, s(&p["metadata"]["namespace"]));
        }
        if wide {
            row.extend([s(&p["status"]["podIP"]), s(&p["spec"]["nodeName"]), "<none>".into(), "<none>".into()]);
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return if all { "No resources found\n".into() } else { "No resources found in default namespace.\n".into() };
    }
    table(rows)
}

/// `kubectl get nodes`.
pub fn get_nodes(items: &[Value], age: &str, wide: bool) -> String {
    nodes_table(items, &|_| age.to_string(), wide)
}

/// `kubectl get nodes` at `now_unix_s`: each node's AGE from its creationTimestamp (nodes that
/// joined mid-run are younger than the cluster).
pub fn get_nodes_at(items: &[Value], now_unix_s: i64, wide: bool) -> String {
    nodes_table(items, &|n| age_of(n, now_unix_s), wide)
}

fn nodes_table(items: &[Value], age: &dyn Fn(&Value) -> String, wide: bool) -> String {
    let mut head = vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
    if wide {
        head.extend(["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]);
    }
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for n in items.iter().filter(|i| i["kind"] == "Node") {
        let status = if n["spec"]["unschedulable"] == true { "Ready,SchedulingDisabled" } else { "Ready" };
        let mut row = vec![s(&n["metadata"]["name"]), status.into(), "<none>".into(), age(n), s(&n["status"]["nodeInfo"]["kubeletVersion"])];
        if wide {
            let info = &n["status"]["nodeInfo"];
            row.extend([s(&n["status"]["addresses"][0]["address"]), "<none>".into(), s(&info["osImage"]), "<none>".into(), s(&info["containerRuntimeVersion"])]);
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return "No resources found\n".into();
    }
    table(rows)
}

pub(crate) fn age_of(item: &Value, now_unix_s: i64) -> String {
    let created = item["metadata"]["creationTimestamp"].as_str().and_then(|t| crate::time::parse_iso_seconds(t).ok());
    created.map_or("<unknown>".into(), |c| human_duration(now_unix_s - c))
}

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

/// `kubectl get deployments` (`NAME READY UP-TO-DATE AVAILABLE AGE`) and
/// `kubectl get replicasets` (`NAME DESIRED CURRENT READY AGE`), namespace `default` or `all`.
pub fn get_workloads(items: &[Value], kind: &str, now_unix_s: i64, all: bool) -> String {
    let mut head: Vec<&str> = if kind == "Deployment" { vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"] } else { vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"] };
    if all {
        head.insert(0, "NAMESPACE");
    }
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for i in items.iter().filter(|i| i["kind"] == kind && (all || i["metadata"]["namespace"] == "default")) {
        let (sp, st) = (&i["spec"], &i["status"]);
        let mut row = if kind == "Deployment" {
            vec![s(&i["metadata"]["name"]), format!("{}/{}", n(&st["readyReplicas"]), n(&sp["replicas"])), n(&st["updatedReplicas"]).to_string(), n(&st["availableReplicas"]).to_string()]
        } else {
            vec![s(&i["metadata"]["name"]), n(&sp["replicas"]).to_string(), n(&st["replicas"]).to_string(), n(&st["readyReplicas"]).to_string()]
        };
        row.push(age_of(i, now_unix_s));
        if all {
            row.insert(0, s(&i["metadata"]["namespace"]));
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return if all { "No resources found\n".into() } else { "No resources found in default namespace.\n".into() };
    }
    table(rows)
}

/// `kubectl get events`: `LAST SEEN TYPE REASON OBJECT MESSAGE`, oldest first.
pub fn get_events(items: &[Value], now_unix_s: i64, all: bool) -> String {
    let mut head: Vec<&str> = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
    if all {
        head.insert(0, "NAMESPACE");
    }
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for e in items.iter().filter(|i| i["kind"] == "Event" && (all || i["metadata"]["namespace"] == "default")) {
        let last = e["lastTimestamp"].as_str().and_then(|t| crate::time::parse_iso_seconds(t).ok()).unwrap_or(now_unix_s);
        let o = &e["involvedObject"];
        let object = format!("{}/{}", o["kind"].as_str().unwrap_or("").to_lowercase(), s(&o["name"]));
        let mut row = vec![human_duration(now_unix_s - last), s(&e["type"]), s(&e["reason"]), object, s(&e["message"])];
        if all {
            row.insert(0, s(&e["metadata"]["namespace"]));
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return if all { "No resources found\n".into() } else { "No resources found in default namespace.\n".into() };
    }
    table(rows)
}

/// `kubectl get pdb`: `NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE`.
pub fn get_pdbs(items: &[Value], now_unix_s: i64, all: bool) -> String {
    let mut head: Vec<&str> = vec!["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"];
    if all {
        head.insert(0, "NAMESPACE");
    }
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    let v = |x: &Value| if x.is_null() { "N/A".to_string() } else if let Some(t) = x.as_str() { t.to_string() } else { x.to_string() };
    for b in items.iter().filter(|i| i["kind"] == "PodDisruptionBudget" && (all || i["metadata"]["namespace"] == "default")) {
        let mut row = vec![s(&b["metadata"]["name"]), v(&b["spec"]["minAvailable"]), v(&b["spec"]["maxUnavailable"]), n(&b["status"]["disruptionsAllowed"]).to_string(), age_of(b, now_unix_s)];
        if all {
            row.insert(0, s(&b["metadata"]["namespace"]));
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return if all { "No resources found\n".into() } else { "No resources found in default namespace.\n".into() };
    }
    table(rows)
}

/// `kubectl get services`: `NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE`; ports read
/// `80/TCP`, or `80:31234/TCP` with a nodePort; a LoadBalancer's address is its load
/// balancer's DNS name, `<pending>` until it has one.
pub fn get_services(items: &[Value], now_unix_s: i64, all: bool) -> String {
    let mut head: Vec<&str> = vec!["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"];
    if all {
        head.insert(0, "NAMESPACE");
    }
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for sv in items.iter().filter(|i| i["kind"] == "Service" && (all || i["metadata"]["namespace"] == "default")) {
        let sp = &sv["spec"];
        let ports: Vec<String> = sp["ports"].as_array().into_iter().flatten().map(|p| match p["nodePort"].as_i64() {
            Some(np) => format!("{}:{np}/{}", n(&p["port"]), s(&p["protocol"])),
            None => format!("{}/{}", n(&p["port"]), s(&p["protocol"])),
        }).collect();
        // A load balancer's DNS name once its controller made one.
        let external = match sv["status"]["loadBalancer"]["ingress"][0]["hostname"].as_str() {
            Some(h) => h,
            None if sp["type"] == "LoadBalancer" => "<pending>",
            None => "<none>",
        };
        let mut row = vec![s(&sv["metadata"]["name"]), s(&sp["type"]), s(&sp["clusterIP"]), external.into(), ports.join(","), age_of(sv, now_unix_s)];
        if all {
            row.insert(0, s(&sv["metadata"]["namespace"]));
        }
        rows.push(row);
    }
    table(rows)
}

/// `kubectl get endpoints`: `NAME ENDPOINTS AGE`, the ready `ip:port` pairs, at most three
/// then `+ N more...`, `<none>` when no pod is Ready.
pub fn get_endpoints(items: &[Value], now_unix_s: i64, all: bool) -> String {
    let mut head: Vec<&str> = vec!["NAME", "ENDPOINTS", "AGE"];
    if all {
        head.insert(0, "NAMESPACE");
    }
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for ep in items.iter().filter(|i| i["kind"] == "Endpoints" && (all || i["metadata"]["namespace"] == "default")) {
        let mut pairs = Vec::new();
        for sub in ep["subsets"].as_array().into_iter().flatten() {
            for a in sub["addresses"].as_array().into_iter().flatten() {
                for p in sub["ports"].as_array().into_iter().flatten() {
                    pairs.push(format!("{}:{}", s(&a["ip"]), n(&p["port"])));
                }
            }
        }
        let shown = match pairs.len() {
            0 => "<none>".to_string(),
            1..=3 => pairs.join(","),
            k => format!("{} + {} more...", pairs[..3].join(","), k - 3),
        };
        let mut row = vec![s(&ep["metadata"]["name"]), shown, age_of(ep, now_unix_s)];
        if all {
            row.insert(0, s(&ep["metadata"]["namespace"]));
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return if all { "No resources found\n".into() } else { "No resources found in default namespace.\n".into() };
    }
    table(rows)
}

/// `kubectl get hpa`: `NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE`.
pub fn get_hpas(items: &[Value], now_unix_s: i64, all: bool) -> String {
    let mut head: Vec<&str> = vec!["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"];
    if all {
        head.insert(0, "NAMESPACE");
    }
    let mut rows = vec![head.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for h in items.iter().filter(|i| i["kind"] == "HorizontalPodAutoscaler" && (all || i["metadata"]["namespace"] == "default")) {
        let r = &h["spec"]["scaleTargetRef"];
        let mut row = vec![
            s(&h["metadata"]["name"]),
            format!("{}/{}", s(&r["kind"]), s(&r["name"])),
            super::hpa_json::targets(h),
            n(&h["spec"]["minReplicas"]).to_string(),
            n(&h["spec"]["maxReplicas"]).to_string(),
            n(&h["status"]["currentReplicas"]).to_string(),
            age_of(h, now_unix_s),
        ];
        if all {
            row.insert(0, s(&h["metadata"]["namespace"]));
        }
        rows.push(row);
    }
    if rows.len() == 1 {
        return if all { "No resources found\n".into() } else { "No resources found in default namespace.\n".into() };
    }
    table(rows)
}
