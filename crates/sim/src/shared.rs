//! `Shared<T>`: a value that copies of a sim (rewind checkpoints) share until one of them
//! writes to it. Reads go straight through; the first write after a copy clones the value
//! (`Arc::make_mut`), so a checkpoint costs only what changed since the one before.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

#[derive(Debug, Default, PartialEq)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }

    /// The same value, not merely an equal one.
    pub fn ptr_eq(a: &Shared<T>, b: &Shared<T>) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// True if another copy of the sim holds this same value (so writing would clone it).
    pub fn is_shared(&self) -> bool {
        Arc::strong_count(&self.0) > 1
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Shared<T> {
        Shared::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_after_a_copy_leaves_the_copy_as_it_was() {
        let mut a = Shared::new(vec![1, 2]);
        let b = a.clone();
        assert!(a.is_shared());
        a.push(3);
        assert_eq!((&*a, &*b), (&vec![1, 2, 3], &vec![1, 2]));
        assert!(!a.is_shared() && !b.is_shared());
    }
}
