//! Effective configuration: defaults, then a TOML file, then `RANKS_*`
//! environment variables, then command-line flags (clap reads flag and
//! environment together, the flag winning).

use anyhow::{Context, Result};
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
}

/// The settings of the web server, from the command line, environment or
/// file (already layered by [`resolve`]).
#[derive(Debug, Clone, Default)]
pub struct ServerFlags {
    pub cookie_secure: Option<String>,
    pub trust_proxy: Option<bool>,
}

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
    let defaults = ranks_store::DatabaseUrl::parse(&database)
        .ok()
        .and_then(|u| ranks_store::anchor::AuditFiles::default_for(&u).ok());
    Ok(Config {
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
    pub fn audit_files(&self) -> Result<ranks_store::anchor::AuditFiles> {
        let url = ranks_store::DatabaseUrl::parse(&self.database)?;
        let d = ranks_store::anchor::AuditFiles::default_for(&url);
        let key = match &self.audit_key {
            Some(k) => k.clone(),
            None => d.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?.key.clone(),
        };
        let checkpoint = match &self.audit_checkpoint {
            Some(c) => c.clone(),
            None => d.map_err(|e| anyhow::anyhow!("{e}"))?.checkpoint,
        };
        Ok(ranks_store::anchor::AuditFiles { key, checkpoint })
    }

    /// The configuration as `ranks config` prints it: passwords masked.
    pub fn printable(&self) -> Config {
        Config {
            database: ranks_store::redact_url(&self.database),
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
