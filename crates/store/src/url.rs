use crate::error::StoreError;
use std::fmt;

/// Where the data lives. `sqlite://PATH`, `sqlite:PATH` or a plain file path
/// mean SQLite (created on first use); `postgres://…` or `postgresql://…`
/// mean PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite { path: String },
    Postgres { url: String },
}

impl DatabaseUrl {
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let s = s.trim();
        let bad = |why: &str| StoreError::BadUrl {
            url: redact(s),
            why: why.to_string(),
        };
        if s.is_empty() {
            return Err(bad("it is empty"));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            let rest = s.split_once("://").map(|x| x.1).unwrap_or("");
            let host = rest.rsplit_once('@').map(|x| x.1).unwrap_or(rest);
            let host = host.split(['/', '?']).next().unwrap_or("");
            if host.is_empty() {
                return Err(bad(
                    "no host given (expected postgres://user@host:port/database)",
                ));
            }
            if let Some((_, port)) = host.rsplit_once(':') {
                if !port.is_empty() && port.parse::<u16>().is_err() {
                    return Err(bad(&format!("port '{port}' is not a number")));
                }
            }
            return Ok(DatabaseUrl::Postgres { url: s.to_string() });
        }
        let path = if let Some(p) = s.strip_prefix("sqlite://") {
            p
        } else if let Some(p) = s.strip_prefix("sqlite:") {
            p
        } else if s.contains("://") {
            let scheme = s.split("://").next().unwrap_or("");
            return Err(bad(&format!(
                "scheme '{scheme}' is not supported (use sqlite://PATH, a file path, or postgres://…)"
            )));
        } else {
            s
        };
        let path = path.split('?').next().unwrap_or("");
        if path.is_empty() {
            return Err(bad("no file path given"));
        }
        Ok(DatabaseUrl::Sqlite {
            path: path.to_string(),
        })
    }

    /// The URL sqlx connects with.
    pub(crate) fn connect_url(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{path}?mode=rwc"),
            DatabaseUrl::Postgres { url } => url.clone(),
        }
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    redact(url)
}

fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((cred, host)) = rest.rsplit_once('@') {
            if let Some((user, _)) = cred.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite { path } => write!(f, "sqlite://{path}"),
            DatabaseUrl::Postgres { url } => f.write_str(&redact(url)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            DatabaseUrl::parse("ranks.db").unwrap(),
            DatabaseUrl::Sqlite {
                path: "ranks.db".into()
            }
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite {
                path: "/tmp/x.db".into()
            }
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@127.0.0.1:5432/test").unwrap(),
            DatabaseUrl::Postgres { .. }
        ));
        let e = DatabaseUrl::parse("mysql://x/y").unwrap_err().to_string();
        assert!(e.contains("mysql"), "{e}");
        let e = DatabaseUrl::parse("postgres://u:secret@h:port/db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("port") && !e.contains("secret"), "{e}");
        assert!(DatabaseUrl::parse("postgres://").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }
}
