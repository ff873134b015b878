//! The EKS side of the CLI: `validate`, `run` (a kubectl `List`) and `kubectl get`.

use crate::args::{Args, Command};
use std::process::ExitCode;
use stevedore_sim::eks::{kubectl, manifest, output, run::run_until as eks_run};
use stevedore_sim::time::{parse_duration_ms, parse_iso_seconds};

pub fn run(args: Args, text: &str) -> Result<ExitCode, String> {
    let mut m = match manifest::parse(text) {
        Ok(m) => m,
        Err(errors) => return Ok(crate::input_errors(&errors, &args)),
    };
    if let (Some(seed), Some(s)) = (args.seed, m.scenario.as_mut()) {
        s.seed = seed;
    } else if let Some(seed) = args.seed {
        m.scenario = Some(stevedore_sim::eks::objects::ScenarioDoc { seed, start: "2025-01-01T00:00:00Z".into(), duration_s: 600, timeline: Vec::new(), pod_usage: Vec::new(), metrics: Default::default(), traffic: Vec::new(), ingress_traffic: Vec::new() });
    }
    let start = m.scenario.as_ref().map_or(Ok(1_735_689_600), |s| parse_iso_seconds(&s.start))?;
    // `flag` names the option the value came from (`run --until`, `kubectl --at`).
    let at_s = |at: &Option<String>, flag: &str| -> Result<i64, String> {
        Ok(match at {
            Some(d) => (parse_duration_ms(d).map_err(|e| format!("{flag}: {e}"))? / 1000) as i64,
            None => m.scenario.as_ref().map_or(600, |s| s.duration_s),
        })
    };
    match args.command {
        Command::Help => unreachable!("handled by main"),
        Command::Validate => {
            outln!("ok");
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { explain, metrics, ref until, .. } => {
            if metrics.is_some() {
                return Err("--metrics is not available for EKS scenarios yet".into());
            }
            let r = eks_run(&m, explain, at_s(until, "--until")?);
            // What kubectl would have printed to the person running the timeline.
            for (t, line) in &r.drain_log {
                eprintln!("[{}] {line}", kubectl::human_duration(*t));
            }
            for e in &r.timeline_errors {
                eprintln!("{e}");
            }
            let mut out = output::list(&r, start);
            if explain {
                out["explanations"] = r.decisions.iter().map(|d| output::explain(&r, d)).collect();
                out["awsCalls"] = stevedore_sim::eks::identity::calls_json(&r.aws_calls, start);
            }
            outln!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Kubectl { ref words, ref output, ref at, all_namespaces } => {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let resource = match words.as_slice() {
                ["get", r] => *r,
                _ => return Err("kubectl: supported are `get pods|nodes|nodeclaims|deployments|replicasets|daemonsets|jobs|cronjobs|services|ingresses|endpoints|events|pdb|hpa`".into()),
            };
            let at_s = at_s(at, "--at")?;
            let age = kubectl::human_duration(at_s);
            let r = eks_run(&m, false, at_s);
            let list = output::list(&r, start);
            let items = list["items"].as_array().cloned().unwrap_or_default();
            let kind = match resource {
                "pods" | "pod" | "po" => "Pod",
                "nodes" | "node" | "no" => "Node",
                "nodeclaims" | "nodeclaim" => "NodeClaim",
                "deployments" | "deployment" | "deploy" => "Deployment",
                "replicasets" | "replicaset" | "rs" => "ReplicaSet",
                "daemonsets" | "daemonset" | "ds" => "DaemonSet",
                "jobs" | "job" => "Job",
                "cronjobs" | "cronjob" | "cj" => "CronJob",
                "events" | "event" | "ev" => "Event",
                "services" | "service" | "svc" => "Service",
                "ingresses" | "ingress" | "ing" => "Ingress",
                "endpoints" | "ep" => "Endpoints",
                "poddisruptionbudgets" | "poddisruptionbudget" | "pdb" => "PodDisruptionBudget",
                "horizontalpodautoscalers" | "horizontalpodautoscaler" | "hpa" => "HorizontalPodAutoscaler",
                other => return Err(format!("kubectl: the server doesn't have a resource type \"{other}\" (this part models pods, nodes, nodeclaims, deployments, replicasets, daemonsets, jobs, cronjobs, services, ingresses, endpoints, events, pdb and hpa)")),
            };
            match output.as_deref() {
                Some("json") => {
                    let picked: Vec<_> = items
                        .into_iter()
                        .filter(|i| i["kind"] == kind && (kind == "Node" || kind == "NodeClaim" || all_namespaces || i["metadata"]["namespace"] == "default"))
                        .collect();
                    let l = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": picked, "metadata": {"resourceVersion": ""}});
                    outln!("{}", serde_json::to_string_pretty(&l).map_err(|e| e.to_string())?);
                }
                None | Some("wide") => {
                    let wide = output.is_some();
                    let table = if kind == "NodeClaim" {
                        stevedore_sim::eks::nodeclaim_json::get_node_claims(&items, start + at_s, wide)
                    } else if kind == "Ingress" {
                        stevedore_sim::eks::lb_json::get_ingresses(&items, start + at_s, all_namespaces)
                    } else if kind == "Service" {
                        kubectl::get_services(&items, start + at_s, all_namespaces)
                    } else if kind == "Endpoints" {
                        kubectl::get_endpoints(&items, start + at_s, all_namespaces)
                    } else if kind == "Event" {
                        kubectl::get_events(&items, start + at_s, all_namespaces)
                    } else if kind == "HorizontalPodAutoscaler" {
                        kubectl::get_hpas(&items, start + at_s, all_namespaces)
                    } else if kind == "PodDisruptionBudget" {
                        kubectl::get_pdbs(&items, start + at_s, all_namespaces)
                    } else if kind == "CronJob" {
                        stevedore_sim::eks::cronjob_json::get_cron_jobs(&items, start + at_s, all_namespaces)
                    } else if kind == "Job" {
                        stevedore_sim::eks::job_json::get_jobs(&items, start + at_s, all_namespaces)
                    } else if kind == "DaemonSet" {
                        stevedore_sim::eks::daemonset_json::get_daemon_sets(&items, start + at_s, all_namespaces)
                    } else if kind == "Deployment" || kind == "ReplicaSet" {
                        kubectl::get_workloads(&items, kind, start + at_s, all_namespaces)
                    } else if kind == "Pod" { kubectl::get_pods(&items, &age, wide, all_namespaces) } else { kubectl::get_nodes_at(&items, start + at_s, wide) };
                    out!("{table}");
                }
                Some(other) => return Err(format!("kubectl: -o takes wide or json, not {other}")),
            }
            Ok(ExitCode::SUCCESS)
        }
        _ => Err("this command reads an ECS scenario, not an EKS manifest".into()),
    }
}
