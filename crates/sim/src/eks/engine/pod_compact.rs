//! Freeing the records of pods that left the API, so memory follows the cluster and not the
//! clock (`retention.rs` for the other bounds). A pod's id is its index in `Engine::pods`,
//! held by many books (owners' lists, the queue, the agenda, drains, target groups…).
//! Compaction removes gone pods in one pass and renumbers every book with the same map.
//! It keeps the survivors' relative order, so index order stays creation order everywhere
//! (List, kubectl tables, the scheduling queue's ties): a run's output is the same whether or
//! when it compacts.
//!
//! A gone pod is kept (pinned) while something may still act on it: an agenda event, the
//! scheduling queue, a drain in progress, an `ip` target still draining, a Job that is not
//! deleted (its finished pods stay in the API, and count, until the Job goes: Kubernetes' own
//! retention, `ttlSecondsAfterFinished` and a CronJob's history limits). Books that only
//! remember the past (a finished drain's list, readiness gates, Fargate sizes, NodeClaims'
//! nominations) drop a freed pod instead.

use super::{Engine, Ev};

/// Compaction runs once the pod list (or the Job list) has doubled since the last one, and
/// is at least this long, so it costs O(1) per pod or Job created, amortised; Job lists stay
/// short (a CronJob's sync walks its Jobs).
const MIN_PODS: usize = 256;
const MIN_JOBS: usize = 64;

/// Where every old id goes: `None` for a freed pod.
struct Remap(Vec<Option<usize>>);

impl Remap {
    fn get(&self, id: usize) -> Option<usize> {
        self.0.get(id).copied().flatten()
    }
    /// A pinned id: always kept. (Out-of-range values, which no book should hold, stay as they are.)
    fn keep(&self, id: usize) -> usize {
        self.get(id).unwrap_or(id)
    }
}

impl Engine {
    /// Compacts when the pod list has doubled since the last compaction.
    pub(super) fn compact_pods_some(&mut self) {
        self.state.compact_sets_some();
        if self.pods.len() >= self.next_compact.0 || self.jobs.len() >= self.next_compact.1 {
            self.compact_pods();
            self.next_compact = ((2 * self.pods.len()).max(MIN_PODS), (2 * self.jobs.len()).max(MIN_JOBS));
        }
    }

    /// Ids something may still act on (see the module comment).
    fn pinned(&self) -> Vec<bool> {
        let n = self.pods.len();
        let mut pin = vec![false; n];
        let mut mark = |id: usize| {
            if id < n {
                pin[id] = true;
            }
        };
        for ev in self.agenda.values() {
            if let Some(id) = pod_of(ev) {
                mark(id);
            }
        }
        self.queue.each(&mut mark);
        self.ip_waiting.iter().for_each(|&id| mark(id));
        for d in self.drains.iter().filter(|d| !d.done) {
            d.to_evict.iter().chain(&d.evicted).for_each(|&id| mark(id));
        }
        if let Some(ca) = &self.autoscaler {
            for d in &ca.drains {
                d.to_evict.iter().chain(&d.evicted).for_each(|&id| mark(id));
            }
        }
        for j in self.jobs.iter().filter(|j| j.deleted_at.is_none()) {
            j.pods.iter().for_each(|&id| mark(id));
        }
        if let Some(l) = &self.lbc {
            let ip = |tg: usize| l.model.tgs[tg].group.target_type_ip;
            for tg in (0..l.model.tgs.len()).filter(|&tg| ip(tg)) {
                l.elb[tg].iter().for_each(|t| mark(t.task));
            }
            l.due.values().filter(|(tg, _, d)| ip(*tg) && *d != super::lbc_ctl::Due::Recheck).for_each(|(_, o, _)| mark(*o));
        }
        pin
    }

