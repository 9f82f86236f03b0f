//! The audit log's integrity and the database's safekeeping: verification
//! (the keyed chain, the checkpoint file, the replay of after-images
//! against the current rows), checkpoints, backup and restore.

use crate::{App, AppError};
use ranks_domain::DomainError;
use ranks_store::anchor::{self, AuditFiles, AuditKey, DbLock};
use ranks_store::records::audit::{self, ChainReport};
use ranks_store::records::{maintenance, replay};
use ranks_store::{AuditSeal, Backend, Db, StoreError};
use std::path::{Path, PathBuf};

impl App {
    /// The audit key and checkpoint file attached to the database.
    pub(crate) fn audit_seal(&self) -> Result<&AuditSeal, AppError> {
        self.db().audit().ok_or_else(|| {
            StoreError::Audit("no audit key is attached to the database".into()).into()
        })
    }

    /// Checks the whole audit log with the key (every entry's MAC and link),
    /// against the checkpoint file (nothing written down is missing or
    /// different), and replays the after-images against the current rows.
    pub async fn verify_audit(&self) -> Result<ChainReport, AppError> {
        let seal = self.audit_seal()?;
        let checkpoints = anchor::read_checkpoints(&seal.checkpoint)?;
        let mut conn = self.db().read().await?;
        let mut report = audit::verify(&mut conn, &seal.key, &checkpoints).await?;
        let (records, differences) = replay::replay(&mut conn).await?;
        report.records = records;
        report.differences = differences;
        Ok(report)
    }

    /// Writes the log's head to the checkpoint file (when it moved since
    /// the last line); the head.
    pub async fn checkpoint(&self) -> Result<Option<(i64, String)>, AppError> {
        let seal = self.audit_seal()?;
        let mut conn = self.db().read().await?;
        Ok(audit::checkpoint(&mut conn, seal).await?)
    }

    /// A consistent copy of the database into `file` (created mode 0600),
    /// taken while the server runs (SQLite's `VACUUM INTO`: one read
    /// transaction, so a snapshot). PostgreSQL is backed up with its own
    /// tools (pg_dump; see the README).
    pub async fn backup(&self, file: &Path) -> Result<u64, AppError> {
        if self.db().backend() != Backend::Sqlite {
            return Err(AppError::Conflict(
                "on PostgreSQL use pg_dump -Fc (README, Backup and restore)".into(),
            ));
        }
        let exists = || {
            DomainError::invalid(
                "file",
                file.display().to_string(),
                "a file that does not exist yet",
            )
        };
        if file.exists() {
            return Err(exists().into());
        }
        // VACUUM INTO fills an empty file; made first, it is private.
        match anchor::create_private(file) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists().into()),
            Err(e) => return Err(AppError::Conflict(format!("{}: {e}", file.display()))),
        }
        let mut conn = self.db().read().await?;
        if let Err(e) = maintenance::vacuum_into(&mut conn, &file.to_string_lossy()).await {
            let _ = std::fs::remove_file(file);
            return Err(e.into());
        }
        Ok(std::fs::metadata(file).map(|m| m.len()).unwrap_or(0))
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    /// Audit entries in the restored database, and its head.
    pub entries: u64,
    pub head: Option<(i64, String)>,
    /// Where the database that was replaced is kept (with its -wal).
    pub kept: Option<PathBuf>,
    /// Where the checkpoint file of the replaced database is kept; a new
    /// one starts at the restored head.
    pub checkpoint_kept: Option<PathBuf>,
}

/// `FILE` + `suffix`, in the same directory.
fn sibling(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn io(p: &Path) -> impl Fn(std::io::Error) -> AppError + '_ {
    move |e| AppError::Conflict(format!("{}: {e}", p.display()))
}

