//! What happens in PENDING before a container starts: the execution role fetches registry
//! auth and secrets, then the agent pulls each image (skipped when the instance holds it).
//! A missing image stops the task with CannotPullContainerError; a secret that can't be read
//! stops it with ResourceInitializationError (aws-semantics §8, ECS task errors).

use super::task::durations::*;
use super::task::TaskStatus;
use super::{Sim, Wake};
use crate::ecr::{self, Registry};
use crate::model::platform::SecretSource;

pub const DEFAULT_INSTANCE_PROFILE: &str = "ecsInstanceRole";

/// Container start after the pull (create, start, first process).
pub const CONTAINER_START_MS: u64 = 3_000;
/// Fargate's own work in PENDING besides the pull (ENI ready, runtime start).
pub const FARGATE_START_MS: u64 = 10_000;
/// How long the agent retries a failing secret or pull before giving up (the messages say
/// "retried 1 time(s)").
pub const START_FAILURE_MS: u64 = 5_000;
/// Throttle from the second failure in a row: 15 s, doubling, at most 27 minutes.
const THROTTLE_AFTER: u32 = 2;
const THROTTLE_FIRST_MS: u64 = 15_000;
const THROTTLE_MAX_MS: u64 = 27 * 60_000;

/// How one container image was obtained, for DescribeTasks and the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pull {
    pub digest: Option<String>,
    pub size_bytes: Option<u64>,
    pub cached: bool,
    pub ms: u64,
}

impl Sim {
    /// Enters PENDING: schedules RUNNING after the pull, or the start failure.
    pub(super) fn start_pending(&mut self, task: usize) {
        match self.start_check(task) {
            Ok((ms, pulls)) => {
                if let Some(i) = self.tasks[task].instance {
                    let now = self.now;
                    let inst = &mut self.instances[i];
                    inst.pulls_in_flight.retain(|_, done| *done > now);
                    for p in pulls.iter().filter(|p| !p.cached) {
                        if let Some(d) = &p.digest {
                            inst.pulls_in_flight.entry(d.clone()).or_insert(now + p.ms);
                        }
                    }
                }
                self.tasks[task].pulls = pulls;
                self.wake_task(task, ms);
            }
            Err(reason) => {
                let t = &mut self.tasks[task];
                t.generation += 1;
                t.next_change_at = Some(self.now + START_FAILURE_MS);
                let generation = t.generation;
                self.schedule(self.now + START_FAILURE_MS, Wake::StartFailed { task, generation });
                self.tasks[task].start_failure = Some(reason);
            }
        }
    }

    pub(super) fn start_failed(&mut self, task: usize) {
        let Some(reason) = self.tasks[task].start_failure.clone() else { return };
        if self.tasks[task].last_status != TaskStatus::Pending || !self.tasks[task].desired_running {
            return;
        }
        let id = self.tasks[task].id.clone();
        self.log("taskStopped", id, reason.clone());
        self.stop_task(task, &reason, "TaskFailedToStart");
        if let (Some(s), Some(d)) = (self.tasks[task].service, self.tasks[task].deployment) {
            self.count_failure(s, d);
            self.throttle(s);
        }
    }

    /// The service throttle logic: when tasks repeatedly go from PENDING to STOPPED, the time
    /// between restart attempts grows, up to 27 minutes (the current ECS developer guide; the
    /// 2023 guide in aws-semantics §6.3 said 15). AWS doesn't give the steps: Stevedore waits
    /// 15 s after the second failure in a row and doubles it each time.
    fn throttle(&mut self, s: usize) {
        let svc = &mut self.services[s];
        svc.start_failures += 1;
        if svc.start_failures < THROTTLE_AFTER {
            return;
        }
        let step = (svc.start_failures - THROTTLE_AFTER).min(16);
        let delay = (THROTTLE_FIRST_MS << step).min(THROTTLE_MAX_MS);
        svc.throttled_until = Some(self.now + delay);
        let name = svc.def.name.clone();
        self.service_event_deduped(s, format!("(service {name}) is unable to consistently start tasks successfully."));
    }

    /// A task reached RUNNING, or the service got a new deployment: back to normal.
    pub(super) fn unthrottle(&mut self, s: usize) {
        self.services[s].start_failures = 0;
        self.services[s].throttled_until = None;
    }

