//! Cancellation between runs: a caller that is not the CLI (the Python package, whose Ctrl-C
//! must stop a long run without ending the interpreter) installs a [`Cancel`] token on its
//! thread; replicates, comparisons and sweeps started on that thread check it before each run
//! (a calibration after each batch of candidates) and stop with a `Cancelled` error. Without a token nothing is checked and nothing changes:
//! the binary never installs one (its Ctrl-C handler exits the process).

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A shared flag: set once by [`Cancel::cancel`], read by the runs of the thread holding it.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the work holding this token to stop before its next run.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// True once [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

/// Runs `f` with `token` installed on this thread: the experiments `f` starts here check it.
pub fn with_token<R>(token: &Cancel, f: impl FnOnce() -> R) -> R {
    let previous = CURRENT.with(|c| c.replace(Some(token.clone())));
    // Restored even if `f` panics, so a reused thread does not keep a stale token.
    struct Restore(Option<Cancel>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
    let _restore = Restore(previous);
    f()
}

/// The token installed on this thread, read by an experiment before it hands work to rayon's
/// workers (which do not share the thread-local).
pub fn current() -> Option<Cancel> {
    CURRENT.with(|c| c.borrow().clone())
}

/// True if `token` is there and cancelled.
pub fn is_cancelled(token: &Option<Cancel>) -> bool {
    token.as_ref().is_some_and(Cancel::is_cancelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_seen_only_inside_with_token() {
        assert!(current().is_none());
        let token = Cancel::new();
        with_token(&token, || {
            assert!(!is_cancelled(&current()));
            token.cancel();
            assert!(is_cancelled(&current()));
        });
        assert!(current().is_none());
    }
}
