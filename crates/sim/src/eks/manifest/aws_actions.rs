//! The Scenario timeline's AWS actions, in the ECS timeline's `{at, action, input}` shape:
//! `SpotInterruption` (EC2's two-minute notice for a Spot node:
//! `{"node": "ip-10-0-1-5.ec2.internal"}` or `{"nodeSelector": {"eks.amazonaws.com/nodegroup": "spot"}}`),
//! `RebalanceRecommendation` (EC2's earlier "elevated risk" signal, the same input)
//! and `CallAwsApi` (pods' SDK calls: `{"selector": {"matchLabels": {"app": "web"}},
//! "namespace": "default", "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key"}`,
//! or `"pod": NAME` instead of `selector`), mirroring ECS's `CallAwsApi` (`service`/`task`).

use crate::sort::SortSmall;
use super::read::{self, key_path};
use crate::eks::selector::{label_selector, LabelSelector, Labels};
use crate::error::Errors;
use serde_json::Value;

pub const ACTIONS: &[&str] = &["SpotInterruption", "RebalanceRecommendation", "CallAwsApi"];

#[derive(Debug, Clone, PartialEq)]
pub struct SpotNotice {
    pub at_s: i64,
    /// A node by name, else the first Spot node (name order) whose labels hold `node_selector`.
    pub node: Option<String>,
    pub node_selector: Labels,
    pub path: String,
    /// A `RebalanceRecommendation` rather than the interruption notice.
    pub rebalance: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AwsCall {
    pub at_s: i64,
    pub namespace: String,
    pub selector: Option<LabelSelector>,
    pub pod: Option<String>,
    pub action: String,
    pub resource: String,
    pub path: String,
}

/// Every `SpotInterruption`, `RebalanceRecommendation` and `CallAwsApi` entry, each sorted by time (file order within one).
pub fn aws_actions(s: &Value, sp: &str, e: &mut Errors) -> (Vec<SpotNotice>, Vec<AwsCall>) {
    let (mut spot, mut calls) = (Vec::new(), Vec::new());
    let need = |action: &str| if action != "CallAwsApi" { "{node} or {nodeSelector}" } else { "{selector or pod, namespace, action, resource}" };
    for entry in super::timeline::action_entries(s, sp, ACTIONS, need, e) {
        let (p, action, at, ip, input) = (entry.path, entry.action, entry.at, entry.input_path, entry.input);
        if action != "CallAwsApi" {
            let node = read::string(input, "node", &ip, e);
            let node_selector = read::string_map(input, "nodeSelector", &ip, e);
            if node.is_some() == read::field(input, "nodeSelector").is_some() {
                e.push(key_path(&ip, "node"), "give `node` (a node name) or `nodeSelector` (node labels), one of them");
            }
            if let Some(at_s) = at {
                spot.push(SpotNotice { at_s, node, node_selector, path: p, rebalance: action == "RebalanceRecommendation" });
            }
            continue;
        }
        let selector = label_selector(input, "selector", &ip, e);
        let pod = read::string(input, "pod", &ip, e);
        if read::field(input, "selector").is_some() == pod.is_some() {
            e.push(key_path(&ip, "selector"), "give `selector` (a label selector: {matchLabels: {app: web}}) or `pod` (a pod name), one of them");
        }
        let namespace = read::string(input, "namespace", &ip, e).unwrap_or_else(|| "default".into());
        let action_name = read::string(input, "action", &ip, e).unwrap_or_default();
        if !action_name.split_once(':').is_some_and(|(svc, op)| !svc.is_empty() && !op.is_empty() && !action_name.contains(char::is_whitespace)) {
            e.push(key_path(&ip, "action"), "is required: an IAM action, service:Operation (e.g. s3:GetObject)");
        }
        let resource = read::string(input, "resource", &ip, e).unwrap_or_default();
        if resource != "*" && !resource.starts_with("arn:") {
            e.push(key_path(&ip, "resource"), "is required: the resource's ARN (e.g. arn:aws:s3:::bucket/key) or *");
        }
        if let Some(at_s) = at {
            calls.push(AwsCall { at_s, namespace, selector, pod, action: action_name, resource, path: p });
        }
    }
    spot.sort_small_by_key(|x| x.at_s);
    calls.sort_small_by_key(|x| x.at_s);
    (spot, calls)
}