    /// How long PENDING lasts, or why the task can't start.
    fn start_check(&self, task: usize) -> Result<(u64, Vec<Pull>), String> {
        let t = &self.tasks[task];
        let sc = &self.scenario;
        if !sc.ecr_modelled && sc.roles.is_none() && sc.ssm_parameters.is_none() && sc.secrets_manager.is_none() {
            // Nothing to check and no image facts: the stage lengths Stevedore always used.
            return Ok((if t.fargate { FARGATE_PENDING_MS } else { PENDING_MS }, Vec::new()));
        }
        let td = &self.scenario.task_defs[t.task_def];
        let exec_role = td.execution_role_arn.as_deref().filter(|a| !a.is_empty());
        // Registry auth for private ECR: the execution role, or on EC2 without one the
        // instance profile (the agent's own credentials). Fargate has no instance profile.
        for c in &td.containers {
            let r = ecr::parse_image(&c.image);
            if r.registry != Registry::EcrPrivate {
                continue;
            }
            let (role_name, session) = match (exec_role, t.instance) {
                (Some(arn), _) => (Some(crate::scenario::name_of(arn).to_string()), t.id.clone()),
                (None, Some(i)) => (self.instance_role(i).map(|r| r.name.clone()), self.instances[i].spec.ec2_instance_id.clone()),
                (None, None) => (None, t.id.clone()),
            };
            if let Some(msg) = self.denied(role_name.as_deref(), &session, &["ecr:GetAuthorizationToken", "ecr:BatchGetImage"], "*") {
                return Err(format!("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): {msg}"));
            }
        }
        for c in &td.containers {
            for (_, value_from) in &c.secrets {
                self.check_secret(exec_role, &t.id, value_from)?;
            }
        }
        let mut pulls = Vec::new();
        let mut slowest = 0;
        for c in &td.containers {
            let pull = self.pull(task, &c.image)?;
            slowest = slowest.max(pull.ms);
            pulls.push(pull);
        }
        // The logging driver starts with the container, after the pull.
        self.check_logging(task)?;
        let known = pulls.iter().any(|p| p.size_bytes.is_some());
        let ms = match (t.fargate, known) {
            (true, true) => FARGATE_START_MS + slowest,
            (false, true) => CONTAINER_START_MS + slowest,
            // No image facts: the stage lengths Stevedore always used.
            (true, false) => FARGATE_PENDING_MS,
            (false, false) => PENDING_MS,
        };
        Ok((ms, pulls))
    }

    /// One image: found in its repository (when ECR is modelled), and how long it takes.
    fn pull(&self, task: usize, image: &str) -> Result<Pull, String> {
        let t = &self.tasks[task];
        let r = ecr::parse_image(image);
        let repo = match &r.registry {
            Registry::Other => None,
            Registry::EcrPrivate => self.repositories.iter().find(|x| !x.public && x.name == r.repository),
            Registry::EcrPublic { alias } => self.repositories.iter().find(|x| x.public && x.name == r.repository && x.uri.contains(&format!("/{alias}/"))),
        };
        let modelled = self.scenario.ecr_modelled && r.registry != Registry::Other;
        let Some(repo) = repo else {
            if modelled {
                return Err(format!("CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref {image}: pull access denied, repository does not exist or may require authorization: name unknown: The repository with name '{}' does not exist in the registry", r.repository));
            }
            return Ok(Pull { digest: None, size_bytes: None, cached: false, ms: 0 });
        };
        let Some(k) = repo.find(&r) else {
            return Err(format!("CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref {image}: {image}: not found"));
        };
        let img = &repo.images[k];
        let arch_ok = (img.architecture == "arm64") == self.scenario.task_defs[t.task_def].arm64;
        if !arch_ok {
            return Err(format!("CannotPullContainerError: pull image manifest has been retried 1 time(s): image Manifest does not contain descriptor matching platform 'linux/{}'", if img.architecture == "arm64" { "amd64" } else { "arm64" }));
        }
        // Fargate starts every task on fresh capacity: it always pulls.
        let cached = t.instance.is_some_and(|i| self.instances[i].image_cache.contains(&img.digest));
        let joined = t.instance.and_then(|i| self.instances[i].pulls_in_flight.get(&img.digest)).filter(|&&done| done > self.now);
        let ms = match (cached, joined) {
            (true, _) => ecr::CACHED_PULL_MS,
            (false, Some(&done)) => (done - self.now).max(ecr::CACHED_PULL_MS),
            (false, None) => ecr::pull_time_ms(img.size_bytes),
        };
        Ok(Pull { digest: Some(img.digest.clone()), size_bytes: Some(img.size_bytes), cached, ms })
    }

