//! "Why here?": the record of one placement decision, a first-class output.

use crate::sort::SortSmall;
use super::{Failure, Request, Stage};
use crate::engine::instance::{Instance, InstanceStatus};
use crate::model::Strategy;
use crate::time::SimTime;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One instance's part in a placement, kept small: a run keeps an explanation per task it
/// still knows (stopped ones for an hour), each with a note per instance, and the rewind
/// checkpoints keep theirs, so these were most of a small cluster's memory (about 300 B a note
/// as strings; 60 instances, a task placed every few seconds). The instance is its index in
/// the sim's list (instances are never removed from it), a refusal its numbers (a rare one's
/// text in `Explanation::texts`), the scores in `Explanation::keys`; `Explanation::candidates`
/// spells them out as they read. 28 bytes.
#[derive(Debug, Clone)]
pub struct CandidateNote {
    pub instance: u32,
    /// The stage that dropped it, if any.
    pub dropped_at: Option<Stage>,
    why: Why,
    /// 1 = best; equal keys share a rank.
    pub rank: Option<u32>,
    pub chosen: bool,
}

/// Why a stage dropped an instance, as `requirements::reason` words it: the common refusals as
/// their numbers, the rare ones (attributes, ports, constraints) as their text.
#[derive(Debug, Clone)]
enum Why {
    None,
    Status(InstanceStatus),
    CapacityProvider,
    Cpu { need: u32, left: u32 },
    Memory { need: u32, left: u32 },
    Eni(u32),
    /// Index in `Explanation::texts`.
    Text(u32),
}

/// A note as it reads: the instance's id and zone, the refusal in words, the scores labelled.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateView<'a> {
    pub ec2_instance_id: &'a str,
    pub availability_zone: &'a str,
    /// The stage that dropped it (`cpu`, `memory`, `ports`, `constraints`...), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped_at: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For eligible instances: `(strategy, key)`; lower keys win.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<(&'a str, i64)>,
    /// 1 = best; equal keys share a rank.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    pub chosen: bool,
}

/// What placement notes as it goes through the instances (`place` with explanations on): the
/// notes, their score keys side by side (`width` per note), and the rare refusals' words.
#[derive(Debug, Default)]
pub struct Notes {
    list: Vec<CandidateNote>,
    keys: Vec<i64>,
    texts: Vec<Box<str>>,
}

impl Notes {
    pub fn dropped(&mut self, i: usize, inst: &Instance, stage: Stage, req: &Request, width: usize) {
        let why = match stage {
            Stage::Status => Why::Status(inst.status),
            Stage::CapacityProvider => Why::CapacityProvider,
            Stage::Cpu => Why::Cpu { need: req.td.reserved_cpu(), left: inst.remaining_cpu },
            Stage::Memory => Why::Memory { need: req.td.reserved_memory_mib(), left: inst.remaining_memory_mib },
            Stage::Eni => Why::Eni(inst.awsvpc_limit),
            Stage::Attribute | Stage::Ports | Stage::Constraint => {
                self.texts.push(super::requirements::reason(stage, inst, req).into());
                Why::Text(self.texts.len() as u32 - 1)
            }
        };
        self.list.push(CandidateNote { instance: i as u32, dropped_at: Some(stage), why, rank: None, chosen: false });
        self.keys.extend(std::iter::repeat_n(0, width));
    }

    /// An eligible instance with its `width` score keys.
    pub fn eligible(&mut self, i: usize, key: &[i64]) {
        self.list.push(CandidateNote { instance: i as u32, dropped_at: None, why: Why::None, rank: None, chosen: false });
        self.keys.extend_from_slice(key);
    }
}

impl CandidateNote {

    /// The refusal in `requirements::reason`'s words (`capacity_provider`: the request's).
    fn reason(&self, capacity_provider: Option<&str>, texts: &[Box<str>]) -> Option<String> {
        Some(match &self.why {
            Why::None => return None,
            Why::Status(s) => format!("instance is {}", s.as_str()),
            Why::CapacityProvider => format!("not launched by capacity provider {}", capacity_provider.unwrap_or("?")),
            Why::Cpu { need, left } => format!("needs {need} CPU units, {left} remaining"),
            Why::Memory { need, left } => format!("needs {need} MiB, {left} MiB remaining"),
            Why::Eni(limit) => format!("all {limit} awsvpc task ENIs in use"),
            Why::Text(k) => texts.get(*k as usize).map_or_else(String::new, |t| t.to_string()),
        })
    }
}

