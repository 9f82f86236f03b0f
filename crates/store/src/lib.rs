//! Persistence for Ranks.
//!
//! One store over two engines: SQLite (embedded, the default) and PostgreSQL
//! (for scale). Every query is written once in portable SQL (numbered
//! parameters, ISO text dates, `RETURNING`, no triggers or stored procedures)
//! and runs on both through sqlx's `Any` driver, so the same story tests
//! exercise the same code on both engines. Only the migrations differ, one
//! directory per dialect, kept in step (a test compares their versions).
//!
//! Reads go through [`Db::read`]; every write goes through [`Db::begin_write`],
//! one transaction per user action. On SQLite the write side is a single
//! connection that begins `IMMEDIATE`, so writers queue instead of failing
//! halfway.

pub mod anchor;
pub mod bulk;
mod db;
mod error;
pub mod index;
pub mod lite;
mod migrate;
pub mod records;
mod url;

pub use db::{AuditSeal, Backend, Db, WriteTx};
pub use error::StoreError;
pub use migrate::{
    inspect_version, latest_version, Migration, MIGRATIONS_POSTGRES, MIGRATIONS_SQLITE,
};
pub use url::{redact_url, DatabaseUrl};

/// The connection type every query function takes: a pooled read connection
/// or the write transaction's connection.
pub type Conn = sqlx::AnyConnection;
