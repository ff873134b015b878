//! Nodes on their way in and on their way out, for the app to draw: what Cluster Autoscaler
//! has launched and not yet joined, what Fargate is provisioning, and the nodes a
//! `kubectl drain` is emptying. Queries only: the engine's own agenda decides all of it (a
//! launching node's zone is the one `ca_node_join` / `fargate_ready` will give it).

use super::{Engine, Ev};

/// A node launched (or a Fargate node being provisioned) that is not in the cluster yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launching {
    /// The node group (`fargate/<profile>` for Fargate, as the joined node's `node_group`).
    pub group: String,
    pub zone: String,
    /// EC2 instance type; empty for Fargate.
    pub instance_type: String,
    /// The instant it joins Ready.
    pub ready_at: i64,
    /// Fargate: the pod (`namespace/name`) it is for and its `CapacityProvisioned` size.
    pub fargate: Option<(String, String)>,
}

impl Engine {
    /// Every node still to join, in the order it will (the agenda's).
    pub fn launching(&self) -> Vec<Launching> {
        let mut out = Vec::new();
        // The node groups' Auto Scaling groups as they will be: each launch ahead takes the
        // zone the group will give it (copied only when a launch is in flight).
        let mut groups: Option<Vec<crate::substrate::auto_scaling::AutoScalingGroup>> = None;
        let mut fargate_ahead = 0;
        for (&(t, _), ev) in &self.agenda {
            match *ev {
                Ev::NodeJoin(gi) => {
                    let Some(ca) = self.autoscaler.as_ref() else { continue };
                    let (group, instance_type, _) = ca.group_facts(gi);
                    let asgs = groups.get_or_insert_with(|| self.aws.as_ref().map(|a| a.auto_scaling.iter().map(|g| g.planning_copy()).collect()).unwrap_or_default());
                    let zone = asgs.iter_mut().find(|a| a.name == group).and_then(|a| {
                        let z = a.launch_zone(|_| true)?;
                        a.attach("launching", z, false, 0, 0);
                        a.zones.get(z).cloned()
                    });
                    out.push(Launching { group, zone: zone.unwrap_or_default(), instance_type, ready_at: t, fargate: None });
                }
                Ev::FargateReady(id) => {
                    let p = &self.pods[id];
                    let Some((profile, size)) = self.fargate.provisioned.get(&id) else { continue };
                    if p.deleting_at.is_some() || p.gone_at.is_some() || p.node.is_some() {
                        continue;
                    }
                    let pod = format!("{}/{}", p.info.namespace, p.info.name);
                    out.push(Launching { group: format!("fargate/{profile}"), zone: self.fargate.zone_ahead(fargate_ahead), instance_type: String::new(), ready_at: t, fargate: Some((pod, size.clone())) });
                    fargate_ahead += 1;
                }
                _ => {}
            }
        }
        out
    }

    /// Nodes a `kubectl drain` is still emptying (cordoned, pods being evicted).
    pub fn draining_nodes(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.drains.iter().filter(|d| !d.done).map(|d| d.node).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

#[cfg(test)]
mod tests {
    use crate::eks::engine::Engine;
    use crate::eks::manifest::parse;

    const CA: &str = include_str!("../../../../../examples/eks/cluster-autoscaler.yaml");
    const FARGATE: &str = include_str!("../../../../../examples/eks/fargate.yaml");

    #[test]
    fn a_launching_node_joins_when_and_where_the_query_said() {
        let m = parse(CA).unwrap();
        let mut e = Engine::new(&m, false);
        let mut seen = Vec::new();
        for t in 0..=300 {
            e.advance_to(t);
            for l in e.launching() {
                if !seen.contains(&l) {
                    seen.push(l);
                }
            }
        }
        assert!(!seen.is_empty(), "the example scales the group up");
        for l in &seen {
            assert_eq!((l.group.as_str(), l.instance_type.as_str(), l.fargate.is_none()), ("general", "m5.large", true));
        }
        // Each promised (zone, instant) is a node that joined the group then, in that zone.
        let mut joined: Vec<(String, i64)> = Vec::new();
        let mut e = Engine::new(&m, false);
        let mut count = e.state.nodes.len();
        for t in 0..=300 {
            e.advance_to(t);
            for n in &e.state.nodes[count..] {
                joined.push((n.node.zone.clone(), t));
            }
            count = e.state.nodes.len();
        }
        let promised: Vec<(String, i64)> = seen.iter().map(|l| (l.zone.clone(), l.ready_at)).collect();
        assert_eq!(promised, joined);
        assert!(e.launching().is_empty());
    }

    #[test]
    fn fargate_pods_wait_for_their_own_node_with_its_size() {
        let m = parse(FARGATE).unwrap();
        let mut e = Engine::new(&m, false);
        e.advance_to(10);
        let l = e.launching();
        assert_eq!(l.len(), 2, "the two api pods; the hostPort pod is not provisioned: {l:?}");
        for x in &l {
            assert_eq!(x.group, "fargate/fp-serverless");
            assert_eq!(x.ready_at, 60);
            // The user guide's example: 1 vCPU + 8 GB requested → 2vCPU 9GB.
            assert_eq!(x.fargate.as_ref().unwrap().1, "2vCPU 9GB");
        }
        assert_ne!(l[0].zone, l[1].zone, "zones round-robin");
        e.advance_to(60);
        assert!(e.launching().is_empty());
        let zones: Vec<&str> = e.state.nodes.iter().filter(|n| n.node.node_group.starts_with("fargate/")).map(|n| n.node.zone.as_str()).collect();
        assert_eq!(zones, [l[0].zone.as_str(), l[1].zone.as_str()]);
    }
}
