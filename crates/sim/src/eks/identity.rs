//! Who a pod's AWS SDK call runs as (eks-semantics §8), and the call's IAM verdict through
//! `crate::iam` (the code ECS task roles use).
//!
//! The SDK's default chain looks for a web identity token (IRSA: the webhook injects
//! `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE` into pods whose ServiceAccount carries
//! `eks.amazonaws.com/role-arn`) before container credentials (EKS Pod Identity: the agent at
//! `169.254.170.23`), and falls back to the instance metadata (the node's instance role) last.
//! So a ServiceAccount with both uses IRSA [our reading of the chain's order]. Pod Identity's
//! agent runs on EC2 Linux nodes only: a Fargate pod with an association gets no credentials
//! from it. IMDS answers a container on the pod network only when the launch template's
//! `HttpPutResponseHopLimit` is 2 or more (the extra hop); host-network pods are one hop away.
//! Fargate has no IMDS.

use crate::eks::manifest::identity::Identity;
use crate::iam;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "kind")]
pub enum PodCredentials {
    /// IAM roles for service accounts: `AssumeRoleWithWebIdentity`.
    Irsa { role_arn: String, service_account: String },
    /// An EKS Pod Identity association: the agent's `AssumeRoleForPodIdentity`.
    PodIdentity { role_arn: String, service_account: String },
    /// The node's instance role, through IMDS.
    NodeRole { role_arn: String, node: String },
    /// No provider in the chain answered.
    None { reason: String },
}

impl PodCredentials {
    pub fn role_arn(&self) -> Option<&str> {
        match self {
            PodCredentials::Irsa { role_arn, .. } | PodCredentials::PodIdentity { role_arn, .. } | PodCredentials::NodeRole { role_arn, .. } => Some(role_arn),
            PodCredentials::None { .. } => None,
        }
    }

    /// One line for the report, the inspector and `--explain`.
    pub fn describe(&self) -> String {
        match self {
            PodCredentials::Irsa { role_arn, service_account } => format!("IRSA: service account {service_account} → {role_arn}"),
            PodCredentials::PodIdentity { role_arn, service_account } => format!("EKS Pod Identity: service account {service_account} → {role_arn}"),
            PodCredentials::NodeRole { role_arn, node } => format!("node role via IMDS (node {node}) → {role_arn}"),
            PodCredentials::None { reason } => format!("no credentials: {reason}"),
        }
    }
}

/// What decides a pod's identity.
pub struct PodFacts<'a> {
    pub namespace: &'a str,
    /// `spec.serviceAccountName`, empty for `default`.
    pub service_account: &'a str,
    pub host_network: bool,
    pub fargate: bool,
    /// The node's group (None on Fargate or a node no group describes) and name.
    pub node_group: Option<&'a str>,
    pub node: &'a str,
}

pub const POD_IDENTITY_ON_FARGATE: &str = "EKS Pod Identity is not available on Fargate: the EKS Pod Identity Agent runs as a DaemonSet on EC2 Linux nodes only (use IAM roles for service accounts on Fargate)";

/// The pod's credentials, and a warning when it has a Pod Identity association it cannot use.
pub fn resolve(id: &Identity, f: &PodFacts) -> (PodCredentials, Option<&'static str>) {
    let sa = if f.service_account.is_empty() { "default" } else { f.service_account };
    let sa_key = format!("{}/{sa}", f.namespace);
    if let Some(arn) = id.service_accounts.iter().find(|s| s.namespace == f.namespace && s.name == sa).and_then(|s| s.role_arn.clone()) {
        return (PodCredentials::Irsa { role_arn: arn, service_account: sa_key }, None);
    }
    let assoc = id.associations.iter().find(|a| a.namespace == f.namespace && a.service_account == sa);
    if let Some(a) = assoc {
        if !f.fargate {
            return (PodCredentials::PodIdentity { role_arn: a.role_arn.clone(), service_account: sa_key }, None);
        }
    }
    let warn = (assoc.is_some() && f.fargate).then_some(POD_IDENTITY_ON_FARGATE);
    if f.fargate {
        return (PodCredentials::None { reason: "no IRSA role, and Fargate has no instance metadata".into() }, warn);
    }
    let Some(g) = f.node_group.and_then(|n| id.node_groups.iter().find(|g| g.group == n)) else {
        return (PodCredentials::None { reason: "no IRSA role or Pod Identity association, and the node has no instance role".into() }, warn);
    };
    if !f.host_network && g.pod_imds_disabled {
        return (PodCredentials::None { reason: format!("no IRSA role or Pod Identity association, and node group {} sets disablePodIMDS", g.group) }, warn);
    }
    if !f.host_network && g.hop_limit < 2 {
        return (PodCredentials::None { reason: format!("no IRSA role or Pod Identity association, and IMDS is out of reach: node group {} has HttpPutResponseHopLimit {} (a container needs 2)", g.group, g.hop_limit) }, warn);
    }
    (PodCredentials::NodeRole { role_arn: g.role_arn.clone(), node: f.node.to_string() }, warn)
}

