//! Reminders by e-mail (issue 17, docs/reminders.md): each user's choice
//! of a digest, the digests due at a moment, and the record that makes
//! each digest go out once.
//!
//! A digest is identified by its user and its period (the day for a daily
//! digest, the ISO week for a weekly one). Before the message is handed to
//! the SMTP server its record is written as `sending` in a transaction of
//! its own; after, as `sent`, or `failed` with the time of the next try
//! (exponential backoff), or `gave_up` after [`MAX_ATTEMPTS`]. A record in
//! any state but a `failed` one whose next try has come is never sent
//! again, so a restart (even one in the middle of a send) never sends the
//! same digest twice. Composing and sending the message is the web crate's
//! (`ranks_web::notify`): the words are its Fluent messages.

use crate::pipeline::DueRow;
use crate::{Actor, App, AppError, Scope};
use chrono::{DateTime, Datelike, Duration, FixedOffset, SecondsFormat, Timelike, Utc};
use ranks_domain::{Date, DomainError};
use ranks_store::records::reminders::{self, PrefsRow, RunRow};
use ranks_store::records::{members, supervisors, units, users};
use serde::Serialize;
use std::collections::HashSet;

/// How often a user gets a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    Off,
    Daily,
    Weekly,
}

impl Every {
    pub fn parse(s: &str) -> Result<Every, DomainError> {
        match s.trim() {
            "off" => Ok(Every::Off),
            "daily" => Ok(Every::Daily),
            "weekly" => Ok(Every::Weekly),
            _ => Err(DomainError::invalid(
                "digest",
                s,
                "one of off, daily, weekly",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Every::Off => "off",
            Every::Daily => "daily",
            Every::Weekly => "weekly",
        }
    }
}

/// The languages a digest is written in.
pub const LANGS: [&str; 3] = ["vi", "en", "de"];
/// Working days ahead a digest looks unless the user says otherwise.
pub const DEFAULT_DAYS_AHEAD: i64 = 10;
/// The farthest a digest looks ahead, in working days.
pub const MAX_DAYS_AHEAD: i64 = 60;
/// The longest e-mail address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Attempts at one digest before it is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// The wait before the second attempt; it doubles after each failure.
pub const FIRST_RETRY_SECONDS: i64 = 60;
/// The longest wait between two attempts.
pub const MAX_RETRY_SECONDS: i64 = 6 * 3600;
/// The most of an SMTP error kept in the record.
const MAX_ERROR_CHARS: usize = 500;

/// A user's reminder settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderPrefs {
    /// Empty: no address yet (no digest is sent).
    pub email: String,
    pub lang: String,
    pub every: Every,
    /// Deadlines within so many working days are listed (overdue ones always).
    pub days_ahead: i64,
}

impl Default for ReminderPrefs {
    fn default() -> Self {
        ReminderPrefs {
            email: String::new(),
            lang: "vi".into(),
            every: Every::Off,
            days_ahead: DEFAULT_DAYS_AHEAD,
        }
    }
}

/// A plain check of an address: one `@`, a local part and a domain with a
/// dot, no spaces or control characters, at most 254 characters. (The SMTP
/// server has the last word.)
pub fn check_email(s: &str) -> Result<String, DomainError> {
    let s = s.trim();
    let bad = || DomainError::invalid("email", s, "an e-mail address like name@example.vn");
    if s.chars().count() > MAX_EMAIL_CHARS
        || s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
    {
        return Err(bad());
    }
    let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || local.contains('@')
        || domain.len() < 3
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(s.to_string())
}

impl ReminderPrefs {
    /// Checks every field, naming the one that is wrong.
    pub fn checked(self) -> Result<ReminderPrefs, DomainError> {
        let email = if self.email.trim().is_empty() {
            String::new()
        } else {
            check_email(&self.email)?
        };
        if email.is_empty() && self.every != Every::Off {
            return Err(DomainError::invalid(
                "email",
                "",
                "an e-mail address to send the digest to",
            ));
        }
        let lang = self.lang.trim().to_ascii_lowercase();
        if !LANGS.contains(&lang.as_str()) {
            return Err(DomainError::invalid("lang", self.lang, "one of vi, en, de"));
        }
        if !(0..=MAX_DAYS_AHEAD).contains(&self.days_ahead) {
            return Err(DomainError::invalid(
                "days_ahead",
                self.days_ahead.to_string(),
                "a whole number of working days from 0 to 60",
            ));
        }
        Ok(ReminderPrefs {
            email,
            lang,
            every: self.every,
            days_ahead: self.days_ahead,
        })
    }