/// Checks a SQLite file without changing a byte of it: a SQLite file, its
/// integrity, a Ranks schema this program knows, an audit log that verifies
/// (with the key and the checkpoint lines up to its head, and its rows
/// against their after-images; a log of an earlier, unkeyed version by its
/// hash chain).
pub async fn check_sqlite_copy(
    file: &Path,
    key: Option<&AuditKey>,
    checkpoints: &[(i64, String)],
) -> Result<ChainReport, AppError> {
    let not_ranks = |why: &str| {
        AppError::Conflict(format!(
            "{} is not a Ranks database ({why}); nothing was changed",
            file.display()
        ))
    };
    {
        use std::io::Read;
        let mut head = Vec::with_capacity(16);
        std::fs::File::open(file)
            .map_err(io(file))?
            .take(16)
            .read_to_end(&mut head)
            .map_err(io(file))?;
        if head.is_empty() {
            return Err(not_ranks("an empty file"));
        }
        if head != b"SQLite format 3\0" {
            return Err(not_ranks("not a SQLite file"));
        }
    }
    let mut conn = Db::inspect_sqlite(file).await?;
    let ok = maintenance::integrity_check(&mut conn).await?;
    if ok != "ok" {
        return Err(AppError::Conflict(format!(
            "{} is damaged: {ok}; nothing was changed",
            file.display()
        )));
    }
    let Some(version) = ranks_store::inspect_version(&mut conn).await? else {
        return Err(not_ranks("no schema version"));
    };
    let known = ranks_store::latest_version(Backend::Sqlite);
    if version > known {
        return Err(StoreError::TooNew {
            found: version,
            known,
        }
        .into());
    }
    if version < 8 {
        return Err(AppError::Conflict(format!(
            "{} has schema version {version}, from before the audit chain; restore it with the version of Ranks that wrote it",
            file.display()
        )));
    }
    let (keyed, newest) = maintenance::keyed_audit_entries(&mut conn).await?;
    let report = if keyed > 0 {
        let key = key.ok_or_else(|| {
            AppError::Conflict(format!(
                "the audit log of {} is sealed with a key, and the audit key is missing: put the key file back from your copy (docs/audit.md); nothing was changed",
                file.display()
            ))
        })?;
        let marks: Vec<(i64, String)> = checkpoints
            .iter()
            .filter(|c| c.0 <= newest)
            .cloned()
            .collect();
        let mut r = audit::verify(&mut conn, key, &marks).await?;
        let (records, differences) = replay::replay(&mut conn).await?;
        r.records = records;
        r.differences = differences;
        let first = r
            .problems
            .iter()
            .map(|p| p.to_string())
            .chain(r.differences.iter().map(|d| d.to_string()))
            .next();
        if let Some(first) = first {
            let more = r.problems.len() + r.differences.len() - 1;
            return Err(AppError::Conflict(format!(
                "the audit log of {} does not verify: {first}{}; nothing was changed",
                file.display(),
                if more > 0 {
                    format!(" (and {more} more)")
                } else {
                    String::new()
                }
            )));
        }
        r
    } else {
        if let Some((id, why)) = audit::verify_unkeyed(&mut conn).await? {
            return Err(AppError::Conflict(format!(
                "the audit chain of {} is broken at entry {id}: {why}; nothing was changed",
                file.display()
            )));
        }
        ChainReport {
            entries: audit::count(&mut conn).await? as u64,
            ..ChainReport::default()
        }
    };
    maintenance::close(conn).await;
    Ok(report)
}

/// Restores a SQLite backup into `target`. Refused while any application
/// has the target open (the lock every server and command holds), and for a
/// target that exists unless `force`. The backup is checked read-only first
/// ([`check_sqlite_copy`]), copied next to the target (mode 0600), the copy
/// checked again; only then is the old database (with its -wal) renamed
/// aside, kept, and the copy put in its place. The checkpoint file is kept
/// aside too and a new one starts at the restored head.
pub async fn restore_sqlite(
    backup: &Path,
    target: &Path,
    force: bool,
    files: &AuditFiles,
) -> Result<Restored, AppError> {
    if !backup.is_file() {
        return Err(
            DomainError::invalid("file", backup.display().to_string(), "a backup file").into(),
        );
    }
    if target.exists() && !force {
        return Err(DomainError::invalid(
            "database",
            target.display().to_string(),
            "a database that does not exist yet (or --force)",
        )
        .into());
    }
    let _lock = DbLock::exclusive(&target.to_string_lossy())?;
    let key = AuditKey::load(&files.key)?;
    let checkpoints = anchor::read_checkpoints(&files.checkpoint)?;
    let checked = check_sqlite_copy(backup, key.as_ref(), &checkpoints).await?;

    let tmp = sibling(target, ".restoring");
    let _ = std::fs::remove_file(&tmp);
    let copied = async {
        {
            let mut out = anchor::create_private(&tmp).map_err(io(&tmp))?;
            let mut src = std::fs::File::open(backup).map_err(io(backup))?;
            std::io::copy(&mut src, &mut out).map_err(io(&tmp))?;
            out.sync_all().map_err(io(&tmp))?;
        }
        let again = check_sqlite_copy(&tmp, key.as_ref(), &checkpoints).await?;
        if (again.entries, &again.head) != (checked.entries, &checked.head) {
            return Err(AppError::Conflict(format!(
                "the copy {} differs from the backup; nothing was changed",
                tmp.display()
            )));
        }
        Ok(())
    }
    .await;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }

    // The copy holds: put the old database aside, then the copy in place.
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
    let sides = ["-wal", "-shm"];
    let kept = if target.exists() {
        let aside = sibling(target, &format!(".before-restore-{stamp}"));
        std::fs::rename(target, &aside).map_err(io(target))?;
        for side in sides {
            let from = sibling(target, side);
            if from.exists() {
                std::fs::rename(&from, sibling(&aside, side)).map_err(io(&from))?;
            }
        }
        Some(aside)
    } else {
        // A write-ahead log without its database must not be replayed over the copy.
        for side in sides {
            let _ = std::fs::remove_file(sibling(target, side));
        }
        None
    };
    if let Err(e) = std::fs::rename(&tmp, target) {
        if let Some(aside) = &kept {
            let _ = std::fs::rename(aside, target);
            for side in sides {
                let _ = std::fs::rename(sibling(aside, side), sibling(target, side));
            }
        }
        return Err(io(target)(e));
    }
    anchor::sync_dir(target);
    let checkpoint_kept = if files.checkpoint.exists() {
        let aside = sibling(&files.checkpoint, &format!(".before-restore-{stamp}"));
        std::fs::rename(&files.checkpoint, &aside).map_err(io(&files.checkpoint))?;
        Some(aside)
    } else {
        None
    };
    if let Some((id, mac)) = &checked.head {
        if mac.starts_with(anchor::MAC_PREFIX) {
            anchor::append_checkpoint(&files.checkpoint, *id, mac)?;
        }
    }
    Ok(Restored {
        entries: checked.entries,
        head: checked.head,
        kept,
        checkpoint_kept,
    })
}
