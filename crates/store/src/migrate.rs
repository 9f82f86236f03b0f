//! A small migrator: numbered SQL files per dialect, applied in order, each
//! in its own transaction, recorded in `ranks_migrations`.

use crate::db::Backend;
use crate::error::StoreError;
use sqlx::{AnyConnection, Row};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The same numbered migrations for each dialect, read from
/// `migrations/<dialect>/<file>`: adding one means adding it to this list.
macro_rules! migrations {
    ($dialect:literal) => {
        &[
            Migration {
                version: 1,
                name: "init",
                sql: include_str!(concat!("../migrations/", $dialect, "/0001_init.sql")),
            },
            Migration {
                version: 2,
                name: "procedure",
                sql: include_str!(concat!("../migrations/", $dialect, "/0002_procedure.sql")),
            },
            Migration {
                version: 3,
                name: "evaluation",
                sql: include_str!(concat!("../migrations/", $dialect, "/0003_evaluation.sql")),
            },
            Migration {
                version: 4,
                name: "leaders",
                sql: include_str!(concat!("../migrations/", $dialect, "/0004_leaders.sql")),
            },
            Migration {
                version: 5,
                name: "users",
                sql: include_str!(concat!("../migrations/", $dialect, "/0005_users.sql")),
            },
            Migration {
                version: 6,
                name: "contact",
                sql: include_str!(concat!("../migrations/", $dialect, "/0006_contact.sql")),
            },
            Migration {
                version: 7,
                name: "tokens",
                sql: include_str!(concat!("../migrations/", $dialect, "/0007_tokens.sql")),
            },
            Migration {
                version: 8,
                name: "audit chain",
                sql: include_str!(concat!("../migrations/", $dialect, "/0008_audit_chain.sql")),
            },
            Migration {
                version: 9,
                name: "receipts",
                sql: include_str!(concat!("../migrations/", $dialect, "/0009_receipts.sql")),
            },
            Migration {
                version: 10,
                name: "introducer routes",
                sql: include_str!(concat!(
                    "../migrations/",
                    $dialect,
                    "/0010_introducer_routes.sql"
                )),
            },
            Migration {
                version: 11,
                name: "readmission",
                sql: include_str!(concat!("../migrations/", $dialect, "/0011_readmission.sql")),
            },
            Migration {
                version: 12,
                name: "corrections",
                sql: include_str!(concat!("../migrations/", $dialect, "/0012_corrections.sql")),
            },
            Migration {
                version: 13,
                name: "refusal_keys",
                sql: include_str!(concat!(
                    "../migrations/",
                    $dialect,
                    "/0013_refusal_keys.sql"
                )),
            },
            Migration {
                version: 14,
                name: "search",
                sql: include_str!(concat!("../migrations/", $dialect, "/0014_search.sql")),
            },
            Migration {
                version: 15,
                name: "search postings",
                sql: include_str!(concat!(
                    "../migrations/",
                    $dialect,
                    "/0015_search_postings.sql"
                )),
            },
            Migration {
                version: 16,
                name: "postings in list order",
                sql: include_str!(concat!(
                    "../migrations/",
                    $dialect,
                    "/0016_postings_in_list_order.sql"
                )),
            },
            Migration {
                version: 17,
                name: "reminders",
                sql: include_str!(concat!("../migrations/", $dialect, "/0017_reminders.sql")),
            },
            Migration {
                version: 18,
                name: "calendar feeds",
                sql: include_str!(concat!(
                    "../migrations/",
                    $dialect,
                    "/0018_calendar_feeds.sql"
                )),
            },
            Migration {
                version: 19,
                name: "meetings",
                sql: include_str!(concat!("../migrations/", $dialect, "/0019_meetings.sql")),
            },
            Migration {
                version: 20,
                name: "transfers",
                sql: include_str!(concat!("../migrations/", $dialect, "/0020_transfers.sql")),
            },
            Migration {
                version: 21,
                name: "data subject",
                sql: include_str!(concat!(
                    "../migrations/",
                    $dialect,
                    "/0021_data_subject.sql"
                )),
            },
        ]
    };
}

pub const MIGRATIONS_SQLITE: &[Migration] = migrations!("sqlite");

/// SQLite migrations that rebuild a table (SQLite cannot drop a constraint):
/// run with foreign keys off and checked before the commit, as SQLite's
/// procedure for other schema changes asks (with them on, dropping the old
/// table would check every row that points at it).
const SQLITE_REBUILDS: &[i64] = &[11];

/// The migration after whose SQL the search keys of the people already
/// there are computed (the fold is Rust's), in the same transaction.
const SEARCH_BACKFILL: i64 = 14;

/// The migration after whose SQL the search postings are built from the
/// rows already there (`postings::rebuild`), in the same transaction.
const POSTINGS_BACKFILL: i64 = 15;

