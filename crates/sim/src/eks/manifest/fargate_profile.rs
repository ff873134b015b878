//! eksctl `ClusterConfig.fargateProfiles[]` → `eks::fargate::FargateProfile`
//! (EKSCTL types.go `FargateProfile`; EKS user guide fargate-profile.html: 1–5 selectors, each
//! with a namespace).

use super::read::{self, key_path};
use crate::eks::fargate::{FargateProfile, ProfileSelector, MAX_SELECTORS};
use crate::error::Errors;
use serde_json::Value;

pub fn profiles(v: &Value, path: &str, e: &mut Errors) -> Vec<FargateProfile> {
    let mut out: Vec<FargateProfile> = Vec::new();
    for (p, f) in read::list(v, "fargateProfiles", path, e) {
        let name = read::string(f, "name", &p, e).unwrap_or_default();
        if name.is_empty() {
            e.push(key_path(&p, "name"), "is required");
        } else if out.iter().any(|o| o.name == name) {
            e.push(key_path(&p, "name"), format!("Fargate profile name {name:?} is used twice"));
        }
        let items = read::list(f, "selectors", &p, e);
        if items.is_empty() {
            e.push(key_path(&p, "selectors"), "must hold at least one selector (a namespace, optionally labels)");
        }
        if items.len() > MAX_SELECTORS {
            e.push(key_path(&p, "selectors"), format!("holds {} selectors; a Fargate profile may have at most {MAX_SELECTORS}", items.len()));
        }
        let mut selectors = Vec::new();
        for (sp, s) in items {
            let namespace = read::string(s, "namespace", &sp, e).unwrap_or_default();
            if namespace.is_empty() {
                e.push(key_path(&sp, "namespace"), "is required in every Fargate profile selector");
            }
            selectors.push(ProfileSelector { namespace, labels: read::string_map(s, "labels", &sp, e) });
        }
        let subnets = read::strings(f, "subnets", &p, e);
        let pod_execution_role_arn = read::string(f, "podExecutionRoleARN", &p, e).unwrap_or_default();
        out.push(FargateProfile { name, selectors, subnets, pod_execution_role_arn });
    }
    out
}
