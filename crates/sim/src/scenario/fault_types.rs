//! Serde types for AWS Fault Injection Service input: CreateExperimentTemplate's `targets` and
//! `actions`, with FIS's own field names (camelCase). Part of the scenario file's shape, kept
//! beside `types.rs` as `scaling_types.rs` is.

use serde::Serialize;
use stevedore_derive::FromJson;
use serde_json::Value;
use std::collections::BTreeMap;

/// An experiment template target.
#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct FisTarget {
    pub resource_type: Option<String>,
    pub resource_arns: Option<Vec<String>>,
    pub resource_tags: Option<BTreeMap<String, String>>,
    pub filters: Option<Vec<FisFilter>>,
    pub selection_mode: Option<String>,
    pub parameters: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, FromJson)]
pub struct FisFilter {
    pub path: Option<String>,
    pub values: Option<Vec<String>>,
}

/// An experiment template action. In a template `targets` name template targets; given alone
/// on the timeline, `targets` holds the target objects themselves.
#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct FisAction {
    pub action_id: Option<String>,
    pub description: Option<String>,
    pub parameters: Option<BTreeMap<String, Value>>,
    pub targets: Option<BTreeMap<String, Value>>,
    pub start_after: Option<Vec<String>>,
}

/// CreateExperimentTemplate's body (the parts an experiment runs on).
#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct ExperimentTemplate {
    pub description: Option<String>,
    pub targets: Option<BTreeMap<String, FisTarget>>,
    pub actions: Option<BTreeMap<String, FisAction>>,
}

/// The StartExperiment timeline input: a template, or a scenario from FIS's scenario library.
#[derive(Debug, Clone, Default, Serialize, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct StartExperimentInput {
    pub experiment_template: Option<ExperimentTemplate>,
    pub scenario: Option<String>,
    pub parameters: Option<BTreeMap<String, String>>,
}
