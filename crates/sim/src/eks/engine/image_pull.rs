//! The kubelet's image pulls through Amazon ECR (issue #14: EKS reuses ECS's ECR model).
//!
//! With `spec.repositories` in the Scenario, an image whose registry is ECR is looked up in
//! those repositories (`crate::ecr`, as the ECS agent does): found, it takes
//! `ecr::pull_time_ms(size)` (rounded up to whole seconds, the engine's clock); not found, the
//! pull fails. Without `spec.repositories`, and for any image not hosted in ECR (Docker Hub,
//! registry.k8s.io, …), the pull takes the fixed `PULL_S` as before.
//!
//! A failed pull, as the kubelet reports it (K8S pkg/kubelet/images/image_manager.go): events
//! `Failed` "Failed to pull image \"…\": …" and `Failed` "Error: ErrImagePull"; the container
//! waits with reason `ErrImagePull`; at the next pod sync (`SYNC_S` later, a Stevedore choice)
//! `BackOff` "Back-off pulling image \"…\"" and `Failed` "Error: ImagePullBackOff", reason
//! `ImagePullBackOff`. The retry comes after the kubelet's image back-off: 10 s, doubling per
//! failure, at most 300 s (K8S pkg/kubelet/kubelet.go `imageBackOffPeriod`,
//! `MaxContainerBackOff`). Stevedore choice: while one image of a pod cannot be pulled, none of
//! its containers starts.
//!
//! Credentials: on an EC2 node the kubelet's ECR credential provider calls
//! `ecr:GetAuthorizationToken`, and containerd then `ecr:BatchGetImage`, as the node's instance
//! role (eksctl attaches `AmazonEC2ContainerRegistryReadOnly` by default: EKSUG
//! create-node-role). A role without them fails the pull with IAM's AccessDenied. Not checked:
//! Fargate pods (their pod execution role) and roles the file does not describe.

use super::lifecycle::PULL_S;
use super::{Engine, Ev};
use crate::ecr::{self, Registry, Repository};
use crate::eks::identity::{evaluate, PodCredentials};

/// The first retry's delay, doubled per failure up to `MAX_BACKOFF_S`.
pub const INITIAL_BACKOFF_S: i64 = 10;
pub const MAX_BACKOFF_S: i64 = 300;
/// From a failed pull to the pod's next sync, which reports the back-off.
pub const SYNC_S: i64 = 1;

/// The back-off after the `failures`-th failed pull (1-based).
pub fn backoff_s(failures: u32) -> i64 {
    let doubled = INITIAL_BACKOFF_S.saturating_mul(1i64 << failures.saturating_sub(1).min(20));
    doubled.min(MAX_BACKOFF_S)
}

/// A pod whose image could not be pulled.
#[derive(Debug, Clone, PartialEq)]
pub struct PullFailure {
    /// The container whose image failed.
    pub container: usize,
    pub image: String,
    /// The runtime's error, as in the `Failed` event.
    pub error: String,
    /// The latest failed attempt, and how many there have been.
    pub at: i64,
    pub failures: u32,
}

impl PullFailure {
    /// The container's `state.waiting` (reason, message) at `now`.
    pub fn waiting(&self, now: i64) -> (&'static str, String) {
        if now < self.at + SYNC_S {
            ("ErrImagePull", self.error.clone())
        } else {
            ("ImagePullBackOff", format!("Back-off pulling image {:?}", self.image))
        }
    }
}

/// How long one image takes to pull on a node that lacks it, or why it cannot be pulled.
pub fn pull_s(repositories: Option<&[Repository]>, image: &str) -> Result<i64, String> {
    let Some(repos) = repositories else { return Ok(PULL_S) };
    let r = ecr::parse_image(image);
    let repo = match &r.registry {
        Registry::Other => return Ok(PULL_S),
        Registry::EcrPrivate => repos.iter().find(|x| !x.public && x.name == r.repository),
        Registry::EcrPublic { alias } => repos.iter().find(|x| x.public && x.name == r.repository && x.uri.contains(&format!("/{alias}/"))),
    };
    // containerd's wording for a reference the registry does not resolve; ECR answers a
    // missing repository as ECS's CannotPullContainerError quotes it.
    let unresolved = |code: &str, why: String| format!("rpc error: code = {code} desc = failed to pull and unpack image {image:?}: failed to resolve reference {image:?}: {why}");
    let Some(repo) = repo else {
        return Err(unresolved("Unknown", format!("pull access denied, repository does not exist or may require authorization: name unknown: The repository with name '{}' does not exist in the registry", r.repository)));
    };
    let Some(k) = repo.find(&r) else {
        return Err(unresolved("NotFound", format!("{image}: not found")));
    };
    Ok(ecr::pull_time_ms(repo.images[k].size_bytes).div_ceil(1000) as i64)
}

