//! What anchors the audit log outside the database: the key its entries
//! are sealed with (HMAC-SHA256), the checkpoint file of heads written
//! down as the log grows, the lock a running application holds on its
//! SQLite file, and files created readable by their owner only.
//!
//! The key file is one line, `ranks-audit-key-v1 <64 hex digits>`, mode
//! 0600. The checkpoint file holds lines `<entry id> <mac>`, appended and
//! synced, mode 0600; a line whose write was cut short (no newline) is
//! ignored. docs/audit.md says what this guarantees and what it does not.

use crate::error::StoreError;
use crate::url::DatabaseUrl;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Every MAC stored in `audit_log.hash` starts so; the unkeyed SHA-256
/// hashes of earlier versions do not.
pub const MAC_PREFIX: &str = "hmac:";

const KEY_HEADER: &str = "ranks-audit-key-v1";

/// Where the key and the checkpoint file of one database are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFiles {
    pub key: PathBuf,
    pub checkpoint: PathBuf,
}

impl AuditFiles {
    /// The defaults: next to a SQLite file (`FILE.audit-key`,
    /// `FILE.checkpoint`); for PostgreSQL in the user's state directory
    /// (`$XDG_STATE_HOME/ranks` or `~/.local/state/ranks`), named after
    /// host, port and database.
    pub fn default_for(url: &DatabaseUrl) -> Result<AuditFiles, StoreError> {
        match url {
            DatabaseUrl::Sqlite { path } => Ok(AuditFiles {
                key: PathBuf::from(format!("{path}.audit-key")),
                checkpoint: PathBuf::from(format!("{path}.checkpoint")),
            }),
            DatabaseUrl::Postgres { url } => {
                let dir = state_dir().ok_or_else(|| {
                    StoreError::Audit(
                        "no place for the audit key of a PostgreSQL database: HOME is not set; \
                         set audit_key and audit_checkpoint in the configuration"
                            .into(),
                    )
                })?;
                let name = postgres_name(url);
                Ok(AuditFiles {
                    key: dir.join(format!("{name}.audit-key")),
                    checkpoint: dir.join(format!("{name}.checkpoint")),
                })
            }
        }
    }
}

fn state_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = match xdg {
        Some(p) => p,
        None => PathBuf::from(std::env::var_os("HOME").filter(|h| !h.is_empty())?)
            .join(".local")
            .join("state"),
    };
    Some(base.join("ranks"))
}

/// `host_port_database` of a PostgreSQL URL, safe as a file name.
fn postgres_name(url: &str) -> String {
    let rest = url.split_once("://").map(|x| x.1).unwrap_or(url);
    let rest = rest.split('?').next().unwrap_or("");
    let rest = rest.rsplit_once('@').map(|x| x.1).unwrap_or(rest);
    let (hostport, db) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, "5432"));
    let db = if db.is_empty() { "postgres" } else { db };
    format!("{host}_{port}_{db}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The secret the audit log's entries are sealed with. Never printed:
/// `Debug` shows the file and the fingerprint only.
#[derive(Clone)]
pub struct AuditKey {
    key: [u8; 32],
    path: PathBuf,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AuditKey({}, fingerprint {})",
            self.path.display(),
            self.fingerprint()
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex digits as bytes (`None` for an odd count or a non-digit).
fn unhex(s: &str) -> Option<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The bytes an entry's hash or MAC is taken over: the previous entry's
/// hash, the entry's id and its fields (unit separators between, NUL for a
/// missing value).
pub(crate) fn feed(mut put: impl FnMut(&[u8]), prev: &str, id: i64, fields: [Option<&str>; 7]) {
    put(prev.as_bytes());
    put(&[0x1e]);
    put(id.to_string().as_bytes());
    for f in fields {
        put(&[0x1f]);
        match f {
            Some(v) => put(v.as_bytes()),
            None => put(&[0]),
        }
    }
}

impl AuditKey {
    /// Reads the key file; `None` when it does not exist.
    pub fn load(path: &Path) -> Result<Option<AuditKey>, StoreError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(StoreError::Audit(format!(
                    "cannot read the audit key {}: {e}",
                    path.display()
                )))
            }
        };
        let bad = || {
            StoreError::Audit(format!(
                "the audit key {} is not a Ranks audit key (expected one line: {KEY_HEADER} and 64 hex digits)",
                path.display()
            ))
        };
        let mut words = text.split_whitespace();
        if words.next() != Some(KEY_HEADER) {
            return Err(bad());
        }
        let bytes = words.next().and_then(unhex).ok_or_else(bad)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
        if words.next().is_some() {
            return Err(bad());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if let Ok(m) = std::fs::metadata(path) {
                if m.permissions().mode() & 0o077 != 0 {
                    tracing::warn!(
                        key = %path.display(),
                        "the audit key is readable by others; chmod 600 it"
                    );
                }
            }
        }
        Ok(Some(AuditKey {
            key,
            path: path.to_path_buf(),
        }))
    }

    /// Creates a new random key in a new file (mode 0600; its directory
    /// is created, mode 0700, if missing). Never overwrites a file.
    pub fn create(path: &Path) -> Result<AuditKey, StoreError> {
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key)
            .map_err(|e| StoreError::Audit(format!("no randomness for a new audit key: {e}")))?;
        let err = |e: std::io::Error| {
            StoreError::Audit(format!(
                "cannot create the audit key {}: {e}",
                path.display()
            ))
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                let mut b = std::fs::DirBuilder::new();
                b.recursive(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::DirBuilderExt;
                    b.mode(0o700);
                }
                b.create(dir).map_err(err)?;
            }
        }
        let mut f = create_private(path).map_err(err)?;
        f.write_all(format!("{KEY_HEADER} {}\n", hex(&key)).as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(err)?;
        sync_dir(path);
        Ok(AuditKey {
            key,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sixteen hex digits that tell keys apart without revealing them.
    pub fn fingerprint(&self) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        m.update(b"ranks audit key fingerprint");
        hex(&m.finalize().into_bytes()[..8])
    }

    /// The MAC of an entry: HMAC-SHA256 over what [`feed`] gives, as
    /// `hmac:` and 64 hex digits.
    pub fn mac(&self, prev: &str, id: i64, fields: [Option<&str>; 7]) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        feed(|b| m.update(b), prev, id, fields);
        format!("{MAC_PREFIX}{}", hex(&m.finalize().into_bytes()))
    }
}

