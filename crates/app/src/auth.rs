//! Users, roles, sign-in and sessions.
//!
//! Passwords are stored as Argon2id hashes; a session is a random 256-bit
//! token given to the browser, of which only a SHA-256 hash is stored, with
//! its own CSRF token. Five failed sign-ins for a username within 15
//! minutes block further attempts until the window has passed.

use crate::{visible_unit, Actor, App, AppError, Scope};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, SecondsFormat};
use ranks_domain::{DomainError, OrgPath};
use ranks_store::records::{supervisors, units, users};
use sha2::{Digest, Sha256};

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

pub fn hash_password(password: &str) -> Result<String, AppError> {
    if password.chars().count() < 8 {
        return Err(DomainError::invalid("password", "(hidden)", "at least 8 characters").into());
    }
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

/// 32 random bytes from the OS, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_hash(token: &str) -> String {
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

const MAX_FAILURES: i64 = 5;
const SESSION_HOURS: i64 = 12;

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
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(DomainError::invalid(
                "username",
                username,
                "letters, digits, '.', '_' or '-'",
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
                users::set_password(cx.tx.conn(), u.id, &hash).await?;
                cx.audit("passwd", "user", u.id, None, None).await
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
        let username = username.trim().to_lowercase();
        let now = self.clock().now();
        let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut tx = self.db().begin_write().await?;
        let failures =
            users::failures_since(tx.conn(), &username, &stamp(now - Duration::minutes(15)))
                .await?;
        if failures >= MAX_FAILURES {
            tx.commit().await?;
            return Err(AppError::RateLimited);
        }
        let user = users::by_username(tx.conn(), &username).await?;
        let ok = user
            .as_ref()
            .is_some_and(|u| !u.disabled && verify_password(password, &u.password_hash));
        users::record_attempt(tx.conn(), &username, &stamp(now), ok).await?;
        if !ok {
            tx.commit().await?;
            return Err(AppError::Forbidden("wrong username or password".into()));
        }
        let user = user.expect("checked");
        let session = Session {
            token: random_token(),
            csrf: random_token(),
        };
        users::create_session(
            tx.conn(),
            &token_hash(&session.token),
            user.id,
            &session.csrf,
            &stamp(now),
            &stamp(now + Duration::hours(SESSION_HOURS)),
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    pub async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        let mut tx = self.db().begin_write().await?;
        users::end_session(tx.conn(), &token_hash(token)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor behind a session token, with the session's CSRF token.
    pub async fn session_actor(&self, token: &str) -> Result<Option<(Actor, String)>, AppError> {
        let now = self
            .clock()
            .now()
            .to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut conn = self.db().read().await?;
        let Some((user_id, csrf)) = users::session(&mut conn, &token_hash(token), &now).await?
        else {
            return Ok(None);
        };
        Ok(user_actor(&mut conn, user_id).await?.map(|a| (a, csrf)))
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
        let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut tx = self.db().begin_write().await?;
        let user = users::by_username(tx.conn(), &username.trim().to_lowercase())
            .await?
            .filter(|u| !u.disabled)
            .ok_or(AppError::NotFound {
                what: "user",
                key: username.to_string(),
            })?;
        let token = format!("rk_{}", random_token());
        users::create_token(
            tx.conn(),
            &token_hash(&token),
            user.id,
            name,
            &stamp(now),
            &stamp(now + Duration::days(days)),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn tokens(&self) -> Result<Vec<users::TokenRow>, AppError> {
        let mut conn = self.db().read().await?;
        Ok(users::tokens(&mut conn).await?)
    }

    pub async fn revoke_token(&self, id: i64) -> Result<(), AppError> {
        let mut tx = self.db().begin_write().await?;
        if !users::revoke_token(tx.conn(), id).await? {
            return Err(AppError::NotFound {
                what: "token",
                key: id.to_string(),
            });
        }
        tx.commit().await?;
        Ok(())
    }

    /// The actor behind a script token (`Authorization: Bearer rk_…`).
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>, AppError> {
        let now = self
            .clock()
            .now()
            .to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut conn = self.db().read().await?;
        let Some(user_id) = users::token_user(&mut conn, &token_hash(token), &now).await? else {
            return Ok(None);
        };
        user_actor(&mut conn, user_id).await
    }
}

/// The actor a user acts as: role and subtree (a supervisor's units).
async fn user_actor(conn: &mut ranks_store::Conn, user_id: i64) -> Result<Option<Actor>, AppError> {
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
        let h = hash_password("mật khẩu dài").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu dài", &h));
        assert!(!verify_password("mat khau dai", &h));
        assert!(hash_password("short").is_err());
        assert_ne!(random_token(), random_token());
        assert_eq!(token_hash("x").len(), 64);
    }
}
