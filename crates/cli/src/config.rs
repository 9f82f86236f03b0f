//! Effective configuration: defaults, then a TOML file, then `RANKS_*`
//! environment variables, then command-line flags (clap reads flag and
//! environment together, the flag winning).

use anyhow::{Context, Result};
use ranks_app::import::ImportLimits;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database: Option<String>,
    pub listen: Option<String>,
    pub profile: Option<PathBuf>,
    pub audit_key: Option<PathBuf>,
    pub audit_checkpoint: Option<PathBuf>,
    pub checkpoint_interval: Option<u64>,
    pub cookie_secure: Option<String>,
    pub trust_proxy: Option<bool>,
    /// The `[import]` table: limits of uploaded spreadsheets.
    pub import: Option<ImportConfig>,
    /// The `[mail]` table: the SMTP server and schedule of reminders.
    pub mail: Option<crate::notify_cmd::MailConfig>,
}

/// The limits of spreadsheet imports (docs/import.md), as an operator
/// writes them: sizes in MB (MiB), counts as numbers. Each is also a flag
/// (`--import-max-rows`) and an environment variable
/// (`RANKS_IMPORT_MAX_ROWS`); unset ones keep their defaults.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    /// Largest upload, in MB (default 32).
    #[arg(
        long = "import-max-upload-mb",
        global = true,
        env = "RANKS_IMPORT_MAX_UPLOAD_MB"
    )]
    pub max_upload_mb: Option<u64>,
    /// Most an XLSX file may unpack to, in MB (default 256).
    #[arg(
        long = "import-max-unpacked-mb",
        global = true,
        env = "RANKS_IMPORT_MAX_UNPACKED_MB"
    )]
    pub max_unpacked_mb: Option<u64>,
    /// Most rows under the header (default 200000).
    #[arg(long = "import-max-rows", global = true, env = "RANKS_IMPORT_MAX_ROWS")]
    pub max_rows: Option<u64>,
    /// Most columns (default 256).
    #[arg(
        long = "import-max-columns",
        global = true,
        env = "RANKS_IMPORT_MAX_COLUMNS"
    )]
    pub max_columns: Option<u64>,
    /// Most cells holding a value (default 4000000).
    #[arg(
        long = "import-max-cells",
        global = true,
        env = "RANKS_IMPORT_MAX_CELLS"
    )]
    pub max_cells: Option<u64>,
    /// Most characters in a cell (default 32767, Excel's own limit).
    #[arg(
        long = "import-max-cell-chars",
        global = true,
        env = "RANKS_IMPORT_MAX_CELL_CHARS"
    )]
    pub max_cell_chars: Option<u64>,
    /// Imports read and checked at once (default 2).
    #[arg(
        long = "import-max-running",
        global = true,
        env = "RANKS_IMPORT_MAX_RUNNING"
    )]
    pub max_running: Option<u64>,
    /// Imports waiting for their turn; more are refused as busy (default 8).
    #[arg(
        long = "import-max-waiting",
        global = true,
        env = "RANKS_IMPORT_MAX_WAITING"
    )]
    pub max_waiting: Option<u64>,
}

impl ImportConfig {
    /// Each value given here, else the one in `other`.
    fn or(self, other: ImportConfig) -> ImportConfig {
        ImportConfig {
            max_upload_mb: self.max_upload_mb.or(other.max_upload_mb),
            max_unpacked_mb: self.max_unpacked_mb.or(other.max_unpacked_mb),
            max_rows: self.max_rows.or(other.max_rows),
            max_columns: self.max_columns.or(other.max_columns),
            max_cells: self.max_cells.or(other.max_cells),
            max_cell_chars: self.max_cell_chars.or(other.max_cell_chars),
            max_running: self.max_running.or(other.max_running),
            max_waiting: self.max_waiting.or(other.max_waiting),
        }
    }

