//! The DaemonSet controller for the manifest's `apps/v1` DaemonSets: one pod per eligible node
//! (nodeSelector, required node affinity, taints against the template's tolerations plus the
//! controller's automatic ones), each pod pinned to its node by a required node-affinity term
//! and bound by the default scheduler; nodes that join later get theirs; `updateStrategy`
//! RollingUpdate (maxUnavailable, or maxSurge: a new pod beside the old one, the old deleted once
//! the new is available; daemon update.go `rollingUpdate`) or OnDelete. Level-triggered: every sync compares
//! every node with its pods, so deletions, drains and new nodes all converge the same way.
//!
//! Choices where Kubernetes leaves it to map order or to the Go struct: the pin is a
//! `kubernetes.io/hostname In [node]` expression (the controller uses a `metadata.name`
//! matchFields term; on EKS the hostname label is the node name, so the same node is chosen);
//! a rolling update walks nodes in name order; a node whose pod is missing, terminating or not
//! yet available counts as unavailable toward `maxUnavailable`.

use crate::sort::SortSmall;
use super::{Engine, Owner};
use crate::eks::fenceposts::IntOrPercent;
use crate::eks::manifest::daemonset::DaemonSet;
use crate::eks::objects::{Effect, NodeSelectorTerm, PodSpec, Toleration};
use crate::eks::run::template_hash;
use crate::eks::scheduler::node_affinity::required_matches;
use crate::eks::scheduler::state::PodInfo;
use crate::eks::selector::{Op, Requirement};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct DaemonSetCtl {
    pub ds: DaemonSet,
    /// `controller-revision-hash` of the current template.
    pub hash: String,
    /// `metadata.generation`, and `pod-template-generation` on the pods it creates.
    pub generation: i64,
    /// Every pod it created: (pod id, the node it is pinned to).
    pub pods: Vec<(usize, String)>,
}

/// The tolerations the controller adds to every DaemonSet pod (daemon `util.AddOrUpdateDaemonPodTolerations`).
pub const AUTO_TOLERATIONS: &[(&str, Effect)] = &[
    ("node.kubernetes.io/not-ready", Effect::NoExecute),
    ("node.kubernetes.io/unreachable", Effect::NoExecute),
    ("node.kubernetes.io/disk-pressure", Effect::NoSchedule),
    ("node.kubernetes.io/memory-pressure", Effect::NoSchedule),
    ("node.kubernetes.io/pid-pressure", Effect::NoSchedule),
    ("node.kubernetes.io/unschedulable", Effect::NoSchedule),
];

/// `.status` of one DaemonSet, as `kubectl get daemonsets` reads it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DaemonSetStatus {
    pub desired: i64,
    pub current: i64,
    pub misscheduled: i64,
    pub ready: i64,
    pub updated: i64,
    pub available: i64,
}

impl DaemonSetCtl {
    pub fn new(ds: DaemonSet) -> DaemonSetCtl {
        let hash = template_hash(&ds.template);
        DaemonSetCtl { ds, hash, generation: 1, pods: Vec::new() }
    }

    /// The template's tolerations plus the automatic ones (those it already has stay as given).
    fn tolerations(&self) -> Vec<Toleration> {
        let mut t = self.ds.template.spec.tolerations.clone();
        for (key, effect) in AUTO_TOLERATIONS {
            if !t.iter().any(|x| x.key == *key && x.effect == Some(*effect)) {
                t.push(Toleration { key: (*key).into(), exists: true, value: String::new(), effect: Some(*effect) });
            }
        }
        t
    }

    /// The pod spec for `node`: tolerations added, required node affinity pinned to it.
    fn pod_spec(&self, node: &str) -> PodSpec {
        let mut spec = self.ds.template.spec.clone();
        spec.tolerations = self.tolerations();
        let pin = Requirement { key: "kubernetes.io/hostname".into(), op: Op::In, values: vec![node.into()] };
        let terms = spec.affinity.node_required.get_or_insert_with(Vec::new);
        if terms.is_empty() {
            terms.push(NodeSelectorTerm { match_expressions: vec![] });
        }
        for t in terms.iter_mut() {
            t.match_expressions.retain(|r| r.key != "kubernetes.io/hostname");
            t.match_expressions.push(pin.clone());
        }
        spec
    }
}

