//! The use cases of Ranks.
//!
//! One public async function per user action. Each write runs in one
//! transaction and appends to the audit log in that same transaction, so a
//! refused or failed action leaves nothing behind. Every function takes the
//! [`Actor`] doing it and refuses anything outside the actor's subtree, so
//! personal data never leaks upward or sideways. Time comes from a [`Clock`]
//! given to [`App`], never read inside the logic.

pub mod analytics;
pub mod auth;
pub mod bulk;
pub mod calendar_feed;
pub mod checks;
mod clock;
pub mod demo;
pub mod duplicates;
mod error;
pub mod evaluation;
pub mod export;
pub mod forecast;
#[doc(hidden)]
pub mod forecast_reference;
mod generation;
pub mod history;
pub mod import;
pub mod index;
pub mod integrity;
pub mod meetings;
pub mod notify;
pub mod ops;
pub mod overview;
pub mod pickers;
pub mod pipeline;
pub mod privacy;
mod rebuild;
pub mod refusals;
pub mod reports;
pub mod scope;
pub mod search;
pub mod stream;
pub mod subject;
pub mod summaries;
pub mod supervision;
pub mod targets;
pub mod transfers;
mod tree_order;
pub mod xlsx;

pub use clock::{Clock, FixedClock, SystemClock};

/// Where the data lives: the database address, the open database and the
/// audit key files, as the CLI's configuration names them. These are the
/// store's configuration values, not its rows; they pass through the
/// application so that the CLI and the web never depend on the store.
pub mod storage {
    pub use ranks_store::anchor::AuditFiles;
    /// Calls and time this process's writers spent keeping the search
    /// postings up (docs/search.md), for `ranks bench`.
    pub use ranks_store::records::postings::upkeep as search_postings_upkeep;
    pub use ranks_store::{redact_url, DatabaseUrl, Db};
}
pub use error::AppError;

use ranks_domain::procedure::Profile;
use ranks_domain::OrgPath;
use ranks_store::records::units::{self, UnitRow};
use ranks_store::{Db, WriteTx};
use std::sync::Arc;

/// Who is acting, and which part of the tree they may see and change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub scope: Scope,
    pub role: auth::Role,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole tree (the system itself, the top-level administrator).
    All,
    /// One unit and everything below it.
    Subtree(OrgPath),
    /// Several units with their subtrees (a supervisor's charge).
    Units(Vec<OrgPath>),
}

impl Actor {
    /// The system acting on its own (the demo loader, the CLI run by the
    /// server's operator, who has the whole database file anyway).
    pub fn system() -> Self {
        Actor {
            name: "system".into(),
            scope: Scope::All,
            role: auth::Role::Admin,
        }
    }

    pub fn can_see(&self, path: &OrgPath) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Subtree(root) => root.contains(path),
            Scope::Units(roots) => roots.iter().any(|r| r.contains(path)),
        }
    }
}

/// The application: a database, a clock and the procedure profile.
#[derive(Clone)]
pub struct App {
    db: Db,
    clock: Arc<dyn Clock>,
    profile: Arc<Profile>,
    index: Arc<index::IndexCell>,
    auth: Arc<auth::AuthState>,
    /// The imports' limits and turnstile.
    imports: Arc<import::limits::Gate>,
    /// The shared audit generation poll and the actors read against it.
    fresh: Arc<generation::Fresh>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, profile: Arc<Profile>) -> Self {
        App {
            db,
            clock,
            profile,
            index: Arc::new(index::IndexCell::default()),
            auth: Arc::new(auth::AuthState::default()),
            imports: Arc::new(import::limits::Gate::new(import::ImportLimits::default())),
            fresh: Arc::new(generation::Fresh::default()),
        }
    }

    pub(crate) fn fresh(&self) -> &generation::Fresh {
        &self.fresh
    }

    pub(crate) fn auth_state(&self) -> &auth::AuthState {
        &self.auth
    }

    pub(crate) fn index_cell(&self) -> &index::IndexCell {
        &self.index
    }

    /// The database as configured, for the bulk loader's own connection.
    pub(crate) fn db_url(&self) -> Result<ranks_store::DatabaseUrl, AppError> {
        Ok(self.db.database_url().clone())
    }

    pub fn profile(&self) -> &Arc<Profile> {
        &self.profile
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Looks a unit up by code, as the actor may see it. A unit outside the
    /// actor's scope is reported as not found, so its existence does not leak.
    pub async fn unit(&self, actor: &Actor, code: &str) -> Result<UnitRow, AppError> {
        let mut conn = self.db.read().await?;
        Ok(visible_unit(&mut conn, actor, code).await?.into_inner())
    }

    /// The unit a report starts from: the given code, or else the actor's
    /// own root (the single top unit for the system).
    pub async fn report_root(
        &self,
        actor: &Actor,
        code: Option<&str>,
    ) -> Result<UnitRow, AppError> {
        let mut conn = self.db.read().await?;
        match code {
            Some(c) => Ok(visible_unit(&mut conn, actor, c).await?.into_inner()),
            None => Ok(default_root(&mut conn, actor).await?.into_inner()),
        }
    }

    pub(crate) async fn write(&self) -> Result<WriteTx, AppError> {
        Ok(self.db.begin_write().await?)
    }
}

pub(crate) use scope::unit as visible_unit;

/// A report's root as of a past day: `org` if the actor sees it, else the
/// actor's own root; refused when the unit did not exist yet on `as_of`.
pub(crate) async fn root_on(
    conn: &mut ranks_store::Conn,
    actor: &Actor,
    org: Option<&str>,
    as_of: ranks_domain::Date,
) -> Result<scope::Visible<UnitRow>, AppError> {
    let root = match org {
        Some(c) => visible_unit(conn, actor, c).await?,
        None => default_root(conn, actor).await?,
    };
    if root.created_on > as_of {
        return Err(ranks_domain::DomainError::invalid(
            "as_of",
            as_of.to_string(),
            "a date on or after the unit was created",
        )
        .into());
    }
    Ok(root)
}

/// The actor's own root: the first unit of their charge, or the single top
/// unit for an actor over the whole tree.
pub(crate) async fn default_root(
    conn: &mut ranks_store::Conn,
    actor: &Actor,
) -> Result<scope::Visible<UnitRow>, AppError> {
    let top = match &actor.scope {
        Scope::Units(paths) => paths.first().ok_or(AppError::Empty)?,
        Scope::Subtree(path) => path,
        Scope::All => {
            let roots = units::roots(conn).await?;
            let root = roots.into_iter().next().ok_or(AppError::Empty)?;
            return scope::created_unit(actor, root);
        }
    };
    let id = *top.ids().last().expect("a path has at least one id");
    scope::unit_by_id(conn, actor, id).await
}
