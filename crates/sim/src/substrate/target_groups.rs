//! Which targets each ELB target group holds, and their moves through the health state
//! machine (`elb.rs` holds the rules: first verdict, slow start, fail-open routing). Both
//! orchestrators register and deregister through these methods only — ECS its task ENIs or
//! instances, the AWS Load Balancer Controller its pod IPs or nodes — so a target is
//! `initial`, `healthy`, `unhealthy` or `draining` by the same steps whoever asked.
//!
//! Reads go through `Deref` (`groups[tg]` is one group's targets in registration order);
//! there is no mutable access besides these methods.

use super::elb::{Target, TargetState};
use crate::shared::Shared;
use crate::time::SimTime;

/// Each group's list is `Shared`: a rewind copy shares the groups whose targets haven't moved
/// since (most of them, most of the time), copying a group on its first change.
#[derive(Debug, Clone, Default)]
pub struct TargetGroups {
    groups: Vec<Shared<Vec<Target>>>,
}

impl std::ops::Deref for TargetGroups {
    type Target = [Shared<Vec<Target>>];
    fn deref(&self) -> &[Shared<Vec<Target>>] {
        &self.groups
    }
}

impl TargetGroups {
    /// `n` empty target groups (index = the group's position in its scenario).
    pub fn new(n: usize) -> TargetGroups {
        TargetGroups { groups: (0..n).map(|_| Shared::new(Vec::new())).collect() }
    }

    /// RegisterTargets: the target starts `initial` now.
    pub fn register(&mut self, tg: usize, owner: usize, id: String, port: u16, now: SimTime) {
        self.groups[tg].push(Target { task: owner, id, port, state: TargetState::Initial, since: now });
    }

    /// The first health-check verdict for `owner`'s `initial` target: healthy, or unhealthy
    /// when the check fails. Returns the target's id and port, or None when it has none
    /// waiting (deregistered meanwhile).
    pub fn first_verdict(&mut self, tg: usize, owner: usize, fails: bool, now: SimTime) -> Option<(String, u16)> {
        let t = self.groups[tg].iter_mut().find(|t| t.task == owner && t.state == TargetState::Initial)?;
        t.state = if fails { TargetState::Unhealthy } else { TargetState::Healthy };
        t.since = now;
        Some((t.id.clone(), t.port))
    }

    /// A later verdict for `owner`'s target that isn't draining (checks started or stopped
    /// failing). Returns the state it left, with its id and port.
    pub fn set_health(&mut self, tg: usize, owner: usize, state: TargetState, now: SimTime) -> Option<(TargetState, String, u16)> {
        let t = self.groups[tg].iter_mut().find(|t| t.task == owner && t.state != TargetState::Draining)?;
        let was = t.state;
        t.state = state;
        t.since = now;
        Some((was, t.id.clone(), t.port))
    }

    /// The state of `owner`'s target that isn't draining, if it has one.
    pub fn state_of(&self, tg: usize, owner: usize) -> Option<TargetState> {
        self.groups[tg].iter().find(|t| t.task == owner && t.state != TargetState::Draining).map(|t| t.state)
    }

    /// DeregisterTargets: `owner`'s targets start draining (`elb::drain`).
    pub fn drain(&mut self, tg: usize, owner: usize, now: SimTime) -> (bool, u8) {
        super::elb::drain(&mut self.groups[tg], owner, now)
    }

    /// The deregistration delay is over (`elb::remove_drained`).
    pub fn remove_drained(&mut self, tg: usize, owner: usize) {
        super::elb::remove_drained(&mut self.groups[tg], owner);
    }

    /// A forced deregistration: `owner`'s targets leave at once, draining or not.
    pub fn forget(&mut self, tg: usize, owner: usize) {
        self.groups[tg].retain(|x| x.task != owner);
    }

    /// The owners' numbering changed (an orchestrator's index moved): every target of `tg`
    /// takes `f(owner)` as its owner, keeping its state.
    pub fn renumber(&mut self, tg: usize, f: impl Fn(usize) -> usize) {
        for t in self.groups[tg].iter_mut() {
            t.task = f(t.task);
        }
    }

    /// Targets in service.
    pub fn healthy(&self, tg: usize) -> usize {
        super::elb::healthy_count(&self.groups[tg])
    }
}