/// `maxUnavailable` against the desired count; a percentage rounds up (daemon `util.UnavailableCount`).
pub fn unavailable_allowed(v: IntOrPercent, desired: i64) -> i64 {
    match v {
        IntOrPercent::Int(n) => n,
        IntOrPercent::Percent(p) => (p.saturating_mul(desired) + 99).div_euclid(100),
    }
}

impl Engine {
    /// Whether DaemonSet `k` should run on node `i` (nodeShouldRunDaemonPod: node affinity and
    /// selector, then NoSchedule / NoExecute taints the pod does not tolerate).
    fn ds_should_run(&self, k: usize, i: usize) -> bool {
        if self.node_removed(i) {
            return false;
        }
        let c = &self.daemon_sets[k];
        let node = &self.state.nodes[i].node;
        // Fargate runs no DaemonSets (EKS user guide, fargate.html: "Daemonsets aren't supported
        // on Fargate"). Our choice: the controller makes no pod for a Fargate node even when the
        // DaemonSet tolerates its `eks.amazonaws.com/compute-type` taint.
        if super::fargate_nodes::is_fargate(node) {
            return false;
        }
        let probe = PodInfo::new(String::new(), c.ds.namespace.clone(), c.ds.template.labels.clone(), Arc::new(c.ds.template.spec.clone()), None);
        if !required_matches(&probe, &node.labels) {
            return false;
        }
        let tol = c.tolerations();
        node.taints.iter().all(|t| t.effect == Effect::PreferNoSchedule || tol.iter().any(|x| x.tolerates(t)))
    }

    fn ds_available(&self, id: usize, min_ready: i64) -> bool {
        let p = &self.pods[id];
        p.ready(self.now) && p.ready_at.is_some_and(|r| r + min_ready <= self.now)
    }

    /// One sync of every DaemonSet; true when it created or deleted a pod.
    pub(super) fn sync_daemon_sets(&mut self) -> bool {
        let mut worked = false;
        for k in 0..self.daemon_sets.len() {
            worked |= self.sync_daemon_set(k);
        }
        worked
    }

    fn sync_daemon_set(&mut self, k: usize) -> bool {
        let pods = &mut self.daemon_sets[k].pods;
        let all = &self.pods;
        pods.retain(|(id, _)| all[*id].gone_at.is_none());
        // Node name → the pods pinned to it (oldest first).
        let mut on: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (id, n) in &self.daemon_sets[k].pods {
            on.entry(n.clone()).or_default().push(*id);
        }
        let mut create = Vec::new();
        let mut delete = Vec::new();
        let mut eligible: Vec<String> = Vec::new();
        let surge = !self.daemon_sets[k].ds.on_delete && !self.daemon_sets[k].ds.max_surge.is_zero();
        for i in 0..self.state.nodes.len() {
            let name = self.state.nodes[i].node.name.clone();
            let here = on.remove(&name).unwrap_or_default();
            if self.ds_should_run(k, i) {
                eligible.push(name.clone());
                let running: Vec<usize> = here.iter().copied().filter(|id| self.pods[*id].deleting_at.is_none()).collect();
                if here.is_empty() {
                    create.push(name);
                } else if surge {
                    delete.extend(self.ds_surge_extra(k, &running));
                } else if running.len() > 1 {
                    delete.extend(running[1..].iter().copied());
                }
            } else {
                delete.extend(here.iter().copied().filter(|id| self.pods[*id].deleting_at.is_none()));
            }
        }
        // Pods pinned to a node that has left the cluster.
        for (_, ids) in on {
            delete.extend(ids.into_iter().filter(|id| self.pods[*id].deleting_at.is_none()));
        }
        if surge {
            let (old, new_on) = self.ds_surge(k, &eligible);
            delete.extend(old);
            create.extend(new_on);
        } else if !self.daemon_sets[k].ds.on_delete {
            delete.extend(self.ds_rolling_victims(k, &eligible));
        }
        delete.sort_unstable();
        delete.dedup();
        let worked = !create.is_empty() || !delete.is_empty();
        let (ns, dsname) = (self.daemon_sets[k].ds.namespace.clone(), self.daemon_sets[k].ds.name.clone());
        for id in delete {
            let name = self.pods[id].info.name.clone();
            self.events.once(self.now, "DaemonSet", &ns, &dsname, "SuccessfulDelete", format!("Deleted pod: {name}"), false, "daemonset-controller");
            let grace = self.pods[id].info.spec.grace_s();
            self.terminate(id, grace);
        }
        for node in create {
            let c = &self.daemon_sets[k];
            let mut labels = c.ds.template.labels.clone();
            labels.insert("controller-revision-hash".into(), c.hash.clone());
            labels.insert("pod-template-generation".into(), c.generation.to_string());
            let spec = Arc::new(c.pod_spec(&node));
            let name = self.generate_pod_name(&ns, &format!("{dsname}-"));
            let info = PodInfo::new(name.clone(), ns.clone(), labels, spec, None);
            self.events.once(self.now, "DaemonSet", &ns, &dsname, "SuccessfulCreate", format!("Created pod: {name}"), false, "daemonset-controller");
            let id = self.add_pod(info, Owner::UserDaemonSet(k), None);
            self.daemon_sets[k].pods.push((id, node));
            self.admit(id);
        }
        worked
    }

