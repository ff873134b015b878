//! Kubernetes `v1` Events as the engine records them: reason, message, type, the object they
//! are about, a count and first/last timestamps. A repeat of the same (object, reason,
//! message) bumps `count` and `last_s`, as the client-go event correlator does.
//!
//! Retention: kube-apiserver stores each Event with a TTL (`--event-ttl`, default `1h0m0s`,
//! https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/), renewed
//! when the event is updated, so an event goes one TTL after its `lastTimestamp`. EKS keeps the
//! default unless the cluster's `kubeApiServerConfig.eventTtl` says otherwise
//! (https://docs.aws.amazon.com/eks/latest/APIReference/API_KubeApiServerConfigRequest.html);
//! we model the default only. UNVERIFIED (the reference is silent): the renewal on update,
//! read from the apiserver's event registry, whose TTL function returns the TTL for updates too.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct KEvent {
    /// `involvedObject`: (kind, namespace, name); Nodes have an empty namespace.
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub reason: &'static str,
    pub message: String,
    /// `Normal` or `Warning`.
    pub warning: bool,
    /// `source.component`: `default-scheduler`, `kubelet`, `replicaset-controller`…
    pub source: &'static str,
    pub count: i64,
    /// Its number among the run's events, oldest 0 (names it in the List however many expired).
    pub seq: u64,
    pub first_s: i64,
    pub last_s: i64,
}

/// `--event-ttl`: an event is dropped this long after its last occurrence.
pub const EVENT_TTL_S: i64 = 3600;

#[derive(Debug, Clone, Default)]
pub struct Recorder {
    /// Oldest first; may still hold expired events until the next `expire` (a run's report
    /// expires them exactly at its instant).
    pub list: Vec<KEvent>,
    /// The list's length at which `expire_some` next looks: expiring is O(list), so it runs
    /// once the list has doubled since the last time (amortised O(1) per event).
    next_look: usize,
    /// Events recorded so far (expired ones included).
    recorded: u64,
    /// Only repeatable events are indexed (FailedScheduling, NodeNotSchedulable…): the rest
    /// are once per object by nature, so the hot path does not build keys for them.
    index: BTreeMap<(&'static str, String, String, &'static str, String), usize>,
}

impl Recorder {
    #[allow(clippy::too_many_arguments)]
    pub fn once(&mut self, now: i64, kind: &'static str, namespace: &str, name: &str, reason: &'static str, message: String, warning: bool, source: &'static str) {
        self.list.push(KEvent { kind, namespace: namespace.into(), name: name.into(), reason, message, warning, source, count: 1, seq: self.recorded, first_s: now, last_s: now });
        self.recorded += 1;
    }

    /// Whether the event still exists at `now` (its TTL since `lastTimestamp` not run out).
    pub fn alive(e: &KEvent, now: i64) -> bool {
        now - e.last_s < EVENT_TTL_S
    }

    /// Drops every event whose TTL has run out at `now`, keeping the others in order.
    pub fn expire(&mut self, now: i64) {
        if self.list.iter().all(|e| Self::alive(e, now)) {
            return;
        }
        let mut to = vec![usize::MAX; self.list.len()];
        let mut kept = 0;
        for (i, e) in self.list.iter().enumerate() {
            if Self::alive(e, now) {
                to[i] = kept;
                kept += 1;
            }
        }
        self.list.retain(|e| Self::alive(e, now));
        self.index.retain(|_, i| to[*i] != usize::MAX);
        for i in self.index.values_mut() {
            *i = to[*i];
        }
    }

    /// `expire`, when the list has grown enough since the last look for it to pay.
    pub fn expire_some(&mut self, now: i64) {
        if self.list.len() >= self.next_look {
            self.expire(now);
            self.next_look = (2 * self.list.len()).max(1024);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn repeatable(&mut self, now: i64, kind: &'static str, namespace: &str, name: &str, reason: &'static str, message: String, warning: bool, source: &'static str) {
        let key = (kind, namespace.to_string(), name.to_string(), reason, message);
        if let Some(i) = self.index.get(&key).copied().filter(|i| Self::alive(&self.list[*i], now)) {
            let e = &mut self.list[i];
            e.count += 1;
            e.last_s = now;
            return;
        }
        self.index.insert(key.clone(), self.list.len());
        self.once(now, kind, namespace, name, reason, key.4, warning, source);
    }
}