/// The labels of the strategies placement ranks by (those before a `random`).
fn ranked_labels(req: &Request) -> Vec<String> {
    let random_at = req.strategies.iter().position(|s| *s == Strategy::Random).unwrap_or(req.strategies.len());
    req.strategies[..random_at].iter().map(score_label).collect()
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

/// What every placement of one request shares (the service's group, task definition,
/// constraints and strategies in words): one copy per request, kept by the sim
/// (`Explanation::share_context`) instead of one per task.
#[derive(Debug, PartialEq)]
pub struct Context {
    group: String,
    task_definition: String,
    constraints: Vec<String>,
    strategies: Vec<String>,
    /// The ranked strategies' labels, one per score key.
    score_labels: Vec<String>,
    /// The request's capacity provider, for its refusal's words.
    capacity_provider: Option<String>,
}

/// The record of one placement, kept small: a run keeps one for every task it still knows
/// (10,000 at AWS quota scale, stopped ones for an hour) and each rewind copy keeps its own,
/// so it holds numbers and a shared `Context`, and is spelled out when read (`to_json`,
/// `outcome`, `candidates`).
#[derive(Debug, Clone)]
pub struct Explanation {
    /// When it was placed.
    pub at: SimTime,
    context: Arc<Context>,
    /// Instances dropped at each stage, by `Stage` index.
    dropped: [u32; Stage::COUNT],
    pub eligible: u32,
    /// The sim's instances at the time (the outcome's "of N instances").
    considered: u32,
    /// The chosen instance's index in the sim's list (instances are never removed from it).
    chosen: Option<u32>,
    /// Instances tied for best, and whether `random` broke the tie.
    tied: u32,
    random: bool,
    /// For a task not placed: the service-event sentence.
    failure: Option<Box<str>>,
    /// One note per instance, when placement ran with explanations on (`candidates` reads
    /// them; the report writes them as `candidates`).
    pub notes: Vec<CandidateNote>,
    /// Each note's score keys, `score_labels.len()` of them (zeros for a dropped note).
    keys: Vec<i64>,
    /// The words of the refusals kept as text.
    texts: Vec<Box<str>>,
}

/// An explanation as the report writes it (`Explanation::to_json`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct View<'a> {
    at: String,
    task_arn: &'a str,
    group: &'a str,
    task_definition: &'a str,
    constraints: &'a [String],
    strategies: &'a [String],
    dropped: BTreeMap<&'static str, u32>,
    eligible: u32,
    chosen: Option<&'a str>,
    outcome: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    candidates: Vec<CandidateView<'a>>,
}

impl Explanation {
    /// The constraints in words (`memberOf(...)`, `distinctInstance`).
    pub fn constraints(&self) -> &[String] {
        &self.context.constraints
    }

    /// The strategies in words, in order.
    pub fn strategies(&self) -> &[String] {
        &self.context.strategies
    }