    /// RollingUpdate without surge (daemon `rollingUpdate`): an old pod that is not available
    /// is replaced at once; available old pods go while fewer than maxUnavailable nodes are
    /// unavailable.
    fn ds_rolling_victims(&self, k: usize, eligible: &[String]) -> Vec<usize> {
        let c = &self.daemon_sets[k];
        let min_ready = c.ds.min_ready_seconds;
        let max = unavailable_allowed(c.ds.max_unavailable, eligible.len() as i64);
        let mut sorted: Vec<&String> = eligible.iter().collect();
        sorted.sort_small();
        let (mut unavailable, mut replace, mut candidates) = (0i64, Vec::new(), Vec::new());
        for node in sorted {
            let live: Vec<usize> = c.pods.iter().filter(|(id, n)| n == node && self.pods[*id].deleting_at.is_none()).map(|(id, _)| *id).collect();
            let Some(&id) = live.first() else {
                unavailable += 1;
                continue;
            };
            let updated = self.pods[id].info.labels.get("controller-revision-hash") == Some(&c.hash);
            let available = self.ds_available(id, min_ready);
            if updated {
                if !available {
                    unavailable += 1;
                }
            } else if !available {
                replace.push(id);
            } else {
                candidates.push(id);
            }
        }
        let room = (max - unavailable).clamp(0, candidates.len() as i64) as usize;
        replace.extend(candidates.into_iter().take(room));
        replace
    }

    /// The manage loop with surge (`podsShouldBeOnNode`): a node keeps its oldest new and oldest
    /// old pod; the old one goes once it is not Ready or the new one is available.
    fn ds_surge_extra(&self, k: usize, running: &[usize]) -> Vec<usize> {
        let c = &self.daemon_sets[k];
        let (mut new, mut old, mut extra) = (None, None, Vec::new());
        for &id in running {
            let slot = if self.pods[id].info.labels.get("controller-revision-hash") == Some(&c.hash) { &mut new } else { &mut old };
            match slot {
                None => *slot = Some(id),
                Some(_) => extra.push(id),
            }
        }
        if let (Some(n), Some(o)) = (new, old) {
            if !self.pods[o].ready(self.now) || self.ds_available(n, c.ds.min_ready_seconds) {
                extra.push(o);
            }
        }
        extra
    }