    /// Frees every gone, unpinned pod and renumbers the books. Returns how many went.
    pub fn compact_pods(&mut self) -> usize {
        let pin = self.pinned();
        let mut to = Vec::with_capacity(self.pods.len());
        let mut kept = 0;
        for (id, p) in self.pods.iter().enumerate() {
            if p.gone_at.is_some() && !pin[id] {
                to.push(None);
            } else {
                to.push(Some(kept));
                kept += 1;
            }
        }
        let freed = self.pods.len() - kept;
        if freed == 0 {
            self.compact_jobs();
            return 0;
        }
        let m = Remap(to);
        self.touch_all();
        let mut id = 0;
        self.pods.retain(|_| {
            id += 1;
            m.0[id - 1].is_some()
        });
        self.pods.shrink_to(2 * kept.max(16));
        // Live books: every id in them is a live pod, or pinned.
        for v in self.by_name.values_mut() {
            *v = m.keep(*v);
        }
        for list in self.live_of_deployment.iter_mut().chain(std::iter::once(&mut self.live_bare)) {
            list.iter_mut().for_each(|id| *id = m.keep(*id));
        }
        self.queue.renumber(|id| m.keep(id));
        // Inserted one by one: a `collect` into a set sorts first, one more copy of std's sort in the wasm.
        let failed = std::mem::take(&mut self.failed_unbound);
        for id in failed.into_iter().filter_map(|id| m.get(id)) {
            self.failed_unbound.insert(id);
        }
        self.ip_waiting.iter_mut().for_each(|id| *id = m.keep(*id));
        for ev in self.agenda.values_mut() {
            renumber_ev(ev, &m);
        }
        if let Some(ca) = self.autoscaler.as_mut() {
            for d in &mut ca.drains {
                d.to_evict.iter_mut().chain(d.evicted.iter_mut()).for_each(|id| *id = m.keep(*id));
            }
        }
        // Books of the past, and owners' lists that may still hold gone pods: freed ids go.
        let filter = |v: &mut Vec<usize>| {
            *v = v.iter().filter_map(|&id| m.get(id)).collect();
        };
        for d in &mut self.drains {
            filter(&mut d.to_evict);
            filter(&mut d.evicted);
        }
        for j in &mut self.jobs {
            filter(&mut j.pods);
        }
        for rs in &mut self.replica_sets {
            filter(&mut rs.pods);
        }
        for ds in &mut self.daemon_sets {
            ds.pods = std::mem::take(&mut ds.pods).into_iter().filter_map(|(id, node)| m.get(id).map(|id| (id, node))).collect();
        }
        self.fargate.provisioned = std::mem::take(&mut self.fargate.provisioned).into_iter().filter_map(|(id, v)| m.get(id).map(|id| (id, v))).collect();
        if let Some(k) = self.karpenter.as_mut() {
            for c in &mut k.claims {
                filter(&mut c.nominated);
            }
        }
        if let Some(l) = self.lbc.as_mut() {
            l.gated = std::mem::take(&mut l.gated).into_iter().filter_map(|(id, tg)| m.get(id).map(|id| (id, tg))).collect();
            let ip: Vec<bool> = l.model.tgs.iter().map(|g| g.group.target_type_ip).collect();
            for (tg, _) in ip.iter().enumerate().filter(|(_, ip)| **ip) {
                l.elb.renumber(tg, |id| m.keep(id));
            }
            for (tg, owner, d) in l.due.values_mut() {
                if ip[*tg] && *d != super::lbc_ctl::Due::Recheck {
                    *owner = m.keep(*owner);
                }
            }
        }
        self.compact_jobs();
        freed
    }

    /// Frees deleted Jobs whose pods are all freed (a CronJob makes one per schedule), and
    /// renumbers `Owner::Job` and the CronJobs' lists in the same order-keeping way.
    fn compact_jobs(&mut self) {
        let mut to = Vec::with_capacity(self.jobs.len());
        let mut kept = 0;
        for j in &self.jobs {
            if j.deleted_at.is_some() && j.pods.is_empty() {
                to.push(None);
            } else {
                to.push(Some(kept));
                kept += 1;
            }
        }
        if kept == self.jobs.len() {
            return;
        }
        let m = Remap(to);
        let mut k = 0;
        self.jobs.retain(|_| {
            k += 1;
            m.0[k - 1].is_some()
        });
        for p in &mut self.pods {
            if let super::Owner::Job(k) = &mut p.owner {
                *k = m.keep(*k);
            }
        }
        for c in &mut self.cron_jobs {
            c.renumber_jobs(|j| m.get(j));
        }
    }
}

/// The pod an agenda event acts on, if any.
fn pod_of(ev: &Ev) -> Option<usize> {
    match *ev {
        Ev::Started(id) | Ev::Gone(id) | Ev::Retry(id) | Ev::Flush(id, _) | Ev::Finished(id) | Ev::FargateReady(id) | Ev::PullSync(id, _) | Ev::PullRetry(id, _) => Some(id),
        Ev::Drain(_) | Ev::HpaSync | Ev::CaScan | Ev::NodeJoin(_) | Ev::SpotReclaim(_) | Ev::SpotJoin(_) | Ev::CaDrain | Ev::KarpenterScan | Ev::ClaimReady(_) | Ev::KarpenterApply(_) => None,
    }
}

fn renumber_ev(ev: &mut Ev, m: &Remap) {
    match ev {
        Ev::Started(id) | Ev::Gone(id) | Ev::Retry(id) | Ev::Flush(id, _) | Ev::Finished(id) | Ev::FargateReady(id) | Ev::PullSync(id, _) | Ev::PullRetry(id, _) => *id = m.keep(*id),
        Ev::Drain(_) | Ev::HpaSync | Ev::CaScan | Ev::NodeJoin(_) | Ev::SpotReclaim(_) | Ev::SpotJoin(_) | Ev::CaDrain | Ev::KarpenterScan | Ev::ClaimReady(_) | Ev::KarpenterApply(_) => {}
    }
}