    /// Instances dropped at each stage that dropped any, by stage name.
    pub fn dropped(&self) -> BTreeMap<&'static str, u32> {
        Stage::ALL.iter().filter(|s| self.dropped[**s as usize] > 0).map(|s| (s.name(), self.dropped[*s as usize])).collect()
    }

    /// The decision in a sentence (`instances`: the sim's).
    pub fn outcome(&self, instances: &[Instance]) -> String {
        let Some(inst) = self.chosen.and_then(|i| instances.get(i as usize)) else {
            return format!("not placed: {}", self.failure.as_deref().unwrap_or(""));
        };
        let tied = self.tied;
        let how = if tied > 1 && self.random {
            format!("picked at random among {tied} equally ranked instances")
        } else if tied > 1 {
            format!("{tied} instances tied; the earliest registered wins")
        } else {
            "the best-ranked instance".into()
        };
        format!("placed on {} ({}): {} of {} instances met the requirements and constraints; {} ranked them; {how}", inst.spec.ec2_instance_id, inst.spec.availability_zone, self.eligible, self.considered, self.context.strategies.join(" then "))
    }

    /// The explanation as the report's `placements[]` entry reads (`task_arn`: its task's).
    pub fn to_json(&self, task_arn: &str, instances: &[Instance]) -> serde_json::Value {
        let view = View {
            at: crate::time::format_clock(self.at),
            task_arn,
            group: &self.context.group,
            task_definition: &self.context.task_definition,
            constraints: &self.context.constraints,
            strategies: &self.context.strategies,
            dropped: self.dropped(),
            eligible: self.eligible,
            chosen: self.chosen.and_then(|i| instances.get(i as usize)).map(|i| i.spec.ec2_instance_id.as_str()),
            outcome: self.outcome(instances),
            candidates: self.candidates(instances),
        };
        serde_json::to_value(view).unwrap_or(serde_json::Value::Null)
    }

    /// Uses the context of an earlier placement of the same request, if `kept` has it (else
    /// keeps this one's there, one per group), so all of a service's explanations share one.
    pub fn share_context(&mut self, kept: &mut Vec<Arc<Context>>) {
        match kept.iter_mut().find(|c| c.group == self.context.group) {
            Some(c) if **c == *self.context => self.context = c.clone(),
            Some(c) => *c = self.context.clone(),
            None => kept.push(self.context.clone()),
        }
    }

    /// Drops the per-instance notes: what a stopped task keeps. Our choice (explanations are
    /// Stevedore's, not an AWS API's): the notes are what "Why here?" reads for a task on the
    /// map, and kept for every stopped task of the last hour they were most of a churning
    /// cluster's memory and of every rewind copy's.
    pub fn drop_notes(&mut self) {
        self.notes = Vec::new();
        self.keys = Vec::new();
        self.texts = Vec::new();
    }

    /// A copy without the per-instance notes (`drop_notes`), for a shared explanation.
    pub fn without_notes(&self) -> Explanation {
        Explanation { notes: Vec::new(), keys: Vec::new(), texts: Vec::new(), failure: self.failure.clone(), context: self.context.clone(), ..*self }
    }

    /// The notes as they read, with the instances' ids and zones (`instances`: the sim's).
    pub fn candidates<'a>(&'a self, instances: &'a [Instance]) -> Vec<CandidateView<'a>> {
        let width = self.context.score_labels.len();
        self.notes
            .iter()
            .enumerate()
            .map(|(k, n)| {
                let inst = instances.get(n.instance as usize);
                CandidateView {
                    ec2_instance_id: inst.map_or("", |i| i.spec.ec2_instance_id.as_str()),
                    availability_zone: inst.map_or("", |i| i.spec.availability_zone.as_str()),
                    dropped_at: n.dropped_at.map(Stage::name),
                    reason: n.reason(self.context.capacity_provider.as_deref(), &self.texts),
                    scores: match n.dropped_at {
                        Some(_) => Vec::new(),
                        None => self.context.score_labels.iter().map(String::as_str).zip(self.keys[k * width..].iter().copied()).collect(),
                    },
                    rank: n.rank,
                    chosen: n.chosen,
                }
            })
            .collect()
    }
}

#[allow(clippy::too_many_arguments)]
pub fn build(instances: &[Instance], req: &Request, notes: Notes, stage_counts: [u32; Stage::COUNT], eligible: u32, chosen: &Result<usize, Failure>, tied: usize, random: bool) -> Explanation {
    let Notes { list: mut notes, keys: flat, texts } = notes;
    let width = if notes.is_empty() { 0 } else { flat.len() / notes.len() };
    let key_of = |k: usize| &flat[k * width..(k + 1) * width];
    // Dense ranks over the eligible notes' keys.
    let mut keys: Vec<&[i64]> = (0..notes.len()).filter(|&k| notes[k].dropped_at.is_none()).map(key_of).collect();
    keys.sort_small();
    keys.dedup();
    let chosen_index = chosen.as_ref().ok().copied();
    for (k, n) in notes.iter_mut().enumerate().filter(|(_, n)| n.dropped_at.is_none()) {
        n.rank = keys.binary_search(&key_of(k)).ok().map(|r| r as u32 + 1);
        n.chosen = Some(n.instance as usize) == chosen_index;
    }
    drop(keys);
    let context = Context {
        group: req.group.to_string(),
        task_definition: req.td.family_revision(),
        constraints: req.constraints.iter().map(|c| c.describe()).collect(),
        strategies: req.strategies.iter().map(Strategy::describe).collect(),
        score_labels: ranked_labels(req),
        capacity_provider: req.capacity_provider.map(str::to_string),
    };
    Explanation {
        at: 0,
        context: Arc::new(context),
        dropped: stage_counts,
        eligible,
        considered: instances.len() as u32,
        chosen: chosen_index.map(|i| i as u32),
        tied: tied as u32,
        random,
        failure: chosen.as_ref().err().map(|f| f.message.as_str().into()),
        keys: flat,
        texts,
        notes,
    }
}
