//! The audit generation, polled once for many concurrent requests, and
//! the signed-in actors remembered against it.
//!
//! Every cached read (a unit page's data, the actor behind a session or a
//! token) is checked against the audit generation: a value that changes
//! whenever any write commits. Polling it is one query; at 64 concurrent
//! requests it was 64 identical queries at once. Here a request waits for
//! the result of a poll that *started after the request arrived* (so it
//! sees every write committed before it came: never stale), and at most one
//! poll is in flight: everyone who arrived while one was running shares the
//! next one.

use crate::{Actor, App, AppError};
use ranks_domain::calendar::WorkCalendar;
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::watch;

/// The audit generation: newest audit id and entries in the look-back window.
pub type Generation = (i64, i64);

tokio::task_local! {
    /// The audit generation of the request being answered (see
    /// [`App::at_generation`]).
    static REQUEST_GENERATION: Generation;
}

/// The audit generation the request being answered polled after it
/// arrived, when it runs inside [`App::at_generation`].
pub(crate) fn request_generation() -> Option<Generation> {
    REQUEST_GENERATION.try_with(|g| *g).ok()
}

/// What is kept fresh against the audit generation.
#[derive(Default)]
pub(crate) struct Fresh {
    pub poll: GenerationPoll,
    pub actors: ActorCache,
    /// The working-day calendar with the overrides as of a generation.
    pub calendar: KeptAt<WorkCalendar>,
    /// Every term, oldest first, as of a generation.
    pub terms: KeptAt<std::sync::Arc<Vec<ranks_store::records::terms::TermRow>>>,
}

/// One value read as of an audit generation: whatever a write changes
/// appends to the audit log, so the value holds until the generation moves.
pub(crate) struct KeptAt<T>(Mutex<Option<(Generation, T)>>);

impl<T> Default for KeptAt<T> {
    fn default() -> Self {
        KeptAt(Mutex::new(None))
    }
}