/// Creates a new file readable and writable by its owner only.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Makes a directory entry just created or renamed durable.
pub fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Appends a checkpoint line `<id> <mac>` and syncs it (the file is
/// created mode 0600).
pub fn append_checkpoint(path: &Path, id: i64, mac: &str) -> Result<(), StoreError> {
    let err = |e: std::io::Error| {
        StoreError::Audit(format!(
            "cannot write the audit checkpoint {}: {e}",
            path.display()
        ))
    };
    let mut o = OpenOptions::new();
    o.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let existed = path.exists();
    let mut f = o.open(path).map_err(err)?;
    f.write_all(format!("{id} {mac}\n").as_bytes())
        .and_then(|_| f.sync_data())
        .map_err(err)?;
    if !existed {
        sync_dir(path);
    }
    Ok(())
}

fn parse_line(path: &Path, n: usize, line: &str) -> Result<(i64, String), StoreError> {
    let bad = || {
        StoreError::Audit(format!(
            "the audit checkpoint {} line {n} is not `<entry id> <mac>`: {line:?}",
            path.display()
        ))
    };
    let (id, mac) = line.trim().split_once(' ').ok_or_else(bad)?;
    let id: i64 = id.parse().map_err(|_| bad())?;
    if !mac.starts_with(MAC_PREFIX) || mac.contains(' ') {
        return Err(bad());
    }
    Ok((id, mac.to_string()))
}

/// Every checkpoint line, oldest first (none when the file does not exist).
pub fn read_checkpoints(path: &Path) -> Result<Vec<(i64, String)>, StoreError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(StoreError::Audit(format!(
                "cannot read the audit checkpoint {}: {e}",
                path.display()
            )))
        }
    };
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    complete
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| parse_line(path, i + 1, l))
        .collect()
}

/// The newest checkpoint line, read from the end of the file.
pub fn last_checkpoint(path: &Path) -> Result<Option<(i64, String)>, StoreError> {
    let err = |e: std::io::Error| {
        StoreError::Audit(format!(
            "cannot read the audit checkpoint {}: {e}",
            path.display()
        ))
    };
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e)),
    };
    let len = f.metadata().map_err(err)?.len();
    f.seek(SeekFrom::Start(len.saturating_sub(512)))
        .map_err(err)?;
    let mut tail = String::new();
    f.read_to_string(&mut tail).map_err(err)?;
    let complete = match tail.rfind('\n') {
        Some(i) => &tail[..i],
        None => return Ok(None),
    };
    match complete
        .rsplit('\n')
        .next()
        .filter(|l| !l.trim().is_empty())
    {
        Some(l) => parse_line(path, 0, l).map(Some),
        None => Ok(None),
    }
}

/// The lock file of a SQLite database: `FILE.lock`.
pub fn lock_path(db_path: &str) -> PathBuf {
    PathBuf::from(format!("{db_path}.lock"))
}

/// A lock on a SQLite database's lock file, released when dropped (or
/// when the process ends, however it ends). Every application holds it
/// shared while it has the database open; restore takes it exclusively.
#[derive(Debug)]
pub struct DbLock {
    _file: File,
}