    fn from_row(r: PrefsRow) -> ReminderPrefs {
        ReminderPrefs {
            email: r.email,
            lang: r.lang,
            every: Every::parse(&r.digest).unwrap_or(Every::Off),
            days_ahead: r.days_ahead,
        }
    }
}

/// One deadline of a digest.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DigestItem {
    #[serde(flatten)]
    pub due: DueRow,
    /// Overdue, and the user is the committee member in charge it escalates to.
    pub escalated_to_me: bool,
}

/// A digest to send (or to show, in a dry run).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Digest {
    pub user_id: i64,
    pub username: String,
    pub email: String,
    pub lang: String,
    pub every: Every,
    pub days_ahead: i64,
    /// `2026-12-01` (daily) or `2026-W49` (weekly).
    pub period: String,
    /// The day the deadlines are counted on.
    pub day: Date,
    /// Overdue first (escalated to the user before the rest), then soonest.
    pub items: Vec<DigestItem>,
    /// Attempts made before this one.
    pub attempts_before: i64,
    /// The same for every attempt at this digest (`<…@ranks>`).
    pub message_id: String,
}

/// What became of one digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Sent,
    /// Nothing due: recorded, nothing sent.
    Empty,
    /// Failed; tried again after the recorded wait.
    Failed,
    /// Failed for the last time.
    GaveUp,
    /// Another runner had taken it meanwhile.
    Taken,
}

/// The record of a digest, as `ranks notify` lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RunRecord {
    pub username: String,
    pub period: String,
    pub status: String,
    pub recipient: String,
    pub lang: String,
    pub items: i64,
    pub attempts: i64,
    pub next_try_at: Option<String>,
    pub last_error: Option<String>,
    pub message_id: String,
    pub sent_at: Option<String>,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The wait after the `attempts`-th failure: 60 s, 120 s, 240 s, … at most 6 h.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    Duration::seconds((FIRST_RETRY_SECONDS << doublings).min(MAX_RETRY_SECONDS))
}