impl Engine {
    /// `pull_s`, after the node role's ECR permissions for a private ECR image.
    pub(super) fn ecr_pull_s(&self, id: usize, node: usize, image: &str) -> Result<i64, String> {
        let s = pull_s(self.repositories.as_deref(), image)?;
        let r = ecr::parse_image(image);
        if self.repositories.is_none() || r.registry != Registry::EcrPrivate {
            return Ok(s);
        }
        let n = &self.state.nodes[node].node;
        let id_ = &self.calls.identity;
        let Some(g) = id_.node_groups.iter().find(|g| g.group == n.node_group).filter(|g| id_.role(&g.role_arn).is_some()) else { return Ok(s) };
        let host = image.split('/').next().unwrap_or_default();
        let region = host.split('.').nth(3).unwrap_or_default();
        let account = host.split('.').next().unwrap_or_default();
        let repo_arn = format!("arn:aws:ecr:{region}:{account}:repository/{}", r.repository);
        let c = PodCredentials::NodeRole { role_arn: g.role_arn.clone(), node: n.name.clone() };
        for (action, resource) in [("ecr:GetAuthorizationToken", "*"), ("ecr:BatchGetImage", repo_arn.as_str())] {
            let (allowed, message) = evaluate(id_, &c, &self.pods[id].info.name, action, resource);
            if !allowed {
                return Err(format!("rpc error: code = Unknown desc = failed to pull and unpack image {image:?}: failed to resolve reference {image:?}: pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials ({message})"));
            }
        }
        Ok(s)
    }

    /// A pull failed for pod `id`: the kubelet's events, then its back-off and retry.
    pub(super) fn pull_failed(&mut self, id: usize, container: usize, image: String, error: String) {
        let now = self.now;
        let failures = self.pods[id].pull_failure.as_ref().map_or(0, |f| f.failures) + 1;
        let (ns, name) = (self.pods[id].info.namespace.clone(), self.pods[id].info.name.clone());
        self.events.repeatable(now, "Pod", &ns, &name, "Pulling", format!("Pulling image {image:?}"), false, "kubelet");
        self.events.repeatable(now, "Pod", &ns, &name, "Failed", format!("Failed to pull image {image:?}: {error}"), true, "kubelet");
        self.events.repeatable(now, "Pod", &ns, &name, "Failed", "Error: ErrImagePull".to_string(), true, "kubelet");
        self.pods[id].pull_failure = Some(PullFailure { container, image, error, at: now, failures });
        self.at(now + SYNC_S, Ev::PullSync(id, failures));
        self.at(now + backoff_s(failures), Ev::PullRetry(id, failures));
    }

    /// The sync after a failure: still in back-off.
    pub(super) fn pull_sync(&mut self, id: usize, failures: u32) {
        let p = &self.pods[id];
        let Some(f) = p.pull_failure.as_ref().filter(|f| f.failures == failures && p.deleting_at.is_none() && p.gone_at.is_none()) else { return };
        let (ns, name, image) = (p.info.namespace.clone(), p.info.name.clone(), f.image.clone());
        let now = self.now;
        self.events.repeatable(now, "Pod", &ns, &name, "BackOff", format!("Back-off pulling image {image:?}"), false, "kubelet");
        self.events.repeatable(now, "Pod", &ns, &name, "Failed", "Error: ImagePullBackOff".to_string(), true, "kubelet");
    }

    /// The back-off ended: the kubelet tries the pod's images again.
    pub(super) fn pull_retry(&mut self, id: usize, failures: u32) {
        let p = &self.pods[id];
        if p.deleting_at.is_some() || p.gone_at.is_some() || p.pull_failure.as_ref().is_none_or(|f| f.failures != failures) {
            return;
        }
        self.kubelet_start(id);
    }
}