    fn check_secret(&self, exec_role: Option<&str>, task_id: &str, value_from: &str) -> Result<(), String> {
        let role = exec_role.map(|a| crate::scenario::name_of(a).to_string());
        let prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed:";
        match crate::scenario::platform::secret_source(value_from, &self.scenario.arns.region, &self.scenario.arns.account) {
            SecretSource::Ssm { name, arn } => {
                if let Some(msg) = self.denied(role.as_deref(), task_id, &["ssm:GetParameters"], &arn) {
                    return Err(format!("{prefix} unable to retrieve secrets from ssm: service call has been retried 1 time(s): {msg}"));
                }
                if self.scenario.ssm_parameters.as_ref().is_some_and(|names| !names.contains(&name)) {
                    return Err(format!("{prefix} unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: {name}"));
                }
            }
            SecretSource::SecretsManager { arn, name, json_key } => {
                if let Some(msg) = self.denied(role.as_deref(), task_id, &["secretsmanager:GetSecretValue"], &arn) {
                    return Err(format!("{prefix} unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {arn} from secrets manager: {msg}"));
                }
                if let Some(list) = &self.scenario.secrets_manager {
                    // A full ARN ends in the six random characters; a partial ARN is the name.
                    // A full ARN ends in "-" and six characters Secrets Manager chose; a partial
                    // ARN or a name stops at the secret's name.
                    let full = |x: &crate::model::platform::SecretDef| name.strip_prefix(x.name.as_str()).and_then(|r| r.strip_prefix('-')).is_some_and(|r| r.len() == 6 && r.chars().all(|c| c.is_ascii_alphanumeric()));
                    let Some(secret) = list.iter().find(|x| x.name == name || full(x)) else {
                        return Err(format!("{prefix} unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {arn} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret."));
                    };
                    if let Some(key) = json_key {
                        if !secret.json_keys.contains(&key) {
                            return Err(format!("{prefix} unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key {key}"));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// With IAM modelled: the AccessDenied message for the first action `role` may not perform
    /// (or the missing-credentials message), `None` when all are allowed.
    fn denied(&self, role: Option<&str>, session: &str, actions: &[&str], resource: &str) -> Option<String> {
        let roles = self.scenario.roles.as_ref()?;
        let Some(role) = role.and_then(|n| roles.iter().find(|r| r.name == n)) else {
            return Some("NoCredentialProviders: no valid providers in chain (no execution role and no instance profile)".into());
        };
        actions.iter().find_map(|a| {
            let d = role.evaluate(a, resource);
            (!d.allowed).then(|| crate::iam::access_denied(&self.scenario.arns.account, &role.name, session, a, resource, &d))
        })
    }

    /// The instance profile a container instance runs as. The ECS agent needs one to register
    /// at all, so an instance without `iamInstanceProfile` is taken to have the console's
    /// default, `ecsInstanceRole`.
    pub fn instance_profile(&self, i: usize) -> String {
        self.instances[i].spec.iam_instance_profile.clone().unwrap_or_else(|| DEFAULT_INSTANCE_PROFILE.to_string())
    }

    pub(super) fn instance_role(&self, i: usize) -> Option<&crate::iam::Role> {
        let profile = self.instance_profile(i);
        self.scenario.roles.as_ref()?.iter().find(|r| r.instance_profiles.contains(&profile))
    }

    /// The layers stay on the instance once pulled: later tasks of the same image start faster.
    pub(super) fn cache_images(&mut self, task: usize) {
        let Some(i) = self.tasks[task].instance else { return };
        let digests: Vec<String> = self.tasks[task].pulls.iter().filter_map(|p| p.digest.clone()).collect();
        self.instances[i].image_cache.extend(digests);
    }

    /// An essential container exited: the task stops (its other containers get SIGTERM).
    pub(super) fn essential_container_exited(&mut self, task: usize) {
        let td = &self.scenario.task_defs[self.tasks[task].task_def];
        let Some((c, _)) = td.essential_exit() else { return };
        let (name, code) = (td.containers[c].name.clone(), td.containers[c].exit_code);
        self.tasks[task].exited = Some((c, code));
        let id = self.tasks[task].id.clone();
        self.log("taskStopped", id, format!("essential container {name} exited with code {code}"));
        self.stop_task(task, "Essential container in task exited", "EssentialContainerExited");
        // The scheduler replaces it now: a stopping task no longer counts toward desired.
        if let Some(s) = self.tasks[task].service {
            self.reconcile_soon(s);
        }
    }
}