    /// Every value, the defaults filled in.
    fn filled(self) -> ImportConfig {
        let d = ImportLimits::default();
        self.or(ImportConfig {
            max_upload_mb: Some(d.upload_bytes / MB),
            max_unpacked_mb: Some(d.unpacked_bytes / MB),
            max_rows: Some(d.rows),
            max_columns: Some(d.columns),
            max_cells: Some(d.cells),
            max_cell_chars: Some(d.cell_chars),
            max_running: Some(d.running as u64),
            max_waiting: Some(d.waiting as u64),
        })
    }

    /// The limits the importer holds files to; a value out of range is
    /// refused naming it.
    pub fn limits(&self) -> Result<ImportLimits> {
        let c = self.filled();
        let get = |name: &str, v: Option<u64>, min: u64, max: u64| -> Result<u64> {
            let v = v.expect("filled");
            if v < min || v > max {
                anyhow::bail!("import.{name}: {v} is not between {min} and {max}");
            }
            Ok(v)
        };
        Ok(ImportLimits {
            upload_bytes: get("max_upload_mb", c.max_upload_mb, 1, 4096)? * MB,
            unpacked_bytes: get("max_unpacked_mb", c.max_unpacked_mb, 1, 65_536)? * MB,
            rows: get("max_rows", c.max_rows, 1, 100_000_000)?,
            columns: get("max_columns", c.max_columns, 1, 16_384)?,
            cells: get("max_cells", c.max_cells, 1, 1_000_000_000)?,
            cell_chars: get("max_cell_chars", c.max_cell_chars, 1, 1_000_000)?,
            running: get("max_running", c.max_running, 1, 64)? as usize,
            waiting: get("max_waiting", c.max_waiting, 0, 10_000)? as usize,
        })
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Config {
    /// Where the data lives: a SQLite file path or URL, or a PostgreSQL URL.
    pub database: String,
    /// Address the server listens on.
    pub listen: String,
    /// The procedure profile file; the shipped CPV profile when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<PathBuf>,
    /// The audit key file (docs/audit.md); default next to a SQLite
    /// database, or in the user's state directory for PostgreSQL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_key: Option<PathBuf>,
    /// The audit checkpoint file; defaults as for the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_checkpoint: Option<PathBuf>,
    /// Seconds between the server's checkpoints of the audit log's head.
    pub checkpoint_interval: u64,
    /// When the session cookie is marked Secure: auto (over HTTPS, or a
    /// trusted proxy says so), always or never.
    pub cookie_secure: String,
    /// Believe the proxy's X-Forwarded-Proto / Forwarded headers.
    pub trust_proxy: bool,
    /// The configuration file read, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_file: Option<PathBuf>,
    /// Limits of spreadsheet imports, every one filled in.
    pub import: ImportConfig,
    /// Reminders by e-mail (the password is never printed).
    pub mail: crate::notify_cmd::MailConfig,
}

/// The settings of the web server, from the command line, environment or
/// file (already layered by [`resolve`]).
#[derive(Debug, Clone, Default)]
pub struct ServerFlags {
    pub cookie_secure: Option<String>,
    pub trust_proxy: Option<bool>,
}

const MB: u64 = 1024 * 1024;

pub const DEFAULT_DATABASE: &str = "ranks.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_CHECKPOINT_INTERVAL: u64 = 60;

/// What the command line and the environment give (clap reads both).
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub database: Option<String>,
    pub listen: Option<String>,
    pub profile: Option<PathBuf>,
    pub audit_key: Option<PathBuf>,
    pub audit_checkpoint: Option<PathBuf>,
    pub checkpoint_interval: Option<String>,
    pub server: ServerFlags,
    pub import: ImportConfig,
    pub mail: crate::notify_cmd::MailConfig,
}

/// Reads the file if given, or `ranks.toml` in the current directory if present.
pub fn load(explicit: Option<&Path>) -> Result<(FileConfig, Option<PathBuf>)> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => Some(PathBuf::from("ranks.toml")).filter(|p| p.exists()),
    };
    let Some(path) = path else {
        return Ok((FileConfig::default(), None));
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read configuration file {}", path.display()))?;
    let file: FileConfig = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("configuration file {}: {}", path.display(), e.message()))?;
    Ok((file, Some(path)))
}

