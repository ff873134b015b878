//! Capacity provider strategy: `base` first, then `weight` (aws-semantics §3.1).
//!
//! The documented behaviour is a ratio ("for every one task on A, four on B"); the order of
//! individual tasks is not documented (§11.1). Our rule: once the base is met, the next task
//! goes to the provider whose share would be least over its weight, i.e. the smallest
//! `(tasks beyond base + 1) / weight`, ties to the provider listed first. Weight-0 providers
//! get nothing beyond a base.

use crate::model::ProviderShare;

/// Picks the provider index for the next task, given the live task count per provider.
pub fn choose(shares: &[ProviderShare], counts: &[u32]) -> Option<usize> {
    if let Some(b) = shares.iter().position(|s| s.base > 0) {
        if counts.get(b).copied().unwrap_or(0) < shares[b].base {
            return Some(b);
        }
    }
    let mut best: Option<(usize, u64, u64)> = None; // (index, numerator, weight)
    for (i, s) in shares.iter().enumerate() {
        if s.weight == 0 {
            continue;
        }
        let beyond_base = counts.get(i).copied().unwrap_or(0).saturating_sub(s.base) as u64;
        let (num, w) = (beyond_base + 1, s.weight as u64);
        // num/w < best_num/best_w  ⇔  num·best_w < best_num·w
        if best.is_none_or(|(_, bn, bw)| num * bw < bn * w) {
            best = Some((i, num, w));
        }
    }
    best.map(|b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(list: &[(&str, u32, u32)]) -> Vec<ProviderShare> {
        list.iter().map(|(n, w, b)| ProviderShare { name: n.to_string(), weight: *w, base: *b }).collect()
    }

    /// Places `n` tasks one by one and returns the count per provider.
    fn run(s: &[ProviderShare], n: usize) -> Vec<u32> {
        let mut counts = vec![0; s.len()];
        for _ in 0..n {
            let i = choose(s, &counts).expect("a provider");
            counts[i] += 1;
        }
        counts
    }

    #[test]
    fn documented_ratios() {
        // "A weight 1, B weight 4: for every one task on A, four tasks use B."
        assert_eq!(run(&shares(&[("A", 1, 0), ("B", 4, 0)]), 10), vec![2, 8]);
        // Both weight 1: split evenly.
        assert_eq!(run(&shares(&[("A", 1, 0), ("B", 1, 0)]), 6), vec![3, 3]);
        // Workshop: base 2 on-demand, weights 1:3 → 2 first, then the rest 1:3.
        assert_eq!(run(&shares(&[("OD", 1, 2), ("SPOT", 3, 0)]), 10), vec![4, 6]);
        assert_eq!(run(&shares(&[("OD", 1, 2), ("SPOT", 3, 0)]), 2), vec![2, 0]);
    }

    #[test]
    fn base_with_zero_weight_and_odd_counts() {
        // Weight 0 with a base: only the base runs there.
        assert_eq!(run(&shares(&[("FARGATE", 0, 1), ("FARGATE_SPOT", 1, 0)]), 5), vec![1, 4]);
        // 3 tasks at 1:1: the first-listed provider takes the odd one (our tie rule).
        assert_eq!(run(&shares(&[("A", 1, 0), ("B", 1, 0)]), 3), vec![2, 1]);
        assert_eq!(choose(&shares(&[("A", 0, 0)]), &[0]), None);
    }
}
