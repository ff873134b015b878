//! Pod names for membership tests in the Deployment controller's diff (`sync_pods_of`). Never
//! iterated (so no hash order reaches output); hashed with a multiply-rotate word hash instead
//! of SipHash: the names are ours, not an attacker's, and SipHash was most of a diff's cost.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default, Clone, Copy)]
pub struct WordHasher(u64);

const K: u64 = 0x517c_c1b7_2722_0a95;

impl WordHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A multiset of owned names kept up to date as pods come and go (two pods may share a
/// random suffix; a name stays until its last holder leaves).
#[derive(Debug, Clone, Default)]
pub struct NameCounts(HashMap<String, u32, BuildHasherDefault<WordHasher>>);

impl NameCounts {
    pub fn add(&mut self, name: &str) {
        match self.0.get_mut(name) {
            Some(c) => *c += 1,
            None => {
                self.0.insert(name.to_string(), 1);
            }
        }
    }

    pub fn remove(&mut self, name: &str) {
        if let Some(c) = self.0.get_mut(name) {
            *c -= 1;
            if *c == 0 {
                self.0.remove(name);
            }
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// How many holders the name has.
    pub fn count(&self, name: &str) -> u32 {
        self.0.get(name).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::NameCounts;

    #[test]
    fn a_shared_name_stays_until_its_last_holder_leaves() {
        let mut c = NameCounts::default();
        c.add("web-abc12");
        c.add("web-abc12");
        c.remove("web-abc12");
        assert!(c.contains("web-abc12"));
        c.remove("web-abc12");
        assert!(!c.contains("web-abc12"));
        c.remove("web-abc12");
        assert!(!c.contains("web-abc12"));
    }

    #[test]
    fn holds_names_that_share_long_prefixes() {
        let names: Vec<String> = (0..2000).map(|i| format!("web-7d9f8c6b5d-{i:05}")).collect();
        let mut set = NameCounts::default();
        for n in &names {
            set.add(n);
        }
        assert_eq!(set.0.len(), 2000);
        assert!(set.contains("web-7d9f8c6b5d-01999"));
        assert!(!set.contains("web-7d9f8c6b5d-02000"));
    }
}
