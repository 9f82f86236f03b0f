//! Whole rebuilds of the in-memory structures (the roll-up index, the due
//! summary) that readers need not wait for.
//!
//! A structure followed by the audit log stays exact with an overlay of
//! what changed since it was built; past a size the overlay only costs
//! time, so a fresh build is started in a task of its own while readers go
//! on with the overlaid version. A build made ahead of need (tomorrow's due
//! summary, before midnight) waits here too. Whoever next brings the
//! structure up to date takes the finished build and applies the audit
//! entries written since its snapshot, exactly as it would have applied
//! them to the old version: no reader ever sees a stale count, and none
//! waits for a whole build that a usable version could stand in for.

use crate::AppError;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;

/// What to do with a finished build.
pub(crate) enum Use {
    Take,
    Keep,
    Drop,
}

/// A build in the background and the last one finished, not yet taken.
pub(crate) struct Background<T> {
    state: Mutex<State<T>>,
    /// Whole builds finished, in the foreground or the background.
    builds: AtomicU64,
}

struct State<T> {
    running: Option<JoinHandle<Result<T, AppError>>>,
    ready: Option<Arc<T>>,
}

impl<T> Default for Background<T> {
    fn default() -> Self {
        Background {
            state: Mutex::new(State {
                running: None,
                ready: None,
            }),
            builds: AtomicU64::new(0),
        }
    }
}

impl<T: Send + Sync + 'static> Background<T> {
    fn state(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts `build` in a task of its own unless a build is running or
    /// one finished and waits to be taken.
    pub(crate) fn start(&self, build: impl Future<Output = Result<T, AppError>> + Send + 'static) {
        let mut s = self.state();
        if s.running.is_none() && s.ready.is_none() {
            s.running = Some(tokio::spawn(build));
        }
    }

    /// Counts a whole build (one made in the foreground).
    pub(crate) fn counted(&self) {
        self.builds.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn builds(&self) -> u64 {
        self.builds.load(Ordering::Relaxed)
    }

    /// The finished build, if there is one and `decide` takes it; one to
    /// keep (made for a day still to come) stays, one to drop is dropped.
    pub(crate) async fn take(&self, decide: impl Fn(&T) -> Use) -> Option<Arc<T>> {
        let finished = {
            let mut s = self.state();
            match &s.running {
                Some(h) if h.is_finished() => s.running.take(),
                _ => None,
            }
        };
        if let Some(h) = finished {
            match h.await {
                Ok(Ok(t)) => {
                    self.counted();
                    self.state().ready = Some(Arc::new(t));
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "a rebuild in the background failed"),
                Err(e) => tracing::warn!(error = %e, "a rebuild in the background stopped"),
            }
        }
        let mut s = self.state();
        match s.ready.as_deref().map(decide) {
            Some(Use::Take) => s.ready.take(),
            Some(Use::Drop) => {
                s.ready = None;
                None
            }
            Some(Use::Keep) | None => None,
        }
    }

    /// Waits until no build is running (tests and benchmarks).
    pub(crate) async fn settle(&self) {
        loop {
            let running = self
                .state()
                .running
                .as_ref()
                .is_some_and(|h| !h.is_finished());
            if !running {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }
}
