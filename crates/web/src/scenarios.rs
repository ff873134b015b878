//! Built-in lessons, embedded at build time from `www/scenarios/` (the ECS ones minified by
//! `build.rs`; `BuiltIn::text` is what the editor shows) and `www/eks-scenarios/`.

pub struct BuiltIn {
    pub id: &'static str,
    pub title: &'static str,
    /// The lesson as embedded: ECS JSON minified, EKS YAML as written.
    pub json: &'static str,
}

impl BuiltIn {
    /// The lesson's text as the file in `www/` has it (what the editor shows).
    pub fn text(&self) -> String {
        if self.json.starts_with('{') {
            pretty(self.json)
        } else {
            self.json.to_string()
        }
    }
}

/// Lays minified JSON out as `www/scenarios/` writes it: 2-space indent, `"key": value`, empty
/// `[]`/`{}` on one line. Text inside strings (escapes included) is copied as it is.
pub fn pretty(min: &str) -> String {
    let mut out = String::with_capacity(min.len() * 3 / 2);
    let mut depth = 0usize;
    let mut strings = crate::json_strings::Strings::default();
    let mut chars = min.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', 2 * depth));
    };
    while let Some(ch) = chars.next() {
        if strings.step(ch) {
            out.push(ch);
            continue;
        }
        match ch {
            '{' | '[' => {
                out.push(ch);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(ch);
            }
            ',' => {
                out.push(ch);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(ch),
        }
    }
    out
}

macro_rules! lesson {
    ($id:literal, $title:literal) => {
        BuiltIn { id: $id, title: $title, json: include_str!(concat!(env!("OUT_DIR"), "/lessons/", $id, ".json")) }
    };
}

pub const BUILT_IN: &[BuiltIn] = &[
    lesson!("first-light", "First light: a web service behind an ALB"),
    lesson!("host-port-conflicts", "Host ports: static, dynamic and host mode"),
    lesson!("awsvpc-eni-limits", "awsvpc: one ENI per task, and ENI trunking"),
    lesson!("placement-strategies", "binpack vs spread vs random"),
    lesson!("constraints", "distinctInstance and memberOf"),
    lesson!("fargate-spot-base", "Fargate and Fargate Spot with an on-demand base"),
    lesson!("draining", "Draining an instance"),
    lesson!("ec2-spot-draining", "EC2 Spot: interruption and draining"),
    lesson!("secrets-environment", "Secrets and environment injection"),
    lesson!("daemon", "Daemon services"),
    lesson!("target-tracking", "Target tracking on CPU"),
    lesson!("step-scaling", "Step scaling: 10 → 11 → 14 → 13 → 10"),
    lesson!("rolling-deployment", "Rolling deployment and the circuit breaker"),
    lesson!("cluster-auto-scaling", "Cluster auto scaling from zero"),
    lesson!("ecr-images", "ECR images: pulls, the image cache, tags and lifecycle policies"),
    lesson!("iam-roles", "Task role vs instance role"),
    lesson!("service-discovery", "Service discovery: Cloud Map and Service Connect"),
    lesson!("network-load-balancer", "NLB beside ALB: TCP listeners and health checks"),
    lesson!("batch-scheduled", "Batch and scheduled tasks"),
    lesson!("lift-and-shift", "Lift and shift: from one VM to a scaling service"),
    lesson!("cost-spot-ondemand-fargate", "Spot vs On-Demand vs Fargate: cost and interruptions for one service"),
    lesson!("cost-binpack-vs-spread", "binpack vs spread: instances used and cost"),
    lesson!("cost-target-tracking-vs-step", "target tracking vs step scaling under a spike"),
    lesson!("lose-an-az", "Lose an Availability Zone"),
];

