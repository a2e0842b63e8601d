//! The database as a file: the lock beside it and the first look at its header. A file
//! that is not a sound database of ours, of a schema we know, is never written to,
//! replaced or "repaired": staff are told, and a restore moves it aside.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::AppError;

/// The first 16 bytes of every SQLite database file.
const HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The lock file beside the database. Every open holds a shared lock on it; a restore
/// needs it alone, so it cannot swap the file from under a running app (whose writes
/// would then go to the old file).
fn lock_path(db: &Path) -> PathBuf {
    suffixed(db, ".lock")
}

/// The file SQLite (or this module) keeps beside `db` under `db`'s name plus `suffix`.
pub(super) fn suffixed(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn open_lock_file(db: &Path) -> Result<File, AppError> {
    let path = lock_path(db);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|e| {
            AppError::unusable(
                "error.db.lock_file",
                vec![
                    ("path", path.display().to_string()),
                    ("detail", e.to_string()),
                ],
            )
        })
}

fn cannot_lock(e: std::io::Error) -> AppError {
    AppError::unusable("error.db.cannot_lock", vec![("detail", e.to_string())])
}

/// A shared lock on the lock file, held while the database is open.
pub(super) struct SharedLock {
    file: File,
    /// No other app or command had the database open when the lock was taken: a log
    /// beside the database was left by a run that did not end cleanly.
    pub alone: bool,
    /// This open made the lock file.
    created: bool,
    path: PathBuf,
}

impl SharedLock {
    pub fn take(db: &Path) -> Result<SharedLock, AppError> {
        let path = lock_path(db);
        let created = std::fs::symlink_metadata(&path).is_err();
        let file = open_lock_file(db)?;
        // Alone if the lock can be had whole for a moment; then shared, as every open.
        let alone = match file.try_lock() {
            Ok(()) => {
                file.unlock().map_err(cannot_lock)?;
                true
            }
            Err(TryLockError::WouldBlock) => false,
            Err(TryLockError::Error(e)) => return Err(cannot_lock(e)),
        };
        match file.try_lock_shared() {
            Ok(()) => Ok(SharedLock {
                file,
                alone,
                created,
                path,
            }),
            Err(TryLockError::WouldBlock) => Err(AppError::busy("error.db.restoring", Vec::new())),
            Err(TryLockError::Error(e)) => Err(cannot_lock(e)),
        }
    }

    /// The open was refused: a lock file this open made is not left beside a file that
    /// is not ours (or not usable), unless another run uses it meanwhile.
    pub fn release_refused(self) {
        if self.created && self.file.unlock().is_ok() && self.file.try_lock().is_ok() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

pub(super) fn exclusive_lock(db: &Path) -> Result<File, AppError> {
    let file = open_lock_file(db)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(AppError::busy("error.db.in_use", Vec::new())),
        Err(TryLockError::Error(e)) => Err(cannot_lock(e)),
    }
}

/// Whether the file at `path` has content to keep, after checking that it is an SQLite
/// database at all. Reads only; a missing or empty file has nothing to lose.
pub(super) fn check_header(path: &Path) -> Result<bool, AppError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(AppError::unusable(
                "error.db.unreadable",
                vec![("detail", e.to_string())],
            ))
        }
    };
    if meta.is_dir() {
        return Err(AppError::unusable("error.db.folder_in_place", Vec::new()));
    }
    if meta.len() == 0 {
        return Ok(false);
    }
    let mut head = Vec::with_capacity(HEADER.len());
    File::open(path)
        .and_then(|f| f.take(HEADER.len() as u64).read_to_end(&mut head))
        .map_err(|e| AppError::unusable("error.db.unreadable", vec![("detail", e.to_string())]))?;
    if head != HEADER {
        return Err(AppError::unusable("error.db.not_sqlite", Vec::new()));
    }
    Ok(true)
}

/// Whether the header says the file is in WAL mode (its read and write versions are 2).
/// Switching a file to WAL mode writes its header.
pub(super) fn in_wal_mode(path: &Path) -> bool {
    let mut head = Vec::with_capacity(20);
    File::open(path)
        .and_then(|f| f.take(20).read_to_end(&mut head))
        .is_ok_and(|_| head.len() == 20 && head[18] == 2 && head[19] == 2)
}

/// Whether the file beside `db` with this suffix exists and holds something.
pub(super) fn has_content(db: &Path, suffix: &str) -> bool {
    std::fs::metadata(suffixed(db, suffix)).is_ok_and(|m| m.len() > 0)
}

/// Makes a rename durable. Best effort: some filesystems cannot sync a directory.
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