pub fn resolve(file: FileConfig, path: Option<PathBuf>, given: Given) -> Result<Config> {
    let checkpoint_interval = match given.checkpoint_interval {
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "RANKS_CHECKPOINT_INTERVAL: '{v}' is not a whole number of seconds from 1"
                )
            })?,
        None => match file.checkpoint_interval {
            Some(0) => anyhow::bail!("checkpoint_interval: 0 is not a number of seconds from 1"),
            Some(n) => n,
            None => DEFAULT_CHECKPOINT_INTERVAL,
        },
    };
    let database = given
        .database
        .or(file.database)
        .unwrap_or_else(|| DEFAULT_DATABASE.to_string());
    // The audit files' defaults follow the database (when its URL is understood).
    let defaults = ranks_app::storage::DatabaseUrl::parse(&database)
        .ok()
        .and_then(|u| ranks_app::storage::AuditFiles::default_for(&u).ok());
    Ok(Config {
        import: given.import.or(file.import.unwrap_or_default()).filled(),
        mail: given.mail.or(file.mail.unwrap_or_default()),
        cookie_secure: given
            .server
            .cookie_secure
            .or(file.cookie_secure)
            .unwrap_or_else(|| "auto".to_string()),
        trust_proxy: given
            .server
            .trust_proxy
            .or(file.trust_proxy)
            .unwrap_or(false),
        profile: given.profile.or(file.profile),
        listen: given
            .listen
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_string()),
        audit_key: given
            .audit_key
            .or(file.audit_key)
            .or_else(|| defaults.as_ref().map(|d| d.key.clone())),
        audit_checkpoint: given
            .audit_checkpoint
            .or(file.audit_checkpoint)
            .or_else(|| defaults.as_ref().map(|d| d.checkpoint.clone())),
        checkpoint_interval,
        database,
        config_file: path,
    })
}

impl Config {
    /// The audit key and checkpoint file of the configured database.
    pub fn audit_files(&self) -> Result<ranks_app::storage::AuditFiles> {
        let url = ranks_app::storage::DatabaseUrl::parse(&self.database)?;
        let d = ranks_app::storage::AuditFiles::default_for(&url);
        let key = match &self.audit_key {
            Some(k) => k.clone(),
            None => d.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?.key.clone(),
        };
        let checkpoint = match &self.audit_checkpoint {
            Some(c) => c.clone(),
            None => d.map_err(|e| anyhow::anyhow!("{e}"))?.checkpoint,
        };
        Ok(ranks_app::storage::AuditFiles { key, checkpoint })
    }

    /// The configuration as `ranks config` prints it: passwords masked.
    pub fn printable(&self) -> Config {
        Config {
            database: ranks_app::storage::redact_url(&self.database),
            ..self.clone()
        }
    }
}

impl Config {
    /// The web server's settings, checked: an unknown `cookie_secure` is an error naming it.
    pub fn server(&self) -> Result<ranks_web::ServerConfig> {
        Ok(ranks_web::ServerConfig {
            cookie_secure: ranks_web::CookieSecure::parse(&self.cookie_secure)
                .map_err(anyhow::Error::msg)?,
            trust_proxy: self.trust_proxy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_and_audit_files_follow_the_database() {
        let c = resolve(
            FileConfig::default(),
            None,
            Given {
                database: Some("postgres://u:pw@h:5432/db".into()),
                ..Given::default()
            },
        )
        .unwrap();
        let shown = toml::to_string(&c.printable()).unwrap();
        assert!(!shown.contains("pw@"), "{shown}");
        assert!(shown.contains("u:***@h:5432/db"), "{shown}");
        let c = resolve(FileConfig::default(), None, Given::default()).unwrap();
        assert_eq!(c.audit_key, Some(PathBuf::from("ranks.db.audit-key")));
        assert_eq!(
            c.audit_checkpoint,
            Some(PathBuf::from("ranks.db.checkpoint"))
        );
        assert_eq!(c.checkpoint_interval, 60);
        let e = resolve(
            FileConfig::default(),
            None,
            Given {
                checkpoint_interval: Some("0".into()),
                ..Given::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("RANKS_CHECKPOINT_INTERVAL"), "{e}");
    }
}
