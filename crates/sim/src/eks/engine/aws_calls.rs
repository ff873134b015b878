//! Pods' AWS calls on the engine's clock: each pod gets its identity when it is bound (the
//! `stevedore.dev/aws-identity` annotation; a Fargate pod whose ServiceAccount has a Pod
//! Identity association gets a Warning), and each `CallAwsApi` entry has every Running pod it
//! selects make the call, judged by `crate::iam` through `eks::identity`.

use super::Engine;
use crate::eks::identity::{evaluate, resolve, PodCredentials, PodFacts};
use crate::eks::manifest::aws_actions::AwsCall;
use crate::eks::manifest::identity::Identity;

/// The annotation that shows a pod's identity in the `List` report.
pub const IDENTITY_ANNOTATION: &str = "stevedore.dev/aws-identity";
/// Calls kept for the report and the picture (the oldest go first).
pub const MAX_CALLS: usize = 500;

/// One pod's call and its verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    pub at_s: i64,
    pub namespace: String,
    pub pod: String,
    pub node: String,
    pub action: String,
    pub resource: String,
    pub identity: PodCredentials,
    pub allowed: bool,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Calls {
    pub identity: Identity,
    entries: Vec<AwsCall>,
    next: usize,
    pub log: Vec<CallRecord>,
}

impl Calls {
    pub fn new(m: &crate::eks::manifest::Manifest) -> Calls {
        Calls { identity: m.identity.clone(), entries: m.aws_calls.clone(), next: 0, log: Vec::new() }
    }

    pub fn next_at(&self) -> Option<i64> {
        self.entries.get(self.next).map(|c| c.at_s)
    }
}

impl Engine {
    /// The credentials pod `id` would use now (on its node).
    pub fn pod_credentials(&self, id: usize) -> (PodCredentials, Option<&'static str>) {
        let p = &self.pods[id];
        let node = p.node.map(|n| &self.state.nodes[n].node);
        let fargate = node.is_some_and(super::fargate_nodes::is_fargate);
        let facts = PodFacts {
            namespace: &p.info.namespace,
            service_account: &p.info.spec.service_account,
            host_network: p.info.spec.host_network || p.daemon() && p.info.namespace == "kube-system",
            fargate,
            node_group: node.filter(|_| !fargate).map(|n| n.node_group.as_str()),
            node: node.map_or("", |n| n.name.as_str()),
        };
        resolve(&self.calls.identity, &facts)
    }

    /// A pod was bound: its identity is fixed for its life (the webhooks mutate at admission).
    pub(super) fn identity_bound(&mut self, id: usize) {
        if self.calls.identity.service_accounts.is_empty() && self.calls.identity.associations.is_empty() && self.calls.entries.is_empty() {
            return; // nothing identity-related in the file: keep the report as it was
        }
        if self.pods[id].owner == super::Owner::DaemonSet("aws-node") || self.pods[id].owner == super::Owner::DaemonSet("kube-proxy") {
            return;
        }
        let (c, warn) = self.pod_credentials(id);
        let (ns, name) = (self.pods[id].info.namespace.clone(), self.pods[id].info.name.clone());
        if let Some(w) = warn {
            self.events.once(self.now, "Pod", &ns, &name, "PodIdentityNotSupported", w.to_string(), true, "eks-pod-identity-webhook");
        }
        self.pods[id].annotations.retain(|(k, _)| k != IDENTITY_ANNOTATION);
        self.pods[id].annotations.push((IDENTITY_ANNOTATION.into(), c.describe()));
    }

    /// The `CallAwsApi` entries due now.
    pub(super) fn calls_due(&mut self) -> bool {
        let mut worked = false;
        while let Some(c) = self.calls.entries.get(self.calls.next).filter(|c| c.at_s <= self.now).cloned() {
            self.calls.next += 1;
            worked = true;
            self.call_aws_api(&c);
        }
        worked
    }

    fn call_aws_api(&mut self, c: &AwsCall) {
        let now = self.now;
        let callers: Vec<usize> = (0..self.pods.len())
            .filter(|&i| {
                let p = &self.pods[i];
                p.gone_at.is_none() && p.deleting_at.is_none() && p.node.is_some() && p.started(now) && p.info.namespace == c.namespace
                    && c.pod.as_ref().map_or(true, |n| *n == p.info.name)
                    && c.selector.as_ref().map_or(true, |s| s.matches(&p.info.labels))
            })
            .collect();
        if callers.is_empty() {
            self.timeline_errors.push(format!("{}: at {}s: CallAwsApi {}: no Running pod in namespace {:?} to make the call", c.path, c.at_s, c.action, c.namespace));
            return;
        }
        for id in callers {
            let (identity, _) = self.pod_credentials(id);
            let p = &self.pods[id];
            let (ns, name) = (p.info.namespace.clone(), p.info.name.clone());
            let node = p.node.map(|n| self.state.nodes[n].node.name.clone()).unwrap_or_default();
            let (allowed, message) = evaluate(&self.calls.identity, &identity, &name, &c.action, &c.resource);
            if allowed {
                self.events.repeatable(now, "Pod", &ns, &name, "AwsApiCall", format!("{} on {}: {message}", c.action, c.resource), false, "aws-sdk");
            } else {
                self.events.repeatable(now, "Pod", &ns, &name, "AccessDenied", message.clone(), true, "aws-sdk");
            }
            if self.calls.log.len() >= MAX_CALLS {
                self.calls.log.remove(0);
            }
            self.calls.log.push(CallRecord { at_s: now, namespace: ns, pod: name, node, action: c.action.clone(), resource: c.resource.clone(), identity, allowed, message });
        }
    }
}
