//! The adapter's load balancer part: the AWS Load Balancer Controller's ALBs and NLBs and
//! where each target line ends — a pod (target-type ip: the pod's IP) or a node's NodePort
//! (target-type instance). A child of `eks_adapter` (still the only code reading the sim's EKS).

use super::{EksPicture, LbTargetView, LoadBalancerView};
use stevedore_sim::eks::run::EksRun;

pub fn fill(p: &mut EksPicture, run: &EksRun) {
    let Some(l) = &run.lbc else { return };
    for (b, lb) in l.model.lbs.iter().enumerate() {
        let mut targets = Vec::new();
        let mut ports = Vec::new();
        let mut ip = false;
        for (k, tg) in l.model.tgs.iter().enumerate().filter(|(_, t)| t.lb == b) {
            ip |= tg.group.target_type_ip;
            ports.push(tg.group.port);
            for t in l.elb[k].iter() {
                let (pod, node) = if tg.group.target_type_ip {
                    let pod = run.target_pods.get(&t.task).and_then(|(ns, name)| p.pods.iter().position(|q| q.namespace == *ns && q.name == *name));
                    (pod, None)
                } else {
                    (None, (t.task < p.nodes.len()).then_some(t.task))
                };
                // A target whose pod is gone (draining after deletion) keeps its place in the
                // count with nothing to end a line on (pod and node None).
                let id = match pod {
                    Some(q) => p.pods[q].ip.clone().unwrap_or_else(|| t.id.clone()),
                    None => t.id.clone(),
                };
                targets.push(LbTargetView { pod, node, id, port: t.port, state: t.state });
            }
        }
        let (kind, owner) = lb.owners.first().map_or(("", String::new()), |(k, _, n)| (*k, n.clone()));
        p.load_balancers.push(LoadBalancerView {
            name: lb.name.clone(),
            kind: if lb.kind == "network" { "NLB" } else { "ALB" },
            owner: format!("{} {owner}", if kind == "Ingress" { "Ingress" } else { "Service" }),
            internet_facing: lb.internet_facing,
            target_type_ip: ip,
            ports,
            dns: lb.dns.clone(),
            targets,
        });
    }
}
