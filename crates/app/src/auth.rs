//! Users, roles, sign-in and sessions.
//!
//! Passwords are stored as Argon2id hashes; a session is a random 256-bit
//! token given to the browser, of which only a SHA-256 hash is stored, with
//! its own CSRF token. Five failed sign-ins for a username within 15
//! minutes block further attempts until the window has passed.
//!
//! A sign-in takes its attempt out of the allowance in a short write
//! transaction first (counted and recorded as one step, so parallel
//! attempts cannot check more passwords than the allowance), then checks the
//! password on a blocking thread outside any transaction (Argon2 takes tens
//! of milliseconds and must not hold the single SQLite writer), then records
//! the outcome, the session and the audit entry in a second short
//! transaction. An unknown name is checked against a dummy hash with the
//! same parameters, so it takes as long as a known one.

use crate::generation::KnownActor;
use crate::ops::Ctx;
use crate::{visible_unit, Actor, App, AppError, Scope};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, SecondsFormat};
use ranks_domain::{DomainError, OrgPath};
use ranks_store::records::{calendar, supervisors, units, users};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// What a user may do, by role (the CLI's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything.
    Admin,
    /// Organising staff of a unit: read and write its subtree.
    Staff,
    /// A committee member: reads the units in their charge, enters evaluation input.
    Supervisor,
    /// A cell secretary: their cell.
    Secretary,
    /// Reads a subtree; no personal details beyond names.
    Viewer,
}

impl Role {
    pub fn parse(s: &str) -> Result<Role, DomainError> {
        match s.trim() {
            "admin" => Ok(Role::Admin),
            "staff" => Ok(Role::Staff),
            "supervisor" => Ok(Role::Supervisor),
            "secretary" => Ok(Role::Secretary),
            "viewer" => Ok(Role::Viewer),
            _ => Err(DomainError::invalid(
                "role",
                s,
                "one of admin, staff, supervisor, secretary, viewer",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Supervisor => "supervisor",
            Role::Secretary => "secretary",
            Role::Viewer => "viewer",
        }
    }

    /// May record steps, members, targets.
    pub fn writes(self) -> bool {
        matches!(self, Role::Admin | Role::Staff | Role::Secretary)
    }

    /// May enter evaluation scores.
    pub fn evaluates(self) -> bool {
        matches!(self, Role::Admin | Role::Staff | Role::Supervisor)
    }

    /// Sees birth dates and other personal details.
    pub fn personal_details(self) -> bool {
        !matches!(self, Role::Viewer)
    }
}

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Passwords too common to use: see the file's header for its source.
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// The password policy: not only whitespace, at least
/// [`MIN_PASSWORD_CHARS`] characters, and not one of the common passwords
/// (compared without regard to case). The error names the rule broken.
pub fn check_password(password: &str) -> Result<(), DomainError> {
    if password.chars().all(char::is_whitespace) {
        return Err(DomainError::invalid(
            "password",
            "(hidden)",
            "not only spaces or other whitespace",
        ));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(DomainError::invalid(
            "password",
            "(hidden)",
            "at least 12 characters",
        ));
    }
    if common_passwords().contains(password.trim().to_lowercase().as_str()) {
        return Err(DomainError::invalid(
            "password",
            "(hidden)",
            "a password not in the list of commonly used passwords",
        ));
    }
    Ok(())
}

/// Hashes a new password (Argon2id) after checking it against the policy.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    check_password(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Conflict(format!("cannot hash the password: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// What an unknown name's password is checked against, so that it takes as
/// long as a known name's: an Argon2id hash with the default parameters (a
/// test checks they are those of [`hash_password`]) whose salt and output
/// are random bytes, so no password is known to match it; checking one
/// against it runs the whole Argon2 computation all the same.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$KrOyvtLvwDx4Ll8ZeWzD1A$6gNYjtrdnU0i4ORF3+vIjyFAuPqiVe5mp4+m5jybWwI";

/// Sign-in state of one [`App`]: how many passwords were checked, how
/// many may be checked at once, when expired rows were last purged, and a
/// hook the tests use to act while a password is being checked.
pub struct AuthState {
    password_checks: AtomicU64,
    /// Half the cores check passwords at most: a flood of sign-ins waits
    /// here (holding nothing) instead of taking every core from the other
    /// requests.
    checking: tokio::sync::Semaphore,
    last_purge: Mutex<Option<chrono::DateTime<chrono::Utc>>>,
    #[allow(clippy::type_complexity)]
    check_hook: Mutex<Option<Arc<dyn Fn() + Send + Sync>>>,
}

impl Default for AuthState {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        AuthState {
            password_checks: AtomicU64::new(0),
            checking: tokio::sync::Semaphore::new((cores / 2).max(1)),
            last_purge: Mutex::new(None),
            check_hook: Mutex::new(None),
        }
    }
}

/// 32 random bytes from the OS, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A signed-in session, as the browser holds it.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub csrf: String,
}

