//! awsvpc task limits per instance type, with and without ENI trunking (aws-semantics §5.3).
//! Data: the ECS guide's container-instance-eni table, shipped in `data/eni-trunking.csv`.

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
    for line in TABLE.lines().skip(2) {
        let mut cols = line.split(',');
        let (_, Some(name), Some(without), Some(with)) = (cols.next(), cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        if name == lower {
            let without = without.trim().parse().unwrap_or(2);
            let with = with.trim().parse().unwrap_or(without);
            return (without, with);
        }
    }
    (2, 2)
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
        assert!(supports_trunking("c5.large"));
        assert!(!supports_trunking("c5n.large"));
        assert!(!supports_trunking("r5.8xlarge"));
    }
}
