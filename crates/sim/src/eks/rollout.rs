//! The Deployment and ReplicaSet controllers over sim time (`rolling.go` `rolloutRolling`,
//! `recreate.go`, `sync.go`): one Deployment, its ReplicaSets and their pods, advanced from
//! event to event (a pod becoming Ready, then Available after `minReadySeconds`).
//!
//! Alone (`Rollout::new`, the controller tests), a pod is Ready `STARTUP_S` seconds after it is
//! created. Driven by the EKS engine (`Rollout::driven`), a pod is Ready when the engine says
//! (`observe`): scheduled, containers started, readiness probe passed. A deleted pod leaves the
//! ReplicaSet at once (the controller does not count terminating pods). A resize while several
//! ReplicaSets have pods, or while `spec.paused`, is `sync.go`'s `scale` (`proportional.rs`);
//! a paused Deployment makes no rollout progress and its deadline is not checked.

use crate::sort::SortSmall;
use std::collections::BTreeMap;

use super::fenceposts::{max_unavailable, resolve_fenceposts};
use super::objects::{Deployment, PodTemplate};
use super::run::{fresh_name, template_hash};
use super::scale_down::{pods_to_delete, RankedPod};
use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64;

/// Seconds from pod creation to Ready (image pull and container start, no readiness probe).
pub const STARTUP_S: i64 = 5;
/// "Not yet": a driven pod's ready time until the engine reports it.
pub const NEVER: i64 = i64::MAX / 4;
/// Upper bound on controller syncs at one instant, and on events processed by `advance_to`.
const MAX_SYNCS: usize = 1_000;
const MAX_STEPS: usize = 100_000;

#[derive(Debug, Clone)]
pub struct SimPod {
    pub name: String,
    pub created_at: i64,
    pub ready_at: i64,
    pub uid: u64,
    /// Bound to a node (`spec.nodeName` set).
    pub assigned: bool,
    /// The engine's mirror bookkeeping, not the pod's state (equality ignores it): true only
    /// while the engine has a live pod of this name, so its sync need not look the name up.
    pub mirrored: bool,
}

impl PartialEq for SimPod {
    fn eq(&self, o: &SimPod) -> bool {
        (&self.name, self.created_at, self.ready_at, self.uid, self.assigned) == (&o.name, o.created_at, o.ready_at, o.uid, o.assigned)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaSet {
    /// `<deployment>-<pod-template-hash>`.
    pub name: String,
    pub hash: String,
    /// `deployment.kubernetes.io/revision`.
    pub revision: i64,
    pub template: PodTemplate,
    /// `spec.replicas`.
    pub replicas: i64,
    pub pods: Vec<SimPod>,
    pub created_at: i64,
    /// `deployment.kubernetes.io/desired-replicas` and `max-replicas`: the Deployment's
    /// replicas and replicas + maxSurge when this ReplicaSet was last scaled.
    pub desired_annotation: i64,
    pub max_annotation: i64,
}

impl ReplicaSet {
    pub fn ready(&self, now: i64) -> i64 {
        self.pods.iter().filter(|p| p.ready_at <= now).count() as i64
    }
    pub fn available(&self, now: i64, min_ready: i64) -> i64 {
        self.pods.iter().filter(|p| p.ready_at.saturating_add(min_ready) <= now).count() as i64
    }
}

/// A Deployment event (`ScalingReplicaSet`), at sim seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: i64,
    pub reason: &'static str,
    pub message: String,
}

/// What a timeline entry asks of a Deployment (kubectl's verbs).
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `set image deployment/NAME container=image…`
    SetImage(Vec<(String, String)>),
    /// `set image daemonset/NAME container=image…` (eks::engine::daemonset_ctl)
    SetDaemonSetImage(Vec<(String, String)>),
    /// `scale replicaset/NAME --replicas=N` (eks::engine::replicaset_ctl)
    ScaleReplicaSet(i64),
    /// `scale deployment/NAME --replicas=N`
    Scale(i64),
    /// `rollout undo deployment/NAME [--to-revision=N]`
    Undo(Option<i64>),
    /// `rollout pause deployment/NAME` (true) / `rollout resume deployment/NAME` (false)
    Pause(bool),
    /// `cordon NODE` / `cordon -l KEY=VALUE`
    Cordon(Target),
    /// `uncordon NODE` / `uncordon -l KEY=VALUE`
    Uncordon(Target),
    /// `drain NODE [--ignore-daemonsets] [--force] [--grace-period=N]`
    Drain { target: Target, ignore_daemonsets: bool, force: bool, grace_period_s: Option<i64> },
    /// `delete pod NAME` / `delete pods -l KEY=VALUE`
    DeletePod(Target),
}