/// Failed sign-ins allowed for a name within [`LOCKOUT_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
/// The window failed sign-ins are counted in.
pub const LOCKOUT_MINUTES: i64 = 15;
const SESSION_HOURS: i64 = 12;
/// The longest username.
const MAX_USERNAME_CHARS: usize = 64;
/// Expired sessions and old attempts are purged at most this often.
const PURGE_EVERY_SECONDS: i64 = 60;

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl App {
    /// Adds a user. Staff, secretaries and viewers belong to a unit (a
    /// secretary to a cell); a supervisor is a member in charge of units.
    pub async fn add_user(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
        role: Role,
        org: Option<&str>,
        member_id: Option<i64>,
    ) -> Result<i64, AppError> {
        if actor.scope != Scope::All {
            return Err(AppError::Forbidden(
                "only an administrator adds users".into(),
            ));
        }
        let username = username.trim().to_lowercase();
        if username.is_empty()
            || username.len() > MAX_USERNAME_CHARS
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(DomainError::invalid(
                "username",
                username,
                "at most 64 letters, digits, '.', '_' or '-'",
            )
            .into());
        }
        let hash = hash_password(password)?;
        let (org, at) = (org.map(str::to_string), self.clock().stamp());
        self.run(actor, move |cx| {
            Box::pin(async move {
                if users::by_username(cx.tx.conn(), &username).await?.is_some() {
                    return Err(AppError::Conflict(format!("user {username} already exists")));
                }
                let unit = match (&org, role) {
                    (Some(c), _) => Some(visible_unit(cx.tx.conn(), cx.actor, c).await?),
                    (None, Role::Admin | Role::Supervisor) => None,
                    (None, _) => return Err(DomainError::invalid("org", "", "the unit this user works for").into()),
                };
                if role == Role::Secretary && !unit.as_ref().is_some_and(|u| u.kind.holds_members()) {
                    return Err(AppError::Conflict("a secretary belongs to a cell".into()));
                }
                if role == Role::Supervisor && member_id.is_none() {
                    return Err(DomainError::invalid("member", "", "the member id of the committee member").into());
                }
                let id = users::insert(cx.tx.conn(), &username, &hash, role.as_str(), unit.as_ref().map(|u| u.id), member_id, &at).await?;
                cx.audit("create", "user", id, None, Some(serde_json::json!({"username": username, "role": role.as_str(), "unit": unit.map(|u| u.code.clone())})))
                    .await?;
                Ok(id)
            })
        })
        .await
    }

    pub async fn set_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
    ) -> Result<(), AppError> {
        if actor.scope != Scope::All {
            return Err(AppError::Forbidden(
                "only an administrator changes passwords".into(),
            ));
        }
        let hash = hash_password(password)?;
        let username = username.trim().to_lowercase();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let u = users::by_username(cx.tx.conn(), &username).await?.ok_or(
                    AppError::NotFound {
                        what: "user",
                        key: username.clone(),
                    },
                )?;
                let (sessions, tokens) = users::set_password(cx.tx.conn(), u.id, &hash).await?;
                // The calendar feed's address is a secret like a token.
                let at = cx.at.clone();
                let feeds = calendar::revoke_all(cx.tx.conn(), u.id, &at).await?;
                cx.audit(
                    "passwd",
                    "user",
                    u.id,
                    None,
                    Some(serde_json::json!({"sessions_ended": sessions, "tokens_revoked": tokens, "calendar_feeds_revoked": feeds})),
                )
                .await
            })
        })
        .await
    }

    /// Disables a user (ending their sessions and revoking their tokens) or
    /// enables them again (old sessions and tokens stay ended).
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        username: &str,
        disabled: bool,
    ) -> Result<(), AppError> {
        if actor.scope != Scope::All {
            return Err(AppError::Forbidden(
                "only an administrator disables or enables users".into(),
            ));
        }
        let username = username.trim().to_lowercase();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let u = users::by_username(cx.tx.conn(), &username).await?.ok_or(
                    AppError::NotFound {
                        what: "user",
                        key: username.clone(),
                    },
                )?;
                let (sessions, tokens) = users::set_disabled(cx.tx.conn(), u.id, disabled).await?;
                if disabled {
                    let at = cx.at.clone();
                    calendar::revoke_all(cx.tx.conn(), u.id, &at).await?;
                }
                cx.audit(
                    if disabled { "disable" } else { "enable" },
                    "user",
                    u.id,
                    Some(serde_json::json!({"disabled": u.disabled})),
                    Some(serde_json::json!({"disabled": disabled, "sessions_ended": sessions, "tokens_revoked": tokens})),
                )
                .await
            })
        })
        .await
    }

    pub async fn users(&self) -> Result<Vec<users::UserRow>, AppError> {
        let mut conn = self.db().read().await?;
        Ok(users::all(&mut conn).await?)
    }

    /// Signs in: a new session on success. Refused alike for an unknown user
    /// and a wrong password, and blocked after repeated failures.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<Session, AppError> {
        // No user has a longer name; what is recorded of a longer one is cut.
        let username: String = username
            .trim()
            .to_lowercase()
            .chars()
            .take(MAX_USERNAME_CHARS + 1)
            .collect();
        let now = self.clock().now();
        // 1. Take the attempt out of the allowance (or refuse), in a short
        //    transaction of its own.
        let mut tx = self.write().await?;
        self.purge_if_due(&mut tx, now).await?;
        let attempt = users::reserve_attempt(
            tx.conn(),
            &username,
            &stamp(now),
            &stamp(now - Duration::minutes(LOCKOUT_MINUTES)),
            MAX_FAILURES,
        )
        .await?;
        let user = users::by_username(tx.conn(), &username).await?;
        tx.commit().await?;
        let Some(attempt) = attempt else {
            return Err(AppError::RateLimited);
        };
        // 2. Check the password outside any transaction; an unknown name
        //    against the dummy hash, so it takes as long.
        let hash = user
            .as_ref()
            .map_or(DUMMY_HASH, |u| u.password_hash.as_str())
            .to_string();
        let matches = self.check_password_hash(password, hash).await?;
        // 3. Record the outcome.
        let mut tx = self.write().await?;
        let failure = match &user {
            None => Some("unknown user"),
            Some(_) if !matches => Some("wrong password"),
            Some(u) => match users::by_id(tx.conn(), u.id).await? {
                Some(now_u) if now_u.disabled => Some("disabled user"),
                // Changed while it was being checked: the old one no longer counts.
                Some(now_u) if now_u.password_hash != u.password_hash => Some("wrong password"),
                Some(_) => None,
                None => Some("unknown user"),
            },
        };
        let actor = Actor {
            name: if failure.is_none() {
                username.clone()
            } else {
                "anonymous".into()
            },
            scope: Scope::Units(Vec::new()),
            role: Role::Viewer,
        };
        let mut cx = Ctx {
            tx: &mut tx,
            actor: &actor,
            at: stamp(now),
            today: self.clock().today(),
        };
        if let Some(reason) = failure {
            cx.audit(
                "sign_in_failed",
                "sign_in",
                &username,
                None,
                Some(serde_json::json!({"reason": reason})),
            )
            .await?;
            tx.commit().await?;
            return Err(AppError::Forbidden("wrong username or password".into()));
        }
        let user = user.expect("checked");
        let session = Session {
            token: random_token(),
            csrf: random_token(),
        };
        users::attempt_succeeded(cx.tx.conn(), attempt).await?;
        users::create_session(
            cx.tx.conn(),
            &token_hash(&session.token),
            user.id,
            &session.csrf,
            &stamp(now),
            &stamp(now + Duration::hours(SESSION_HOURS)),
        )
        .await?;
        cx.audit(
            "sign_in",
            "sign_in",
            &username,
            None,
            Some(serde_json::json!({"user_id": user.id})),
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Checks a password against a hash on a blocking thread (Argon2 takes
    /// tens of milliseconds of CPU), at most half the cores at once, counted
    /// in [`App::password_checks`].
    async fn check_password_hash(&self, password: &str, hash: String) -> Result<bool, AppError> {
        let state = self.auth_state();
        let _turn = state
            .checking
            .acquire()
            .await
            .map_err(|e| AppError::Conflict(format!("the password check failed: {e}")))?;
        state.password_checks.fetch_add(1, Ordering::SeqCst);
        let hook = state
            .check_hook
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let password = password.to_string();
        tokio::task::spawn_blocking(move || {
            if let Some(hook) = hook {
                hook();
            }
            verify_password(&password, &hash)
        })
        .await
        .map_err(|e| AppError::Conflict(format!("the password check failed: {e}")))
    }

    /// How many passwords this application has checked with Argon2 (for
    /// the tests: an unknown name costs one check like a known one, and a
    /// blocked name none).
    pub fn password_checks(&self) -> u64 {
        self.auth_state().password_checks.load(Ordering::SeqCst)
    }

    /// Runs `hook` on the checking thread before each password check, while
    /// no transaction is open (the tests write the database from it).
    #[doc(hidden)]
    pub fn set_password_check_hook(&self, hook: Option<Arc<dyn Fn() + Send + Sync>>) {
        *self
            .auth_state()
            .check_hook
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = hook;
    }

    /// Deletes expired sessions and sign-in attempts older than the lockout
    /// window; returns how many of each. Sign-ins call it at most once a
    /// minute.
    pub async fn purge_expired(&self) -> Result<(u64, u64), AppError> {
        let now = self.clock().now();
        let mut tx = self.write().await?;
        let purged = users::purge(
            tx.conn(),
            &stamp(now),
            &stamp(now - Duration::minutes(LOCKOUT_MINUTES)),
        )
        .await?;
        tx.commit().await?;
        Ok(purged)
    }

    async fn purge_if_due(
        &self,
        tx: &mut ranks_store::WriteTx,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AppError> {
        let due = {
            let mut last = self
                .auth_state()
                .last_purge
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let due =
                last.is_none_or(|l| now < l || now - l >= Duration::seconds(PURGE_EVERY_SECONDS));
            if due {
                *last = Some(now);
            }
            due
        };
        if due {
            users::purge(
                tx.conn(),
                &stamp(now),
                &stamp(now - Duration::minutes(LOCKOUT_MINUTES)),
            )
            .await?;
        }
        Ok(())
    }

    /// Ends a session. The end is audited (as the sign-in was), which
    /// also tells every server sharing the database that actors it
    /// remembers are to be read again.
    pub async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        let hash = token_hash(token);
        self.fresh().actors.forget(&hash);
        let now = self.clock().now();
        let mut tx = self.db().begin_write().await?;
        let Some(user_id) = users::session_user(tx.conn(), &hash).await? else {
            tx.rollback().await?;
            return Ok(());
        };
        let username = users::by_id(tx.conn(), user_id)
            .await?
            .map_or_else(|| "anonymous".to_string(), |u| u.username);
        users::end_session(tx.conn(), &hash).await?;
        let actor = Actor {
            name: username.clone(),
            scope: Scope::Units(Vec::new()),
            role: Role::Viewer,
        };
        let mut cx = Ctx {
            tx: &mut tx,
            actor: &actor,
            at: stamp(now),
            today: self.clock().today(),
        };
        cx.audit(
            "sign_out",
            "sign_in",
            &username,
            None,
            Some(serde_json::json!({"user_id": user_id})),
        )
        .await?;
        tx.commit().await?;
        self.fresh().actors.forget(&hash);
        Ok(())
    }

    /// The actor behind a session token, with the session's CSRF token.
    /// Remembered while nothing is written (see [`App::audit_generation`])
    /// and until the session ends: no query per request, none written.
    pub async fn session_actor(&self, token: &str) -> Result<Option<(Actor, String)>, AppError> {
        let now = self
            .clock()
            .now()
            .to_rfc3339_opts(SecondsFormat::Secs, true);
        let hash = token_hash(token);
        let generation = self.audit_generation().await?;
        if let Some(k) = self.fresh().actors.get(&hash, generation, &now) {
            return Ok(Some((k.actor, k.csrf)));
        }
        let mut conn = self.db().read().await?;
        let Some((user_id, csrf, expires_at)) = users::session(&mut conn, &hash, &now).await?
        else {
            return Ok(None);
        };
        let Some(actor) = user_actor(&mut conn, user_id).await? else {
            return Ok(None);
        };
        self.fresh().actors.put(
            hash,
            KnownActor {
                generation,
                actor: actor.clone(),
                csrf: csrf.clone(),
                expires_at,
            },
        );
        Ok(Some((actor, csrf)))
    }

    /// A token for scripts, acting as `username` with that user's role and
    /// subtree, valid for `days`. The token is returned once; only its hash
    /// is kept.
    pub async fn create_token(
        &self,
        username: &str,
        name: &str,
        days: i64,
    ) -> Result<String, AppError> {
        if !(1..=3660).contains(&days) {
            return Err(DomainError::invalid("days", days.to_string(), "1 to 3660").into());
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(
                DomainError::invalid("name", "", "a name saying what the token is for").into(),
            );
        }
        let now = self.clock().now();
        let (username, name) = (username.trim().to_lowercase(), name.to_string());
        self.run(&Actor::system(), move |cx| {
            Box::pin(async move {
                let user = users::by_username(cx.tx.conn(), &username)
                    .await?
                    .filter(|u| !u.disabled)
                    .ok_or(AppError::NotFound {
                        what: "user",
                        key: username.clone(),
                    })?;
                let token = format!("rk_{}", random_token());
                let expires_at = stamp(now + Duration::days(days));
                let id = users::create_token(
                    cx.tx.conn(),
                    &token_hash(&token),
                    user.id,
                    &name,
                    &stamp(now),
                    &expires_at,
                )
                .await?;
                cx.audit(
                    "create",
                    "api_token",
                    id,
                    None,
                    Some(serde_json::json!({"user": username, "name": name, "expires_at": expires_at})),
                )
                .await?;
                Ok(token)
            })
        })
        .await
    }

    pub async fn tokens(&self) -> Result<Vec<users::TokenRow>, AppError> {
        let mut conn = self.db().read().await?;
        Ok(users::tokens(&mut conn).await?)
    }

    /// Revokes a token (revoking one already revoked changes nothing).
    pub async fn revoke_token(&self, id: i64) -> Result<(), AppError> {
        self.run(&Actor::system(), move |cx| {
            Box::pin(async move {
                let t = users::token(cx.tx.conn(), id)
                    .await?
                    .ok_or(AppError::NotFound {
                        what: "token",
                        key: id.to_string(),
                    })?;
                if t.revoked {
                    return Ok(());
                }
                users::revoke_token(cx.tx.conn(), id).await?;
                cx.audit(
                    "revoke",
                    "api_token",
                    id,
                    Some(serde_json::json!({"user": t.username, "name": t.name, "revoked": false})),
                    Some(serde_json::json!({"revoked": true})),
                )
                .await
            })
        })
        .await
    }

    /// The actor behind a script token (`Authorization: Bearer rk_…`),
    /// remembered like a session's.
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>, AppError> {
        let now = self
            .clock()
            .now()
            .to_rfc3339_opts(SecondsFormat::Secs, true);
        let hash = token_hash(token);
        let generation = self.audit_generation().await?;
        if let Some(k) = self.fresh().actors.get(&hash, generation, &now) {
            return Ok(Some(k.actor));
        }
        let mut conn = self.db().read().await?;
        let Some((user_id, expires_at)) = users::token_user(&mut conn, &hash, &now).await? else {
            return Ok(None);
        };
        let Some(actor) = user_actor(&mut conn, user_id).await? else {
            return Ok(None);
        };
        self.fresh().actors.put(
            hash,
            KnownActor {
                generation,
                actor: actor.clone(),
                csrf: String::new(),
                expires_at,
            },
        );
        Ok(Some(actor))
    }
}

/// The actor a user acts as: role and subtree (a supervisor's units).
pub(crate) async fn user_actor(
    conn: &mut ranks_store::Conn,
    user_id: i64,
) -> Result<Option<Actor>, AppError> {
    let Some(u) = users::by_id(conn, user_id).await?.filter(|u| !u.disabled) else {
        return Ok(None);
    };
    let role = Role::parse(&u.role)?;
    let scope = match role {
        Role::Admin => Scope::All,
        Role::Supervisor => {
            let mut paths: Vec<OrgPath> = Vec::new();
            for (unit_id, _, _) in supervisors::units_of(conn, u.member_id.unwrap_or(-1)).await? {
                if let Some(unit) = units::by_id(conn, unit_id).await? {
                    paths.push(unit.path);
                }
            }
            Scope::Units(paths)
        }
        _ => match u.unit_id {
            Some(id) => match units::by_id(conn, id).await? {
                Some(unit) => Scope::Subtree(unit.path),
                None => return Ok(None),
            },
            None => return Ok(None),
        },
    };
    Ok(Some(Actor {
        name: u.username,
        scope,
        role,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("mật khẩu dài lắm").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu dài lắm", &h));
        assert!(!verify_password("mat khau dai lam", &h));
        assert!(hash_password("short").is_err());
        assert_ne!(random_token(), random_token());
        assert_eq!(token_hash("x").len(), 64);
    }

    #[test]
    fn the_password_policy_names_its_rule() {
        let rule = |pw: &str| check_password(pw).unwrap_err().to_string();
        assert!(rule("").contains("not only spaces"), "{}", rule(""));
        assert!(rule("            ").contains("not only spaces"));
        assert!(rule(" \t\n \u{3000}            ").contains("not only spaces"));
        assert!(rule("ngắn-quá-11").contains("at least 12 characters"));
        // Twelve characters counted as characters, not bytes.
        assert!(check_password("mật-khẩu-dài").is_ok());
        for common in [
            "qwerty123456",
            "QWERTY123456",
            "1qaz2wsx3edc",
            "MatKhau123456",
            "dangvien123456",
            " anhyeuem123456 ",
        ] {
            assert!(
                rule(common).contains("commonly used passwords"),
                "{common}: {}",
                rule(common)
            );
        }
        assert!(
            !rule("qwerty123456").contains("qwerty"),
            "the password is never echoed"
        );
        // The demo's password passes.
        assert!(check_password("demo-ranks-2025").is_ok());
        assert!(common_passwords().len() > 10_000);
        assert!(common_passwords().contains("matkhau123"));
        assert!(common_passwords().contains("password"));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = hash_password("một mật khẩu thật").unwrap();
        let (real, dummy) = (
            PasswordHash::new(&real).unwrap(),
            PasswordHash::new(DUMMY_HASH).unwrap(),
        );
        assert_eq!(real.algorithm, dummy.algorithm);
        assert_eq!(real.version, dummy.version);
        assert_eq!(real.params, dummy.params, "same memory, iterations, lanes");
        assert_eq!(real.hash.map(|h| h.len()), dummy.hash.map(|h| h.len()));
        assert!(!verify_password("", DUMMY_HASH));
    }
}
