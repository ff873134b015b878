//! Time-driven platform work: EventBridge Scheduler schedules that run tasks, ECR lifecycle
//! policies expiring images, and the ECR timeline actions.

use super::{Sim, Wake};
use crate::time::SimTime;
use rand_core::RngCore;

/// ECR says expiry happens "within 24 hours" of a policy being applied. Stevedore runs a
/// policy one hour after it is applied, then every 24 hours (a choice; the preview is instant).
pub const LIFECYCLE_FIRST_RUN_MS: SimTime = 3_600_000;
pub const LIFECYCLE_PERIOD_MS: SimTime = 86_400_000;

impl Sim {
    /// Queues schedule `k`'s next invocation after unix second `after`.
    pub(super) fn schedule_next_run(&mut self, k: usize, after: i64) {
        let d = &self.scenario.schedules[k];
        if !d.enabled {
            return;
        }
        let Some(next) = d.schedule.next_after(after, d.zone, d.start_unix_s, true) else { return };
        // "EventBridge Scheduler ignores EndDate for one-time schedules"; recurring ones stop
        // "on, or before, the EndDate".
        let one_time = matches!(d.schedule, crate::schedule::Schedule::At(_));
        if (!one_time && d.end_unix_s.is_some_and(|end| next > end)) || next < self.scenario.start_unix_s {
            return;
        }
        let mut at = ((next - self.scenario.start_unix_s) * 1000) as SimTime;
        // A flexible window invokes the target at a random moment inside it (seeded).
        if d.flexible_window_min > 0 {
            at += self.rng.next_u64() % (d.flexible_window_min as u64 * 60_000);
        }
        self.schedule(at.max(self.now), Wake::Schedule { k, nominal: next });
    }

    /// Invokes schedule `k` for its scheduled time `nominal` (unix seconds).
    pub(super) fn fire_schedule(&mut self, k: usize, nominal: i64) {
        let d = self.scenario.schedules[k].clone();
        let mut run = d.run.clone();
        run.started_by = Some(format!("scheduler/{}", d.name));
        // The scheduler assumes RoleArn to call ecs:RunTask on the task definition, and RunTask
        // passes the task definition's roles: "If your scheduled tasks require the use of the
        // task execution role, a task role, or a task role override, then you must add
        // iam:PassRole permissions for each … to the EventBridge IAM role"
        // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/CWE_IAM_role.html).
        let td = &self.scenario.task_defs[run.task_def];
        let td_arn = td.arn.clone();
        let mut checks = vec![("ecs:RunTask", td_arn.clone())];
        for role in [&td.task_role_arn, &td.execution_role_arn].into_iter().flatten().filter(|r| !r.is_empty()) {
            let arn = crate::iam::role_arn(&self.scenario.arns.account, role);
            if !checks.iter().any(|(_, r)| *r == arn) {
                checks.push(("iam:PassRole", arn));
            }
        }
        let denied = self.scenario.roles.as_ref().map(|roles| match roles.iter().find(|r| r.name == crate::scenario::name_of(&d.role_arn)) {
            None => Some(format!("role {} does not exist", d.role_arn)),
            Some(role) => checks.iter().find_map(|(action, resource)| {
                let dec = role.evaluate(action, resource);
                (!dec.allowed).then(|| crate::iam::access_denied(&self.scenario.arns.account, &role.name, "scheduler", action, resource, &dec))
            }),
        });
        match denied.flatten() {
            Some(msg) => self.log("action", format!("schedule/{}", d.name), format!("invocation failed: {msg}")),
            None => {
                self.log("action", format!("schedule/{}", d.name), format!("schedule {} invoked RunTask {} (count {})", d.name, self.scenario.task_defs[run.task_def].family_revision(), run.count));
                self.run_task(&run);
            }
        }
        self.schedule_next_run(k, nominal);
    }

    /// The repository's lifecycle policy expires what its preview lists, now.
    pub(super) fn run_lifecycle(&mut self, r: usize) {
        let now_unix = self.scenario.start_unix_s + (self.now / 1000) as i64;
        let repo = &self.repositories[r];
        let Some(policy) = &repo.lifecycle else { return };
        let expired = policy.preview(&repo.images, now_unix);
        let name = repo.name.clone();
        let notes: Vec<String> = expired.iter().map(|&(i, p)| format!("{} [{}] expired by rule {p}", short_digest(&repo.images[i].digest), repo.images[i].tags.join(", "))).collect();
        let mut drop: Vec<usize> = expired.iter().map(|&(i, _)| i).collect();
        drop.sort_unstable_by(|a, b| b.cmp(a));
        for i in drop {
            self.repositories[r].images.remove(i);
        }
        for n in notes {
            self.log("action", format!("ecr/{name}"), format!("lifecycle policy: image {n}"));
        }
        self.schedule(self.now + LIFECYCLE_PERIOD_MS, Wake::Lifecycle(r));
    }

    pub(super) fn put_image(&mut self, r: usize, mut image: crate::ecr::Image) {
        image.pushed_at_unix_s = self.scenario.start_unix_s + (self.now / 1000) as i64;
        let name = self.repositories[r].name.clone();
        let tags = image.tags.join(", ");
        let digest = short_digest(&image.digest);
        match self.repositories[r].push(image) {
            Ok(_) => {
                let scan = if self.repositories[r].scan_on_push { " (scan on push: findings ready)" } else { "" };
                self.log("action", format!("ecr/{name}"), format!("PutImage {name}:{tags} → {digest}{scan}"));
            }
            Err(e) => self.log("action", format!("ecr/{name}"), format!("PutImage {name}:{tags} failed: {e}")),
        }
    }

    pub(super) fn put_lifecycle_policy(&mut self, r: usize, policy: crate::ecr::lifecycle::LifecyclePolicy) {
        let first = self.repositories[r].lifecycle.is_none();
        self.repositories[r].lifecycle = Some(policy);
        let name = self.repositories[r].name.clone();
        self.log("action", format!("ecr/{name}"), format!("PutLifecyclePolicy {name}: expiry runs within 24 hours (Stevedore: in 1 hour)"));
        if first {
            self.schedule(self.now + LIFECYCLE_FIRST_RUN_MS, Wake::Lifecycle(r));
        }
    }

    /// GetLifecyclePolicyPreview for a repository at the current sim time.
    pub fn lifecycle_preview(&self, r: usize) -> Vec<crate::ecr::lifecycle::PreviewResult> {
        let repo = &self.repositories[r];
        let Some(policy) = &repo.lifecycle else { return vec![] };
        let now_unix = self.scenario.start_unix_s + (self.now / 1000) as i64;
        policy
            .preview(&repo.images, now_unix)
            .into_iter()
            .map(|(i, p)| crate::ecr::lifecycle::PreviewResult {
                image_digest: repo.images[i].digest.clone(),
                image_tags: repo.images[i].tags.clone(),
                image_pushed_at: crate::time::format_iso(repo.images[i].pushed_at_unix_s),
                action: crate::ecr::lifecycle::PreviewAction { kind: "EXPIRE" },
                applied_rule_priority: p,
            })
            .collect()
    }
}

pub fn short_digest(d: &str) -> String {
    d.get(..19).unwrap_or(d).to_string()
}
