//! Jobs 0..n on a thread pool, their results handed over in index order through a small
//! reorder buffer. A worker may start job i only while i < (results handed over) + window, so
//! at most `window` results exist at once (running, waiting in the buffer or being handed
//! over), however many jobs there are: a run's memory does not grow with its replicates.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

/// How far ahead of the next result to hand over a worker may start.
pub(super) struct Window {
    size: usize,
    state: Mutex<Gate>,
    moved: Condvar,
}

struct Gate {
    /// Results handed over so far: the next index to hand over.
    handed: usize,
    /// Stop starting jobs (the consumer failed or the run was cancelled).
    stop: bool,
    /// Workers waiting for the window to move (tests).
    waiting: usize,
}

impl Window {
    pub(super) fn new(size: usize) -> Self {
        Window {
            size: size.max(1),
            state: Mutex::new(Gate {
                handed: 0,
                stop: false,
                waiting: 0,
            }),
            moved: Condvar::new(),
        }
    }

    fn gate(&self) -> std::sync::MutexGuard<'_, Gate> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until job `i` may start; false if the jobs were stopped.
    fn admit(&self, i: usize) -> bool {
        let mut g = self.gate();
        g.waiting += 1;
        while !g.stop && i >= g.handed + self.size {
            g = self.moved.wait(g).unwrap_or_else(|e| e.into_inner());
        }
        g.waiting -= 1;
        !g.stop
    }

    fn handed(&self, n: usize) {
        self.gate().handed = n;
        self.moved.notify_all();
    }

    fn stop(&self) {
        self.gate().stop = true;
        self.moved.notify_all();
    }

    /// Workers blocked because the window is full.
    #[cfg(test)]
    fn waiting(&self) -> usize {
        self.gate().waiting
    }
}

struct StopOnPanic<'a>(&'a Window);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

/// Why the jobs did not all finish.
pub(super) enum Stopped<E> {
    /// `produce` returned None (cancelled).
    Cancelled,
    /// `consume` failed.
    Failed(E),
}

/// Runs `produce(i)` for i in 0..n on `workers` workers of `pool`, and `consume` on the
/// calling thread for each result in index order. `produce` returning None stops the jobs.
pub(super) fn run_in_order<T: Send, E>(
    pool: &rayon::ThreadPool,
    workers: usize,
    n: usize,
    window: &Window,
    produce: impl Fn(usize) -> Option<T> + Sync,
    mut consume: impl FnMut(usize, T) -> Result<(), E>,
) -> Result<(), Stopped<E>> {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Option<T>)>();
    let (next, produce) = (&next, &produce);
    pool.in_place_scope(|scope| {
        for _ in 0..workers.max(1).min(n) {
            let tx = tx.clone();
            scope.spawn(move |_| {
                // A panicking job stops the others, so the consumer is not left waiting.
                let _guard = StopOnPanic(window);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n || !window.admit(i) {
                        break;
                    }
                    let out = produce(i);
                    let stopped = out.is_none();
                    if tx.send((i, out)).is_err() || stopped {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut buffer: BTreeMap<usize, T> = BTreeMap::new();
        let mut handed = 0;
        let result = (|| {
            for (i, out) in rx.iter() {
                let Some(out) = out else {
                    return Err(Stopped::Cancelled);
                };
                buffer.insert(i, out);
                while let Some(out) = buffer.remove(&handed) {
                    consume(handed, out).map_err(Stopped::Failed)?;
                    handed += 1;
                    window.handed(handed);
                }
            }
            Ok(())
        })();
        if result.is_err() {
            window.stop();
        }
        // Dropping the receiver makes any worker still running stop at its next send.
        drop(rx);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts results alive (produced, not yet consumed) and the most ever alive at once.
    #[derive(Default)]
    struct Alive {
        now: AtomicUsize,
        most: AtomicUsize,
    }

    impl Alive {
        fn born(&self) {
            let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
        }
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn results_come_in_order_and_at_most_a_window_is_alive_when_the_first_job_is_slowest() {
        let (threads, n, size) = (3, 200, 4);
        let pool = pool(threads);
        let window = Window::new(size);
        let alive = Alive::default();
        let started = AtomicUsize::new(0);
        let mut order = Vec::new();
        let result: Result<(), Stopped<()>> = run_in_order(
            &pool,
            threads,
            n,
            &window,
            |i| {
                started.fetch_add(1, Ordering::SeqCst);
                alive.born();
                if i == 0 {
                    // Job 0 finishes last of all it can: it waits until every other job has
                    // started (no bound on what is held) or the other workers are blocked by
                    // the window (the bound holds). No clock involved.
                    while started.load(Ordering::SeqCst) < n && window.waiting() < threads - 1 {
                        std::thread::yield_now();
                    }
                }
                Some(i)
            },
            |i, out| {
                alive.now.fetch_sub(1, Ordering::SeqCst);
                order.push((i, out));
                Ok(())
            },
        );
        assert!(result.is_ok());
        assert_eq!(order, (0..n).map(|i| (i, i)).collect::<Vec<_>>());
        let most = alive.most.load(Ordering::SeqCst);
        assert!(most <= size, "{most} results alive at once, window {size}");
        assert!(started.load(Ordering::SeqCst) == n);
    }

    #[test]
    fn a_failing_consumer_stops_the_jobs() {
        let pool = pool(2);
        let window = Window::new(2);
        let produced = AtomicUsize::new(0);
        let result = run_in_order(
            &pool,
            2,
            1000,
            &window,
            |i| {
                produced.fetch_add(1, Ordering::SeqCst);
                Some(i)
            },
            |i, _| if i == 5 { Err("disk full") } else { Ok(()) },
        );
        assert!(matches!(result, Err(Stopped::Failed("disk full"))));
        assert!(
            produced.load(Ordering::SeqCst) <= 5 + 1 + 2,
            "stopped within a window"
        );
    }

    #[test]
    fn a_cancelled_job_stops_the_rest() {
        let pool = pool(2);
        let window = Window::new(4);
        let result: Result<(), Stopped<()>> = run_in_order(
            &pool,
            2,
            100,
            &window,
            |i| (i < 10).then_some(i),
            |_, _| Ok(()),
        );
        assert!(matches!(result, Err(Stopped::Cancelled)));
    }
}
