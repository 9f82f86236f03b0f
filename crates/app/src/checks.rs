//! From-scratch figures for `ranks bench --pages`: a subtree's members by
//! one plain COUNT, a sample of its members and candidates (to check a
//! search against a scan, and to open their pages), and a supervisor to
//! open the supervisor view with. Nothing here reads the summaries or
//! indexes the pages use.

use crate::{ops, scope, Actor, App, AppError};
use ranks_store::records::checks;

/// What the bench knows of one unit's subtree, read plainly.
#[derive(Debug, Clone)]
pub struct UnitSample {
    /// Current members of the subtree (one COUNT).
    pub members: u64,
    /// Up to the limit asked: (member id, full name), by id.
    pub names: Vec<(i64, String)>,
    /// Up to the limit asked: candidate ids.
    pub candidates: Vec<i64>,
}

impl App {
    /// The plain figures of the subtree of `code` (as the system).
    pub async fn check_sample(&self, code: &str, limit: i64) -> Result<UnitSample, AppError> {
        let mut conn = self.db().read().await?;
        let unit = scope::unit(&mut conn, &Actor::system(), code).await?;
        Ok(UnitSample {
            members: checks::count_current(&mut conn, &unit.path).await?,
            names: checks::current_names(&mut conn, &unit.path, limit).await?,
            candidates: checks::candidate_ids(&mut conn, &unit.path, limit).await?,
        })
    }

    /// Current members of the subtree of `code`, by one plain COUNT.
    pub async fn check_member_count(&self, code: &str) -> Result<u64, AppError> {
        let mut conn = self.db().read().await?;
        let unit = scope::unit(&mut conn, &Actor::system(), code).await?;
        Ok(checks::count_current(&mut conn, &unit.path).await?)
    }

    /// A member in charge of a unit of the subtree of `code`. When there is
    /// none, the first current member of the subtree is put in charge of
    /// the unit itself (audited, as the system), so that the supervisor
    /// view has someone to show; `None` for a subtree without members.
    pub async fn bench_supervisor(&self, code: &str) -> Result<Option<i64>, AppError> {
        let sys = Actor::system();
        let (path_member, existing) = {
            let mut conn = self.db().read().await?;
            let unit = scope::unit(&mut conn, &sys, code).await?;
            let existing = checks::a_supervisor(&mut conn, &unit.path).await?;
            let first = checks::current_names(&mut conn, &unit.path, 1).await?;
            (first.first().map(|m| m.0), existing)
        };
        if existing.is_some() {
            return Ok(existing);
        }
        let Some(member_id) = path_member else {
            return Ok(None);
        };
        let (code, since) = (code.to_string(), self.clock().today());
        self.run(&sys, move |cx| {
            Box::pin(async move {
                let unit = scope::unit(cx.tx.conn(), cx.actor, &code).await?;
                let member = scope::member(cx.tx.conn(), cx.actor, member_id).await?;
                ops::add_supervisor(cx, &unit, &member, "ranks bench", since).await?;
                Ok(())
            })
        })
        .await?;
        Ok(Some(member_id))
    }
}
