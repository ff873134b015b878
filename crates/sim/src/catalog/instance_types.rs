//! EC2 instance types: vCPUs, memory and architecture, for the families ECS users run most.

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InstanceType {
    pub name: &'static str,
    pub vcpus: u32,
    pub memory_mib: u32,
    pub arm64: bool,
}

impl InstanceType {
    /// CPU units ECS registers: 1,024 per vCPU (aws-semantics §5.4).
    pub fn cpu_units(&self) -> u32 {
        self.vcpus * 1024
    }

    /// Memory the agent registers. ECS registers what the OS reports, which is less than the
    /// nominal size; the documented m4.large (8 GiB) registers 7,985 MiB, so we apply that ratio
    /// (7985/8192) to every type. ECS_RESERVED_MEMORY is subtracted by the caller.
    pub fn registered_memory_mib(&self) -> u32 {
        ((self.memory_mib as u64 * 7985) / 8192) as u32
    }
}

const SIZES: &[(&str, u32, u32)] = &[
    // suffix, vCPUs, memory GiB multiplier in units of the family's per-vCPU memory (filled below)
    ("large", 2, 1), ("xlarge", 4, 2), ("2xlarge", 8, 4), ("4xlarge", 16, 8), ("8xlarge", 32, 16),
    ("12xlarge", 48, 24), ("16xlarge", 64, 32), ("24xlarge", 96, 48),
];

/// Families where memory per vCPU is constant: (family, GiB per vCPU, arm64).
const REGULAR_FAMILIES: &[(&str, u32, bool)] = &[
    ("m5", 4, false), ("m5a", 4, false), ("m5d", 4, false), ("m6i", 4, false), ("m6a", 4, false),
    ("m7i", 4, false), ("m6g", 4, true), ("m7g", 4, true), ("m4", 4, false),
    ("c5", 2, false), ("c5a", 2, false), ("c6i", 2, false), ("c6a", 2, false), ("c7i", 2, false),
    ("c6g", 2, true), ("c7g", 2, true),
    ("r5", 8, false), ("r5a", 8, false), ("r6i", 8, false), ("r6a", 8, false), ("r6g", 8, true),
    ("r7g", 8, true),
];

/// Burstable and odd-sized types listed one by one: (name, vCPUs, memory MiB, arm64).
const LISTED: &[(&str, u32, u32, bool)] = &[
    ("t2.nano", 1, 512, false), ("t2.micro", 1, 1024, false), ("t2.small", 1, 2048, false),
    ("t2.medium", 2, 4096, false), ("t2.large", 2, 8192, false), ("t2.xlarge", 4, 16384, false),
    ("t2.2xlarge", 8, 32768, false),
    ("t3.nano", 2, 512, false), ("t3.micro", 2, 1024, false), ("t3.small", 2, 2048, false),
    ("t3.medium", 2, 4096, false), ("t3.large", 2, 8192, false), ("t3.xlarge", 4, 16384, false),
    ("t3.2xlarge", 8, 32768, false),
    ("t3a.micro", 2, 1024, false), ("t3a.small", 2, 2048, false), ("t3a.medium", 2, 4096, false),
    ("t3a.large", 2, 8192, false), ("t3a.xlarge", 4, 16384, false),
    ("t4g.micro", 2, 1024, true), ("t4g.small", 2, 2048, true), ("t4g.medium", 2, 4096, true),
    ("t4g.large", 2, 8192, true), ("t4g.xlarge", 4, 16384, true), ("t4g.2xlarge", 8, 32768, true),
    ("a1.medium", 1, 2048, true), ("a1.large", 2, 4096, true), ("a1.xlarge", 4, 8192, true),
    ("a1.2xlarge", 8, 16384, true), ("a1.4xlarge", 16, 32768, true),
    ("c4.large", 2, 3840, false), ("c4.xlarge", 4, 7680, false), ("c4.2xlarge", 8, 15360, false),
    ("c4.4xlarge", 16, 30720, false), ("c4.8xlarge", 36, 61440, false),
    ("g4dn.xlarge", 4, 16384, false), ("g4dn.2xlarge", 8, 32768, false),
    ("g2.2xlarge", 8, 15360, false), ("p2.xlarge", 4, 62464, false), ("p3.2xlarge", 8, 62464, false),
    ("inf1.xlarge", 4, 8192, false),
];

/// Looks an instance type up by its API name (case-insensitive, as EC2 accepts `Inf1.xlarge`).
/// No allocation: the engine looks types up per instance and per placement.
pub fn lookup(name: &str) -> Option<InstanceType> {
    if let Some(&(n, vcpus, memory_mib, arm64)) = LISTED.iter().find(|t| t.0.eq_ignore_ascii_case(name)) {
        return Some(InstanceType { name: n, vcpus, memory_mib, arm64 });
    }
    let (family, size) = name.split_once('.')?;
    let f = REGULAR_FAMILIES.iter().position(|f| f.0.eq_ignore_ascii_case(family))?;
    let z = SIZES.iter().position(|s| s.0.eq_ignore_ascii_case(size))?;
    let (_, gib_per_vcpu, arm64) = REGULAR_FAMILIES[f];
    let vcpus = SIZES[z].1;
    Some(InstanceType { name: regular_name(f, z), vcpus, memory_mib: vcpus * gib_per_vcpu * 1024, arm64 })
}

/// `family.size` for every regular family and size, built once, so `InstanceType` stays `Copy`
/// with a `&'static str` name.
fn regular_name(family: usize, size: usize) -> &'static str {
    use std::sync::OnceLock;
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    let names = NAMES.get_or_init(|| REGULAR_FAMILIES.iter().flat_map(|f| SIZES.iter().map(move |s| format!("{}.{}", f.0, s.0))).collect());
    &names[family * SIZES.len() + size]
}

/// Every type the catalogue knows, for error messages and the app's pickers.
pub fn known_names() -> Vec<String> {
    let mut names: Vec<String> = LISTED.iter().map(|t| t.0.to_string()).collect();
    for (family, _, _) in REGULAR_FAMILIES {
        for (size, _, _) in SIZES {
            names.push(format!("{family}.{size}"));
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_m4_large_registers_7985_mib() {
        let m4 = lookup("m4.large").unwrap();
        assert_eq!(m4.registered_memory_mib(), 7985);
        assert_eq!(m4.cpu_units(), 2048);
    }

    #[test]
    fn families_and_case() {
        assert_eq!(lookup("c6g.4xlarge").unwrap().memory_mib, 32 * 1024);
        assert!(lookup("c6g.4xlarge").unwrap().arm64);
        assert_eq!(lookup("Inf1.xlarge").unwrap().name, "inf1.xlarge");
        assert_eq!(lookup("M5.2XLarge").unwrap().name, "m5.2xlarge");
        assert_eq!(lookup("m5.2xlarge").unwrap().vcpus, 8);
        assert!(lookup("m5.").is_none() && lookup("m5").is_none());
        assert!(lookup("x9.huge").is_none());
        assert!(known_names().len() > 100);
    }
}
