//! EC2 Auto Scaling groups, as both orchestrators' capacity runs on them: ECS capacity
//! providers' groups and eksctl node groups (managed or self-managed) are each one
//! `AutoScalingGroup` here. The group holds what EC2 Auto Scaling holds — MinSize, MaxSize,
//! DesiredCapacity, its zones, its instances (zone, launch order, scale-in protection) and
//! its scaling activities — and decides what EC2 Auto Scaling decides: the zone a launch
//! goes to and the instance a scale-in takes (`policy.rs`). Each orchestrator decides only
//! *how many* (ECS managed scaling's CapacityProviderReservation, Cluster Autoscaler's
//! choice of group and count) and launches the instance through its own EC2 half.
//! <https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-groups.html>

mod policy;

/// One of the group's instances (Pending or InService).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub instance_id: String,
    /// Index into the group's `zones`.
    pub zone: usize,
    /// The group's launch counter when it joined: higher is newer.
    pub seq: u64,
    /// Instance scale-in protection (`ProtectedFromScaleIn`).
    pub protected: bool,
}

/// One scaling activity, as DescribeScalingActivities words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub at_ms: u64,
    pub description: String,
    pub cause: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoScalingGroup {
    pub name: String,
    pub min_size: u32,
    pub max_size: u32,
    desired: u32,
    pub zones: Vec<String>,
    members: Vec<Member>,
    /// Where the next launch's tie between equally small zones starts: after the zone of the
    /// last launch (`policy.rs`).
    zone_cursor: usize,
    joined: u64,
    activities: Vec<Activity>,
    /// The last DesiredCapacity change's cause and how many launches or terminations it
    /// still explains (each of its activities opens with it, as AWS's do).
    pending: Option<(String, u32)>,
}

/// Most activities a group keeps (DescribeScalingActivities shows six weeks; the oldest
/// beyond this bound are dropped so a long run stays bounded).
const MAX_ACTIVITIES: usize = 1_000;

impl AutoScalingGroup {
    /// CreateAutoScalingGroup. A DesiredCapacity outside MinSize..=MaxSize is refused as
    /// UpdateAutoScalingGroup refuses it ("Desired capacity:5 must be between the specified
    /// min size:1 and max size:4"; wording as the API returns it, not on a doc page: UNVERIFIED).
    pub fn new(name: &str, min_size: u32, max_size: u32, desired: u32, zones: Vec<String>) -> Result<AutoScalingGroup, String> {
        if min_size > max_size {
            return Err(format!("Max bound, {max_size}, must be greater than or equal to min bound, {min_size}"));
        }
        if desired < min_size || desired > max_size {
            return Err(format!("Desired capacity:{desired} must be between the specified min size:{min_size} and max size:{max_size}"));
        }
        Ok(AutoScalingGroup { name: name.into(), min_size, max_size, desired, zones, members: Vec::new(), zone_cursor: 0, joined: 0, activities: Vec::new(), pending: None })
    }

    /// Ties between equally small zones start at zone `k`, as if the last launch had been
    /// into zone `k - 1` (see `policy.rs`: ECS's groups start at 1).
    pub fn with_zone_cursor(mut self, k: usize) -> AutoScalingGroup {
        self.zone_cursor = k;
        self
    }

    /// A copy without the activity history, to plan launches ahead on (`launch_zone` on it
    /// answers what the group itself will answer).
    pub fn planning_copy(&self) -> AutoScalingGroup {
        AutoScalingGroup {
            name: self.name.clone(),
            min_size: self.min_size,
            max_size: self.max_size,
            desired: self.desired,
            zones: self.zones.clone(),
            members: self.members.clone(),
            zone_cursor: self.zone_cursor,
            joined: self.joined,
            activities: Vec::new(),
            pending: None,
        }
    }

    pub fn desired(&self) -> u32 {
        self.desired
    }

    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// DescribeScalingActivities: newest first.
    pub fn activities(&self) -> impl Iterator<Item = &Activity> {
        self.activities.iter().rev()
    }

    /// SetDesiredCapacity. Outside MinSize..=MaxSize it is refused with the API's
    /// ValidationError text ("New SetDesiredCapacity value 5 is above max value 4 for the
    /// AutoScalingGroup."; as the API returns it: UNVERIFIED on a doc page).
    /// <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_SetDesiredCapacity.html>
    pub fn set_desired_capacity(&mut self, desired: u32, at_ms: u64, start_unix_s: i64) -> Result<(), String> {
        if desired > self.max_size {
            return Err(format!("New SetDesiredCapacity value {desired} is above max value {} for the AutoScalingGroup.", self.max_size));
        }
        if desired < self.min_size {
            return Err(format!("New SetDesiredCapacity value {desired} is below min value {} for the AutoScalingGroup.", self.min_size));
        }
        self.change_desired(desired, "a user request explicitly set group desired capacity", at_ms, start_unix_s);
        Ok(())
    }

