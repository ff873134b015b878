//! Manifest input: what `kubectl apply -f` and `eksctl create cluster -f` take, as one file.
//! A YAML stream of `---`-separated documents or a JSON array; each document has `apiVersion`
//! and `kind`. Every error is collected with its path (`$[3].spec…`); nothing panics.

pub mod aws_actions;
pub mod cluster;
pub mod cluster_autoscaler;
pub mod cronjob;
pub mod daemonset;
pub mod fargate_profile;
pub mod hpa;
pub mod ingress;
pub mod identity;
pub mod job;
pub mod karpenter;
pub mod karpenter_apply;
pub mod lb_annotations;
pub mod metric_sources;
pub mod pod_spec;
pub mod pod_usage;
pub mod policy;
pub mod read;
pub mod service;
pub mod timeline;
pub mod traffic;
pub mod vpc;
pub mod yaml;

use crate::eks::fenceposts::IntOrPercent;
use crate::eks::objects::*;
use crate::eks::selector;
use crate::error::{Errors, ValidationError};
use read::key_path;
use serde_json::Value;

/// Everything one file declares, in document order.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub cluster: Option<ClusterConfig>,
    pub namespaces: Vec<Namespace>,
    pub pods: Vec<Pod>,
    pub deployments: Vec<Deployment>,
    pub pdbs: Vec<PodDisruptionBudget>,
    pub services: Vec<Service>,
    pub scenario: Option<ScenarioDoc>,
    /// `autoscaling/v2` HorizontalPodAutoscalers (eks::hpa).
    pub hpas: Vec<crate::eks::hpa::Hpa>,
    /// `ClusterConfig.fargateProfiles[]` (eks::fargate).
    pub fargate_profiles: Vec<crate::eks::fargate::FargateProfile>,
    /// `stevedore.dev/v1` `ClusterAutoscaler` (eks::autoscaler flags).
    pub cluster_autoscaler: Option<crate::eks::autoscaler::Options>,
    /// Karpenter `NodePool`s and `EC2NodeClass`es (eks::karpenter).
    pub node_pools: Vec<crate::eks::karpenter::NodePool>,
    pub node_classes: Vec<crate::eks::karpenter::Ec2NodeClass>,
    /// The Scenario timeline's `apply` of a changed NodePool or EC2NodeClass (engine::karpenter_drift).
    pub karpenter_applies: Vec<karpenter_apply::KarpenterApply>,
    /// `apps/v1` DaemonSets (eks::engine::daemonset_ctl).
    pub daemon_sets: Vec<daemonset::DaemonSet>,
    /// `batch/v1` Jobs (eks::engine::job_ctl).
    pub jobs: Vec<job::Job>,
    /// `batch/v1` CronJobs (eks::engine::cronjob_ctl).
    pub cron_jobs: Vec<cronjob::CronJob>,
    /// Standalone `apps/v1` ReplicaSets, read like a Deployment (eks::engine::replicaset_ctl).
    pub replica_sets: Vec<Deployment>,
    /// `networking.k8s.io/v1` Ingresses (eks::lbc: the AWS Load Balancer Controller's ALBs).
    pub ingresses: Vec<ingress::Ingress>,
    /// Parallel to `services`: the NLB options when the AWS Load Balancer Controller manages the
    /// Service (type LoadBalancer with `aws-load-balancer-type: external` or
    /// `loadBalancerClass: service.k8s.aws/nlb`), else None.
    pub service_lbs: Vec<Option<lb_annotations::LbOptions>>,
    /// ServiceAccounts, eksctl `iam`, node roles and the Scenario's `roles` (eks::identity).
    pub identity: identity::Identity,
    /// The Scenario timeline's `SpotInterruption` entries (engine::spot).
    pub spot_notices: Vec<aws_actions::SpotNotice>,
    /// The Scenario timeline's `CallAwsApi` entries (engine::aws_calls).
    pub aws_calls: Vec<aws_actions::AwsCall>,
    /// The Scenario's `spec.repositories` (ECR, read as ECS reads its `repositories`), when
    /// given: ECR images are pulled from them (eks::engine::image_pull).
    pub repositories: Option<Vec<crate::ecr::Repository>>,
}