/// A node or pod named, or picked by a `-l` equality selector.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Name(String),
    Selector(crate::eks::selector::Labels),
}

impl Target {
    pub fn picks(&self, name: &str, labels: &crate::eks::selector::Labels) -> bool {
        match self {
            Target::Name(n) => n == name,
            Target::Selector(sel) => sel.iter().all(|(k, v)| labels.get(k) == Some(v)),
        }
    }
}

impl Action {
    /// Whether the action is addressed to a Deployment (the rest are nodes and pods).
    pub fn is_deployment(&self) -> bool {
        matches!(self, Action::SetImage(_) | Action::Scale(_) | Action::Undo(_) | Action::Pause(_))
    }
}

#[derive(Clone)]
pub struct Rollout {
    pub deployment: Deployment,
    /// Oldest revision first.
    pub sets: Vec<ReplicaSet>,
    /// Its `ScalingReplicaSet` events, oldest first; the engine drops those past the
    /// apiserver's event TTL (`expire_events`), counted in `events_dropped`.
    pub events: Vec<Event>,
    pub events_dropped: u64,
    pub now: i64,
    /// Condition Progressing: (reason, message).
    pub progressing: (&'static str, String),
    /// Bumped whenever a ReplicaSet creates or deletes a pod (the engine diffs on change).
    pub generation: u64,
    /// Sim time of the last progress (more updated / ready / available pods, fewer old ones).
    pub last_progress: i64,
    progress_key: (i64, i64, i64, i64),
    driven: bool,
    rng: Pcg64,
    /// Bumped by every method that may change a pod (`observe`, `remove_pod`, `settle`).
    pods_version: u64,
    /// `next_change`'s pod part for (now, minReadySeconds, pods_version): the engine asks
    /// several times per instant, and each answer walks every pod; it stands for later
    /// instants too, up to the time it names.
    next_pod_cache: std::cell::Cell<Option<(i64, i64, u64, Option<i64>)>>,
    /// The pod-template-hash of the template it was computed for (hashing formats the whole
    /// template; a sync asks several times).
    hash_cache: std::cell::RefCell<Option<(PodTemplate, String)>>,
    /// Every pod's name (all ReplicaSets), kept as pods are created and removed (`has_pod`).
    names: crate::eks::name_set::NameCounts,
    /// Driven only: the names removed since the engine last took them (`take_removed`), so
    /// its mirror looks at those pods instead of every pod.
    removed_log: Vec<String>,
}

impl Rollout {
    /// The Deployment as created at time 0, its first ReplicaSet scaled up.
    pub fn new(deployment: Deployment, seed: u64) -> Rollout {
        Rollout::start(deployment, seed, false, 0)
    }

    /// The Deployment created at `now`, its pods' readiness reported by the engine.
    pub fn driven(deployment: Deployment, seed: u64, now: i64) -> Rollout {
        Rollout::start(deployment, seed, true, now)
    }

    fn start(deployment: Deployment, seed: u64, driven: bool, now: i64) -> Rollout {
        let mut r = Rollout {
            deployment,
            sets: Vec::new(),
            events: Vec::new(),
            events_dropped: 0,
            now,
            progressing: ("", String::new()),
            generation: 0,
            last_progress: now,
            progress_key: (0, 0, 0, 0),
            driven,
            rng: Pcg64::seed_from_u64(seed ^ 0x5eed_d391),
            pods_version: 0,
            next_pod_cache: std::cell::Cell::new(None),
            hash_cache: std::cell::RefCell::new(None),
            names: Default::default(),
            removed_log: Vec::new(),
        };
        r.settle();
        r
    }

