//! Test support: a fresh, migrated database per test, on SQLite (always) and
//! on PostgreSQL (when `RANKS_TEST_POSTGRES_URL` is set; `.ci/run` sets it
//! and also sets `RANKS_REQUIRE_POSTGRES=1`, which turns a missing server
//! into a failure instead of a skip).
//!
//! Write a story once as `async fn name(db: TestDb)` and run it on both
//! engines with [`both_backends!`].

pub mod hostile;
pub mod http;
pub mod pipeline;
pub mod smtp;
pub mod wording;

use ranks_app::{App, FixedClock};
use ranks_domain::Date;
use ranks_store::anchor::AuditFiles;
use ranks_store::{DatabaseUrl, Db};
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// The day the tests live on, unless a test says otherwise.
pub fn test_today() -> Date {
    Date::from_ymd_opt(2026, 11, 24).expect("valid date")
}

pub struct TestDb {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ranks.db");
        TestDb {
            url: DatabaseUrl::Sqlite {
                path: path.to_string_lossy().into_owned(),
            },
            _dir: Some(dir),
            pg: None,
        }
    }

    /// A fresh PostgreSQL database, or `None` when no server is configured.
    pub async fn postgres() -> Option<TestDb> {
        let admin = match std::env::var("RANKS_TEST_POSTGRES_URL") {
            Ok(u) if !u.trim().is_empty() => u,
            _ => {
                if std::env::var("RANKS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                    panic!("RANKS_REQUIRE_POSTGRES=1 but RANKS_TEST_POSTGRES_URL is not set");
                }
                eprintln!("RANKS_TEST_POSTGRES_URL not set: PostgreSQL story skipped");
                return None;
            }
        };
        sqlx::any::install_default_drivers();
        let name = format!(
            "ranks_t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            chrono::Utc::now().timestamp_micros() % 1_000_000
        );
        let mut conn = sqlx::AnyConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at RANKS_TEST_POSTGRES_URL: {e}"));
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let _ = conn.close().await;
        let url = with_database(&admin, &name);
        Some(TestDb {
            url: DatabaseUrl::parse(&url).expect("postgres url"),
            _dir: None,
            pg: Some((admin, name)),
        })
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// The URL as a user would type it (`--database`).
    pub fn url_string(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{path}"),
            DatabaseUrl::Postgres { url } => url.clone(),
        }
    }

    /// The audit key and checkpoint file of this database: the defaults
    /// (`ranks` finds the same ones), next to the SQLite file in its temporary
    /// directory, or in the state directory for PostgreSQL (removed on drop).
    pub fn audit_files(&self) -> AuditFiles {
        AuditFiles::default_for(&self.url).expect("audit files")
    }

    /// The database, migrated, with its audit key attached (created at the
    /// first open).
    pub async fn open(&self) -> Db {
        let db = Db::open(&self.url, "2026-11-24T00:00:00Z")
            .await
            .expect("open test database");
        db.attach_audit(&self.audit_files(), true)
            .await
            .expect("attach the audit key")
            .0
    }

    /// An application on this database whose clock stands on `today`.
    pub async fn app_on(&self, today: Date) -> App {
        App::new(
            self.open().await,
            Arc::new(FixedClock::on(today)),
            Arc::new(ranks_domain::procedure::Profile::default_cpv()),
        )
    }

    pub async fn app(&self) -> App {
        self.app_on(test_today()).await
    }
}

/// Replaces the database name in a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.pg.is_some() {
            if let Ok(files) = AuditFiles::default_for(&self.url) {
                let _ = std::fs::remove_file(files.key);
                let _ = std::fs::remove_file(files.checkpoint);
            }
        }
        if let Some((admin, name)) = self.pg.take() {
            // Drop needs async work; do it on a thread with its own runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let mut conn = sqlx::AnyConnection::connect(&admin).await.ok()?;
                    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

/// Runs each named `async fn(TestDb)` as two tests, `NAME::sqlite` and
/// `NAME::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::TestDb::sqlite()).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(db) = $crate::TestDb::postgres().await {
                        super::$name(db).await
                    }
                }
            }
        )*
    };
}

/// `db`'s app with the demo loaded and `users` added, each a username, a
/// role and the unit of their scope, all with `password`.
pub async fn demo_with_users(
    db: &TestDb,
    password: &str,
    users: &[(&str, ranks_app::auth::Role, &str)],
) -> App {
    let app = db.app().await;
    let sys = ranks_app::Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    for (user, role, unit) in users {
        app.add_user(&sys, user, password, *role, Some(unit), None)
            .await
            .unwrap();
    }
    app
}

/// The leaders of the units under `root`: (unit id, member id, name, title).
/// For tests of crates that reach the data only through the application.
pub async fn leaders_in_subtree(
    app: &App,
    root: &ranks_domain::OrgPath,
) -> Vec<(i64, i64, String, String)> {
    let mut conn = app.db().read().await.expect("a connection");
    ranks_store::records::supervisors::leaders_in_subtree(&mut conn, root)
        .await
        .expect("leaders")
}

/// The audit entries of one record (entity and its key), oldest first.
pub async fn audit_of(
    app: &App,
    entity: &str,
    key: &str,
) -> Vec<ranks_store::records::audit::AuditEntry> {
    let mut conn = app.db().read().await.expect("a connection");
    ranks_store::records::audit::for_entity(&mut conn, entity, key)
        .await
        .expect("audit entries")
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://u@127.0.0.1:5432/test", "x"),
            "postgres://u@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://h/test?sslmode=disable", "y"),
            "postgres://h/y?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "z"), "postgres://h/z");
    }
}
