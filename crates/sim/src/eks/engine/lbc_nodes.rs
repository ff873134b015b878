//! A node leaving the cluster while `instance` target groups hold it. The controller
//! deregisters the node's instance (it drains for the deregistration delay, as any
//! deregistered target does), and because `instance` targets are owned by node index, every
//! owner past the removed node moves down by one with the nodes themselves. The draining
//! target takes an owner number no node will ever have, so a node that later takes index
//! `gone` registers afresh instead of inheriting it.

use super::lbc_ctl::Due;
use super::Engine;

/// Owners from here up are retired nodes' draining targets (never a node index).
const RETIRED: usize = usize::MAX / 2;

impl Engine {
    pub(super) fn lbc_node_removed(&mut self, gone: usize) {
        let now_ms = self.now.max(0) as u64 * 1000;
        let Some(l) = self.lbc.as_mut() else { return };
        for tg in 0..l.model.tgs.len() {
            let group = l.model.tgs[tg].group.clone();
            if group.target_type_ip {
                continue;
            }
            let held = l.elb[tg].iter().any(|t| t.task == gone);
            l.seq += 1;
            let retired = RETIRED + l.seq as usize;
            let map = move |o: usize| if o == gone { retired } else if o > gone && o < RETIRED { o - 1 } else { o };
            let drains = held && l.elb.drain(tg, gone, now_ms).0;
            l.elb.renumber(tg, map);
            // Pending verdicts and removals follow their targets (a Recheck's owner is unused).
            for (t, owner, _) in l.due.values_mut() {
                if *t == tg {
                    *owner = map(*owner);
                }
            }
            if drains {
                l.at(now_ms + group.deregistration_delay_s as u64 * 1000, tg, retired, Due::Removed);
            }
        }
    }
}