/// (apiVersion, kind) pairs this part understands.
const KINDS: &[(&str, &str)] = &[
    ("eksctl.io/v1alpha5", "ClusterConfig"),
    ("v1", "Pod"),
    ("v1", "Namespace"),
    ("v1", "Service"),
    ("networking.k8s.io/v1", "Ingress"),
    ("v1", "ServiceAccount"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "DaemonSet"),
    ("apps/v1", "ReplicaSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("policy/v1", "PodDisruptionBudget"),
    ("stevedore.dev/v1", "Scenario"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("stevedore.dev/v1", "ClusterAutoscaler"),
    ("karpenter.sh/v1", "NodePool"),
    ("karpenter.k8s.aws/v1", "EC2NodeClass"),
];

pub fn parse(text: &str) -> Result<Manifest, Vec<ValidationError>> {
    let docs = yaml::documents(text).map_err(|e| vec![e])?;
    let mut e = Errors::default();
    let mut m = Manifest::default();
    for (i, doc) in docs.iter().enumerate() {
        let path = format!("$[{i}]");
        match doc {
            Value::Null => continue, // an empty document (a trailing `---`)
            // `kubectl get … -o yaml` of several objects prints a `v1` `List`; `kubectl apply`
            // takes its items as if they were documents.
            Value::Object(o) if o.get("apiVersion").and_then(Value::as_str) == Some("v1") && o.get("kind").and_then(Value::as_str) == Some("List") => {
                for (p, item) in read::list(doc, "items", &path, &mut e) {
                    match item {
                        Value::Object(_) => document(item, &p, &mut m, &mut e),
                        other => e.push(p, format!("a List item must be an object with apiVersion and kind, not {}", read::type_name(other))),
                    }
                }
            }
            Value::Object(_) => document(doc, &path, &mut m, &mut e),
            other => e.push(path, format!("a document must be an object with apiVersion and kind, not {}", read::type_name(other))),
        }
    }
    for t in m.scenario.iter().flat_map(|s| &s.timeline).filter(|t| matches!(t.action, crate::eks::rollout::Action::SetDaemonSetImage(_))) {
        if !m.daemon_sets.iter().any(|d| d.name == t.deployment && d.namespace == t.namespace) {
            e.push(key_path(&t.path, "kubectl"), format!("daemonsets.apps {:?} not found in namespace {:?}", t.deployment, t.namespace));
        }
    }
    for t in m.scenario.iter().flat_map(|s| &s.timeline).filter(|t| matches!(t.action, crate::eks::rollout::Action::ScaleReplicaSet(_))) {
        if !m.replica_sets.iter().any(|d| d.name == t.deployment && d.namespace == t.namespace) {
            e.push(key_path(&t.path, "kubectl"), format!("replicasets.apps {:?} not found in namespace {:?}", t.deployment, t.namespace));
        }
    }
    for t in m.scenario.iter().flat_map(|s| &s.timeline).filter(|t| t.action.is_deployment()) {
        if !m.deployments.iter().any(|d| d.name == t.deployment && d.namespace == t.namespace) {
            e.push(key_path(&t.path, "kubectl"), format!("deployments.apps {:?} not found in namespace {:?}", t.deployment, t.namespace));
        }
    }
    for t in m.scenario.iter().flat_map(|s| &s.traffic) {
        if !m.services.iter().any(|s| s.name == t.service && s.namespace == t.namespace && s.selector.is_some()) {
            e.push(key_path(&t.path, "service"), format!("services {:?} with a selector not found in namespace {:?}", t.service, t.namespace));
        }
    }
    for t in m.scenario.iter().flat_map(|s| &s.ingress_traffic) {
        match m.ingresses.iter().find(|i| i.name == t.ingress && i.namespace == t.namespace) {
            None => e.push(key_path(&t.path, "ingress"), format!("ingresses.networking.k8s.io {:?} not found in namespace {:?}: traffic must name an Ingress of the file", t.ingress, t.namespace)),
            Some(i) if !i.alb => e.push(key_path(&t.path, "ingress"), format!("Ingress {}/{} has no ALB: only an Ingress of class `alb` (spec.ingressClassName: alb) gets a load balancer the requests can arrive at", t.namespace, t.ingress)),
            Some(_) => {}
        }
    }
    let mut taken: Vec<i64> = Vec::new();
    for svc in &m.services {
        for (j, p) in svc.ports.iter().enumerate() {
            if let Some(n) = p.node_port {
                if taken.contains(&n) {
                    e.push(format!("{}.ports[{j}].nodePort", svc.path), format!("Invalid value: {n}: provided port is already allocated"));
                }
                taken.push(n);
            }
        }
    }
    node_scaling_checks(&docs, &m, &mut e);
    karpenter_apply::check(&m, &mut e);
    if docs.iter().all(Value::is_null) {
        e.push("$", "the file holds no documents");
    }
    if e.is_empty() { Ok(m) } else { Err(e.list) }
}

/// A scenario scales nodes with Cluster Autoscaler or Karpenter, not both; each NodePool's
/// `nodeClassRef` must name an EC2NodeClass in the file.
fn node_scaling_checks(docs: &[Value], m: &Manifest, e: &mut Errors) {
    let at = |kind: &str| docs.iter().position(|d| d.get("kind").and_then(Value::as_str) == Some(kind)).map(|i| format!("$[{i}]"));
    if m.cluster_autoscaler.is_some() && !m.node_pools.is_empty() {
        e.push(at("NodePool").unwrap_or_else(|| "$".into()), "a scenario uses either Cluster Autoscaler or Karpenter, not both: remove the ClusterAutoscaler document or the NodePools");
    }
    for (k, p) in m.node_pools.iter().enumerate() {
        if !p.node_class.is_empty() && !m.node_classes.iter().any(|c| c.name == p.node_class) {
            let i = docs.iter().enumerate().filter(|(_, d)| d.get("kind").and_then(Value::as_str) == Some("NodePool")).nth(k).map_or(0, |x| x.0);
            e.push(format!("$[{i}].spec.template.spec.nodeClassRef.name"), format!("ec2nodeclasses.karpenter.k8s.aws {:?} not found in the file", p.node_class));
        }
    }
}

fn document(doc: &Value, path: &str, m: &mut Manifest, e: &mut Errors) {
    let api = read::string(doc, "apiVersion", path, e);
    let kind = read::string(doc, "kind", path, e);
    let (Some(api), Some(kind)) = (api, kind) else {
        if read::field(doc, "apiVersion").is_none() {
            e.push(key_path(path, "apiVersion"), "is required");
        }
        if read::field(doc, "kind").is_none() {
            e.push(key_path(path, "kind"), "is required");
        }
        return;
    };
    if !KINDS.contains(&(api.as_str(), kind.as_str())) {
        let known: Vec<String> = KINDS.iter().map(|(a, k)| format!("{a} {k}")).collect();
        e.push(key_path(path, "kind"), format!("{api} {kind} is not a kind the simulator reads{}; it reads {}", did_you_mean(&api, &kind), known.join(", ")));
        return;
    }
    let (mp, meta) = read::object(doc, "metadata", path, e).unwrap_or_else(|| (key_path(path, "metadata"), &Value::Null));
    let name = || {
        let mut e2 = Errors::default();
        let n = read::string(meta, "name", &mp, &mut e2).unwrap_or_default();
        (n, e2)
    };
    match kind.as_str() {
        "ClusterConfig" => {
            if m.cluster.is_some() {
                e.push(path, "a file may hold one ClusterConfig");
            }
            let c = cluster::cluster_config(doc, path, e);
            identity::cluster_identity(doc, path, &c.name, &c.region, &mut m.identity, e);
            m.cluster = Some(c);
            m.fargate_profiles = fargate_profile::profiles(doc, path, e);
        }
        "Scenario" => {
            m.scenario = Some(scenario(doc, path, e));
            let (sp, s) = read::object(doc, "spec", path, &mut Errors::default()).unwrap_or_else(|| (key_path(path, "spec"), doc));
            m.identity.roles.extend(identity::roles(s, &sp, e));
            (m.spot_notices, m.aws_calls) = aws_actions::aws_actions(s, &sp, e);
            m.karpenter_applies = karpenter_apply::applies(s, &sp, e);
            if let Some(spec) = s.as_object().filter(|o| o.contains_key("repositories")) {
                // Account and start as ECS's defaults: EKS shows no repository ARN or push time.
                let region = m.cluster.as_ref().map_or("us-east-1".to_string(), |c| c.region.clone());
                let arns = crate::scenario::Arns::new(&region, "");
                let start = m.scenario.as_ref().and_then(|x| crate::time::parse_iso_seconds(&x.start).ok()).unwrap_or(1_735_689_600);
                let mut repos = Vec::new();
                crate::scenario::platform::repositories_at(spec, &sp, &arns, start, &mut repos, e);
                m.repositories = Some(repos);
            }
        }
        "NodePool" | "EC2NodeClass" => {
            let (n, e2) = name();
            e.list.extend(e2.list);
            if n.is_empty() {
                e.push(key_path(&mp, "name"), "is required");
            }
            if kind == "NodePool" {
                m.node_pools.extend(karpenter::node_pool(doc, path, n, e));
            } else {
                m.node_classes.push(karpenter::node_class(doc, path, n, e));
            }
        }
        "ClusterAutoscaler" => {
            let (sp, s) = read::object(doc, "spec", path, e).unwrap_or_else(|| (key_path(path, "spec"), &Value::Null));
            if m.cluster_autoscaler.is_some() {
                e.push(path, "a file may hold one ClusterAutoscaler");
            }
            m.cluster_autoscaler = Some(cluster_autoscaler::cluster_autoscaler(s, &sp, e));
        }
        _ => {
            let (n, e2) = name();
            e.list.extend(e2.list);
            if n.is_empty() {
                e.push(key_path(&mp, "name"), "is required");
            }
            let namespace = read::string(meta, "namespace", &mp, e).unwrap_or_else(|| "default".into());
            let labels = read::string_map(meta, "labels", &mp, e);
            if kind == "ServiceAccount" {
                let sa = identity::service_account(meta, &mp, n, namespace, e);
                if m.identity.service_accounts.iter().any(|o| o.name == sa.name && o.namespace == sa.namespace) {
                    e.push(path, format!("serviceaccounts {:?} already exists in namespace {:?}", sa.name, sa.namespace));
                }
                m.identity.service_accounts.push(sa);
                return;
            }
            let spec = read::object(doc, "spec", path, e);
            match kind.as_str() {
                "Namespace" => m.namespaces.push(Namespace { name: n, labels }),
                "Service" => {
                    let Some((sp, s)) = spec else {
                        e.push(key_path(path, "spec"), "is required");
                        return;
                    };
                    m.services.push(service::service(s, &sp, n, namespace, e));
                    m.service_lbs.push(crate::eks::lbc::service_lb(s, &sp, meta, &mp, e));
                }
                "Ingress" => {
                    let Some((sp, s)) = spec else {
                        e.push(key_path(path, "spec"), "is required");
                        return;
                    };
                    m.ingresses.push(ingress::ingress(s, &sp, meta, &mp, n, namespace, e));
                }
                "PodDisruptionBudget" => {
                    let Some((sp, s)) = spec else {
                        e.push(key_path(path, "spec"), "is required");
                        return;
                    };
                    m.pdbs.push(policy::pdb(s, &sp, n, namespace, e));
                }
                "HorizontalPodAutoscaler" => {
                    let Some((sp, s)) = spec else {
                        e.push(key_path(path, "spec"), "is required");
                        return;
                    };
                    m.hpas.extend(hpa::hpa(s, &sp, n, namespace, e));
                }
                "Pod" => {
                    let Some((sp, s)) = spec else {
                        e.push(key_path(path, "spec"), "is required");
                        return;
                    };
                    let mut spec = pod_spec::pod_spec(s, &sp, e);
                    spec.node_scaler = crate::eks::objects::PodAnnotations::of(&read::string_map(meta, "annotations", &mp, e));
                    m.pods.push(Pod { name: n, namespace, labels, spec });
                }
                "ReplicaSet" => {
                    let Some((sp, s)) = spec else {
                        e.push(key_path(path, "spec"), "is required");
                        return;
                    };
                    m.replica_sets.extend(deployment(s, &sp, n, namespace, labels, e));
                }
                "CronJob" => {
                    let Some((sp, s)) = spec else {
                        e.push(key_path(path, "spec"), "is required");
                        return;
                    };
                    m.cron_jobs.extend(cronjob::cron_job(s, &sp, n, namespace, labels, e));
                }
                "Job" => {
                    let Some((sp, s)) = spec else {
                        e.push(key_path(path, "spec"), "is required");
                        return;
                    };
                    m.jobs.extend(job::job_spec(s, &sp, e).map(|spec| job::Job { name: n, namespace, labels, spec }));
                }
                "DaemonSet" => {
                    let Some((sp, s)) = spec else {
                        e.push(key_path(path, "spec"), "is required");
                        return;
                    };
                    m.daemon_sets.extend(daemonset::daemon_set(s, &sp, n, namespace, labels, e));
                }
                _ => {
                    let Some((sp, s)) = spec else {
                        e.push(key_path(path, "spec"), "is required");
                        return;
                    };
                    if let Some(d) = deployment(s, &sp, n, namespace, labels, e) {
                        m.deployments.push(d);
                    }
                }
            }
        }
    }
}

fn deployment(s: &Value, sp: &str, name: String, namespace: String, labels: selector::Labels, e: &mut Errors) -> Option<Deployment> {
    let replicas = read::int(s, "replicas", sp, 0, 100_000, e).unwrap_or(1);
    let selector = selector::label_selector(s, "selector", sp, e);
    if selector.is_none() {
        e.push(key_path(sp, "selector"), "is required in apps/v1");
    }
    let template = pod_template(s, sp, e)?;
    let selector = selector?;
    if !selector.matches(&template.labels) {
        e.push(key_path(sp, "selector"), "does not match the template's labels (spec.template.metadata.labels)");
    }
    if selector.is_empty() {
        e.push(key_path(sp, "selector"), "must not be empty in apps/v1");
    }
    let strategy = strategy(s, sp, e);
    Some(Deployment { name, namespace, labels, replicas, selector, template, strategy })
}

/// `spec.template` of a workload: its labels and pod spec, both required.
pub(super) fn pod_template(s: &Value, sp: &str, e: &mut Errors) -> Option<PodTemplate> {
    let Some((tp, t)) = read::object(s, "template", sp, e) else {
        e.push(key_path(sp, "template"), "is required");
        return None;
    };
    let (labels, annotations) = read::object(t, "metadata", &tp, e).map(|(p, m)| (read::string_map(m, "labels", &p, e), read::string_map(m, "annotations", &p, e))).unwrap_or_default();
    let Some((psp, ps)) = read::object(t, "spec", &tp, e) else {
        e.push(key_path(&tp, "spec"), "is required");
        return None;
    };
    let mut spec = pod_spec::pod_spec(ps, &psp, e);
    spec.node_scaler = crate::eks::objects::PodAnnotations::of(&annotations);
    Some(PodTemplate { labels, spec })
}

/// `spec.strategy`, `minReadySeconds`, `revisionHistoryLimit`, `progressDeadlineSeconds`, with
/// the API server's validation messages (apps validation `ValidateDeploymentStrategy`).
fn strategy(s: &Value, sp: &str, e: &mut Errors) -> Strategy {
    let mut st = Strategy {
        min_ready_seconds: read::int(s, "minReadySeconds", sp, 0, i32::MAX as i64, e).unwrap_or(0),
        revision_history_limit: read::int(s, "revisionHistoryLimit", sp, 0, i32::MAX as i64, e).unwrap_or(10),
        progress_deadline_seconds: read::int(s, "progressDeadlineSeconds", sp, 1, i32::MAX as i64, e).unwrap_or(600),
        paused: read::boolean(s, "paused", sp, e).unwrap_or(false),
        ..Strategy::default()
    };
    if st.progress_deadline_seconds <= st.min_ready_seconds && read::field(s, "progressDeadlineSeconds").is_some() {
        e.push(key_path(sp, "progressDeadlineSeconds"), "must be greater than minReadySeconds");
    }
    let Some((tp, t)) = read::object(s, "strategy", sp, e) else { return st };
    match read::string(t, "type", &tp, e).as_deref() {
        None | Some("RollingUpdate") => {}
        Some("Recreate") => st.recreate = true,
        Some(other) => e.push(key_path(&tp, "type"), format!("{other:?} must be RollingUpdate or Recreate")),
    }
    let Some((rp, r)) = read::object(t, "rollingUpdate", &tp, e) else { return st };
    if st.recreate {
        e.push(rp, "may not be specified when strategy `type` is 'Recreate'");
        return st;
    }
    let pick = |key: &str, e: &mut Errors| -> Option<IntOrPercent> {
        let v = read::field(r, key)?;
        let parsed = match v {
            Value::String(x) => IntOrPercent::parse(x),
            Value::Number(_) => v.as_i64().filter(|i| *i >= 0).map(IntOrPercent::Int).ok_or_else(|| format!("{v} must be a non-negative integer")),
            other => Err(format!("must be an integer or a percentage, not {}", read::type_name(other))),
        };
        parsed.map_err(|m| e.push(key_path(&rp, key), m)).ok()
    };
    let surge = pick("maxSurge", e);
    let unavailable = pick("maxUnavailable", e);
    if let Some(IntOrPercent::Percent(p)) = unavailable.filter(|u| matches!(u, IntOrPercent::Percent(p) if *p > 100)) {
        e.push(key_path(&rp, "maxUnavailable"), format!("\"{p}%\" must not be greater than 100%"));
    }
    st.max_surge = surge.unwrap_or(st.max_surge);
    st.max_unavailable = unavailable.unwrap_or(st.max_unavailable);
    if st.max_surge.is_zero() && st.max_unavailable.is_zero() {
        e.push(key_path(&rp, "maxUnavailable"), "may not be 0 when `maxSurge` is 0");
    }
    st
}

fn scenario(doc: &Value, path: &str, e: &mut Errors) -> ScenarioDoc {
    let (sp, s) = read::object(doc, "spec", path, e).unwrap_or_else(|| (key_path(path, "spec"), doc));
    let seed = read::int(s, "seed", &sp, 0, i64::MAX, e).unwrap_or(1) as u64;
    let start = read::string(s, "start", &sp, e).unwrap_or_else(|| "2025-01-01T00:00:00Z".into());
    if let Err(m) = crate::time::parse_iso_seconds(&start) {
        e.push(key_path(&sp, "start"), m);
    }
    let duration_s = match read::string(s, "duration", &sp, e) {
        None => 600,
        Some(d) => match crate::time::parse_duration_ms(&d) {
            Ok(ms) => (ms / 1000) as i64,
            Err(m) => {
                e.push(key_path(&sp, "duration"), m);
                600
            }
        },
    };
    let timeline = timeline::timeline(s, &sp, e);
    let pod_usage = pod_usage::pod_usage(s, &sp, e);
    let metrics = metric_sources::metric_sources(s, &sp, e);
    let (traffic, ingress_traffic) = traffic::traffic(s, &sp, e);
    ScenarioDoc { seed, start, duration_s, timeline, pod_usage, metrics, traffic, ingress_traffic }
}

/// " (did you mean apps/v1 Deployment?)": the same kind under another apiVersion (an old
/// `extensions/v1beta1` paste), or a kind one or two letters off (`Deploymnet`).
fn did_you_mean(api: &str, kind: &str) -> String {
    let same_kind = KINDS.iter().find(|(_, k)| k.eq_ignore_ascii_case(kind));
    let near = || KINDS.iter().filter(|(_, k)| edit_distance(&k.to_ascii_lowercase(), &kind.to_ascii_lowercase()) <= 2).min_by_key(|(_, k)| edit_distance(k, kind));
    match same_kind.or_else(near) {
        Some((a, k)) if (*a, *k) != (api, kind) => format!(" (did you mean {a} {k}?)"),
        _ => String::new(),
    }
}

/// Levenshtein distance over chars, for short names only (bounded: kinds are < 40 chars).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().take(64).collect(), b.chars().take(64).collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
