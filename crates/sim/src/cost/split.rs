//! An EC2 instance's cost split over the tasks it ran, by the rule of AWS's split cost
//! allocation data (<https://docs.aws.amazon.com/cur/latest/userguide/example-split-cost-allocation-data.html>,
//! stored copy searched 2026-12-01):
//!
//! 1. Unit cost = instance price per hour / (9 × vCPUs + 1 × GB of memory): CPU and memory
//!    weigh 9:1, "derived from per vCPU per hour and per GB per hour prices in AWS Fargate".
//!    A vCPU-hour costs 9 units, a GB-hour 1.
//! 2. A task is charged its reserved vCPU and GB at those rates for the time it held them.
//! 3. What no task held is the instance's "unused capacity", a line of its own.
//!
//! Stevedore's choices where the sim differs from the bill AWS reads:
//! - AWS charges a task the larger of what it used and reserved; the sim's tasks never use
//!   more than they reserve on the bill's terms, so reserved capacity is the measure.
//! - The instance's size is its type's nominal vCPUs and memory (AWS's example: an m5.xlarge
//!   "4 vCPU and 16 GB"), not what the agent registers, so the agent's reserve is unused capacity.
//! - A task holds its reservation from PENDING (the time Fargate starts billing) until STOPPED,
//!   clipped to the instance's billed span; the 60-second minimum and rounding of the instance
//!   fall to unused capacity.

pub const CPU_WEIGHT: f64 = 9.0;
pub const MEMORY_WEIGHT: f64 = 1.0;

/// The name of the line that holds what no task reserved.
pub const UNUSED: &str = "unused capacity";

/// An instance's price per vCPU-hour and per GB-hour under the 9:1 weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitCosts {
    pub usd_per_vcpu_hour: f64,
    pub usd_per_gb_hour: f64,
}

pub fn unit_costs(instance_usd_per_hour: f64, vcpus: f64, memory_gb: f64) -> UnitCosts {
    let units = CPU_WEIGHT * vcpus + MEMORY_WEIGHT * memory_gb;
    let unit = if units > 0.0 { instance_usd_per_hour / units } else { 0.0 };
    UnitCosts { usd_per_vcpu_hour: CPU_WEIGHT * unit, usd_per_gb_hour: MEMORY_WEIGHT * unit }
}

impl UnitCosts {
    /// What a task reserving `vcpus` and `memory_gb` costs per hour on this instance.
    pub fn task_per_hour(&self, vcpus: f64, memory_gb: f64) -> f64 {
        vcpus * self.usd_per_vcpu_hour + memory_gb * self.usd_per_gb_hour
    }
}

/// One task's share of its instance's charge.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Share {
    /// The EC2 instance id.
    pub instance_id: String,
    /// The task id, or `unused capacity`.
    pub task_id: String,
    /// The task's service; for unused capacity, none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Reserved vCPU-hours and GB-hours (zero for unused capacity).
    pub vcpu_hours: f64,
    pub gb_hours: f64,
    pub usd: f64,
}

/// Milliseconds `[start, end)` overlaps `[from, to)`.
pub fn overlap_ms(start: u64, end: u64, from: u64, to: u64) -> u64 {
    end.min(to).saturating_sub(start.max(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_split_cost_allocation_example() {
        // docs.aws.amazon.com/cur/latest/userguide/example-split-cost-allocation-data.html:
        // an m5.xlarge (4 vCPU, 16 GB) at $1/hr. Unit = $1 / (1 × 16 + 9 × 4) = $0.02;
        // per vCPU-hour 9 × unit = $0.17; per GB-hour $0.02.
        let u = unit_costs(1.0, 4.0, 16.0);
        assert_eq!(format!("{:.2}", u.usd_per_vcpu_hour / 9.0), "0.02");
        assert_eq!(format!("{:.2}", u.usd_per_vcpu_hour), "0.17");
        assert_eq!(format!("{:.2}", u.usd_per_gb_hour), "0.02");
        // The whole instance reserved costs the whole instance.
        assert!((u.task_per_hour(4.0, 16.0) - 1.0).abs() < 1e-12);
        // 2 of the 4 vCPUs and no memory: 18 of the instance's 52 units.
        assert!((u.task_per_hour(2.0, 0.0) - 18.0 / 52.0).abs() < 1e-12);
    }

    #[test]
    fn an_empty_instance_type_prices_nothing_rather_than_dividing_by_zero() {
        let u = unit_costs(1.0, 0.0, 0.0);
        assert_eq!(u.task_per_hour(1.0, 1.0), 0.0);
    }

    #[test]
    fn overlap() {
        assert_eq!(overlap_ms(0, 10, 5, 20), 5);
        assert_eq!(overlap_ms(0, 10, 10, 20), 0);
        assert_eq!(overlap_ms(30, 40, 10, 20), 0);
        assert_eq!(overlap_ms(12, 15, 10, 20), 3);
    }
}
