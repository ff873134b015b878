//! Task placement in AWS's order (aws-semantics §1.1): resources (CPU, memory, ports, ENIs)
//! → constraints → strategies → select. One pass over the instances per task; each candidate
//! gets a key per strategy and the lexicographically smallest key wins, which is the same as
//! applying the strategies one after another, each narrowing the set the previous one left.
//! Ties left after the last strategy go to the earliest-registered instance (aws-semantics
//! §11.6 leaves the tie-break undocumented; this is our choice). `random` picks uniformly, with
//! the scenario's seeded RNG, among the candidates still tied when it is reached.

mod batch;
mod explain;
mod index;
mod requirements;
mod why_not;

pub use batch::Batch;
pub use explain::{CandidateNote, CandidateView, Context, Explanation, Notes};
pub use index::Index;
pub use requirements::Stage;
pub use why_not::why_not;

use crate::engine::instance::Instance;
use crate::model::{Constraint, Resource, SpreadField, Strategy, TaskDef};
use rand_core::RngCore;

pub const MAX_KEYS: usize = 5;

/// What is being placed.
pub struct Request<'a> {
    pub td: &'a TaskDef,
    pub group: &'a str,
    pub constraints: &'a [Constraint],
    pub strategies: &'a [Strategy],
    /// Only instances launched by this Auto Scaling group capacity provider qualify.
    pub capacity_provider: Option<&'a str>,
    /// `td.reserved_cpu()` and `td.reserved_memory_mib()`, computed once per request.
    pub need_cpu: u32,
    pub need_memory_mib: u32,
}

impl<'a> Request<'a> {
    pub fn new(td: &'a TaskDef, group: &'a str, constraints: &'a [Constraint], strategies: &'a [Strategy], capacity_provider: Option<&'a str>) -> Request<'a> {
        Request { td, group, constraints, strategies, capacity_provider, need_cpu: td.reserved_cpu(), need_memory_mib: td.reserved_memory_mib() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// RunTask's `failures[].reason`, e.g. `RESOURCE:MEMORY`.
    pub reason: String,
    /// The service-event sentence, in ECS's wording.
    pub message: String,
}

pub struct Outcome {
    pub chosen: Result<usize, Failure>,
    pub explanation: Explanation,
}

/// Places one task. `explain` keeps a note for every instance (costly at scale); without it the
/// explanation holds only counts per stage and the winner.
pub fn place(instances: &[Instance], req: &Request, batch: &Batch, rng: &mut dyn RngCore, explain: bool) -> Outcome {
    let random_at = req.strategies.iter().position(|s| *s == Strategy::Random).unwrap_or(req.strategies.len());
    let ranked = &req.strategies[..random_at];
    let need_cpu = req.need_cpu as i64;
    let need_memory = req.need_memory_mib as i64;

    let mut notes = Notes::default();
    let mut stage_counts = [0u32; Stage::COUNT];
    let mut closest: Option<(Stage, i64, usize)> = None;
    let mut best_key = [i64::MAX; MAX_KEYS];
    let mut tied: Vec<usize> = Vec::new();

    for (i, inst) in instances.iter().enumerate() {
        if let Err(stage) = requirements::check(inst, i, req, batch) {
            stage_counts[stage as usize] += 1;
            let score = (stage, inst.remaining_memory_mib as i64, usize::MAX - i);
            if closest.is_none_or(|c| (c.0, c.1, c.2) < score) {
                closest = Some(score);
            }
            if explain {
                notes.dropped(i, inst, stage, req, ranked.len());
            }
            continue;
        }
        let mut key = [0i64; MAX_KEYS];
        for (k, strategy) in ranked.iter().enumerate() {
            key[k] = match strategy {
                Strategy::Binpack(Resource::Memory) => inst.remaining_memory_mib as i64 - need_memory,
                Strategy::Binpack(Resource::Cpu) => inst.remaining_cpu as i64 - need_cpu,
                Strategy::Spread(SpreadField::InstanceId) => batch.group_count(i) as i64,
                Strategy::Spread(SpreadField::Attribute(_)) => batch.value_count(k, i) as i64,
                Strategy::Random => 0,
            };
        }
        if explain {
            notes.eligible(i, &key[..ranked.len()]);
        }
        match key.cmp(&best_key) {
            std::cmp::Ordering::Less => {
                best_key = key;
                tied.clear();
                tied.push(i);
            }
            std::cmp::Ordering::Equal => tied.push(i),
            std::cmp::Ordering::Greater => {}
        }
    }

    let eligible = instances.len() as u32 - stage_counts.iter().sum::<u32>();
    let chosen = if tied.is_empty() {
        Err(failure(instances, closest.map(|c| (c.0, usize::MAX - c.2)), req))
    } else if random_at < req.strategies.len() && tied.len() > 1 {
        Ok(tied[(rng.next_u64() % tied.len() as u64) as usize])
    } else {
        Ok(tied[0])
    };
    let explanation = explain::build(instances, req, notes, stage_counts, eligible, &chosen, tied.len(), random_at < req.strategies.len());
    Outcome { chosen, explanation }
}

/// The explanation for a placement the index made: counts per stage and the winner, without
/// a note per instance.
pub fn summarize(instances: &[Instance], req: &Request, index: &Index, chosen: usize) -> Explanation {
    explain::build(instances, req, Notes::default(), index.stage_counts, index.eligible(), &Ok(chosen), 1, false)
}

/// Stages 1-2 only (resources and constraints), for the daemon scheduler, which targets every
/// qualifying instance instead of ranking them.
pub fn requirements_ok(inst: &Instance, i: usize, req: &Request, batch: &Batch) -> bool {
    requirements::check(inst, i, req, batch).is_ok()
}

fn failure(instances: &[Instance], closest: Option<(Stage, usize)>, req: &Request) -> Failure {
    let Some((stage, i)) = closest else {
        return Failure {
            reason: "No Container Instances were found in your cluster.".into(),
            message: "was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.".into(),
        };
    };
    let inst = &instances[i];
    let what = requirements::closest_phrase(stage, req);
    Failure {
        reason: stage.run_task_reason().into(),
        message: format!(
            "was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance {}) {what}. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
            inst.id
        ),
    }
}
