//! Amazon EKS: Kubernetes objects in, kube-scheduler decisions out, on the shared AWS facts
//! (`catalog`). Pure and deterministic like the ECS model; see ARCHITECTURE.md "EKS".

pub mod autoscaler;
pub mod cronjob_json;
pub mod daemonset_json;
pub mod daemonsets;
pub mod engine;
pub mod fargate;
pub mod fenceposts;
pub mod hpa;
pub mod hpa_json;
pub mod identity;
pub mod job_json;
pub mod nodeclaim_json;
pub mod karpenter;
pub mod kubectl;
pub mod lbc;
pub mod lb_json;
pub mod manifest;
pub(crate) mod name_set;
pub mod nodes;
pub mod objects;
pub mod output;
pub mod quantity;
pub mod replicaset_json;
pub mod proportional;
pub mod rollout;
pub mod run;
pub mod scale_down;
pub mod scheduler;
pub mod selector;
pub mod services;
pub mod services_json;
pub mod vpc_cni;
pub mod workloads_json;

/// Whether a scenario file is an EKS manifest rather than an ECS scenario: ECS scenarios are
/// one JSON object; EKS files are YAML documents or a JSON array.
pub fn is_manifest(text: &str) -> bool {
    !text.trim_start().starts_with('{')
}
