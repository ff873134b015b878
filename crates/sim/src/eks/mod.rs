//! Amazon EKS: Kubernetes objects in, kube-scheduler decisions out, on the shared AWS facts
//! (`catalog`). Pure and deterministic like the ECS model; see ARCHITECTURE.md "EKS".

pub mod daemonsets;
pub mod manifest;
pub mod nodes;
pub mod objects;
pub mod quantity;
pub mod run;
pub mod scheduler;
pub mod selector;
pub mod vpc_cni;
