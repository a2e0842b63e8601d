//! The write-ahead log left behind by a run that did not end cleanly: kept aside before
//! the database is opened for writing, and read to tell whether SQLite's recovery left
//! committed changes out.
//!
//! SQLite's recovery stops at the first frame whose checksum fails. That is its design
//! for a write torn by a crash, but the next write then starts over that frame, and
//! every frame after it is gone. So the log is copied first (a copy, not a hard link:
//! SQLite rewrites the log in place), and the copy is read here. SQLite has no API that
//! says what recovery skipped, and the format is small and fixed
//! (<https://www.sqlite.org/fileformat2.html#walformat>), so it is read by hand.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::files::{suffixed, sync_dir};

/// The log's header: magic, version, page size, checkpoint number, two salts, checksum.
const HEADER_LEN: usize = 32;
/// Each frame's header: page number, database size (commit frames only), two salts,
/// checksum; the page follows.
const FRAME_HEADER_LEN: usize = 24;
/// The magic number; its last bit says the byte order of the checksums.
const MAGIC: u32 = 0x377f_0682;
const VERSION: u32 = 3_007_000;

/// What reading a log found that recovery did not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unapplied {
    /// Nothing: every frame was applied, or what was not is a write torn by a crash
    /// (the last frame, with nothing after it) or a transaction never committed (no
    /// frame after the damage ends a transaction).
    Nothing,
    /// The header is not valid, so SQLite ignored the whole log (`bytes` long).
    WholeLog { bytes: u64 },
    /// Frame `first_bad` (counting from 1) fails its checks, and `frames` frames of the
    /// same log follow it; `commits` transactions end at it or after it.
    AfterDamage {
        first_bad: u64,
        frames: u64,
        commits: u64,
    },
}

/// The checksum SQLite uses for the log: pairs of 32-bit words in the byte order the
/// magic number gives, added into two running sums.
fn checksum(big_endian: bool, data: &[u8], (mut s0, mut s1): (u32, u32)) -> (u32, u32) {
    let word = |b: &[u8]| {
        let b = [b[0], b[1], b[2], b[3]];
        if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    };
    for pair in data.chunks_exact(8) {
        s0 = s0.wrapping_add(word(&pair[..4])).wrapping_add(s1);
        s1 = s1.wrapping_add(word(&pair[4..])).wrapping_add(s0);
    }
    (s0, s1)
}