impl<T: Clone> KeptAt<T> {
    /// The value kept at `generation`, if that is the one kept.
    pub fn at(&self, generation: Generation) -> Option<T> {
        let g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        g.as_ref()
            .filter(|(at, _)| *at == generation)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value`, read after `generation` was polled.
    pub fn keep(&self, generation: Generation, value: T) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((generation, value));
    }
}

impl App {
    /// The generation of the request being answered, or a fresh poll.
    pub(crate) async fn current_generation(&self) -> Result<Generation, AppError> {
        match request_generation() {
            Some(g) => Ok(g),
            None => self.audit_generation().await,
        }
    }

    /// Every term, oldest first: read once per audit generation.
    pub(crate) async fn all_terms(
        &self,
    ) -> Result<std::sync::Arc<Vec<ranks_store::records::terms::TermRow>>, AppError> {
        let generation = self.current_generation().await?;
        if let Some(t) = self.fresh().terms.at(generation) {
            return Ok(t);
        }
        let mut conn = self.db().read().await?;
        let t = std::sync::Arc::new(ranks_store::records::terms::all(&mut conn).await?);
        self.fresh().terms.keep(generation, t.clone());
        Ok(t)
    }
}

/// The poll in flight and the last poll finished.
pub(crate) struct GenerationPoll {
    state: Mutex<PollState>,
    /// (number of the last poll finished, its result; `None` when it failed).
    done: watch::Sender<(u64, Option<Generation>)>,
}

#[derive(Default)]
struct PollState {
    /// Polls started so far (the number of the latest one).
    started: u64,
    running: bool,
}

impl Default for GenerationPoll {
    fn default() -> Self {
        GenerationPoll {
            state: Mutex::new(PollState::default()),
            done: watch::channel((0, None)).0,
        }
    }
}

impl GenerationPoll {
    /// Marks a poll as started unless one is running: its number.
    fn try_start(&self) -> Option<u64> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.running {
            return None;
        }
        s.running = true;
        s.started += 1;
        Some(s.started)
    }

    /// The number the next poll will have: the first that starts after now.
    fn next_number(&self) -> u64 {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).started + 1
    }

    fn finish(&self, number: u64, result: Option<Generation>) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.running = false;
        self.done.send_replace((number, result));
    }

    /// Polls started so far (tests: how many queries were made).
    pub(crate) fn polls(&self) -> u64 {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).started
    }
}

/// A signed-in actor as last read from the database, valid while the
/// audit generation is the same (every change to users, roles, units,
/// supervisors, tokens and sessions, sign-out included, appends to the
/// audit log) and until the session or token expires.
#[derive(Clone)]
pub(crate) struct KnownActor {
    pub generation: Generation,
    pub actor: Actor,
    /// The session's CSRF token (empty for a script's token).
    pub csrf: String,
    /// RFC 3339, UTC, seconds: the session's or token's end.
    pub expires_at: String,
}

/// Actors behind token hashes (sessions and script tokens).
#[derive(Default)]
pub(crate) struct ActorCache(Mutex<HashMap<String, KnownActor>>);

impl ActorCache {
    /// At most this many signed-in actors are remembered.
    const MAX: usize = 10_000;

    /// The actor behind `hash` if it was read at `generation` and has not
    /// expired at `now` (same format as `expires_at`).
    pub fn get(&self, hash: &str, generation: Generation, now: &str) -> Option<KnownActor> {
        let m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        m.get(hash)
            .filter(|k| k.generation == generation && now < k.expires_at.as_str())
            .cloned()
    }

    pub fn put(&self, hash: String, known: KnownActor) {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= Self::MAX {
            let g = known.generation;
            m.retain(|_, k| k.generation == g);
            if m.len() >= Self::MAX {
                m.clear();
            }
        }
        m.insert(hash, known);
    }

    pub fn forget(&self, hash: &str) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(hash);
    }
}

impl App {
    /// A value that changes whenever a write commits: the newest audit id
    /// and how many entries sit in the look-back window below it (on
    /// PostgreSQL an entry with a lower id can commit later). Caches keyed
    /// on it are never stale: the value comes from a poll that started
    /// after this call, shared with the other calls waiting for it.
    pub async fn audit_generation(&self) -> Result<Generation, AppError> {
        let poll = &self.fresh().poll;
        let mut rx = poll.done.subscribe();
        let need = poll.next_number();
        loop {
            {
                let (number, result) = *rx.borrow_and_update();
                if number >= need {
                    match result {
                        Some(g) => return Ok(g),
                        // The shared poll failed: poll alone, for its error.
                        None => return self.poll_generation().await,
                    }
                }
            }
            if let Some(number) = poll.try_start() {
                // A task of its own: a request that goes away does not
                // leave the others waiting for a poll nobody finishes.
                let app = self.clone();
                tokio::spawn(async move {
                    let result = app.poll_generation().await.ok();
                    app.fresh().poll.finish(number, result);
                });
            }
            if rx.changed().await.is_err() {
                return self.poll_generation().await;
            }
        }
    }

    /// On an upkeep connection: the requests waiting for this poll may hold
    /// every reader.
    async fn poll_generation(&self) -> Result<Generation, AppError> {
        // Two index lookups: stepped inline on SQLite (see `Db::page_conn`);
        // on PostgreSQL through an upkeep connection (see `Db::upkeep`).
        match self.db().lite() {
            Some(lite) => {
                let mut c = lite.get()?;
                Ok(
                    ranks_store::index::audit_generation(&mut c.reader(), crate::index::WINDOW)
                        .await?,
                )
            }
            None => {
                let mut conn = self.db().upkeep().await?;
                Ok(ranks_store::index::audit_generation(
                    &mut (&mut *conn).into(),
                    crate::index::WINDOW,
                )
                .await?)
            }
        }
    }

    /// Runs the read `f` as of `generation`, which the caller polled with
    /// [`App::audit_generation`] after its request arrived. The in-memory
    /// structures (roll-up index, due summary, calendar) last brought up to
    /// date after a poll that gave the same generation are used as they are,
    /// without asking the database for changes again: none has committed
    /// since, or the generation would differ. For reads only: a write made
    /// inside `f` would not be seen by the reads after it.
    pub async fn at_generation<F: std::future::Future>(
        &self,
        generation: Generation,
        f: F,
    ) -> F::Output {
        REQUEST_GENERATION.scope(generation, f).await
    }

    /// How many audit generation polls this process has started.
    pub fn generation_polls(&self) -> u64 {
        self.fresh().poll.polls()
    }
}
