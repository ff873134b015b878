//! "Why here?": the record of one placement decision, a first-class output.

use crate::sort::SortSmall;
use super::{Failure, Request, Stage};
use crate::engine::instance::Instance;
use crate::model::Strategy;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateNote {
    pub ec2_instance_id: String,
    pub availability_zone: String,
    /// The stage that dropped it (`cpu`, `memory`, `ports`, `constraints`...), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped_at: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For eligible instances: `(strategy, key)`; lower keys win.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<(String, i64)>,
    /// 1 = best; equal keys share a rank.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    pub chosen: bool,
    #[serde(skip)]
    key: Vec<i64>,
}

impl CandidateNote {
    pub fn dropped(inst: &Instance, stage: Stage, reason: String) -> CandidateNote {
        CandidateNote {
            ec2_instance_id: inst.spec.ec2_instance_id.clone(),
            availability_zone: inst.spec.availability_zone.clone(),
            dropped_at: Some(stage.name()),
            reason: Some(reason),
            scores: vec![],
            rank: None,
            chosen: false,
            key: vec![],
        }
    }

    pub fn eligible(inst: &Instance, ranked: &[Strategy], key: &[i64]) -> CandidateNote {
        CandidateNote {
            ec2_instance_id: inst.spec.ec2_instance_id.clone(),
            availability_zone: inst.spec.availability_zone.clone(),
            dropped_at: None,
            reason: None,
            scores: ranked.iter().zip(key).map(|(s, k)| (score_label(s), *k)).collect(),
            rank: None,
            chosen: false,
            key: key[..ranked.len()].to_vec(),
        }
    }
}

/// Short labels: binpack keys are what would remain after placing, spread keys the tasks of
/// the group already there; lower wins in both.
fn score_label(s: &Strategy) -> String {
    use crate::model::{Resource, SpreadField};
    match s {
        Strategy::Binpack(Resource::Memory) => "MiB left".into(),
        Strategy::Binpack(Resource::Cpu) => "CPU left".into(),
        Strategy::Spread(SpreadField::InstanceId) => "tasks on instance".into(),
        Strategy::Spread(SpreadField::Attribute(a)) if a == "ecs.availability-zone" => "tasks in AZ".into(),
        Strategy::Spread(SpreadField::Attribute(a)) => format!("tasks with same {a}"),
        Strategy::Random => "random".into(),
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub at: String,
    pub task_arn: String,
    pub group: String,
    pub task_definition: String,
    pub constraints: Vec<String>,
    pub strategies: Vec<String>,
    /// Instances dropped at each stage.
    pub dropped: BTreeMap<&'static str, u32>,
    pub eligible: u32,
    pub chosen: Option<String>,
    pub outcome: String,
    /// One note per instance, when placement ran with explanations on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<CandidateNote>,
}

#[allow(clippy::too_many_arguments)]
pub fn build(instances: &[Instance], req: &Request, mut notes: Vec<CandidateNote>, stage_counts: [u32; Stage::COUNT], eligible: u32, chosen: &Result<usize, Failure>, tied: usize, random: bool) -> Explanation {
    let dropped = Stage::ALL.iter().filter(|s| stage_counts[**s as usize] > 0).map(|s| (s.name(), stage_counts[*s as usize])).collect();
    let chosen_id = chosen.as_ref().ok().map(|&i| instances[i].spec.ec2_instance_id.clone());
    // Dense ranks over the eligible notes' keys.
    let mut keys: Vec<Vec<i64>> = notes.iter().filter(|n| n.dropped_at.is_none()).map(|n| n.key.clone()).collect();
    keys.sort_small();
    keys.dedup();
    for n in notes.iter_mut().filter(|n| n.dropped_at.is_none()) {
        n.rank = keys.binary_search(&n.key).ok().map(|r| r as u32 + 1);
        n.chosen = Some(&n.ec2_instance_id) == chosen_id.as_ref();
    }
    let strategies: Vec<String> = req.strategies.iter().map(Strategy::describe).collect();
    let outcome = match chosen {
        Ok(i) => {
            let how = if tied > 1 && random {
                format!("picked at random among {tied} equally ranked instances")
            } else if tied > 1 {
                format!("{tied} instances tied; the earliest registered wins")
            } else {
                "the best-ranked instance".into()
            };
            format!("placed on {} ({}): {eligible} of {} instances met the requirements and constraints; {} ranked them; {how}", instances[*i].spec.ec2_instance_id, instances[*i].spec.availability_zone, instances.len(), strategies.join(" then "))
        }
        Err(f) => format!("not placed: {}", f.message),
    };
    Explanation {
        at: String::new(),
        task_arn: String::new(),
        group: req.group.to_string(),
        task_definition: req.td.family_revision(),
        constraints: req.constraints.iter().map(|c| c.describe()).collect(),
        strategies,
        dropped,
        eligible,
        chosen: chosen_id,
        outcome,
        candidates: notes,
    }
}