fn be(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Reads a log as SQLite's recovery does, and says what it would leave out.
pub fn read(log: impl Read) -> std::io::Result<Unapplied> {
    let mut log = BufReader::new(log);
    let mut header = Vec::with_capacity(HEADER_LEN);
    (&mut log)
        .take(HEADER_LEN as u64)
        .read_to_end(&mut header)?;
    let rest_has_data = |log: &mut BufReader<_>, header: &[u8]| -> std::io::Result<(bool, u64)> {
        let mut bytes = header.len() as u64;
        let mut data = header.iter().any(|b| *b != 0);
        let mut buf = [0u8; 8192];
        loop {
            let n = log.read(&mut buf)?;
            if n == 0 {
                return Ok((data, bytes));
            }
            bytes += n as u64;
            data |= buf[..n].iter().any(|b| *b != 0);
        }
    };
    let magic = if header.len() == HEADER_LEN {
        be(&header, 0)
    } else {
        0
    };
    let page_size = if header.len() == HEADER_LEN {
        be(&header, 8) as usize
    } else {
        0
    };
    let big_endian = magic & 1 == 1;
    let header_ok = header.len() == HEADER_LEN
        && magic & !1 == MAGIC
        && be(&header, 4) == VERSION
        && page_size.is_power_of_two()
        && (512..=65536).contains(&page_size)
        && checksum(big_endian, &header[..24], (0, 0)) == (be(&header, 24), be(&header, 28));
    if !header_ok {
        // An all-zero file holds nothing; anything else was ignored whole.
        let (data, bytes) = rest_has_data(&mut log, &header)?;
        return Ok(if data {
            Unapplied::WholeLog { bytes }
        } else {
            Unapplied::Nothing
        });
    }
    let salts = (be(&header, 16), be(&header, 20));
    let mut sums = (be(&header, 24), be(&header, 28));
    let mut frame = vec![0u8; FRAME_HEADER_LEN + page_size];
    let mut number = 0u64;
    let mut first_bad = None;
    let (mut frames, mut commits) = (0u64, 0u64);
    loop {
        // A frame cut short at the end of the file is ignored by recovery too.
        let mut filled = 0;
        while filled < frame.len() {
            match log.read(&mut frame[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        if filled < frame.len() {
            break;
        }
        number += 1;
        let same_log = (be(&frame, 8), be(&frame, 12)) == salts;
        match first_bad {
            None => {
                let mut next = checksum(big_endian, &frame[..8], sums);
                next = checksum(big_endian, &frame[FRAME_HEADER_LEN..], next);
                let valid =
                    same_log && be(&frame, 0) != 0 && next == (be(&frame, 16), be(&frame, 20));
                // Recovery ends at the first frame that is not valid: the end of a
                // log that started over an older one (other salts), a torn write, or
                // damage. Only frames of this log after it say which.
                if valid {
                    sums = next;
                } else {
                    first_bad = Some(number);
                    // A damaged frame that ended a transaction: that one is lost too.
                    if same_log && be(&frame, 4) != 0 {
                        commits += 1;
                    }
                }
            }
            Some(_) if same_log => {
                frames += 1;
                if be(&frame, 4) != 0 {
                    commits += 1;
                }
            }
            Some(_) => {}
        }
    }
    // Nothing of this log after the damaged frame: a write torn by a crash. Frames
    // after it that end no transaction were never committed. Nothing that was saved is
    // missing then.
    Ok(match first_bad {
        Some(first_bad) if frames > 0 && commits > 0 => Unapplied::AfterDamage {
            first_bad,
            frames,
            commits,
        },
        _ => Unapplied::Nothing,
    })
}

/// A copy of the log (and its index) made before the database was opened for writing.
#[derive(Debug)]
pub struct Kept {
    pub log: PathBuf,
    pub index: Option<PathBuf>,
}

impl Kept {
    /// Removes the copies: recovery applied everything they hold.
    pub fn remove(self) {
        for path in std::iter::once(&self.log).chain(&self.index) {
            if let Err(e) = std::fs::remove_file(path) {
                eprintln!(
                    "psi-feedback: the copy {} could not be removed: {e}",
                    path.display()
                );
            }
        }
    }
}

/// The names a kept copy of `db`'s log and index take: `<db>-wal.kept-<UTC time>`
/// and `<db>-shm.kept-<UTC time>`, and a number after the time if those are taken.
pub fn kept_names(db: &Path, at: DateTime<Utc>, n: u32) -> (PathBuf, PathBuf) {
    let stamp = at.format("%Y%m%dT%H%M%SZ").to_string();
    let tail = if n < 2 { stamp } else { format!("{stamp}-{n}") };
    (
        suffixed(db, &format!("-wal.kept-{tail}")),
        suffixed(db, &format!("-shm.kept-{tail}")),
    )
}

/// Whether a file name beside the database `db_name` is a kept copy of its log.
pub fn is_kept_name(db_name: &str, name: &str) -> bool {
    ["-wal.kept-", "-shm.kept-"]
        .iter()
        .any(|s| name.starts_with(&format!("{db_name}{s}")))
}

/// Copies `db`'s log, if it holds anything, and its index beside the database under
/// names nothing has. Owner-only: the log holds responses. Returns `None` when there is
/// no log to keep.
pub fn keep(db: &Path, at: DateTime<Utc>) -> std::io::Result<Option<Kept>> {
    let wal = suffixed(db, "-wal");
    match std::fs::metadata(&wal) {
        Ok(m) if m.is_file() && m.len() > 0 => {}
        Ok(_) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    }
    let shm = suffixed(db, "-shm");
    let mut n = 1;
    let (log, index) = loop {
        let (log, index) = kept_names(db, at, n);
        let taken = |p: &Path| std::fs::symlink_metadata(p).is_ok();
        if !taken(&log) && !taken(&index) {
            break (log, index);
        }
        n += 1;
    };
    copy_new(&wal, &log)?;
    let index = match copy_new(&shm, &index) {
        Ok(()) => Some(index),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            let _ = std::fs::remove_file(&log);
            return Err(e);
        }
    };
    sync_dir(db.parent().unwrap_or(Path::new(".")));
    Ok(Some(Kept { log, index }))
}

/// Copies `from` to a new file `to` (never over one), synced, owner-only.
fn copy_new(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = File::open(from)?;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut target = options.open(to)?;
    let copied = std::io::copy(&mut source, &mut target).and_then(|_| target.sync_all());
    if copied.is_err() {
        let _ = std::fs::remove_file(to);
    }
    copied
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: usize = 512;

    /// A log as SQLite writes it: a header, then frames chained by their checksums.
    fn log(big_endian: bool, frames: &[(u32, u32)], salts: (u32, u32)) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend((MAGIC | big_endian as u32).to_be_bytes());
        out.extend(VERSION.to_be_bytes());
        out.extend((PAGE as u32).to_be_bytes());
        out.extend(0u32.to_be_bytes());
        out.extend(salts.0.to_be_bytes());
        out.extend(salts.1.to_be_bytes());
        let mut sums = checksum(big_endian, &out, (0, 0));
        out.extend(sums.0.to_be_bytes());
        out.extend(sums.1.to_be_bytes());
        for (i, (page, commit)) in frames.iter().enumerate() {
            let mut f = Vec::new();
            f.extend(page.to_be_bytes());
            f.extend(commit.to_be_bytes());
            f.extend(salts.0.to_be_bytes());
            f.extend(salts.1.to_be_bytes());
            let data: Vec<u8> = (0..PAGE).map(|b| (b + i) as u8).collect();
            sums = checksum(big_endian, &f[..8], sums);
            sums = checksum(big_endian, &data, sums);
            f.extend(sums.0.to_be_bytes());
            f.extend(sums.1.to_be_bytes());
            f.extend(data);
            out.extend(f);
        }
        out
    }

    fn frame_at(n: usize) -> usize {
        HEADER_LEN + (n - 1) * (FRAME_HEADER_LEN + PAGE)
    }

    fn commits(n: u32) -> Vec<(u32, u32)> {
        (1..=n).map(|i| (i, i)).collect()
    }

    #[test]
    fn a_sound_log_in_either_byte_order_leaves_nothing_out() {
        for big in [false, true] {
            let bytes = log(big, &commits(10), (7, 9));
            assert_eq!(read(&bytes[..]).unwrap(), Unapplied::Nothing);
        }
    }

    #[test]
    fn frames_after_a_damaged_frame_are_found() {
        let mut bytes = log(false, &commits(30), (1, 2));
        let at = frame_at(4) + FRAME_HEADER_LEN + 100;
        for b in &mut bytes[at..at + 4] {
            *b ^= 0xff;
        }
        assert_eq!(
            read(&bytes[..]).unwrap(),
            Unapplied::AfterDamage {
                first_bad: 4,
                frames: 26,
                commits: 27
            }
        );
    }

    #[test]
    fn a_torn_last_frame_or_an_uncommitted_tail_is_a_normal_crash() {
        let mut frames = commits(5);
        frames.push((6, 0)); // a transaction that never committed
        let bytes = log(true, &frames, (3, 4));
        assert_eq!(read(&bytes[..]).unwrap(), Unapplied::Nothing);
        // The last frame written only in part: damaged, with nothing after it.
        let mut torn = log(true, &commits(6), (3, 4));
        let end = torn.len();
        torn[end - 100..].fill(0);
        assert_eq!(read(&torn[..]).unwrap(), Unapplied::Nothing);
        // Or cut short by the end of the file.
        assert_eq!(read(&torn[..end - 200]).unwrap(), Unapplied::Nothing);
        // A damaged frame followed only by frames of a transaction that never ended.
        let mut frames = commits(3);
        frames.extend([(4, 0), (5, 0), (6, 0)]);
        let mut open_ended = log(false, &frames, (5, 6));
        let at = frame_at(4) + FRAME_HEADER_LEN;
        open_ended[at] ^= 1;
        assert_eq!(read(&open_ended[..]).unwrap(), Unapplied::Nothing);
    }

    #[test]
    fn frames_of_an_earlier_log_after_the_end_are_not_counted() {
        // The log started over (new salts) and wrote 3 frames over an older one of 8.
        let old = log(false, &commits(8), (10, 20));
        let new = log(false, &commits(3), (11, 99));
        let mut bytes = old.clone();
        bytes[..new.len()].copy_from_slice(&new);
        assert_eq!(read(&bytes[..]).unwrap(), Unapplied::Nothing);
    }

    #[test]
    fn a_log_whose_header_is_damaged_is_left_out_whole() {
        let mut bytes = log(false, &commits(3), (1, 2));
        bytes[20] ^= 1; // a salt: the header's checksum fails
        assert_eq!(
            read(&bytes[..]).unwrap(),
            Unapplied::WholeLog {
                bytes: bytes.len() as u64
            }
        );
        let garbage = vec![0xA5u8; 5000];
        assert!(matches!(
            read(&garbage[..]).unwrap(),
            Unapplied::WholeLog { bytes: 5000 }
        ));
        assert_eq!(read(&[0u8; 4096][..]).unwrap(), Unapplied::Nothing);
        assert_eq!(read(&[][..]).unwrap(), Unapplied::Nothing);
    }

    #[test]
    fn a_kept_copy_never_overwrites_an_earlier_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.sqlite3");
        assert!(keep(&db, Utc::now()).unwrap().is_none(), "no log");
        std::fs::write(suffixed(&db, "-wal"), b"").unwrap();
        assert!(keep(&db, Utc::now()).unwrap().is_none(), "an empty log");
        std::fs::write(suffixed(&db, "-wal"), b"log one").unwrap();
        std::fs::write(suffixed(&db, "-shm"), b"index").unwrap();
        let at = Utc::now();
        let first = keep(&db, at).unwrap().unwrap();
        std::fs::write(suffixed(&db, "-wal"), b"log two").unwrap();
        let second = keep(&db, at).unwrap().unwrap();
        assert_ne!(first.log, second.log);
        assert_eq!(std::fs::read(&first.log).unwrap(), b"log one");
        assert_eq!(std::fs::read(&second.log).unwrap(), b"log two");
        assert_eq!(
            std::fs::read(second.index.as_ref().unwrap()).unwrap(),
            b"index"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&second.log).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let name = second
            .log
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(is_kept_name("d.sqlite3", &name), "{name}");
        assert!(!is_kept_name("d.sqlite3", "d.sqlite3-wal"));
    }
}