/// EKS lessons: manifests (YAML), embedded the same way; listed after the ECS ones.
pub const EKS_BUILT_IN: &[BuiltIn] = &[
    BuiltIn { id: "eks-same-web-app", title: "EKS: The same web app on ECS and on EKS", json: include_str!("../../../www/eks-scenarios/eks-same-web-app.yaml") },
    BuiltIn { id: "eks-alb-instance-vs-ip", title: "EKS: ALB Ingress: instance vs ip targets", json: include_str!("../../../www/eks-scenarios/eks-alb-instance-vs-ip.yaml") },
    BuiltIn { id: "eks-spot-pdb", title: "EKS: A Spot node drained under a PodDisruptionBudget", json: include_str!("../../../www/eks-scenarios/eks-spot-pdb.yaml") },
    BuiltIn { id: "eks-irsa-vs-task-role", title: "EKS: IRSA vs task role", json: include_str!("../../../www/eks-scenarios/eks-irsa-vs-task-role.yaml") },
    BuiltIn { id: "eks-node-scaling", title: "EKS: Cluster Autoscaler vs Karpenter vs ECS managed scaling", json: include_str!("../../../www/eks-scenarios/eks-node-scaling.yaml") },
    BuiltIn { id: "eks-karpenter", title: "EKS: Karpenter: right-sized nodes and consolidation", json: include_str!("../../../www/eks-scenarios/eks-karpenter.yaml") },
    BuiltIn { id: "eks-hpa-vs-target-tracking", title: "EKS: HPA vs ECS target tracking on the same traffic", json: include_str!("../../../www/eks-scenarios/eks-hpa-vs-target-tracking.yaml") },
    BuiltIn { id: "eks-fargate-pod-sizing", title: "EKS: On Fargate: pod sizing", json: include_str!("../../../www/eks-scenarios/eks-fargate-pod-sizing.yaml") },
    BuiltIn { id: "eks-pod-density", title: "EKS: Pod density: VPC CNI max pods vs ECS awsvpc ENIs", json: include_str!("../../../www/eks-scenarios/eks-pod-density.yaml") },
];

/// Every lesson the picker lists, ECS first.
pub fn all() -> impl Iterator<Item = &'static BuiltIn> {
    BUILT_IN.iter().chain(EKS_BUILT_IN)
}

pub fn default() -> &'static BuiltIn {
    &BUILT_IN[0]
}

pub fn find(id: &str) -> Option<&'static BuiltIn> {
    all().find(|b| b.id == id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_editor_shows_each_ecs_lesson_as_its_file_has_it() {
        for b in super::BUILT_IN {
            let path = format!("{}/../../www/scenarios/{}.json", env!("CARGO_MANIFEST_DIR"), b.id);
            let file = std::fs::read_to_string(&path).unwrap();
            assert!(b.json.len() < file.len(), "{}: embedded minified", b.id);
            assert_eq!(b.text(), file, "{}", b.id);
        }
        assert_eq!(super::pretty(r#"{"a":[],"b":{"c":"x, y: {\"z\"}"},"d":[1,{}]}"#), "{\n  \"a\": [],\n  \"b\": {\n    \"c\": \"x, y: {\\\"z\\\"}\"\n  },\n  \"d\": [\n    1,\n    {}\n  ]\n}");
    }

    #[test]
    fn every_built_in_lesson_is_a_valid_scenario() {
        for b in super::BUILT_IN {
            stevedore_sim::load(b.json).unwrap_or_else(|e| panic!("{}: {e:?}", b.id));
        }
    }

    #[test]
    fn every_eks_lesson_is_a_valid_manifest_named_by_its_title() {
        for b in super::EKS_BUILT_IN {
            assert!(crate::eks_adapter::is_manifest(b.json), "{}", b.id);
            let s = crate::eks_adapter::EksSession::load(b.json).unwrap_or_else(|e| panic!("{}: {e:?}", b.id));
            assert_eq!(format!("EKS: {}", s.title), b.title, "{}", b.id);
            assert!(!s.narrative.is_empty(), "{} is narrated", b.id);
        }
    }

    #[test]
    fn the_picker_names_each_lesson_by_its_title() {
        for b in super::BUILT_IN {
            assert_eq!(b.title, stevedore_sim::load(b.json).unwrap().name, "{}", b.id);
        }
    }
}
