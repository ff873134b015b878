//! The 1-minute tier of a metric, stored by the hour: an hour whose 60 values are all the same
//! (a task count, a healthy-host count, an idle service's 0 %) shrinks to one value. Most of a
//! cluster's series are like that, so 15 days of them cost little.

use std::collections::VecDeque;
use std::sync::Arc;

const HOUR: u64 = 60;

#[derive(Debug, Clone)]
enum Hour {
    Same(f64),
    /// Shared between copies of a sim (checkpoints): only the hour being written is copied.
    Each(Arc<[f64; HOUR as usize]>),
}

/// Minutes `[start, end)` held; NaN where a minute has no sample.
#[derive(Debug, Clone, Default)]
pub(super) struct MinuteTier {
    /// The first minute of the first hour held (a multiple of 60).
    base: u64,
    /// Minutes at the front of the first hour that have aged out.
    skip: u64,
    hours: VecDeque<Hour>,
}

impl MinuteTier {
    pub fn is_empty(&self) -> bool {
        self.hours.is_empty()
    }

    /// The first minute held.
    pub fn start(&self) -> u64 {
        self.base + self.skip
    }

    /// One past the last minute of the last hour held.
    pub fn end(&self) -> u64 {
        self.base + HOUR * self.hours.len() as u64
    }

    pub fn get(&self, m: u64) -> f64 {
        if m < self.start() || m >= self.end() {
            return f64::NAN;
        }
        match &self.hours[((m - self.base) / HOUR) as usize] {
            Hour::Same(v) => *v,
            Hour::Each(a) => a[((m - self.base) % HOUR) as usize],
        }
    }

    /// The value slot of minute `m`, growing the tier forward (or, for a minute before the
    /// first held, backward) with NaN.
    pub fn slot(&mut self, m: u64) -> &mut f64 {
        if self.hours.is_empty() {
            self.base = m / HOUR * HOUR;
            self.skip = m - self.base;
        }
        while m < self.base {
            self.hours.push_front(Hour::Same(f64::NAN));
            self.base -= HOUR;
            self.skip += HOUR;
        }
        if m < self.start() {
            // Minutes before the old start become held again: empty, not their aged-out values.
            for x in m..self.start() {
                *self.each(x) = f64::NAN;
            }
            self.skip = m - self.base;
        }
        let k = ((m - self.base) / HOUR) as usize;
        while self.hours.len() <= k {
            // The hour before the new one is complete: fold it if it's one repeated value.
            if let Some(last) = self.hours.back_mut() {
                if let Hour::Each(a) = last {
                    if a.iter().all(|x| x.to_bits() == a[0].to_bits()) {
                        *last = Hour::Same(a[0]);
                    }
                }
            }
            self.hours.push_back(Hour::Same(f64::NAN));
        }
        self.each(m)
    }

    fn each(&mut self, m: u64) -> &mut f64 {
        let (k, i) = (((m - self.base) / HOUR) as usize, ((m - self.base) % HOUR) as usize);
        let hour = &mut self.hours[k];
        if let Hour::Same(v) = *hour {
            *hour = Hour::Each(Arc::new([v; HOUR as usize]));
        }
        match hour {
            Hour::Each(a) => &mut Arc::make_mut(a)[i],
            Hour::Same(_) => unreachable!("expanded above"),
        }
    }

    /// What a copy of this tier costs beyond what it shares with the original.
    pub fn approx_bytes(&self) -> usize {
        self.hours.len() * std::mem::size_of::<Hour>() + std::mem::size_of::<[f64; HOUR as usize]>()
    }

    /// Removes the first minute held.
    pub fn pop_front(&mut self) -> Option<(u64, f64)> {
        if self.hours.is_empty() {
            return None;
        }
        let m = self.start();
        let v = self.get(m);
        self.skip += 1;
        if self.skip == HOUR {
            self.hours.pop_front();
            self.base += HOUR;
            self.skip = 0;
        }
        Some((m, v))
    }

    /// Minutes in `[from, to)` held, with their values (NaN where none).
    pub fn range(&self, from: u64, to: u64) -> impl Iterator<Item = (u64, f64)> + '_ {
        (from.max(self.start())..to.min(self.end())).map(move |m| (m, self.get(m)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_hours_fold_and_values_read_back() {
        let mut t = MinuteTier::default();
        for m in 30..200 {
            *t.slot(m) = if m < 120 { 1.0 } else { m as f64 };
        }
        assert!(matches!(t.hours[1], Hour::Same(v) if v == 1.0), "minutes 60-119 are all 1");
        assert!(matches!(t.hours[2], Hour::Each(_)));
        assert!(t.get(29).is_nan());
        assert_eq!((t.start(), t.get(30), t.get(119), t.get(150)), (30, 1.0, 1.0, 150.0));
        *t.slot(10) = 7.0; // late, before the first minute
        assert_eq!((t.start(), t.get(10), t.get(11).is_nan()), (10, 7.0, true));
        while t.start() < 125 {
            t.pop_front();
        }
        assert_eq!(t.range(0, 128).map(|(m, _)| m).collect::<Vec<_>>(), vec![125, 126, 127]);
        *t.slot(100_000) = 2.0; // a long gap: NaN hours, folded
        assert!(t.range(300, 99_999).all(|(_, v)| v.is_nan()));
        assert_eq!(t.get(100_000), 2.0);
    }
}
