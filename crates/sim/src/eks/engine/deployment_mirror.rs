//! The engine's mirror of a Deployment's pods: the rollout (`rollout.rs`) decides which pods
//! its ReplicaSets have; the engine creates the ones it lacks and terminates the ones the
//! rollout dropped. The rule is a diff by name — create each rollout pod whose name no live
//! pod of the Deployment has; terminate each live, not Terminating pod whose name the rollout
//! no longer has — but a sync looks only at what changed since the last one: rollout pods
//! not `mirrored`, and the names the rollout removed (`Rollout::take_removed`). After a sync
//! both sides agree, so every other pod would pass the diff unchanged.

use super::{Engine, Owner};
use crate::eks::scheduler::state::PodInfo;
use std::sync::Arc;

impl Engine {
    /// A Deployment's pods changed (created or deleted by its ReplicaSets): mirror them.
    pub(super) fn sync_pods_of(&mut self, k: usize) {
        self.generations[k] = self.rollouts[k].generation;
        let removed_names = self.rollouts[k].take_removed();
        let r = &self.rollouts[k];
        let ns = r.deployment.namespace.clone();
        let mut created = Vec::new();
        let empty = crate::eks::name_set::NameCounts::default();
        let have = self.live_names.get(k).unwrap_or(&empty);
        // One spec per ReplicaSet for the pods created here (memory, and the HPA sync's memo).
        let mut specs: Vec<(&str, Arc<crate::eks::objects::PodSpec>)> = Vec::new();
        for (rs, p) in r.pods() {
            // `mirrored`: the engine had a live pod of this name at the last sync and has kept
            // one since (`live_forget` clears it), so the name lookup would say "have".
            if p.mirrored || have.contains(p.name.as_str()) {
                continue;
            }
            let mut labels = rs.template.labels.clone();
            labels.insert("pod-template-hash".into(), rs.hash.clone());
            let mut owner = r.deployment.selector.clone();
            owner.match_labels.insert("pod-template-hash".into(), rs.hash.clone());
            let spec = match specs.iter().find(|(n, _)| *n == rs.name.as_str()) {
                Some((_, s)) => s.clone(),
                None => {
                    // The spec a live pod of this ReplicaSet already holds (made in an
                    // earlier pass: one template), so the whole ReplicaSet shares one.
                    let live = self.live_of(k).iter().map(|i| &self.pods[*i]).find(|q| q.rs.as_deref() == Some(rs.name.as_str()));
                    let s = live.map_or_else(|| Arc::new(rs.template.spec.clone()), |q| q.info.spec.clone());
                    specs.push((rs.name.as_str(), s.clone()));
                    s
                }
            };
            let info = PodInfo::new(p.name.clone(), ns.clone(), labels, spec, Some(owner));
            created.push((info, rs.name.clone()));
        }
        let removed = self.dropped_pods(k, &ns, &removed_names);
        // Every rollout pod is now had, or created just below.
        self.rollouts[k].mark_mirrored();
        for id in removed {
            let (rs, name) = (self.pods[id].rs.clone().unwrap_or_default(), self.pods[id].info.name.clone());
            self.events.once(self.now, "ReplicaSet", &ns, &rs, "SuccessfulDelete", format!("Deleted pod: {name}"), false, "replicaset-controller");
            let grace = self.pods[id].info.spec.grace_s();
            self.terminate(id, grace);
        }
        for (info, rs) in created {
            self.events.once(self.now, "ReplicaSet", &ns, &rs, "SuccessfulCreate", format!("Created pod: {}", info.name), false, "replicaset-controller");
            let id = self.add_pod(info, Owner::Deployment(k), Some(rs));
            self.admit(id);
        }
    }

    /// The live, not Terminating pods of Deployment `k` whose names the rollout no longer has,
    /// ascending (creation order). Only names the rollout removed since the last sync can be
    /// such; each is found through `by_name` when the Deployment has one pod of it, else (two
    /// pods sharing a random suffix, or `by_name` holding another owner's pod) by the full walk.
    fn dropped_pods(&self, k: usize, ns: &str, removed_names: &[String]) -> Vec<usize> {
        let r = &self.rollouts[k];
        let Some(have) = self.live_names.get(k) else { return Vec::new() };
        let mut out = Vec::new();
        for n in removed_names {
            if r.has_pod(n) {
                continue;
            }
            match have.count(n) {
                0 => continue,
                1 => {}
                _ => return self.dropped_pods_walk(k),
            }
            let hit = self.by_name.get(&(ns.to_string(), n.clone())).copied().filter(|&id| {
                let p = &self.pods[id];
                p.owner == Owner::Deployment(k) && p.gone_at.is_none() && p.info.name == *n
            });
            match hit {
                Some(id) if self.pods[id].deleting_at.is_none() => out.push(id),
                Some(_) => {}
                None => return self.dropped_pods_walk(k),
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// `dropped_pods` by walking every live pod of the Deployment.
    fn dropped_pods_walk(&self, k: usize) -> Vec<usize> {
        let r = &self.rollouts[k];
        self.live_of(k)
            .iter()
            .copied()
            .filter(|i| {
                let p = &self.pods[*i];
                p.deleting_at.is_none() && !r.has_pod(p.info.name.as_str())
            })
            .collect()
    }
}