    /// Drops the events whose TTL (`--event-ttl`, `engine::events::EVENT_TTL_S`) ran out by `now`.
    pub fn expire_events(&mut self, now: i64) {
        let ttl = crate::eks::engine::events::EVENT_TTL_S;
        if self.events.first().is_some_and(|e| now - e.at >= ttl) {
            let k = self.events.partition_point(|e| now - e.at >= ttl);
            self.events.drain(..k);
            self.events_dropped += k as u64;
        }
    }

    /// The events that exist at `self.now`, each with its number since the first.
    pub fn live_events(&self) -> impl Iterator<Item = (u64, &Event)> {
        let ttl = crate::eks::engine::events::EVENT_TTL_S;
        (self.events_dropped..).zip(&self.events).filter(move |(_, e)| self.now - e.at < ttl)
    }

    /// The engine's view of pods: name → (assigned, ready time or `NEVER`). Call `resync` after.
    pub fn observe(&mut self, seen: &BTreeMap<&str, (bool, i64)>) {
        self.pods_version += 1;
        // Usually a few names against every pod: a name's length and last 8 bytes (its random
        // suffix) rule out almost every pod before a string compare.
        let few: Vec<((usize, u64), &str, (bool, i64))> = if seen.len() <= 16 { seen.iter().map(|(n, v)| (tail(n), *n, *v)).collect() } else { Vec::new() };
        for p in self.sets.iter_mut().flat_map(|s| s.pods.iter_mut()) {
            let hit = if seen.len() <= 16 {
                let t = tail(&p.name);
                few.iter().find(|f| f.0 == t && f.1 == p.name).map(|f| f.2)
            } else {
                seen.get(p.name.as_str()).copied()
            };
            if let Some((assigned, ready_at)) = hit {
                p.assigned = assigned;
                p.ready_at = ready_at;
            }
        }
    }

    /// A pod deleted or evicted from outside: it leaves its ReplicaSet, which replaces it on
    /// the next sync. False when the Deployment has no such pod.
    pub fn remove_pod(&mut self, name: &str) -> bool {
        self.pods_version += 1;
        for s in &mut self.sets {
            // A ReplicaSet's pod names share their prefix and differ in the random suffix:
            // the last byte first rejects most without a string comparison.
            if let Some(i) = s.pods.iter().position(|p| p.name.as_bytes().last() == name.as_bytes().last() && p.name == name) {
                s.pods.remove(i);
                self.names.remove(name);
                self.log_removed(name);
                self.generation += 1;
                return true;
            }
        }
        false
    }

    /// A sync at `now` (after `observe` or `remove_pod`).
    pub fn resync(&mut self) {
        self.settle();
    }

