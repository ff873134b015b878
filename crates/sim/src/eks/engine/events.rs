//! Kubernetes `v1` Events as the engine records them: reason, message, type, the object they
//! are about, a count and first/last timestamps. A repeat of the same (object, reason,
//! message) bumps `count` and `last_s`, as the client-go event correlator does.

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
    pub first_s: i64,
    pub last_s: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Recorder {
    pub list: Vec<KEvent>,
    /// Only repeatable events are indexed (FailedScheduling, NodeNotSchedulable…): the rest
    /// are once per object by nature, so the hot path does not build keys for them.
    index: BTreeMap<(&'static str, String, String, &'static str, String), usize>,
}

impl Recorder {
    #[allow(clippy::too_many_arguments)]
    pub fn once(&mut self, now: i64, kind: &'static str, namespace: &str, name: &str, reason: &'static str, message: String, warning: bool, source: &'static str) {
        self.list.push(KEvent { kind, namespace: namespace.into(), name: name.into(), reason, message, warning, source, count: 1, first_s: now, last_s: now });
    }

    #[allow(clippy::too_many_arguments)]
    pub fn repeatable(&mut self, now: i64, kind: &'static str, namespace: &str, name: &str, reason: &'static str, message: String, warning: bool, source: &'static str) {
        let key = (kind, namespace.to_string(), name.to_string(), reason, message);
        if let Some(i) = self.index.get(&key) {
            let e = &mut self.list[*i];
            e.count += 1;
            e.last_s = now;
            return;
        }
        self.index.insert(key.clone(), self.list.len());
        self.once(now, kind, namespace, name, reason, key.4, warning, source);
    }
}
