//! `stevedore run|validate|kubectl` on an EKS manifest.

use std::process::{Command, Output};

const WEB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/eks/web.yaml");

fn stevedore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stevedore")).args(args).output().expect("runs")
}

#[test]
fn run_prints_a_kubectl_list_and_explains() {
    let out = stevedore(&["run", WEB, "--explain"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    let kinds: Vec<&str> = v["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "Node").count(), 3);
    assert_eq!(kinds.iter().filter(|k| **k == "Pod").count(), 6 + 6, "6 app pods + aws-node and kube-proxy on 3 nodes");
    assert_eq!(v["explanations"].as_array().unwrap().len(), 6);
}

#[test]
fn kubectl_get_pods_and_nodes() {
    let out = stevedore(&["kubectl", WEB, "--at", "5m", "get", "pods"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("NAME"), "{text}");
    assert!(text.lines().skip(1).all(|l| l.contains("Running") && l.trim_end().ends_with("5m")), "{text}");
    let out = stevedore(&["kubectl", WEB, "get", "nodes", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 3);
    let out = stevedore(&["kubectl", WEB, "get", "deployments"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().next().unwrap_or("").split_whitespace().eq(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]), "{text}");
    assert!(text.lines().skip(1).all(|l| l.contains("/") && l.trim_end().ends_with("10m")), "{text}");
    let svc = stevedore(&["kubectl", WEB, "get", "services"]);
    let text = String::from_utf8_lossy(&svc.stdout);
    assert!(text.lines().nth(1).unwrap_or("").split_whitespace().eq(["kubernetes", "ClusterIP", "10.100.0.1", "<none>", "443/TCP", "10m"]), "{text}");
    let bad = stevedore(&["kubectl", WEB, "get", "statefulsets"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn batch_fixture_lists_daemonsets_jobs_and_cronjobs() {
    let batch = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/eks/batch.yaml");
    let head = |what: &str| {
        let out = stevedore(&["kubectl", batch, "--at", "5m", "get", what]);
        assert!(out.status.success(), "{what}");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        (text.lines().next().unwrap_or("").split_whitespace().map(String::from).collect::<Vec<_>>(), text)
    };
    assert_eq!(head("daemonsets").0, ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE"]);
    let (h, text) = head("jobs");
    assert_eq!(h, ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]);
    assert!(text.lines().any(|l| l.starts_with("pi ") && l.contains("Complete") && l.contains("4/4")), "{text}");
    assert_eq!(head("cronjobs").0, ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE"]);
}

#[test]
fn drain_fixture_shows_the_budget_and_the_refused_eviction() {
    let drain = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/eks/drain-pdb.yaml");
    let out = stevedore(&["kubectl", drain, "--at", "2m", "get", "pdb"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().nth(1).unwrap_or("").split_whitespace().eq(["web", "3", "N/A", "1", "2m"]), "{text}");
    let out = stevedore(&["run", drain, "--until", "2m"]);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."), "{log}");
    assert!(log.lines().last().unwrap_or("").ends_with("drained"), "{log}");
    let out = stevedore(&["kubectl", drain, "--at", "2m", "get", "events"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().next().unwrap_or("").split_whitespace().eq(["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]), "{text}");
    assert!(text.contains("NodeNotSchedulable") && text.contains("Killing") && text.contains("SuccessfulCreate"), "{text}");
}

#[test]
fn manifest_errors_print_paths() {
    let dir = std::env::temp_dir().join(format!("stevedore-eks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.yaml");
    std::fs::write(&path, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources: {requests: {memory: 1GB}}\n").unwrap();
    let out = stevedore(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("$[0].spec.containers[0].resources.requests.memory: \"1GB\""), "{text}");
}

#[test]
fn run_explain_lists_pods_aws_calls_with_their_identity() {
    let lesson = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/eks-scenarios/eks-irsa-vs-task-role.yaml");
    let out = stevedore(&["run", lesson, "--explain", "--until", "3m"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let calls = v["awsCalls"].as_array().unwrap();
    assert_eq!(calls.len(), 6, "2 reads, 1 upload, 2 denied writes, 1 call with no credentials");
    let kinds: Vec<&str> = calls.iter().map(|c| c["identity"]["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["irsa", "irsa", "podIdentity", "irsa", "irsa", "none"]);
    assert_eq!(calls.iter().filter(|c| c["allowed"] == true).count(), 3);
}

/// A reader that stops early (`| head -c 10`) ends the command quietly: no panic, status 0.
/// The output (> 64 KiB, a pipe's buffer) cannot all be written before the pipe closes.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::process::Stdio;
    for args in [&["run", WEB, "--explain"][..], &["kubectl", WEB, "get", "pods", "-o", "json"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stevedore")).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("runs");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("waits");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// `run bad.yaml > out.json`: the report's stream stays empty, the errors (with their paths) go
/// to stderr, status 1 — for EKS manifests and ECS scenarios alike; `validate` still answers on
/// stdout. A bad duration names the flag it came from.
#[test]
fn input_errors_go_to_stderr_except_for_validate() {
    let dir = std::env::temp_dir().join(format!("stevedore-eks-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let eks = dir.join("bad.yaml");
    std::fs::write(&eks, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources: {requests: {memory: 1GB}}\n").unwrap();
    let ecs = dir.join("bad.json");
    std::fs::write(&ecs, r#"{"oops": 1}"#).unwrap();
    for (file, want) in [(&eks, "$[0].spec.containers[0].resources.requests.memory"), (&ecs, "$.oops: unknown key")] {
        for cmd in [&["run"][..], &["kubectl"][..], &["compare"][..]] {
            let mut args: Vec<&str> = cmd.to_vec();
            args.push(file.to_str().unwrap());
            if cmd[0] == "kubectl" {
                args.extend(["get", "pods"]);
            }
            let out = stevedore(&args);
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert!(out.stdout.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
            assert!(String::from_utf8_lossy(&out.stderr).contains(want), "{args:?}");
        }
        let v = stevedore(&["validate", file.to_str().unwrap()]);
        assert_eq!(v.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&v.stdout).contains(want));
    }
    let until = stevedore(&["run", WEB, "--until", "-5m"]);
    assert_eq!(until.status.code(), Some(2));
    let err = String::from_utf8_lossy(&until.stderr);
    assert!(err.contains("--until: ") && !err.contains("--at"), "{err}");
    let at = stevedore(&["kubectl", WEB, "--at", "-5m", "get", "pods"]);
    assert!(String::from_utf8_lossy(&at.stderr).contains("--at: "));
}
