//! Read-only: for a service that can't place a task, where each instance falls short (the
//! picture draws the task's ghost there). Decides nothing and changes nothing.

use super::Sim;
use crate::placement::{Batch, Request, Stage};

impl Sim {
    /// For service `s` while it has tasks it could not place: each instance that could not
    /// take one more task of its primary deployment, with the stage and the reason. Empty when
    /// the service places fine (or is a daemon).
    pub fn placement_blockers(&self, s: usize) -> Vec<(usize, Stage, String)> {
        let Some(state) = self.services.get(s) else { return vec![] };
        if state.unplaced.is_none() || state.def.daemon {
            return vec![];
        }
        let Some(td) = state.deployments.last().map(|d| &self.scenario.task_defs[d.task_def]) else { return vec![] };
        let group = format!("service:{}", state.def.name);
        let req = Request::new(td, &group, &state.def.placement.constraints, &state.def.placement.strategies, None);
        let batch = Batch::new(&self.instances, &req, self.groups.get(&group));
        crate::placement::why_not(&self.instances, &req, &batch)
    }
}
