//! Valid Fargate task sizes (aws-semantics §4.1).

/// `(cpu units, memory MiB)` pairs Fargate accepts for Linux tasks.
pub fn valid_linux_sizes() -> Vec<(u32, u32)> {
    let mut pairs = vec![(256, 512), (256, 1024), (256, 2048)];
    pairs.extend([1024, 2048, 3072, 4096].map(|m| (512, m)));
    pairs.extend((2..=8).map(|g| (1024, g * 1024)));
    pairs.extend((4..=16).map(|g| (2048, g * 1024)));
    pairs.extend((8..=30).map(|g| (4096, g * 1024)));
    pairs.extend((16..=60).step_by(4).map(|g| (8192, g * 1024)));
    pairs.extend((32..=120).step_by(8).map(|g| (16384, g * 1024)));
    pairs
}

/// Windows tasks: only the 1, 2 and 4 vCPU rows ("the value cannot be less than 1 vCPU").
pub fn is_valid_size(cpu: u32, memory_mib: u32, windows: bool) -> bool {
    if windows && !(1024..=4096).contains(&cpu) {
        return false;
    }
    valid_linux_sizes().contains(&(cpu, memory_mib))
}

/// The memory values allowed for a cpu value, for error messages.
pub fn memory_choices_for(cpu: u32) -> Vec<u32> {
    valid_linux_sizes().into_iter().filter(|p| p.0 == cpu).map(|p| p.1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_table_has_74_linux_and_43_windows_pairs() {
        let all = valid_linux_sizes();
        assert_eq!(all.len(), 74);
        assert_eq!(all.iter().filter(|p| is_valid_size(p.0, p.1, true)).count(), 43);
    }

    #[test]
    fn documented_rows() {
        assert!(is_valid_size(256, 512, false));
        assert!(!is_valid_size(256, 4096, false));
        assert!(is_valid_size(512, 3072, false));
        assert!(is_valid_size(8192, 20480, false));
        assert!(!is_valid_size(8192, 18432, false)); // 4 GB increments only
        assert!(is_valid_size(16384, 122880, false));
        assert!(!is_valid_size(16384, 36864, false)); // 8 GB increments only
        assert!(!is_valid_size(256, 512, true)); // Windows needs >= 1 vCPU
        assert!(!is_valid_size(8192, 16384, true));
        assert_eq!(memory_choices_for(512), vec![1024, 2048, 3072, 4096]);
    }
}
