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
pub struct ServerFlags {
    pub cookie_secure: Option<String>,
    pub trust_proxy: Option<bool>,
}

pub const DEFAULT_DATABASE: &str = "ranks.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

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

pub fn resolve(
    file: FileConfig,
    path: Option<PathBuf>,
    database: Option<String>,
    listen: Option<String>,
    profile: Option<PathBuf>,
    server: ServerFlags,
) -> Config {
    Config {
        cookie_secure: server
            .cookie_secure
            .or(file.cookie_secure)
            .unwrap_or_else(|| "auto".to_string()),
        trust_proxy: server.trust_proxy.or(file.trust_proxy).unwrap_or(false),
        profile: profile.or(file.profile),
        database: database
            .or(file.database)
            .unwrap_or_else(|| DEFAULT_DATABASE.to_string()),
        listen: listen
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_string()),
        config_file: path,
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
