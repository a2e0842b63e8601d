//! The one place every file the app writes goes through: exports and backups, from the
//! command line and the window's save dialogs alike.
//!
//! A target is refused if it is the database or one of the files beside it that belong
//! to it (its log, index, rollback journal, lock file, and the copies kept aside by a
//! restore or before opening a damaged log), whether named directly, through a symbolic
//! link or as another hard link to the same file; and if it exists and is not an
//! ordinary file (a folder, a device such as /dev/null, a pipe or a socket). Nothing is
//! written then. Otherwise the file is written beside the target under a temporary name
//! (owner-only), synced, and renamed over it: the target is whole or untouched.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};

use super::files::{suffixed, sync_dir};
use super::wal;
use crate::error::AppError;

/// The files SQLite and the app keep beside the database under its name and a suffix.
const OWN_SUFFIXES: [&str; 5] = ["", "-wal", "-shm", "-journal", ".lock"];
/// What a restore names the database it kept aside: `<db>.before-restore-<time>`.
pub(super) const BEFORE_RESTORE: &str = ".before-restore-";

/// The start of every temporary file's name: a copy left by a killed run is known by it.
pub const TEMP_BACKUP: &str = ".psi-feedback-backup-";
pub const TEMP_RESTORE: &str = ".psi-feedback-restore-";
pub const TEMP_EXPORT: &str = ".psi-feedback-export-";
/// What SQLite may make beside a temporary copy while it works on it.
pub(super) const SIDE_FILES: [&str; 3] = ["-journal", "-wal", "-shm"];

fn folder_of(p: &Path) -> &Path {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// `p` with its folder resolved (symbolic links followed), if the folder exists.
fn resolved(p: &Path) -> Option<PathBuf> {
    Some(folder_of(p).canonicalize().ok()?.join(p.file_name()?))
}

/// Whether the file name `name` in the database's folder is one of the database's own
/// files, for the database named `db_name`.
fn is_own_name(db_name: &str, name: &str) -> bool {
    OWN_SUFFIXES.iter().any(|s| name == format!("{db_name}{s}"))
        || name.starts_with(&format!("{db_name}{BEFORE_RESTORE}"))
        || wal::is_kept_name(db_name, name)
}

/// The database's own files by path: `(folder, database file name)` for the path as
/// given and, if it is a symbolic link, for where it leads.
fn own_places(db: &Path) -> Vec<(PathBuf, String)> {
    let mut places = Vec::new();
    for p in [resolved(db), db.canonicalize().ok()].into_iter().flatten() {
        if let (Some(dir), Some(name)) = (p.parent(), p.file_name()) {
            let place = (dir.to_path_buf(), name.to_string_lossy().into_owned());
            if !places.contains(&place) {
                places.push(place);
            }
        }
    }
    places
}

fn is_own_path(places: &[(PathBuf, String)], target: &Path) -> bool {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return false;
    };
    let name = name.to_string_lossy();
    places
        .iter()
        .any(|(d, db_name)| d == dir && is_own_name(db_name, &name))
}