impl DbLock {
    /// Shared: any number of applications at once, no restore.
    pub fn shared(db_path: &str) -> Result<DbLock, StoreError> {
        Self::take(db_path, false)
    }

    /// Exclusive: no application has the database open.
    pub fn exclusive(db_path: &str) -> Result<DbLock, StoreError> {
        Self::take(db_path, true)
    }

    fn take(db_path: &str, exclusive: bool) -> Result<DbLock, StoreError> {
        let path = lock_path(db_path);
        let mut o = OpenOptions::new();
        o.read(true).write(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let file = o.open(&path).map_err(|e| StoreError::Connect {
            url: format!("sqlite://{db_path}"),
            reason: format!("cannot open its lock file {}: {e}", path.display()),
        })?;
        #[cfg(unix)]
        {
            use rustix::fs::{flock, FlockOperation};
            let op = if exclusive {
                FlockOperation::NonBlockingLockExclusive
            } else {
                FlockOperation::NonBlockingLockShared
            };
            if let Err(e) = flock(&file, op) {
                return Err(if e == rustix::io::Errno::WOULDBLOCK {
                    StoreError::InUse(if exclusive {
                        format!(
                            "the database {db_path} is in use (a running server or another ranks command holds {}); stop it first",
                            path.display()
                        )
                    } else {
                        format!("a restore into the database {db_path} is in progress")
                    })
                } else {
                    StoreError::Connect {
                        url: format!("sqlite://{db_path}"),
                        reason: format!("cannot lock {}: {e}", path.display()),
                    }
                });
            }
        }
        #[cfg(not(unix))]
        let _ = exclusive;
        Ok(DbLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_created_once_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("k");
        let k = AuditKey::create(&p).unwrap();
        assert!(AuditKey::create(&p).is_err(), "never overwritten");
        let again = AuditKey::load(&p).unwrap().unwrap();
        assert_eq!(k.fingerprint(), again.fingerprint());
        let f = [Some("a"), None, Some(""), Some("b"), Some("c"), None, None];
        assert_eq!(k.mac("p", 1, f), again.mac("p", 1, f));
        assert_ne!(k.mac("p", 1, f), k.mac("p", 2, f));
        assert!(k.mac("p", 1, f).starts_with(MAC_PREFIX));
        let other = AuditKey::create(&dir.path().join("k2")).unwrap();
        assert_ne!(k.mac("p", 1, f), other.mac("p", 1, f));
        assert!(!format!("{k:?}").contains(&hex(&k.key)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert!(AuditKey::load(&dir.path().join("none")).unwrap().is_none());
        std::fs::write(dir.path().join("bad"), "ranks-audit-key-v1 abcd\n").unwrap();
        let e = AuditKey::load(&dir.path().join("bad")).unwrap_err();
        assert!(e.to_string().contains("not a Ranks audit key"), "{e}");
    }

    #[test]
    fn checkpoints_append_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cp");
        assert_eq!(read_checkpoints(&p).unwrap(), vec![]);
        assert_eq!(last_checkpoint(&p).unwrap(), None);
        append_checkpoint(&p, 5, "hmac:aa").unwrap();
        append_checkpoint(&p, 9, "hmac:bb").unwrap();
        assert_eq!(
            read_checkpoints(&p).unwrap(),
            vec![(5, "hmac:aa".to_string()), (9, "hmac:bb".to_string())]
        );
        assert_eq!(last_checkpoint(&p).unwrap(), Some((9, "hmac:bb".into())));
        // A line cut short by a crash is ignored.
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"12 hmac:c").unwrap();
        assert_eq!(read_checkpoints(&p).unwrap().len(), 2);
        assert_eq!(last_checkpoint(&p).unwrap(), Some((9, "hmac:bb".into())));
        std::fs::write(&p, "x y\n").unwrap();
        assert!(read_checkpoints(&p).is_err());
    }

    #[test]
    fn postgres_files_are_named_after_the_database() {
        assert_eq!(
            postgres_name("postgres://u:pw@127.0.0.1:5432/test?sslmode=disable"),
            "127.0.0.1_5432_test"
        );
        assert_eq!(postgres_name("postgresql://h/d b"), "h_5432_d_b");
    }

    #[cfg(unix)]
    #[test]
    fn an_exclusive_lock_waits_for_no_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db").to_string_lossy().into_owned();
        let a = DbLock::shared(&db).unwrap();
        let _b = DbLock::shared(&db).unwrap();
        let e = DbLock::exclusive(&db).unwrap_err();
        assert!(e.to_string().contains("in use"), "{e}");
        drop(a);
        drop(_b);
        let x = DbLock::exclusive(&db).unwrap();
        let e = DbLock::shared(&db).unwrap_err();
        assert!(e.to_string().contains("restore"), "{e}");
        drop(x);
    }
}