    /// Whether any ReplicaSet has a pod of this name.
    pub fn has_pod(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    fn log_removed(&mut self, name: &str) {
        if self.driven {
            self.removed_log.push(name.to_string());
        }
    }

    /// The names removed (by a ReplicaSet's scale-down or `remove_pod`) since the last call.
    pub fn take_removed(&mut self) -> Vec<String> {
        std::mem::take(&mut self.removed_log)
    }

    /// The engine mirrors every pod now (it had or just created one of each name).
    pub fn mark_mirrored(&mut self) {
        self.sets.iter_mut().flat_map(|s| s.pods.iter_mut()).for_each(|p| p.mirrored = true);
    }

    /// The engine's last live pod of this name left: its sync must look at this name again.
    pub fn unmirror(&mut self, name: &str) {
        if self.names.contains(name) {
            self.sets.iter_mut().flat_map(|s| s.pods.iter_mut()).filter(|p| p.name == name).for_each(|p| p.mirrored = false);
        }
    }

    /// Every pod of every ReplicaSet, with its ReplicaSet's name.
    pub fn pods(&self) -> impl Iterator<Item = (&ReplicaSet, &SimPod)> {
        self.sets.iter().flat_map(|s| s.pods.iter().map(move |p| (s, p)))
    }

    pub fn new_set(&self) -> Option<&ReplicaSet> {
        let hash = self.template_hash();
        self.sets.iter().find(|s| s.hash == hash)
    }

    /// Applies a timeline action now; errors use kubectl's wording.
    pub fn apply(&mut self, a: &Action) -> Result<(), String> {
        match a {
            Action::SetImage(pairs) => {
                for (c, image) in pairs {
                    let Some(ct) = self.deployment.template.spec.containers.iter_mut().find(|x| x.name == *c) else {
                        return Err(format!("unable to find container named {c:?}"));
                    };
                    ct.image = image.clone();
                }
            }
            Action::Scale(n) => self.deployment.replicas = *n,
            Action::Pause(p) => {
                let name = &self.deployment.name;
                match (*p, self.deployment.strategy.paused) {
                    (true, true) => return Err(format!("deployments.apps/{name} is already paused")),
                    (false, false) => return Err(format!("deployments.apps/{name} is not paused")),
                    _ => {}
                }
                self.deployment.strategy.paused = *p;
                // `checkPausedConditions`: Progressing Unknown, and the deadline restarts on resume.
                if self.progressing.0 != "ProgressDeadlineExceeded" {
                    self.progressing = if *p { ("DeploymentPaused", "Deployment is paused".into()) } else { ("DeploymentResumed", "Deployment is resumed".into()) };
                    self.last_progress = self.now;
                }
            }
            Action::Undo(to) => {
                let current = self.new_set().map_or(0, |s| s.revision);
                let target = match to {
                    Some(rev) => self.sets.iter().find(|s| s.revision == *rev),
                    None => self.sets.iter().filter(|s| s.revision < current).max_by_key(|s| s.revision),
                };
                match (target, to) {
                    (Some(s), _) => self.deployment.template = s.template.clone(),
                    (None, Some(rev)) => return Err(format!("unable to find specified revision {rev} in history")),
                    (None, None) => return Err(format!("no rollout history found for deployment {:?}", self.deployment.name)),
                }
            }
            _ => return Err("not a Deployment action".into()),
        }
        self.settle();
        Ok(())
    }

    /// Runs the controllers from `now` to `t`, stopping at every instant a pod turns Ready or
    /// Available (the informer events that trigger a sync).
    pub fn advance_to(&mut self, t: i64) {
        for _ in 0..MAX_STEPS {
            match self.next_change().filter(|n| *n <= t) {
                Some(n) => {
                    self.now = n;
                    self.settle();
                }
                None => break,
            }
        }
        self.now = self.now.max(t);
    }

    /// The next instant something changes by itself: a pod Ready or Available, or the
    /// progress deadline passing.
    pub fn next_change(&self) -> Option<i64> {
        let m = self.deployment.strategy.min_ready_seconds;
        let key = (self.now, m, self.pods_version);
        let pods = match self.next_pod_cache.get() {
            // Worked out at an earlier `now` with the same pods: the earliest time after that
            // `now` is still the earliest after this one until the clock reaches it.
            Some((now, min_ready, v, x)) if (min_ready, v) == (key.1, key.2) && now <= key.0 && x.is_none_or(|x| key.0 < x) => x,
            _ => {
                let times = self.sets.iter().flat_map(|s| s.pods.iter()).flat_map(|p| [p.ready_at, p.ready_at.saturating_add(m)]);
                let x = times.filter(|x| *x > self.now && *x < NEVER).min();
                self.next_pod_cache.set(Some((key.0, key.1, key.2, x)));
                x
            }
        };
        let deadline = self.deadline_at().filter(|x| *x > self.now && *x < NEVER);
        pods.into_iter().chain(deadline).min()
    }

    /// `DeploymentTimedOut`: timed out once now is after last progress + progressDeadlineSeconds
    /// (whole seconds, so the first such instant is one second later).
    fn deadline_at(&self) -> Option<i64> {
        let waiting = !matches!(self.progressing.0, "NewReplicaSetAvailable" | "ProgressDeadlineExceeded" | "DeploymentPaused");
        waiting.then(|| self.last_progress.saturating_add(self.deployment.strategy.progress_deadline_seconds).saturating_add(1))
    }

    /// Deployment sync then ReplicaSet sync, until nothing changes.
    fn settle(&mut self) {
        self.pods_version += 1;
        for _ in 0..MAX_SYNCS {
            let changed = self.sync_deployment();
            self.sync_replica_sets();
            if !changed {
                break;
            }
        }
        self.cleanup_history();
        self.update_progressing();
        self.pods_version += 1;
    }

    fn scale(&mut self, i: usize, to: i64) {
        let from = self.sets[i].replicas;
        if from == to {
            return;
        }
        let dir = if to > from { "up" } else { "down" };
        self.events.push(Event { at: self.now, reason: "ScalingReplicaSet", message: format!("Scaled {dir} replica set {} from {from} to {to}", self.sets[i].name) });
        self.sets[i].replicas = to;
        self.annotate(i);
        self.last_progress = self.now;
        if self.deployment.strategy.paused {
            return;
        }
        // The new ReplicaSet's first scale-up keeps NewReplicaSetCreated; later steps progress.
        if !(self.progressing.0 == "NewReplicaSetCreated" && i + 1 == self.sets.len() && from == 0) {
            self.progressing = ("ReplicaSetUpdated", format!("ReplicaSet {:?} is progressing.", self.new_name()));
        }
    }

    /// `SetReplicasAnnotations`; true when they changed.
    fn annotate(&mut self, i: usize) -> bool {
        let d = &self.deployment;
        let (surge, _) = resolve_fenceposts(d.strategy.max_surge, d.strategy.max_unavailable, d.replicas);
        let want = (d.replicas, d.replicas + surge);
        let s = &mut self.sets[i];
        let changed = (s.desired_annotation, s.max_annotation) != want;
        (s.desired_annotation, s.max_annotation) = want;
        changed
    }

    /// `isScalingEvent`: an active ReplicaSet was sized for another replica count.
    fn scaling_event(&self) -> bool {
        self.sets.iter().any(|s| s.replicas > 0 && s.desired_annotation != self.deployment.replicas)
    }

    /// `sync` → `scale`: a resize (or any sync while paused) without rollout steps. One active
    /// ReplicaSet (or none: the newest) takes the whole count; a saturated new one empties the
    /// old; else RollingUpdate spreads the change proportionally. True when anything changed.
    fn sync_scale(&mut self) -> bool {
        let d = &self.deployment;
        let (replicas, min_ready) = (d.replicas, d.strategy.min_ready_seconds);
        let (surge, _) = resolve_fenceposts(d.strategy.max_surge, d.strategy.max_unavailable, replicas);
        let hash = self.template_hash();
        let new = self.sets.iter().position(|s| s.hash == hash);
        let active: Vec<usize> = (0..self.sets.len()).filter(|i| self.sets[*i].replicas > 0).collect();
        // Creation order, ties by name (`ReplicaSetsByCreationTimestamp`).
        let mut by_age: Vec<usize> = (0..self.sets.len()).collect();
        by_age.sort_small_by(|a, b| (self.sets[*a].created_at, &self.sets[*a].name).cmp(&(self.sets[*b].created_at, &self.sets[*b].name)));
        if active.len() <= 1 {
            let newest_old = by_age.iter().rev().copied().find(|i| Some(*i) != new);
            let Some(t) = active.first().copied().or(new).or(newest_old) else { return false };
            if self.sets[t].replicas == replicas {
                return false;
            }
            self.scale(t, replicas);
            return true;
        }
        if let Some(n) = new {
            let s = &self.sets[n];
            if s.desired_annotation == replicas && s.replicas == replicas && s.available(self.now, min_ready) == replicas {
                for i in active.into_iter().filter(|i| *i != n) {
                    self.scale(i, 0);
                }
                return true;
            }
        }
        if d.strategy.recreate {
            return false;
        }
        let status_replicas: i64 = self.sets.iter().map(|s| s.pods.len() as i64).sum();
        let sized: Vec<super::proportional::Sized> = self
            .sets
            .iter()
            .enumerate()
            .map(|(i, s)| super::proportional::Sized { replicas: s.replicas, age_rank: by_age.iter().position(|x| *x == i).unwrap_or(0), max_annotation: s.max_annotation })
            .collect();
        let sizes = super::proportional::proportional(&sized, replicas, surge, status_replicas);
        let mut changed = false;
        for i in active {
            if self.sets[i].replicas != sizes[i] {
                self.scale(i, sizes[i]);
                changed = true;
            }
            changed |= self.annotate(i);
        }
        changed
    }

    /// `pod-template-hash` of the Deployment's current template.
    fn template_hash(&self) -> String {
        let t = &self.deployment.template;
        if let Some((cached, hash)) = self.hash_cache.borrow().as_ref() {
            if cached == t {
                return hash.clone();
            }
        }
        let hash = template_hash(t);
        *self.hash_cache.borrow_mut() = Some((t.clone(), hash.clone()));
        hash
    }

    fn new_name(&self) -> String {
        format!("{}-{}", self.deployment.name, self.template_hash())
    }

    /// One `rolloutRolling` / `rolloutRecreate` pass; true when it scaled something.
    fn sync_deployment(&mut self) -> bool {
        if self.deployment.strategy.paused || self.scaling_event() {
            return self.sync_scale();
        }
        let d = &self.deployment;
        let (replicas, min_ready) = (d.replicas, d.strategy.min_ready_seconds);
        let (surge, _) = resolve_fenceposts(d.strategy.max_surge, d.strategy.max_unavailable, replicas);
        let max_unavail = max_unavailable(d.strategy.max_surge, d.strategy.max_unavailable, replicas);
        let hash = self.template_hash();
        let max_rev = self.sets.iter().map(|s| s.revision).max().unwrap_or(0);
        let ni = match self.sets.iter().position(|s| s.hash == hash) {
            Some(i) => {
                // An old template again (undo): its ReplicaSet becomes the newest revision.
                if self.sets[i].revision != max_rev {
                    self.sets[i].revision = max_rev + 1;
                    let s = self.sets.remove(i);
                    self.sets.push(s);
                    self.progressing = ("ReplicaSetUpdated", format!("ReplicaSet {:?} is progressing.", self.new_name()));
                }
                self.sets.len() - 1
            }
            None => {
                let name = self.new_name();
                self.progressing = ("NewReplicaSetCreated", format!("Created new replica set {name:?}"));
                self.sets.push(ReplicaSet { name, hash, revision: max_rev + 1, template: d.template.clone(), replicas: 0, pods: Vec::new(), created_at: self.now, desired_annotation: replicas, max_annotation: replicas + surge });
                self.sets.len() - 1
            }
        };
        let old = 0..ni;
        let old_replicas: i64 = self.sets[old.clone()].iter().map(|s| s.replicas).sum();
        let new_replicas = self.sets[ni].replicas;
        if self.deployment.strategy.recreate {
            if old_replicas > 0 {
                for i in old {
                    self.scale(i, 0);
                }
                return true;
            }
            if self.sets[..ni].iter().any(|s| !s.pods.is_empty()) || new_replicas == replicas {
                return false;
            }
            self.scale(ni, replicas);
            return true;
        }
        // Not a rollout (no old replicas): a scale sets the ReplicaSet directly.
        if old_replicas == 0 || new_replicas > replicas {
            if new_replicas == replicas {
                return false;
            }
            self.scale(ni, replicas);
            return true;
        }
        // Scale up the new ReplicaSet (`NewRSNewReplicas`).
        let total = old_replicas + new_replicas;
        let max_total = replicas + surge;
        if total < max_total && new_replicas < replicas {
            self.scale(ni, new_replicas + (max_total - total).min(replicas - new_replicas));
            return true;
        }
        // Scale down old ReplicaSets: unhealthy replicas first, then down to minAvailable.
        let min_available = replicas - max_unavail;
        let new_unavailable = new_replicas - self.sets[ni].available(self.now, min_ready);
        let max_scaled_down = total - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        let mut done = 0;
        for i in old.clone() {
            let s = &self.sets[i];
            let unhealthy = s.replicas - s.available(self.now, min_ready);
            let n = unhealthy.min(max_scaled_down - done);
            if n > 0 {
                self.scale(i, self.sets[i].replicas - n);
                done += n;
            }
        }
        let available: i64 = self.sets.iter().map(|s| s.available(self.now, min_ready).min(s.replicas)).sum();
        let mut budget = available - min_available;
        for i in old {
            if budget <= 0 {
                break;
            }
            let n = self.sets[i].replicas.min(budget);
            if n > 0 {
                self.scale(i, self.sets[i].replicas - n);
                budget -= n;
                done += n;
            }
        }
        done > 0
    }

    /// Each ReplicaSet creates or deletes pods to match `spec.replicas` (deletion ranked).
    fn sync_replica_sets(&mut self) {
        let now = self.now;
        for s in &mut self.sets {
            let want = s.replicas.max(0) as usize;
            while s.pods.len() < want {
                // Not a name one of the Deployment's pods has (`fresh_name`).
                let name = fresh_name(&mut self.rng, &format!("{}-", s.name), |n| self.names.contains(n));
                let ready_at = if self.driven { NEVER } else { now + STARTUP_S };
                self.names.add(&name);
                s.pods.push(SimPod { name, created_at: now, ready_at, uid: self.rng.next_u64(), assigned: !self.driven, mirrored: false });
                self.generation += 1;
            }
            if s.pods.len() > want {
                let ranked: Vec<RankedPod> = s.pods.iter().map(|p| rank(p, now)).collect();
                let mut gone = pods_to_delete(&ranked, s.pods.len() - want, now);
                gone.sort_unstable();
                for i in gone.into_iter().rev() {
                    let p = s.pods.remove(i);
                    self.names.remove(&p.name);
                    if self.driven {
                        self.removed_log.push(p.name);
                    }
                }
                self.generation += 1;
            }
        }
    }

    /// `cleanupDeployment`: old, empty ReplicaSets beyond `revisionHistoryLimit` go, oldest first.
    fn cleanup_history(&mut self) {
        let limit = self.deployment.strategy.revision_history_limit.max(0) as usize;
        let hash = self.template_hash();
        let empty_old = self.sets.iter().filter(|s| s.hash != hash && s.replicas == 0 && s.pods.is_empty()).count();
        let mut extra = empty_old.saturating_sub(limit);
        self.sets.retain(|s| {
            let drop = extra > 0 && s.hash != hash && s.replicas == 0 && s.pods.is_empty();
            if drop {
                extra -= 1;
            }
            !drop
        });
    }

    fn update_progressing(&mut self) {
        let d = &self.deployment;
        if d.strategy.paused {
            return;
        }
        let Some(n) = self.new_set() else { return };
        let complete = n.replicas == d.replicas && n.available(self.now, d.strategy.min_ready_seconds) >= d.replicas && n.pods.len() as i64 == d.replicas && self.sets.iter().all(|s| s.hash == n.hash || s.pods.is_empty());
        let now = self.now;
        let min_ready = d.strategy.min_ready_seconds;
        let key = (
            n.pods.len() as i64,
            self.sets.iter().map(|s| s.ready(now)).sum(),
            self.sets.iter().map(|s| s.available(now, min_ready)).sum(),
            -(self.sets.iter().filter(|s| s.hash != n.hash).map(|s| s.pods.len() as i64).sum::<i64>()),
        );
        let name = n.name.clone();
        if complete {
            self.progressing = ("NewReplicaSetAvailable", format!("ReplicaSet {name:?} has successfully progressed."));
        } else if key != self.progress_key && (key.0 > self.progress_key.0 || key.1 > self.progress_key.1 || key.2 > self.progress_key.2 || key.3 > self.progress_key.3) {
            self.last_progress = now;
            if matches!(self.progressing.0, "ProgressDeadlineExceeded" | "DeploymentResumed") {
                self.progressing = ("ReplicaSetUpdated", format!("ReplicaSet {name:?} is progressing."));
            }
        } else if self.deadline_at().is_some_and(|t| now >= t) {
            // Kubernetes only reports it: no rollback (eks-semantics §2.4).
            self.progressing = ("ProgressDeadlineExceeded", format!("ReplicaSet {name:?} has timed out progressing."));
        }
        self.progress_key = key;
    }
}

/// Every sim pod is bound and Running; Ready after its startup.
fn rank(p: &SimPod, now: i64) -> RankedPod {
    RankedPod { assigned: p.assigned, phase_rank: if p.assigned { 2 } else { 0 }, ready: p.ready_at <= now, deletion_cost: 0, rank: 0, ready_since: p.ready_at, restarts: 0, created_at: p.created_at, uid: p.uid }
}

/// A name's length and its last (up to) 8 bytes as a word: a cheap first compare.
fn tail(name: &str) -> (usize, u64) {
    let b = name.as_bytes();
    let k = b.len().saturating_sub(8);
    let mut w = [0u8; 8];
    w[..b.len() - k].copy_from_slice(&b[k..]);
    (b.len(), u64::from_le_bytes(w))
}