/// The period of a digest on `day`.
pub fn period_of(every: Every, day: Date) -> String {
    match every {
        Every::Weekly => {
            let w = day.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        _ => day.to_string(),
    }
}

fn vn(now: DateTime<Utc>) -> DateTime<FixedOffset> {
    now.with_timezone(&FixedOffset::east_opt(7 * 3600).expect("valid offset"))
}

impl App {
    /// The signed-in user's own settings (the defaults before any are saved).
    pub async fn my_reminders(&self, actor: &Actor) -> Result<ReminderPrefs, AppError> {
        let mut conn = self.db().read().await?;
        let user = own_user(&mut conn, &actor.name).await?;
        Ok(reminders::prefs(&mut conn, user.id)
            .await?
            .map(ReminderPrefs::from_row)
            .unwrap_or_default())
    }

    /// Saves the signed-in user's own settings (any role may).
    pub async fn set_my_reminders(
        &self,
        actor: &Actor,
        prefs: ReminderPrefs,
    ) -> Result<(), AppError> {
        let prefs = prefs.checked()?;
        let username = actor.name.clone();
        self.run_unchecked(actor, move |cx| {
            Box::pin(async move { save_prefs(cx, &username, prefs).await })
        })
        .await
    }

    /// An administrator sets another user's settings (`ranks user reminders`).
    pub async fn set_user_reminders(
        &self,
        actor: &Actor,
        username: &str,
        prefs: ReminderPrefs,
    ) -> Result<(), AppError> {
        if actor.scope != Scope::All {
            return Err(AppError::Forbidden(
                "only an administrator sets another user's reminders".into(),
            ));
        }
        let prefs = prefs.checked()?;
        let username = username.trim().to_lowercase();
        self.run_unchecked(actor, move |cx| {
            Box::pin(async move { save_prefs(cx, &username, prefs).await })
        })
        .await
    }

    /// A user's settings, for an administrator.
    pub async fn user_reminders(
        &self,
        actor: &Actor,
        username: &str,
    ) -> Result<ReminderPrefs, AppError> {
        if actor.scope != Scope::All {
            return Err(AppError::Forbidden(
                "only an administrator reads another user's reminders".into(),
            ));
        }
        let mut conn = self.db().read().await?;
        let user = own_user(&mut conn, &username.trim().to_lowercase()).await?;
        Ok(reminders::prefs(&mut conn, user.id)
            .await?
            .map(ReminderPrefs::from_row)
            .unwrap_or_default())
    }

    /// The digests due now: every enabled user with an address whose digest
    /// of the current period has no record yet, or failed and whose next
    /// try has come. Digests go out on working days from `send_hour`
    /// (Vietnam's time); `on` names the day instead of the clock's and
    /// skips the hour. Each digest holds the deadlines of the user's scope
    /// due within their working days (overdue ones always).
    pub async fn digests_due(
        &self,
        on: Option<Date>,
        send_hour: u32,
    ) -> Result<Vec<Digest>, AppError> {
        let now = self.clock().now();
        let day = match on {
            Some(d) => self.check_date("on", d)?,
            None => {
                if vn(now).hour() < send_hour {
                    return Ok(Vec::new());
                }
                self.clock().today()
            }
        };
        if !self.calendar().await?.is_working_day(day) {
            return Ok(Vec::new());
        }
        let subscribed = {
            let mut conn = self.db().read().await?;
            reminders::subscribed(&mut conn).await?
        };
        let mut out = Vec::new();
        for p in subscribed {
            let every = Every::parse(&p.digest)?;
            let period = period_of(every, day);
            let (user, actor, before) = {
                let mut conn = self.db().read().await?;
                let Some(user) = users::by_id(&mut conn, p.user_id).await? else {
                    continue;
                };
                let Some(actor) = crate::auth::user_actor(&mut conn, user.id).await? else {
                    continue; // disabled, or without a unit
                };
                let before = reminders::run(&mut conn, user.id, &period).await?;
                (user, actor, before)
            };
            let attempts_before = match &before {
                None => 0,
                Some(r)
                    if r.status == "failed" && r.next_try_at.as_deref() <= Some(&stamp(now)) =>
                {
                    r.attempts
                }
                Some(_) => continue,
            };
            let items = self.digest_items(&actor, &user, p.days_ahead, day).await?;
            out.push(Digest {
                user_id: user.id,
                username: user.username,
                email: p.email,
                lang: p.lang,
                every,
                days_ahead: p.days_ahead,
                message_id: format!("<reminder.{}.{}@ranks>", p.user_id, period),
                period,
                day,
                items,
                attempts_before,
            });
        }
        Ok(out)
    }

    /// The deadlines of a user's scope (each of a supervisor's units),
    /// once each, with those escalated to the user marked.
    async fn digest_items(
        &self,
        actor: &Actor,
        user: &users::UserRow,
        days_ahead: i64,
        day: Date,
    ) -> Result<Vec<DigestItem>, AppError> {
        let roots = self.scope_roots(actor).await?;
        let mine = {
            let mut conn = self.db().read().await?;
            // "Name (UNIT)" as the due list names the members in charge.
            let mut mine = HashSet::new();
            if let Some(m) = user.member_id {
                if let Some(member) = members::by_id(&mut conn, m).await? {
                    for (unit_id, _, _) in supervisors::units_of(&mut conn, m).await? {
                        if let Some(u) = units::by_id(&mut conn, unit_id).await? {
                            mine.insert(format!("{} ({})", member.full_name, u.code));
                        }
                    }
                }
            }
            mine
        };
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        for root in roots {
            for row in self
                .due_as_of(actor, root.as_deref(), Some(days_ahead), Some(day))
                .await?
            {
                if seen.insert(row.candidate_id) {
                    let escalated_to_me =
                        row.overdue && row.escalated_to.iter().any(|e| mine.contains(e));
                    items.push(DigestItem {
                        due: row,
                        escalated_to_me,
                    });
                }
            }
        }
        items.sort_by_key(|i| {
            (
                !i.escalated_to_me,
                !i.due.overdue,
                i.due.due,
                i.due.candidate_id,
            )
        });
        Ok(items)
    }

    /// Takes a digest for sending: writes its record as `sending` (or as
    /// `empty` when it lists nothing) in a transaction of its own. `None`
    /// when there is nothing to send: empty, or another runner took it.
    pub async fn digest_begin(&self, d: &Digest) -> Result<Option<i64>, AppError> {
        let now = stamp(self.clock().now());
        let mut tx = self.write().await?;
        let before = reminders::run(tx.conn(), d.user_id, &d.period).await?;
        let mut row = RunRow {
            id: 0,
            user_id: d.user_id,
            period: d.period.clone(),
            status: if d.items.is_empty() {
                "empty"
            } else {
                "sending"
            }
            .into(),
            recipient: d.email.clone(),
            lang: d.lang.clone(),
            items: d.items.len() as i64,
            attempts: if d.items.is_empty() { 0 } else { 1 },
            next_try_at: None,
            last_error: None,
            message_id: d.message_id.clone(),
            created_at: now.clone(),
            updated_at: now.clone(),
            sent_at: None,
        };
        let id = match before {
            None => reminders::insert_run(tx.conn(), &row).await?,
            Some(b) if b.status == "failed" && b.next_try_at.as_deref() <= Some(&now) => {
                row.id = b.id;
                row.attempts = b.attempts + 1;
                row.last_error = b.last_error;
                if d.items.is_empty() {
                    row.attempts = b.attempts;
                }
                if !reminders::update_run(tx.conn(), "failed", &row).await? {
                    tx.rollback().await?;
                    return Ok(None);
                }
                b.id
            }
            Some(_) => {
                tx.rollback().await?;
                return Ok(None);
            }
        };
        tx.commit().await?;
        Ok((!d.items.is_empty()).then_some(id))
    }

    /// Records what became of a digest taken by [`App::digest_begin`]:
    /// sent, or failed with the next try after [`backoff`], or given up.
    pub async fn digest_end(
        &self,
        run_id: i64,
        result: Result<(), String>,
    ) -> Result<Outcome, AppError> {
        let now = self.clock().now();
        let mut tx = self.write().await?;
        let Some(mut row) = reminders::run_by_id(tx.conn(), run_id).await? else {
            tx.rollback().await?;
            return Ok(Outcome::Taken);
        };
        row.updated_at = stamp(now);
        let outcome = match result {
            Ok(()) => {
                row.status = "sent".into();
                row.sent_at = Some(stamp(now));
                row.next_try_at = None;
                row.last_error = None;
                Outcome::Sent
            }
            Err(e) => {
                row.last_error = Some(e.chars().take(MAX_ERROR_CHARS).collect());
                if row.attempts >= MAX_ATTEMPTS {
                    row.status = "gave_up".into();
                    row.next_try_at = None;
                    Outcome::GaveUp
                } else {
                    row.status = "failed".into();
                    row.next_try_at = Some(stamp(now + backoff(row.attempts)));
                    Outcome::Failed
                }
            }
        };
        if !reminders::update_run(tx.conn(), "sending", &row).await? {
            tx.rollback().await?;
            return Ok(Outcome::Taken);
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// The most recent digest records (newest first), for `ranks notify`
    /// and the tests.
    pub async fn digest_records(&self, limit: i64) -> Result<Vec<RunRecord>, AppError> {
        let mut conn = self.db().read().await?;
        let rows = reminders::recent_runs(&mut conn, limit.clamp(1, 10_000)).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let username = users::by_id(&mut conn, r.user_id)
                .await?
                .map(|u| u.username)
                .unwrap_or_default();
            out.push(RunRecord {
                username,
                period: r.period,
                status: r.status,
                recipient: r.recipient,
                lang: r.lang,
                items: r.items,
                attempts: r.attempts,
                next_try_at: r.next_try_at,
                last_error: r.last_error,
                message_id: r.message_id,
                sent_at: r.sent_at,
            });
        }
        Ok(out)
    }
}

pub(crate) async fn own_user(
    conn: &mut ranks_store::Conn,
    username: &str,
) -> Result<users::UserRow, AppError> {
    users::by_username(conn, username)
        .await?
        .ok_or(AppError::NotFound {
            what: "user",
            key: username.to_string(),
        })
}

async fn save_prefs(
    cx: &mut crate::ops::Ctx<'_>,
    username: &str,
    prefs: ReminderPrefs,
) -> Result<(), AppError> {
    let user = own_user(cx.tx.conn(), username).await?;
    let before = reminders::prefs(cx.tx.conn(), user.id).await?;
    let row = PrefsRow {
        user_id: user.id,
        email: prefs.email.clone(),
        lang: prefs.lang.clone(),
        digest: prefs.every.as_str().into(),
        days_ahead: prefs.days_ahead,
        updated_at: cx.at.clone(),
    };
    reminders::set_prefs(cx.tx.conn(), &row).await?;
    let json = |p: &ReminderPrefs| serde_json::to_value(p).unwrap_or_default();
    cx.audit(
        "set",
        "reminders",
        user.id,
        before.map(|b| json(&ReminderPrefs::from_row(b))),
        Some(json(&prefs)),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_backoff_and_addresses() {
        let d = Date::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(period_of(Every::Daily, d), "2026-12-01");
        assert_eq!(period_of(Every::Weekly, d), "2026-W49");
        let jan = Date::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(period_of(Every::Weekly, jan), "2026-W53");
        assert_eq!(backoff(1), Duration::seconds(60));
        assert_eq!(backoff(2), Duration::seconds(120));
        assert_eq!(backoff(4), Duration::seconds(480));
        assert_eq!(backoff(30), Duration::seconds(MAX_RETRY_SECONDS));
        assert!(check_email("bithu@chibo.vn").is_ok());
        for bad in [
            "", "a", "a@b", "a b@c.vn", "@c.vn", "a@.vn", "a@c..vn", "a@c.vn>",
        ] {
            let e = check_email(bad).unwrap_err().to_string();
            assert!(e.contains("email"), "{bad}: {e}");
        }
        let long = format!("{}@chibo.vn", "a".repeat(250));
        assert!(check_email(&long).is_err());
        let p = ReminderPrefs {
            every: Every::Daily,
            ..ReminderPrefs::default()
        };
        assert!(p.checked().unwrap_err().to_string().contains("email"));
        let p = ReminderPrefs {
            lang: "fr".into(),
            ..ReminderPrefs::default()
        };
        assert!(p.checked().unwrap_err().to_string().contains("lang"));
        let p = ReminderPrefs {
            days_ahead: 61,
            ..ReminderPrefs::default()
        };
        assert!(p.checked().unwrap_err().to_string().contains("days_ahead"));
    }
}