    /// DesiredCapacity moves for `why` (who asked, in the words of an activity's Cause, e.g.
    /// "a user request explicitly set group desired capacity"), kept within
    /// MinSize..=MaxSize as EC2 Auto Scaling keeps a scaling policy's result.
    pub fn change_desired(&mut self, desired: u32, why: &str, at_ms: u64, start_unix_s: i64) {
        let desired = desired.clamp(self.min_size, self.max_size);
        if desired != self.desired {
            let cause = format!("At {} {why} changing the desired capacity from {} to {desired}.", iso(start_unix_s, at_ms), self.desired);
            self.pending = Some((cause, desired.abs_diff(self.desired)));
        }
        self.desired = desired;
    }

    /// An instance the group launched (or the scenario gave it at creation) is in service.
    /// Records the "Launching a new EC2 instance" activity.
    pub fn attach(&mut self, instance_id: &str, zone: usize, protected: bool, at_ms: u64, start_unix_s: i64) {
        self.joined += 1;
        let before = self.members.len();
        self.members.push(Member { instance_id: instance_id.into(), zone, seq: self.joined, protected });
        let why = format!(
            "At {} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from {before} to {}.",
            iso(start_unix_s, at_ms),
            before + 1
        );
        self.record(at_ms, format!("Launching a new EC2 instance: {instance_id}"), why);
    }

    /// A scale-in took `instance_id` (the orchestrator lowered DesiredCapacity first, with
    /// `change_desired`, and the group picked it: `scale_in_pick`). False if not a member.
    pub fn scale_in(&mut self, instance_id: &str, at_ms: u64, start_unix_s: i64) -> bool {
        let Some(before) = self.remove(instance_id) else { return false };
        let at = iso(start_unix_s, at_ms);
        let why = format!("At {at} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from {before} to {}.  At {at} instance {instance_id} was selected for termination.", before - 1);
        self.record(at_ms, format!("Terminating EC2 instance: {instance_id}"), why);
        true
    }

    /// TerminateInstanceInAutoScalingGroup (Cluster Autoscaler deleting a node): with
    /// `decrement` (ShouldDecrementDesiredCapacity) DesiredCapacity drops by one, never below
    /// MinSize; without it the group launches a replacement. False if not a member.
    /// <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_TerminateInstanceInAutoScalingGroup.html>
    pub fn terminate_instance(&mut self, instance_id: &str, decrement: bool, at_ms: u64, start_unix_s: i64) -> bool {
        let Some(before) = self.remove(instance_id) else { return false };
        if decrement {
            self.desired = self.desired.saturating_sub(1).max(self.min_size);
        }
        let at = iso(start_unix_s, at_ms);
        let why = if decrement {
            format!("At {at} instance {instance_id} was taken out of service in response to a user request, shrinking the capacity from {before} to {}.", before - 1)
        } else {
            format!("At {at} instance {instance_id} was taken out of service in response to a user request.")
        };
        self.record(at_ms, format!("Terminating EC2 instance: {instance_id}"), why);
        true
    }

    /// EC2 took the instance away (Spot reclaim, a fault, a stop failing the EC2 health
    /// check): DesiredCapacity stays, so the group owes a replacement. False if not a member.
    pub fn instance_gone(&mut self, instance_id: &str, at_ms: u64, start_unix_s: i64) -> bool {
        if self.remove(instance_id).is_none() {
            return false;
        }
        let why = format!("At {} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.", iso(start_unix_s, at_ms));
        self.pending = None;
        self.record(at_ms, format!("Terminating EC2 instance: {instance_id}"), why);
        true
    }

    /// Instances the group owes: DesiredCapacity less its members (and `in_flight` launches).
    pub fn shortfall(&self, in_flight: u32) -> u32 {
        self.desired.saturating_sub(self.members.len() as u32 + in_flight)
    }

    /// Removes a member; returns how many the group had before.
    fn remove(&mut self, instance_id: &str) -> Option<usize> {
        let k = self.members.iter().position(|m| m.instance_id == instance_id)?;
        let before = self.members.len();
        self.members.remove(k);
        Some(before)
    }

    /// Sets instance scale-in protection (SetInstanceProtection).
    pub fn set_protected(&mut self, instance_id: &str, protected: bool) {
        if let Some(m) = self.members.iter_mut().find(|m| m.instance_id == instance_id) {
            m.protected = protected;
        }
    }

    fn record(&mut self, at_ms: u64, description: String, cause: String) {
        let cause = match self.pending.take() {
            Some((first, left)) => {
                if left > 1 {
                    self.pending = Some((first.clone(), left - 1));
                }
                format!("{first}  {cause}")
            }
            None => cause,
        };
        if self.activities.len() == MAX_ACTIVITIES {
            self.activities.remove(0);
        }
        self.activities.push(Activity { at_ms, description, cause });
    }
}

/// `2026-01-01T00:02:30Z` for a time in the run.
fn iso(start_unix_s: i64, at_ms: u64) -> String {
    crate::time::format_iso(start_unix_s + (at_ms / 1000) as i64)
}
