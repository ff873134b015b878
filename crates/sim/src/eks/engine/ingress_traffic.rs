//! Requests arriving at an Ingress's ALB (`spec.traffic.ingresses`), routed the way the ALB
//! routes them and split over the pods that serve them, at each HPA sync:
//!
//! - **Rules**: the ALB's first listener's rules in priority order, first match wins; a rule
//!   matches when its `host-header` (if any; case-insensitive, `*` and `?` wildcards) matches
//!   the requests' `host` and one of its `path-pattern` values (case-sensitive, wildcards)
//!   matches their `path`; no match: the default action (the `defaultBackend`'s target group,
//!   else the fixed 404, which no pod serves). Requests without a `host` carry the ALB's own
//!   DNS name, so only rules without a host match them. Without a `path` (our choice) the
//!   requests are spread evenly over the listener's rules, the default action counting as one
//!   more when it forwards.
//!   <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html>
//! - **Targets**: a target group's requests go to its routed targets (`elb::Target::routed`:
//!   healthy ones, or every one not draining when none is healthy — the ALB fails open, as for
//!   ECS). `ip`: each routed pod target gets an equal share. `instance`: the node targets'
//!   NodePort hands every request to kube-proxy, which spreads them evenly over the Service's
//!   ready endpoints on any node (`externalTrafficPolicy: Cluster`), so each ready pod behind the
//!   Service gets an equal share once any node target is routed.
//!
//! Each pod's share then costs what `spec.traffic.services` requests cost (`hpa_metrics.rs`).

use super::Engine;
use crate::substrate::elb::TargetState;
use crate::wildcard::matches;

impl Engine {
    /// Each pod's requests per second from every Ingress entry, now.
    pub(super) fn refresh_ingress_traffic(&mut self) {
        if self.sources.ingresses.is_empty() {
            return;
        }
        let mut routed = std::mem::take(&mut self.sources.routed);
        routed.clear();
        let t_ms = (self.now.max(0) as u64) * 1000;
        for (k, t) in self.sources.ingresses.iter().enumerate() {
            let rps = t.curve.at(t_ms).max(0.0);
            for (tg, share) in self.route(t, rps) {
                for (pod, per) in self.serving(tg, share) {
                    let p = &self.pods[pod].info;
                    routed.entry((p.namespace.clone(), p.name.clone())).or_insert_with(Vec::new).push((k, per));
                }
            }
        }
        self.sources.routed = routed;
    }

    /// Every target group of the Ingress's ALB listener, with the entry's requests per second
    /// it gets (0 for the ones the requests do not reach: their pods still pay the base cost).
    fn route(&self, t: &crate::eks::manifest::traffic::IngressTraffic, rps: f64) -> Vec<(usize, f64)> {
        let Some(l) = &self.lbc else { return Vec::new() };
        let owner = |o: &(&'static str, String, String)| o.0 == "Ingress" && o.1 == t.namespace && o.2 == t.ingress;
        let Some(lb) = l.model.lbs.iter().find(|b| b.owners.iter().any(owner)) else { return Vec::new() };
        let Some(listener) = lb.listeners.first() else { return Vec::new() };
        let mut out: Vec<(usize, f64)> = Vec::new();
        let mut add = |tg: usize, x: f64| match out.iter_mut().find(|(g, _)| *g == tg) {
            Some((_, r)) => *r += x,
            None => out.push((tg, x)),
        };
        for tg in listener.rules.iter().map(|r| r.tg).chain(listener.default) {
            add(tg, 0.0);
        }
        match &t.path_of_requests {
            None => {
                let n = listener.rules.len() + usize::from(listener.default.is_some());
                let each = if n == 0 { 0.0 } else { rps / n as f64 };
                for tg in listener.rules.iter().map(|r| r.tg).chain(listener.default) {
                    add(tg, each);
                }
            }
            Some(path) => {
                let host = t.host.as_deref().unwrap_or(&lb.dns).to_ascii_lowercase();
                let hit = listener.rules.iter().find(|r| {
                    r.host.as_ref().is_none_or(|h| matches(&h.to_ascii_lowercase(), &host, true)) && r.paths.iter().any(|p| matches(p, path, true))
                });
                if let Some(tg) = hit.map(|r| r.tg).or(listener.default) {
                    add(tg, rps);
                }
            }
        }
        out
    }

    /// The pods serving `rps` requests per second sent to target group `tg`: every pod behind
    /// its Service, with the requests per second each gets when ready.
    fn serving(&self, tg: usize, rps: f64) -> Vec<(usize, f64)> {
        let Some(l) = &self.lbc else { return Vec::new() };
        let targets = &l.elb[tg];
        let any_healthy = targets.iter().any(|x| x.state == TargetState::Healthy);
        let routed: Vec<usize> = targets.iter().filter(|x| x.routed(any_healthy)).map(|x| x.task).collect();
        let behind: Vec<usize> = (0..self.pods.len()).filter(|&id| self.pods[id].gone_at.is_none() && self.backs(tg, id)).collect();
        if l.model.tgs[tg].group.target_type_ip {
            let each = if routed.is_empty() { 0.0 } else { rps / routed.len() as f64 };
            return behind.into_iter().map(|id| (id, if routed.contains(&id) { each } else { 0.0 })).collect();
        }
        let now = self.now;
        let ready = behind.iter().filter(|&&id| self.pods[id].ready(now) && self.pods[id].deleting_at.is_none()).count();
        let each = if routed.is_empty() || ready == 0 { 0.0 } else { rps / ready as f64 };
        behind.into_iter().map(|id| (id, if self.pods[id].ready(now) && self.pods[id].deleting_at.is_none() { each } else { 0.0 })).collect()
    }
}
