//! awsvpc task limits per instance type, with and without ENI trunking (aws-semantics §5.3).
//! Data: the ECS guide's container-instance-eni table, shipped in `data/eni-trunking.csv`.

use crate::sort::SortSmall;

const TABLE: &str = include_str!("../../data/eni-trunking.csv");

/// Families and types that cannot use ENI trunking (aws-semantics §5.3).
const NO_TRUNKING_FAMILIES: &[&str] = &[
    "c5n", "d3", "d3en", "g3", "g3s", "g4dn", "i3", "i3en", "inf1", "m5dn", "m5n", "m5zn", "mac1",
    "r5b", "r5n", "r5dn", "u-12tb1", "u-6tb1", "u-9tb1", "z1d",
];
const NO_TRUNKING_TYPES: &[&str] = &[
    "a1.metal", "c5.metal", "c5a.8xlarge", "c5ad.8xlarge", "c5d.metal", "m5.metal", "p3dn.24xlarge",
    "r5.metal", "r5.8xlarge", "r5d.metal",
];

/// How many awsvpc tasks an instance can run: `(without_trunking, with_trunking)`.
/// Types missing from the table fall back to the smallest documented limit without trunking (2:
/// three ENIs, one of them primary) and no trunking gain: a conservative, documented choice.
pub fn awsvpc_task_limits(instance_type: &str) -> (u32, u32) {
    let lower = instance_type.to_ascii_lowercase();
    let rows = rows();
    match rows.binary_search_by(|r| r.0.cmp(lower.as_str())) {
        Ok(i) => (rows[i].1, rows[i].2),
        Err(_) => (2, 2),
    }
}

/// The table's rows, `(type, without, with)`, parsed once and sorted by type: every registered
/// instance asks (5,000 at load), and scanning the CSV text each time was most of `Sim::new`.
fn rows() -> &'static [(&'static str, u32, u32)] {
    static ROWS: std::sync::OnceLock<Vec<(&'static str, u32, u32)>> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        let mut rows: Vec<(&'static str, u32, u32)> = TABLE
            .lines()
            .skip(2)
            .filter_map(|line| {
                let mut cols = line.split(',');
                let (_, Some(name), Some(without), Some(with)) = (cols.next(), cols.next(), cols.next(), cols.next()) else {
                    return None;
                };
                let without = without.trim().parse().unwrap_or(2);
                Some((name, without, with.trim().parse().unwrap_or(without)))
            })
            .collect();
        // Stable: were a type listed twice, its first row (the one a scan finds) stays first.
        rows.sort_small_by(|a, b| a.0.cmp(b.0));
        rows.dedup_by(|later, first| later.0 == first.0);
        rows
    })
}

pub fn supports_trunking(instance_type: &str) -> bool {
    let lower = instance_type.to_ascii_lowercase();
    let family = lower.split('.').next().unwrap_or("");
    !NO_TRUNKING_FAMILIES.contains(&family) && !NO_TRUNKING_TYPES.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_c5_large_example() {
        // "a c5.large ... you can typically only run two such tasks" / with trunking "ten tasks".
        assert_eq!(awsvpc_task_limits("c5.large"), (2, 10));
        assert_eq!(awsvpc_task_limits("m5.16xlarge"), (14, 120));
        // Case as typed, and a type the table does not list (the fallback).
        assert_eq!(awsvpc_task_limits("C5.Large"), (2, 10));
        assert_eq!(awsvpc_task_limits("x9.huge"), (2, 2));
        assert!(supports_trunking("c5.large"));
        assert!(!supports_trunking("c5n.large"));
        assert!(!supports_trunking("r5.8xlarge"));
    }

    #[test]
    fn every_row_of_the_table_is_found_with_its_limits() {
        for line in TABLE.lines().skip(2) {
            let cols: Vec<&str> = line.split(',').collect();
            let want: (u32, u32) = (cols[2].trim().parse().unwrap(), cols[3].trim().parse().unwrap());
            assert_eq!(awsvpc_task_limits(cols[1]), want, "{line}");
        }
    }
}