/// A file's identity: the device and inode it is on, whatever name reaches it.
#[cfg(unix)]
fn identity(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// The identities of every own file of the database that exists now.
fn own_identities(places: &[(PathBuf, String)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for (dir, db_name) in places {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name: OsString = entry.file_name();
            if is_own_name(db_name, &name.to_string_lossy()) {
                // Following a link: a database that is itself a link is known by its target.
                if let Some(id) = std::fs::metadata(entry.path())
                    .ok()
                    .as_ref()
                    .and_then(identity)
                {
                    out.push(id);
                }
            }
        }
    }
    out
}

/// Checks that `target` may be written by the app whose database is `db`: not one of
/// the database's own files (by path or by identity), and, if it exists, an ordinary
/// file. Writes nothing.
pub fn check_target(db: &Path, target: &Path) -> Result<(), AppError> {
    let shown = target.display().to_string();
    let own = || AppError::export("error.output.own_file", vec![("path", shown.clone())]);
    let places = own_places(db);
    // By path: the target as named, and where it leads if it is a symbolic link.
    let mut paths: Vec<PathBuf> = resolved(target).into_iter().collect();
    if let Ok(full) = target.canonicalize() {
        paths.push(full);
    } else if let Ok(link) = std::fs::read_link(target) {
        // A link to nothing yet: where it points, from the link's own folder.
        paths.extend(resolved(&folder_of(target).join(link)));
    }
    if paths.iter().any(|p| is_own_path(&places, p)) {
        return Err(own());
    }
    // What is there now, following links.
    match std::fs::metadata(target) {
        Ok(m) => {
            if !m.is_file() {
                return Err(AppError::export(
                    "error.output.not_a_file",
                    vec![("path", shown.clone())],
                ));
            }
            if identity(&m).is_some_and(|id| own_identities(&places).contains(&id)) {
                return Err(own());
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AppError::export(
            "error.output.cannot_check",
            vec![("path", shown.clone()), ("detail", e.to_string())],
        )),
    }
}

/// A temporary file beside a target, owner-only, removed with whatever SQLite made
/// beside it unless it is put in place. It is held locked while it exists, so that a
/// later run removing copies left by a killed one never takes a copy in use.
pub struct TempFile {
    /// `None` once put in place.
    file: Option<tempfile::NamedTempFile>,
}

impl TempFile {
    /// A new temporary file in `dir`, its name starting with `prefix`.
    pub fn new_in(dir: &Path, prefix: &str) -> std::io::Result<TempFile> {
        // tempfile makes it with a fresh random name, never over a file, mode 0600.
        let file = tempfile::Builder::new().prefix(prefix).tempfile_in(dir)?;
        file.as_file().lock()?;
        Ok(TempFile { file: Some(file) })
    }

    fn inner(&self) -> &tempfile::NamedTempFile {
        self.file.as_ref().expect("not yet put in place")
    }

    pub fn path(&self) -> &Path {
        self.inner().path()
    }

    pub fn as_file(&self) -> &File {
        self.inner().as_file()
    }

    /// Syncs the file and renames it over `target`, in one step.
    pub fn persist(mut self, target: &Path) -> std::io::Result<()> {
        let file = self.file.take().expect("not yet put in place");
        remove_side_files(file.path());
        file.as_file().sync_all()?;
        if let Err(e) = file.persist(target) {
            // Back under the guard, which removes it.
            self.file = Some(e.file);
            return Err(e.error);
        }
        sync_dir(folder_of(target));
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // The file itself is removed by NamedTempFile's own drop.
        if let Some(file) = &self.file {
            remove_side_files(file.path());
        }
    }
}

fn remove_side_files(path: &Path) {
    for s in SIDE_FILES {
        let _ = std::fs::remove_file(suffixed(path, s));
    }
}

/// Writes the file at `target` whole or not at all, for the app whose database is `db`:
/// checks the target, lets `fill` write a temporary file beside it, checks the target
/// again (it may have changed meanwhile) and renames the file over it. `failed` says
/// what went wrong with the file system in the caller's words.
pub fn write(
    db: &Path,
    target: &Path,
    prefix: &str,
    failed: impl Fn(std::io::Error) -> AppError,
    fill: impl FnOnce(&TempFile) -> Result<(), AppError>,
) -> Result<(), AppError> {
    check_target(db, target)?;
    let tmp = TempFile::new_in(folder_of(target), prefix).map_err(&failed)?;
    fill(&tmp)?;
    check_target(db, target)?;
    tmp.persist(target).map_err(&failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, DB_FILE};

    fn refused(db: &Path, target: &Path) -> String {
        match check_target(db, target) {
            Err(e) => e.message().key.to_string(),
            Ok(()) => panic!("{} was allowed", target.display()),
        }
    }

    #[test]
    fn the_database_and_its_own_files_are_refused_by_name_link_and_identity() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(DB_FILE);
        let _store = Store::open(&db).unwrap();
        let kept = dir
            .path()
            .join(format!("{DB_FILE}.before-restore-20260101T000000Z"));
        std::fs::write(&kept, b"kept").unwrap();
        let own = "error.output.own_file";
        for suffix in OWN_SUFFIXES {
            assert_eq!(refused(&db, &suffixed(&db, suffix)), own, "{suffix}");
        }
        for name in [
            format!("{DB_FILE}-wal.kept-20260101T000000Z"),
            format!("{DB_FILE}-shm.kept-20260101T000000Z-2"),
            format!("{DB_FILE}.before-restore-20260101T000000Z"),
            format!("{DB_FILE}.before-restore-20260101T000000Z-wal"),
        ] {
            assert_eq!(refused(&db, &dir.path().join(&name)), own, "{name}");
        }
        // The same file by other names.
        let other = tempfile::tempdir().unwrap();
        let sym = other.path().join("link.csv");
        std::os::unix::fs::symlink(&db, &sym).unwrap();
        assert_eq!(refused(&db, &sym), own, "a symbolic link to it");
        let hard = other.path().join("hard.csv");
        std::fs::hard_link(&db, &hard).unwrap();
        assert_eq!(refused(&db, &hard), own, "a hard link to it");
        let hard_kept = other.path().join("hard-kept.csv");
        std::fs::hard_link(&kept, &hard_kept).unwrap();
        assert_eq!(refused(&db, &hard_kept), own, "a hard link to a kept copy");
        let dangling = other.path().join("dangling.csv");
        std::os::unix::fs::symlink(suffixed(&db, "-journal"), &dangling).unwrap();
        assert_eq!(
            refused(&db, &dangling),
            own,
            "a link to a journal not there yet"
        );
        let folder_link = other.path().join("data");
        std::os::unix::fs::symlink(dir.path(), &folder_link).unwrap();
        assert_eq!(
            refused(&db, &folder_link.join(DB_FILE)),
            own,
            "through a folder link"
        );
        assert_eq!(
            refused(&db, &dir.path().join(".").join(DB_FILE)),
            own,
            "a longer path"
        );
        // Beside them, anything else is fine.
        check_target(&db, &dir.path().join("summary.csv")).unwrap();
        check_target(&db, &dir.path().join(format!("{DB_FILE}.csv"))).unwrap();
        check_target(&db, &other.path().join(DB_FILE)).unwrap();
    }

    #[test]
    fn what_is_not_an_ordinary_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(DB_FILE);
        let not_a_file = "error.output.not_a_file";
        assert_eq!(refused(&db, Path::new("/dev/null")), not_a_file);
        assert_eq!(refused(&db, dir.path()), not_a_file, "a folder");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert_eq!(refused(&db, &fifo), not_a_file, "a pipe");
        }
        let link = dir.path().join("null.csv");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        assert_eq!(refused(&db, &link), not_a_file, "a link to a device");
    }

    #[test]
    fn a_failed_write_leaves_nothing_and_a_good_one_replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(DB_FILE);
        let target = dir.path().join("out.csv");
        let io = |e: std::io::Error| {
            AppError::export(
                "error.export.not_written",
                vec![("detail", e.to_string()), ("path", String::new())],
            )
        };
        write(&db, &target, TEMP_EXPORT, io, |tmp| {
            use std::io::Write;
            let mut f = tmp.as_file();
            f.write_all(b"whole").unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = tmp.as_file().metadata().unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "owner-only");
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
        let err = write(&db, &target, TEMP_EXPORT, io, |tmp| {
            std::fs::write(suffixed(tmp.path(), "-journal"), b"j").unwrap();
            Err(AppError::Storage("failed part-way".into()))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"whole", "untouched");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![OsString::from("out.csv")],
            "nothing left behind"
        );
    }
}
