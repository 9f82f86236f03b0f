//! Calendar feeds (issue 17): each user may have one secret address,
//! `/calendar/{token}.ics`, that a calendar program subscribes to. It lists
//! the open deadlines in the user's scope, as computed at the moment it is
//! read (the due summary, the scope as it stands), in the language chosen
//! when the address was made. The token is random (256 bits), shown once,
//! stored only as a hash; a new one revokes the old, and so do a new
//! password and a disabled account.

use crate::auth::{random_token, token_hash, user_actor};
use crate::pipeline::DueRow;
use crate::{Actor, App, AppError, Scope};
use ranks_domain::{Date, DomainError};
use ranks_store::records::{calendar, units, users};
use std::collections::HashSet;

/// The most deadlines a feed holds, soonest (overdue) first.
pub const FEED_MAX_EVENTS: usize = 500;
/// How far ahead a feed looks, in working days (overdue ones always).
pub const FEED_WORKING_DAYS: i64 = 60;
/// What a feed token starts with.
const PREFIX: &str = "cal_";

/// A user's live feed, as the management page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedStatus {
    pub created_at: String,
    pub lang: String,
}

/// What a feed's address gives: the deadlines of its user's scope.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The feed's row (a stable part of each event's identity).
    pub id: i64,
    pub username: String,
    pub lang: String,
    pub today: Date,
    /// When the feed was read (UTC), the events' DTSTAMP.
    pub read_at: chrono::DateTime<chrono::Utc>,
    /// The deadlines, soonest first, at most [`FEED_MAX_EVENTS`].
    pub rows: Vec<DueRow>,
    /// Deadlines within the window that did not fit.
    pub left_out: u64,
}

/// Whether `token` has the shape of a feed token (checked before any read).
fn well_formed(token: &str) -> bool {
    token
        .strip_prefix(PREFIX)
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn check_lang(lang: &str) -> Result<(), AppError> {
    if ["vi", "en", "de"].contains(&lang) {
        Ok(())
    } else {
        Err(DomainError::invalid("lang", lang, "vi, en or de").into())
    }
}

impl App {
    async fn feed_user(&self, actor: &Actor) -> Result<users::UserRow, AppError> {
        let mut conn = self.db().read().await?;
        let user = crate::notify::own_user(&mut conn, &actor.name).await?;
        if user.disabled {
            return Err(AppError::NotFound {
                what: "user",
                key: actor.name.clone(),
            });
        }
        Ok(user)
    }

    /// The signed-in user's live feed, if they made one.
    pub async fn calendar_feed_status(
        &self,
        actor: &Actor,
    ) -> Result<Option<FeedStatus>, AppError> {
        let user = self.feed_user(actor).await?;
        let mut conn = self.db().read().await?;
        Ok(calendar::live_of_user(&mut conn, user.id)
            .await?
            .map(|f| FeedStatus {
                created_at: f.created_at,
                lang: f.lang,
            }))
    }

    /// A new feed address for the signed-in user, in `lang`; the earlier
    /// one stops answering. Returns the token (shown once).
    pub async fn new_calendar_feed(&self, actor: &Actor, lang: &str) -> Result<String, AppError> {
        check_lang(lang)?;
        let user = self.feed_user(actor).await?;
        let (lang, at) = (lang.to_string(), self.clock().stamp());
        self.run_unchecked(actor, move |cx| {
            Box::pin(async move {
                let revoked = calendar::revoke_all(cx.tx.conn(), user.id, &at).await?;
                let token = format!("{PREFIX}{}", random_token());
                let id = calendar::insert(cx.tx.conn(), &token_hash(&token), user.id, &lang, &at)
                    .await?;
                cx.audit(
                    "create",
                    "calendar_feed",
                    id,
                    None,
                    Some(serde_json::json!({
                        "user": user.username, "lang": lang, "revoked_before": revoked
                    })),
                )
                .await?;
                Ok(token)
            })
        })
        .await
    }

    /// Revokes the signed-in user's feed; false when there was none.
    pub async fn revoke_calendar_feed(&self, actor: &Actor) -> Result<bool, AppError> {
        let user = self.feed_user(actor).await?;
        let at = self.clock().stamp();
        self.run_unchecked(actor, move |cx| {
            Box::pin(async move {
                let n = calendar::revoke_all(cx.tx.conn(), user.id, &at).await?;
                if n > 0 {
                    cx.audit(
                        "revoke",
                        "calendar_feed",
                        user.id,
                        None,
                        Some(serde_json::json!({"user": user.username, "revoked": n})),
                    )
                    .await?;
                }
                Ok(n > 0)
            })
        })
        .await
    }

    /// The feed behind `token`: None when the token is malformed, unknown,
    /// revoked, or its user disabled (the caller answers 404 to all alike).
    pub async fn calendar_feed(&self, token: &str) -> Result<Option<Feed>, AppError> {
        if !well_formed(token) {
            return Ok(None);
        }
        let (feed, actor, username) = {
            let mut conn = self.db().read().await?;
            let Some(feed) = calendar::live_by_hash(&mut conn, &token_hash(token)).await? else {
                return Ok(None);
            };
            let Some(actor) = user_actor(&mut conn, feed.user_id).await? else {
                return Ok(None);
            };
            let name = actor.name.clone();
            (feed, actor, name)
        };
        let roots = self.scope_roots(&actor).await?;
        let mut rows: Vec<DueRow> = Vec::new();
        let mut seen = HashSet::new();
        let mut total = 0u64;
        for root in roots {
            let mut cursor: Option<String> = None;
            let mut taken = 0usize;
            loop {
                let page = self
                    .due_page(
                        &actor,
                        root.as_deref(),
                        Some(FEED_WORKING_DAYS),
                        Some(200),
                        cursor.as_deref(),
                    )
                    .await?;
                if cursor.is_none() {
                    total += page.total;
                }
                taken += page.rows.len();
                for r in page.rows {
                    if seen.insert(r.candidate_id) {
                        rows.push(r);
                    }
                }
                match page.next_cursor {
                    Some(c) if taken < FEED_MAX_EVENTS => cursor = Some(c),
                    _ => break,
                }
            }
        }
        rows.sort_by_key(|r| (r.due, r.candidate_id));
        rows.truncate(FEED_MAX_EVENTS);
        Ok(Some(Feed {
            id: feed.id,
            username,
            lang: feed.lang,
            today: self.clock().today(),
            read_at: self.clock().now(),
            left_out: total.saturating_sub(rows.len() as u64),
            rows,
        }))
    }

    /// The units whose deadlines are a user's (their feed, their digest):
    /// the actor's own root (`None`), or each unit a supervisor is in
    /// charge of, by code.
    pub(crate) async fn scope_roots(&self, actor: &Actor) -> Result<Vec<Option<String>>, AppError> {
        let Scope::Units(paths) = &actor.scope else {
            return Ok(vec![None]);
        };
        let mut conn = self.db().read().await?;
        let mut roots = Vec::new();
        for p in paths {
            let id = *p.ids().last().expect("a path has at least one id");
            if let Some(u) = units::by_id(&mut conn, id).await? {
                roots.push(Some(u.code.to_string()));
            }
        }
        Ok(roots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_tokens_are_looked_up() {
        let t = format!("cal_{}", "a1".repeat(32));
        assert!(well_formed(&t));
        assert!(!well_formed(&t[..t.len() - 1]));
        assert!(!well_formed(&format!("rk_{}", "a1".repeat(32))));
        assert!(!well_formed(&format!("cal_{}", "zz".repeat(32))));
        assert!(!well_formed(""));
    }
}
