//! Which zone a launch goes to and which instance a scale-in takes.
//!
//! Launch: "Amazon EC2 Auto Scaling attempts to distribute instances evenly between the
//! Availability Zones that are enabled for your Auto Scaling group ... by attempting to
//! launch new instances in the Availability Zone with the fewest instances. If the attempt
//! fails, however, Amazon EC2 Auto Scaling attempts to launch the instances in another
//! Availability Zone until it succeeds."
//! <https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-benefits.html#arch-AutoScalingMultiAZ>
//! AWS names no tie-break between equally small zones. Ours: the first smallest zone after the
//! zone of the group's last launch, going round its zones in order; so a group growing evenly
//! goes round them. A new group starts at its first zone (eksctl node groups); ECS's groups
//! start as if their last launch had been into their first zone (`with_zone_cursor(1)`), as
//! ECS runs always have (a group grown from zero over a and b launches b, then a).
//!
//! Scale-in, the default termination policy: "it first identifies which of the Availability
//! Zones have the most instances and at least one instance that is not protected from scale
//! in ... If the Availability Zones are balanced, it applies the termination policy across
//! all zones"; then instances with an outdated launch template or configuration (a group
//! here has one, never outdated); then the instance closest to the next billing hour, at
//! random among equals. EC2 bills these instances (Linux) per second, so that rule ties;
//! ours breaks the tie by taking the newest instance, in place of AWS's random pick.
//! <https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html>
//!
//! Not modelled: the AZRebalance process (launch in the short zone, then terminate in the
//! long one) — a group a decrementing termination or an outage left unbalanced evens out only
//! through its later launches (fewest zone first) and scale-ins (most zone first).

use super::{AutoScalingGroup, Member};

impl AutoScalingGroup {
    /// Instances per zone (index = the group's zone order).
    pub fn per_zone(&self) -> Vec<usize> {
        let mut n = vec![0; self.zones.len()];
        for m in &self.members {
            if let Some(c) = n.get_mut(m.zone) {
                *c += 1;
            }
        }
        n
    }

    /// The zone (index into `zones`) the next launch goes to: the one with the fewest instances among
    /// those where `can_launch` holds (an outage or InsufficientInstanceCapacity elsewhere
    /// sends it on). None when no zone can launch. The next tie-break starts after the zone
    /// returned.
    pub fn launch_zone(&mut self, can_launch: impl Fn(usize) -> bool) -> Option<usize> {
        let n = self.zones.len();
        if n == 0 {
            return None;
        }
        let counts = self.per_zone();
        let start = self.zone_cursor % n;
        let z = (0..n).map(|k| (start + k) % n).filter(|&z| can_launch(z)).min_by_key(|&z| counts[z])?;
        self.zone_cursor = z + 1;
        Some(z)
    }

    /// The next instance a scale-in terminates among those `eligible` allows (the
    /// orchestrator's view: e.g. ECS skips an instance that is draining), by the default
    /// termination policy. Protected instances are never chosen. None: nothing may go.
    pub fn scale_in_pick(&self, eligible: impl Fn(&Member) -> bool) -> Option<&Member> {
        let counts = self.per_zone();
        let open = |m: &&Member| !m.protected && eligible(m);
        let most = self.members.iter().filter(open).map(|m| counts.get(m.zone).copied().unwrap_or(0)).max()?;
        self.members.iter().filter(open).filter(|m| counts.get(m.zone).copied().unwrap_or(0) == most).max_by_key(|m| m.seq)
    }

    /// The order `count` scale-in terminations would take (each after the one before it left).
    pub fn scale_in_order(&self, count: usize, eligible: impl Fn(&Member) -> bool) -> Vec<String> {
        let mut g = self.planning_copy();
        let mut out = Vec::new();
        while out.len() < count {
            let Some(id) = g.scale_in_pick(&eligible).map(|m| m.instance_id.clone()) else { break };
            g.members.retain(|m| m.instance_id != id);
            out.push(id);
        }
        out
    }
}
