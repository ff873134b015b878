//! The Scenario timeline's `apply`: `kubectl apply` of a changed Karpenter object at a moment,
//! `{at: 10m, apply: {apiVersion: karpenter.sh/v1, kind: NodePool, metadata: {name: default},
//! spec: …}}` (or `karpenter.k8s.aws/v1` `EC2NodeClass`). The object is read as a document of
//! the file is (errors at `$[i].spec.timeline[j].apply…`) and must name a NodePool or
//! EC2NodeClass the file declares: the timeline changes Karpenter's objects, it adds none.

use crate::sort::SortSmall;
use super::karpenter::{node_class, node_pool};
use super::read::{self, key_path};
use crate::eks::karpenter::{Ec2NodeClass, NodePool};
use crate::error::Errors;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    NodePool(NodePool),
    NodeClass(Ec2NodeClass),
}

#[derive(Debug, Clone, PartialEq)]
pub struct KarpenterApply {
    pub at_s: i64,
    pub object: Applied,
    /// `$[i].spec.timeline[j].apply`.
    pub path: String,
}

/// Every `apply` entry, sorted by time (file order within one instant).
pub fn applies(s: &Value, sp: &str, e: &mut Errors) -> Vec<KarpenterApply> {
    let mut out = Vec::new();
    let Some(Value::Array(items)) = read::field(s, "timeline") else { return out };
    for (j, item) in items.iter().enumerate() {
        let p = format!("{sp}.timeline[{j}]");
        let Some(doc) = read::field(item, "apply") else { continue };
        let ap = key_path(&p, "apply");
        // One error for a mixed entry; the `kubectl` / `action` reader reads the rest.
        if let Some(other) = ["kubectl", "action"].into_iter().find(|k| read::field(item, k).is_some()) {
            e.push(key_path(&p, other), format!("an entry has `apply` or `{other}`, not both"));
            continue;
        }
        let at = super::timeline::entry_at(item, &p, e);
        if !doc.is_object() {
            e.push(ap, format!("must be an object (a NodePool or EC2NodeClass document), not {}", read::type_name(doc)));
            continue;
        }
        let api = read::string(doc, "apiVersion", &ap, e).unwrap_or_default();
        let kind = read::string(doc, "kind", &ap, e).unwrap_or_default();
        let name = read::object(doc, "metadata", &ap, e).and_then(|(mp, m)| read::string(m, "name", &mp, e)).unwrap_or_default();
        let object = match (api.as_str(), kind.as_str()) {
            ("karpenter.sh/v1", "NodePool") => node_pool(doc, &ap, name.clone(), e).map(Applied::NodePool),
            ("karpenter.k8s.aws/v1", "EC2NodeClass") => Some(Applied::NodeClass(node_class(doc, &ap, name.clone(), e))),
            _ => {
                e.push(key_path(&ap, "kind"), format!("{api} {kind}: the timeline applies karpenter.sh/v1 NodePool or karpenter.k8s.aws/v1 EC2NodeClass"));
                None
            }
        };
        if name.is_empty() {
            e.push(key_path(&key_path(&ap, "metadata"), "name"), "is required");
        }
        if let (Some(at_s), Some(object)) = (at, object) {
            out.push(KarpenterApply { at_s, object, path: ap });
        }
    }
    out.sort_small_by_key(|a| a.at_s);
    out
}

/// Each applied object must name one the file declares; a NodePool's `nodeClassRef` an
/// EC2NodeClass of the file.
pub fn check(m: &super::Manifest, e: &mut Errors) {
    for a in &m.karpenter_applies {
        match &a.object {
            Applied::NodePool(p) => {
                if !m.node_pools.iter().any(|x| x.name == p.name) {
                    e.push(key_path(&key_path(&a.path, "metadata"), "name"), format!("nodepools.karpenter.sh {:?} not found in the file (the timeline changes NodePools, it adds none)", p.name));
                }
                if !p.node_class.is_empty() && !m.node_classes.iter().any(|c| c.name == p.node_class) {
                    e.push(format!("{}.spec.template.spec.nodeClassRef.name", a.path), format!("ec2nodeclasses.karpenter.k8s.aws {:?} not found in the file", p.node_class));
                }
            }
            Applied::NodeClass(c) => {
                if !m.node_classes.iter().any(|x| x.name == c.name) {
                    e.push(key_path(&key_path(&a.path, "metadata"), "name"), format!("ec2nodeclasses.karpenter.k8s.aws {:?} not found in the file (the timeline changes EC2NodeClasses, it adds none)", c.name));
                }
            }
        }
    }
}
