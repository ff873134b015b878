//! Amazon VPC CNI: ENIs and IPv4 addresses per ENI per instance type, and the max-pods formula
//! (eks-semantics §5.1; VPCCNI:pkg/vpc/vpc_ip_resource_limit.go, misc/eni-max-pods.txt).

/// (ENIs, IPv4 addresses per ENI) for the types in the catalogue. Regular Nitro families
/// (m5, c5, r5, m6i, m6g, c7g, …) follow one table by size, so only exceptions are listed.
const LISTED: &[(&str, u32, u32)] = &[
    ("t2.nano", 2, 2), ("t2.micro", 2, 2), ("t2.small", 3, 4), ("t2.medium", 3, 6), ("t2.large", 3, 12),
    ("t2.xlarge", 3, 15), ("t2.2xlarge", 3, 15),
    ("t3.nano", 2, 2), ("t3.micro", 2, 2), ("t3.small", 3, 4), ("t3.medium", 3, 6), ("t3.large", 3, 12),
    ("t3.xlarge", 4, 15), ("t3.2xlarge", 4, 15),
    ("t3a.micro", 2, 2), ("t3a.small", 2, 4), ("t3a.medium", 3, 6), ("t3a.large", 3, 12), ("t3a.xlarge", 4, 15),
    ("t4g.micro", 2, 2), ("t4g.small", 3, 4), ("t4g.medium", 3, 6), ("t4g.large", 3, 12), ("t4g.xlarge", 4, 15),
    ("t4g.2xlarge", 4, 15),
    ("a1.medium", 2, 4), ("a1.large", 3, 10), ("a1.xlarge", 4, 15), ("a1.2xlarge", 4, 15), ("a1.4xlarge", 8, 30),
    ("m4.large", 2, 10), ("c4.large", 3, 10), ("c4.xlarge", 4, 15), ("c4.2xlarge", 4, 15), ("c4.4xlarge", 8, 30),
    ("c4.8xlarge", 8, 30), ("g4dn.xlarge", 3, 10), ("g4dn.2xlarge", 3, 10), ("g2.2xlarge", 4, 15),
    ("p2.xlarge", 4, 15), ("p3.2xlarge", 4, 15), ("inf1.xlarge", 4, 10),
];

/// By size for the regular families.
const BY_SIZE: &[(&str, u32, u32)] = &[
    ("large", 3, 10), ("xlarge", 4, 15), ("2xlarge", 4, 15), ("4xlarge", 8, 30), ("8xlarge", 8, 30),
    ("12xlarge", 8, 30), ("16xlarge", 15, 50), ("24xlarge", 15, 50),
];

/// (ENIs, IPv4 per ENI); unknown types get the smallest Nitro shape (3, 10): a documented,
/// conservative choice, never reached for types the manifest reader accepts.
pub fn eni_limits(instance_type: &str) -> (u32, u32) {
    let t = instance_type.to_ascii_lowercase();
    if let Some(&(_, enis, ips)) = LISTED.iter().find(|r| r.0 == t) {
        return (enis, ips);
    }
    let size = t.split_once('.').map_or("", |(_, s)| s);
    BY_SIZE.iter().find(|r| r.0 == size).map_or((3, 10), |&(_, e, i)| (e, i))
}

/// kubelet `--max-pods` for a node.
/// - secondary-IP mode: ENIs × (IPv4 per ENI − 1) + 2 (the uncapped `eni-max-pods.txt` value,
///   which the AL2 bootstrap gives self-managed nodes);
/// - managed node groups use the max-pods calculator, which caps at 110 (≤ 30 vCPU) or 250;
/// - eksctl's `maxPodsPerNode` caps either.
pub fn max_pods(instance_type: &str, vcpus: u32, managed: bool, cap: Option<i64>) -> i64 {
    let (enis, ips) = eni_limits(instance_type);
    let mut n = (enis * (ips - 1) + 2) as i64;
    if managed {
        n = n.min(if vcpus <= 30 { 110 } else { 250 });
    }
    cap.map_or(n, |c| n.min(c))
}

/// Xen (non-Nitro) families: prefix delegation needs Nitro, so these keep secondary IPs
/// (eks-semantics §5.1: "non-Nitro instances keep secondary IPs").
const XEN_FAMILIES: &[&str] = &["t1", "t2", "m1", "m2", "m3", "m4", "c1", "c3", "c4", "r3", "r4", "x1", "x1e", "i2", "i3", "d2", "g2", "g3", "p2", "p3", "h1", "f1"];

pub fn is_nitro(instance_type: &str) -> bool {
    let family = instance_type.split('.').next().unwrap_or("").to_ascii_lowercase();
    !XEN_FAMILIES.contains(&family.as_str())
}

/// kubelet `--max-pods` with prefix delegation (`ENABLE_PREFIX_DELEGATION=true`, Nitro only):
/// ENIs × ((IPv4 per ENI − 1) × 16) + 2, under the calculator's ceiling (110 up to 30 vCPU,
/// else 250) for every node, and eksctl's `maxPodsPerNode`.
pub fn max_pods_with_prefixes(instance_type: &str, vcpus: u32, cap: Option<i64>) -> i64 {
    if !is_nitro(instance_type) {
        return max_pods(instance_type, vcpus, true, cap);
    }
    let (enis, ips) = eni_limits(instance_type);
    let n = ((enis * (ips - 1) * 16 + 2) as i64).min(if vcpus <= 30 { 110 } else { 250 });
    cap.map_or(n, |c| n.min(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_eni_max_pods_rows() {
        // eks-semantics §5.1 table (VPCCNI misc/eni-max-pods.txt).
        for (t, want) in [("m5.large", 29), ("t3.medium", 17), ("t3a.small", 8), ("t3.small", 11), ("t3.large", 35),
            ("m5.xlarge", 58), ("m5.4xlarge", 234), ("m5.24xlarge", 737), ("m4.large", 20), ("t2.micro", 4)] {
            assert_eq!(max_pods(t, 2, false, None), want, "{t}");
        }
        // Managed node groups: the calculator's 110 / 250 ceiling.
        assert_eq!(max_pods("m5.4xlarge", 16, true, None), 110);
        assert_eq!(max_pods("m5.24xlarge", 96, true, None), 250);
        assert_eq!(max_pods("m5.large", 2, true, Some(20)), 20);
        // Prefix delegation: m5.large 3 × (9 × 16) + 2 = 434 → 110 (EKSUG doc example); t3.nano
        // 2 × 16 + 2 = 34; m5.24xlarge → 250; Xen m4.large keeps secondary IPs (20).
        assert_eq!(max_pods_with_prefixes("m5.large", 2, None), 110);
        assert_eq!(max_pods_with_prefixes("t3.nano", 2, None), 34);
        assert_eq!(max_pods_with_prefixes("t3a.small", 2, None), 98);
        assert_eq!(max_pods_with_prefixes("m5.24xlarge", 96, None), 250);
        assert_eq!(max_pods_with_prefixes("m4.large", 2, None), 20);
    }
}
