//! Read-only: why each instance can't take one more task of a request right now (stages 1-2,
//! resources and constraints). The picture uses it to show where an unplaceable task was
//! tried; it decides nothing.

use super::{requirements, Batch, Request, Stage};
use crate::engine::instance::Instance;

/// Per instance that fails: (instance index, the stage that drops it, the reason in words).
pub fn why_not(instances: &[Instance], req: &Request, batch: &Batch) -> Vec<(usize, Stage, String)> {
    instances
        .iter()
        .enumerate()
        .filter_map(|(i, inst)| requirements::check(inst, i, req, batch).err().map(|stage| (i, stage, requirements::reason(stage, inst, req))))
        .collect()
}
