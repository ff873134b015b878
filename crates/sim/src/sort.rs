//! Sorting with one shared copy of the sort algorithm (issue 13, "ship small").
//!
//! `slice::sort_by` and friends instantiate the whole of std's sort (driftsort: quicksort,
//! merges, small-sorts; 3-5 KB of wasm) for every element type and every comparator closure:
//! ~60 call sites made ~170 KB of the app's wasm. These methods sort a list of indices instead,
//! with the comparator behind `dyn`, so std's sort is instantiated once (for `usize`, one
//! comparator type); per call site only the index comparison and a permutation remain.
//! The order is exactly the std method's: a stable sort by a consistent comparator (a total
//! preorder, as every caller's is: keys, `Ord`, `total_cmp`) has one result, ties in their
//! original order. Unstable sorts stay std's (`sort_unstable` on indices or numbers is one
//! shared instance already).

use std::cmp::Ordering;

/// `sort_by`, `sort_by_key` and `sort`, each giving the order of the std method of that name.
pub trait SortSmall<T> {
    fn sort_small_by(&mut self, cmp: impl FnMut(&T, &T) -> Ordering);
    fn sort_small_by_key<K: Ord>(&mut self, key: impl FnMut(&T) -> K);
    fn sort_small(&mut self)
    where
        T: Ord;
}

impl<T> SortSmall<T> for [T] {
    fn sort_small_by(&mut self, mut cmp: impl FnMut(&T, &T) -> Ordering) {
        let perm = order(self.len(), &mut |a, b| cmp(&self[a], &self[b]));
        permute(self, perm);
    }

    fn sort_small_by_key<K: Ord>(&mut self, mut key: impl FnMut(&T) -> K) {
        self.sort_small_by(|a, b| key(a).cmp(&key(b)));
    }

    fn sort_small(&mut self)
    where
        T: Ord,
    {
        self.sort_small_by(T::cmp);
    }
}

/// The indices `0..n` in sorted order: `out[i]` is the index of the element that goes to `i`.
#[inline(never)]
fn order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| cmp(a, b));
    idx
}

/// Moves `v[perm[i]]` to `i` for every `i`, following each cycle of the permutation once.
fn permute<T>(v: &mut [T], mut perm: Vec<usize>) {
    let n = v.len();
    for start in 0..n {
        let mut cur = start;
        // A visited position is marked `n`; a cycle ends where it began.
        while perm[cur] < n {
            let next = perm[cur];
            perm[cur] = n;
            if next == start {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SortSmall;

    /// A small deterministic generator: no dependency, no clock.
    fn numbers(seed: u64, n: usize, modulo: u64) -> Vec<(u64, usize)> {
        let mut x = seed;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((x >> 33) % modulo, i)
            })
            .collect()
    }

    #[test]
    fn every_method_gives_the_std_order_ties_included() {
        for (seed, n, modulo) in [(1, 0, 1), (2, 1, 1), (3, 7, 3), (4, 40, 5), (5, 1000, 17), (6, 5000, 4000)] {
            let v = numbers(seed, n, modulo);
            // Keyed on the first field only: ties keep (stable) or lose (unstable) their order.
            let (mut a, mut b) = (v.clone(), v.clone());
            a.sort_by_key(|p| p.0);
            b.sort_small_by_key(|p| p.0);
            assert_eq!(a, b, "sort_by_key, n = {n}");
            let (mut a, mut b) = (v.clone(), v.clone());
            a.sort_by(|x, y| y.0.cmp(&x.0));
            b.sort_small_by(|x, y| y.0.cmp(&x.0));
            assert_eq!(a, b, "sort_by, n = {n}");
            let (mut a, mut b) = (v.clone(), v);
            a.sort();
            b.sort_small();
            assert_eq!(a, b, "sort, n = {n}");
        }
    }

    #[test]
    fn a_float_key_by_total_cmp_matches_std() {
        let v: Vec<f64> = (0..300).map(|i| if i % 7 == 0 { -0.0 } else { ((i * 37) % 101) as f64 / 3.0 }).collect();
        let (mut a, mut b) = (v.clone(), v);
        a.sort_by(f64::total_cmp);
        b.sort_small_by(f64::total_cmp);
        assert_eq!(a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), b.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
    }

    #[test]
    fn elements_that_own_memory_are_moved_not_copied() {
        let mut v: Vec<String> = ["pear", "fig", "apple", "kiwi", "fig"].iter().map(|s| s.to_string()).collect();
        v.sort_small();
        assert_eq!(v, ["apple", "fig", "fig", "kiwi", "pear"]);
    }
}