pub const MIGRATIONS_POSTGRES: &[Migration] = migrations!("postgres");

pub fn latest_version(backend: Backend) -> i64 {
    migrations(backend)
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

fn migrations(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Sqlite => MIGRATIONS_SQLITE,
        Backend::Postgres => MIGRATIONS_POSTGRES,
    }
}

pub(crate) async fn current_version(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS ranks_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM ranks_migrations")
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// The schema version of a database looked at read-only: `None` when it
/// is not a Ranks database (no `ranks_migrations` table); nothing created.
pub async fn inspect_version(conn: &mut AnyConnection) -> Result<Option<i64>, StoreError> {
    let has: i64 = sqlx::query(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'ranks_migrations'",
    )
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    if has == 0 {
        return Ok(None);
    }
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM ranks_migrations")
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some(row.try_get::<i64, _>(0)?))
}

pub(crate) async fn run(
    conn: &mut AnyConnection,
    backend: Backend,
    now: &str,
) -> Result<i64, StoreError> {
    let current = current_version(conn).await?;
    let known = latest_version(backend);
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for m in migrations(backend).iter().filter(|m| m.version > current) {
        let err = |e: sqlx::Error| StoreError::Migration {
            version: m.version,
            name: m.name,
            reason: e.to_string(),
        };
        let rebuild = backend == Backend::Sqlite && SQLITE_REBUILDS.contains(&m.version);
        let foreign_keys: i64 = if rebuild {
            let on = sqlx::query("PRAGMA foreign_keys")
                .fetch_one(&mut *conn)
                .await
                .and_then(|r| r.try_get(0))
                .map_err(err)?;
            sqlx::raw_sql("PRAGMA foreign_keys = OFF")
                .execute(&mut *conn)
                .await
                .map_err(err)?;
            on
        } else {
            0
        };
        let applied = apply(conn, m, now, rebuild && foreign_keys != 0).await;
        if rebuild && foreign_keys != 0 {
            sqlx::raw_sql("PRAGMA foreign_keys = ON")
                .execute(&mut *conn)
                .await
                .map_err(err)?;
        }
        applied?;
    }
    Ok(known)
}

/// One migration in its own transaction; `check_keys`: every foreign key
/// must hold before the commit.
async fn apply(
    conn: &mut AnyConnection,
    m: &Migration,
    now: &str,
    check_keys: bool,
) -> Result<(), StoreError> {
    let err = |e: sqlx::Error| StoreError::Migration {
        version: m.version,
        name: m.name,
        reason: e.to_string(),
    };
    sqlx::raw_sql("BEGIN")
        .execute(&mut *conn)
        .await
        .map_err(err)?;
    let applied = async {
        sqlx::raw_sql(m.sql).execute(&mut *conn).await?;
        if m.version == SEARCH_BACKFILL {
            crate::records::search::backfill(conn).await?;
        }
        if m.version == POSTINGS_BACKFILL {
            crate::records::postings::rebuild(conn).await?;
        }
        if m.version == SEARCH_BACKFILL || m.version == POSTINGS_BACKFILL {
            // Statistics of the tables just filled: without them PostgreSQL
            // planned a national search as if they were empty (7.6 s).
            let analyze = match (conn.backend_name(), m.version == POSTINGS_BACKFILL) {
                ("PostgreSQL", false) => "ANALYZE people; ANALYZE name_words",
                ("PostgreSQL", true) => "ANALYZE name_order; ANALYZE name_postings",
                _ => "PRAGMA analysis_limit = 1000; ANALYZE",
            };
            sqlx::raw_sql(analyze).execute(&mut *conn).await?;
        }
        sqlx::query("INSERT INTO ranks_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        if check_keys {
            let broken = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(&mut *conn)
                .await?;
            if let Some(r) = broken.first() {
                let table: String = r.try_get(0)?;
                return Err(sqlx::Error::Protocol(format!(
                    "{} row(s) break a foreign key, the first in {table}",
                    broken.len()
                )));
            }
        }
        Ok(())
    }
    .await;
    match applied {
        Ok(_) => {
            sqlx::raw_sql("COMMIT")
                .execute(&mut *conn)
                .await
                .map_err(err)?;
            tracing::info!(version = m.version, name = m.name, "migrated");
        }
        Err(e) => {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
            return Err(err(e));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migrations run in list order, each once its version is above the
    /// database's: a list out of order would skip one for good.
    #[test]
    fn versions_ascend_from_one_without_gaps() {
        for list in [MIGRATIONS_SQLITE, MIGRATIONS_POSTGRES] {
            let v: Vec<i64> = list.iter().map(|m| m.version).collect();
            let want: Vec<i64> = (1..=v.len() as i64).collect();
            assert_eq!(v, want);
        }
    }
}
