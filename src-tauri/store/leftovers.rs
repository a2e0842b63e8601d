//! Temporary copies left behind by a run that was killed part-way through a backup or a
//! restore: full copies of the data, comments included, that nobody knows about. They
//! are found and removed at the next start or command, in the data folder and in the
//! folder of the last backup.
//!
//! A copy that is still in use is held locked by the run writing it (see
//! [`super::output::TempFile`]), so a run that starts meanwhile leaves it alone.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use super::files::suffixed;
use super::output::{SIDE_FILES, TEMP_BACKUP, TEMP_EXPORT, TEMP_RESTORE};

/// The name of the temporary copy a file belongs to: itself, or for a journal, log or
/// index SQLite made beside a copy, the copy's name.
fn copy_name(name: &str) -> Option<&str> {
    if ![TEMP_BACKUP, TEMP_RESTORE, TEMP_EXPORT]
        .iter()
        .any(|p| name.starts_with(p))
    {
        return None;
    }
    Some(
        SIDE_FILES
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .unwrap_or(name),
    )
}

/// Whether no run holds the copy at `path` (or it is gone). A copy that cannot be
/// opened is left alone.
fn abandoned(path: &Path) -> bool {
    match File::open(path) {
        Ok(f) => match f.try_lock() {
            Ok(()) => true,
            Err(TryLockError::WouldBlock) => false,
            Err(TryLockError::Error(_)) => false,
        },
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// Removes the copies a killed run left in `dir`, with what SQLite made beside them.
/// Returns what was removed.
pub fn remove_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut copies: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| copy_name(&e.file_name().to_string_lossy()).map(str::to_string))
        .collect();
    copies.sort();
    copies.dedup();
    let mut removed = Vec::new();
    for copy in copies {
        let path = dir.join(&copy);
        if !abandoned(&path) {
            continue;
        }
        for p in std::iter::once(path.clone()).chain(SIDE_FILES.iter().map(|s| suffixed(&path, s)))
        {
            match std::fs::remove_file(&p) {
                Ok(()) => removed.push(p),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => eprintln!(
                    "psi-feedback: a temporary copy left by an interrupted run could not be removed: {}: {e}",
                    p.display()
                ),
            }
        }
    }
    for p in &removed {
        eprintln!(
            "psi-feedback: removed a temporary copy left by an interrupted run: {}",
            p.display()
        );
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::output::TempFile;

    #[test]
    fn copies_left_by_a_killed_run_go_and_copies_in_use_stay() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in [
            ".psi-feedback-backup-abc123",
            ".psi-feedback-backup-abc123-journal",
            ".psi-feedback-restore-x1",
            ".psi-feedback-restore-x1-wal",
            ".psi-feedback-restore-x1-shm",
            ".psi-feedback-backup-gone-journal", // its copy already removed
            "psi-feedback.sqlite3",
            "notes.psi-feedback-backup-1",
        ] {
            std::fs::write(d.join(name), b"data").unwrap();
        }
        let busy = TempFile::new_in(d, TEMP_BACKUP).unwrap();
        std::fs::write(suffixed(busy.path(), "-journal"), b"j").unwrap();
        let removed = remove_in(d);
        assert_eq!(removed.len(), 6, "{removed:?}");
        let mut left: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let busy_name = busy
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut expected = vec![
            busy_name.clone(),
            format!("{busy_name}-journal"),
            "notes.psi-feedback-backup-1".to_string(),
            "psi-feedback.sqlite3".to_string(),
        ];
        expected.sort();
        assert_eq!(left, expected);
        drop(busy);
        assert!(remove_in(d).is_empty(), "the busy copy removed itself");
        assert_eq!(std::fs::read_dir(d).unwrap().count(), 2);
    }
}
