//! The picture's per-frame lookups, without a `BTreeMap` per key/value type (issue 13: each
//! such type was its own few KB of B-tree code in the wasm, and collecting into one also
//! instantiated std's stable sort).

/// A map from task index to a value, stored dense (`Vec<Option<V>>`): task keys are indexes
/// into `sim.tasks`.
pub struct ByTask<V>(Vec<Option<V>>);

impl<V> Default for ByTask<V> {
    fn default() -> Self {
        ByTask(Vec::new())
    }
}

impl<V: Copy> ByTask<V> {
    /// From (task, value) pairs; a task listed twice keeps its last value (as collecting into a
    /// map would).
    pub fn from_pairs(pairs: &[(usize, V)]) -> Self {
        let mut m = ByTask(Vec::new());
        for &(t, v) in pairs {
            m.insert(t, v);
        }
        m
    }

    pub fn insert(&mut self, t: usize, v: V) {
        if t >= self.0.len() {
            self.0.resize_with(t + 1, || None);
        }
        self.0[t] = Some(v);
    }

    /// Sets `t`'s value unless it has one.
    pub fn insert_first(&mut self, t: usize, v: V) {
        if self.get(&t).is_none() {
            self.insert(t, v);
        }
    }

    pub fn get(&self, t: &usize) -> Option<&V> {
        self.0.get(*t).and_then(Option::as_ref)
    }

    pub fn get_mut(&mut self, t: &usize) -> Option<&mut V> {
        self.0.get_mut(*t).and_then(Option::as_mut)
    }
}

#[cfg(test)]
mod tests {
    use super::ByTask;

    #[test]
    fn lookups_by_task_index() {
        let mut m = ByTask::from_pairs(&[(3, 'a'), (1, 'b'), (3, 'c')]);
        assert_eq!((m.get(&3), m.get(&1), m.get(&0), m.get(&9)), (Some(&'c'), Some(&'b'), None, None));
        m.insert_first(1, 'x');
        m.insert_first(7, 'y');
        *m.get_mut(&3).unwrap() = 'z';
        assert!(m.get_mut(&5).is_none());
        assert_eq!((m.get(&1), m.get(&7), m.get(&3)), (Some(&'b'), Some(&'y'), Some(&'z')));
    }

    #[test]
    fn a_lookup_finds_each_keys_last_value() {
        let l = super::Lookup::new([("b", 1), ("a", 2), ("c", 3), ("a", 4), ("b", 5)]);
        assert_eq!([l.get(&"a"), l.get(&"b"), l.get(&"c"), l.get(&"0"), l.get(&"d")], [Some(&4), Some(&5), Some(&3), None, None]);
        assert_eq!(super::Lookup::<u8, u8>::new([]).get(&1), None);
    }
}

/// A read-only map from keys to values: a list sorted once by key (one shared sort,
/// `stevedore_sim::sort`), looked up by binary search. Issue 13: collecting into a
/// `BTreeMap` instantiates std's stable sort and the B-tree's builder per key/value type.
pub struct Lookup<K, V>(Vec<(K, V)>);

impl<K: Ord, V> Lookup<K, V> {
    /// A key listed twice finds its last value (as collecting into a map would keep).
    pub fn new(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        use stevedore_sim::sort::SortSmall;
        let mut v: Vec<(K, V)> = pairs.into_iter().collect();
        v.sort_small_by(|a, b| a.0.cmp(&b.0));
        Lookup(v)
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        let end = self.0.partition_point(|(k, _)| k <= key);
        self.0[..end].last().filter(|(k, _)| k == key).map(|(_, v)| v)
    }
}