/// The session name each provider uses: the pod's name for IRSA and Pod Identity (our choice:
/// SDKs generate one unless `AWS_ROLE_SESSION_NAME` is set), the node for the instance role.
fn session(c: &PodCredentials, pod: &str) -> String {
    match c {
        PodCredentials::NodeRole { node, .. } => node.clone(),
        _ => pod.chars().take(64).collect(),
    }
}

/// One call's verdict: (allowed, the role's name, the message — IAM's AccessDenied wording
/// when denied).
pub fn evaluate(id: &Identity, c: &PodCredentials, pod: &str, action: &str, resource: &str) -> (bool, String) {
    let arn = match c {
        PodCredentials::None { reason } => return (false, format!("NoCredentialProviders: Unable to locate credentials ({reason})")),
        other => other.role_arn().unwrap_or_default(),
    };
    // No IAM OIDC provider for the cluster: STS rejects the projected token. The SDK stops at
    // this error (the web identity provider was configured, so the chain does not fall back
    // to the node role; eks-semantics §8 names no fallback). Wording: the Go SDK's, quoted in
    // https://repost.aws/knowledge-center/eks-troubleshoot-oidc-and-irsa.
    if let (PodCredentials::Irsa { .. }, Some(issuer)) = (c, &id.oidc_missing) {
        return (false, format!("WebIdentityErr: failed to retrieve credentials caused by: InvalidIdentityToken: No OpenIDConnect provider found in your account for {issuer} (status code: 400)"));
    }
    let name = arn.rsplit('/').next().unwrap_or(arn);
    let account = arn.strip_prefix("arn:aws:iam::").and_then(|x| x.split(':').next()).unwrap_or(crate::eks::manifest::identity::DEFAULT_ACCOUNT);
    let Some(role) = id.role(arn) else {
        let op = match c {
            PodCredentials::Irsa { .. } => "AssumeRoleWithWebIdentity",
            PodCredentials::PodIdentity { .. } => "AssumeRoleForPodIdentity",
            _ => "AssumeRole",
        };
        return (false, format!("AccessDenied: An error occurred (AccessDenied) when calling the {op} operation: role {arn} is not in the Scenario's roles, so it cannot be assumed"));
    };
    let d = role.evaluate(action, resource);
    if d.allowed {
        (true, format!("allowed as role {name} by {}", d.by))
    } else {
        (false, iam::access_denied(account, name, &session(c, pod), action, resource, &d))
    }
}

/// `--explain`'s `awsCalls`: each pod call with the identity the credential chain chose and
/// IAM's verdict.
pub fn calls_json(calls: &[crate::eks::engine::aws_calls::CallRecord], start_unix_s: i64) -> serde_json::Value {
    calls
        .iter()
        .map(|c| {
            serde_json::json!({
                "time": crate::time::format_iso(start_unix_s + c.at_s),
                "pod": format!("{}/{}", c.namespace, c.pod),
                "node": c.node,
                "action": c.action,
                "resource": c.resource,
                "identity": c.identity,
                "credentials": c.identity.describe(),
                "allowed": c.allowed,
                "message": c.message,
            })
        })
        .collect()
}