    /// RollingUpdate with surge (daemon update.go `rollingUpdate`, maxSurge > 0): an old pod
    /// that is not available gets its replacement at once; otherwise up to maxSurge nodes (of
    /// the desired count, rounded up) at a time get a new pod beside the old one — a node with a
    /// new pod not yet available counts against it — and an old pod goes when its node's new pod
    /// is available. Returns (old pods to delete, nodes to create a new pod on).
    fn ds_surge(&self, k: usize, eligible: &[String]) -> (Vec<usize>, Vec<String>) {
        let c = &self.daemon_sets[k];
        let min_ready = c.ds.min_ready_seconds;
        let max = unavailable_allowed(c.ds.max_surge, eligible.len() as i64);
        let mut sorted: Vec<&String> = eligible.iter().collect();
        sorted.sort_small();
        let (mut surging, mut delete, mut allowed, mut candidates) = (0i64, Vec::new(), Vec::new(), Vec::new());
        for node in sorted {
            let live: Vec<usize> = c.pods.iter().filter(|(id, n)| n == node && self.pods[*id].deleting_at.is_none()).map(|(id, _)| *id).collect();
            let is_new = |id: &usize| self.pods[*id].info.labels.get("controller-revision-hash") == Some(&c.hash);
            let new: Vec<usize> = live.iter().copied().filter(is_new).collect();
            let old: Vec<usize> = live.iter().copied().filter(|id| !is_new(id)).collect();
            if new.len() > 1 || old.len() > 1 {
                // Excess pods: the manage loop cleans the node; it counts as surging.
                surging += 1;
                continue;
            }
            match (new.first(), old.first()) {
                (_, None) => {}
                (None, Some(&o)) if !self.ds_available(o, min_ready) => allowed.push(node.clone()),
                (None, Some(_)) => candidates.push(node.clone()),
                (Some(&n), Some(&o)) if self.ds_available(n, min_ready) => delete.push(o),
                (Some(_), Some(_)) => surging += 1,
            }
        }
        let room = (max - surging).clamp(0, candidates.len() as i64) as usize;
        allowed.extend(candidates.into_iter().take(room));
        (delete, allowed)
    }

    /// `kubectl set image daemonset/NAME c=image…`: a new template, a new revision.
    pub(super) fn set_daemon_set_image(&mut self, namespace: &str, name: &str, pairs: &[(String, String)]) -> Result<(), String> {
        let Some(k) = self.daemon_sets.iter().position(|c| c.ds.name == name && c.ds.namespace == namespace) else {
            return Err(format!("daemonsets.apps {name:?} not found"));
        };
        let c = &mut self.daemon_sets[k];
        for (cn, image) in pairs {
            let Some(ct) = c.ds.template.spec.containers.iter_mut().find(|x| x.name == *cn) else {
                return Err(format!("unable to find container named {cn:?}"));
            };
            ct.image = image.clone();
        }
        let hash = template_hash(&c.ds.template);
        if hash != c.hash {
            c.hash = hash;
            c.generation += 1;
        }
        Ok(())
    }

    /// The next instant a DaemonSet pod turns Ready or Available (the controller resyncs then).
    pub(super) fn ds_next_change(&self) -> Option<i64> {
        let now = self.now;
        self.daemon_sets
            .iter()
            .flat_map(|c| c.pods.iter().filter_map(move |(id, _)| {
                let p = &self.pods[*id];
                let r = p.ready_at.filter(|_| p.deleting_at.is_none() && p.gone_at.is_none())?;
                [r, r + c.ds.min_ready_seconds].into_iter().find(|x| *x > now)
            }))
            .min()
    }

    /// `.status` of DaemonSet `k` now.
    pub fn daemon_set_status(&self, k: usize) -> DaemonSetStatus {
        let c = &self.daemon_sets[k];
        let mut st = DaemonSetStatus::default();
        for i in 0..self.state.nodes.len() {
            let name = &self.state.nodes[i].node.name;
            let run = self.ds_should_run(k, i);
            let here: Vec<usize> = c.pods.iter().filter(|(id, n)| n == name && self.pods[*id].gone_at.is_none() && self.pods[*id].node == Some(i)).map(|(id, _)| *id).collect();
            st.desired += run as i64;
            // The oldest pod, passing over one already terminating (our Ready ends at deletion;
            // a surge node's new pod is what serves then).
            let Some(&id) = here.iter().find(|id| self.pods[**id].deleting_at.is_none()).or(here.first()) else { continue };
            if !run {
                st.misscheduled += 1;
                continue;
            }
            st.current += 1;
            st.ready += self.pods[id].ready(self.now) as i64;
            st.available += self.ds_available(id, c.ds.min_ready_seconds) as i64;
            st.updated += (self.pods[id].info.labels.get("controller-revision-hash") == Some(&c.hash)) as i64;
        }
        st
    }
}
