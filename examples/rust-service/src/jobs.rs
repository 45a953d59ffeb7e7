//! The one-shot jobs the binary runs as `cloud-run-app migrate` and `cloud-run-app cleanup`, on a
//! directory of uploaded files (on Cloud Run, a Cloud Storage bucket mounted as a volume).
//!
//! - [`migrate`] moves the files at the top of the directory into a date-partitioned layout,
//!   `YYYY/MM/DD/<name>`, by their modification date in UTC. It is idempotent: a second run finds
//!   nothing at the top and moves nothing, and a run that stopped half-way is completed by the
//!   next one.
//! - [`cleanup`] deletes the files anywhere below the directory whose modification time is more
//!   than a given age ago, then the directories that its deletions left empty.
//!
//! Both log one JSON line per file they change (through `tracing`, in the format of the
//! service's logs) and a summary line, never follow symbolic links, and go on after a failure
//! with one file: the failure is logged and counted in the summary, and the caller turns a
//! non-zero count into a failed run (a retry then picks up what is left).
//!
//! On a Cloud Storage FUSE volume a rename is a copy and a delete of the object, and a file's
//! modification time is the object's update time unless one was set through the mount
//! (Cloud Storage FUSE keeps it in the object's `gcsfuse_mtime` metadata). So [`migrate`] sets
//! the modification time of each moved file back to what it was, for [`cleanup`] to see the
//! upload's age rather than the migration's.

use std::fs::{self, DirEntry, File};
use std::io::{self, ErrorKind, Read};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::{Date, OffsetDateTime};
use tracing::{error, info, warn};

/// What [`migrate`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MigrateSummary {
    /// Files moved into their date directory.
    pub moved: usize,
    /// Files already in their date directory with the same content (left there by a move that
    /// copied but did not delete): the copy at the top was deleted.
    pub completed: usize,
    /// Files whose date directory holds a different file of the same name: both are kept.
    pub conflicts: usize,
    /// Files that could not be read or moved.
    pub failed: usize,
}

impl MigrateSummary {
    /// True when every file at the top was migrated.
    pub fn succeeded(&self) -> bool {
        self.conflicts == 0 && self.failed == 0
    }
}

/// What [`cleanup`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CleanupSummary {
    /// Files deleted.
    pub deleted: usize,
    /// Files younger than the limit, kept.
    pub kept: usize,
    /// Directories removed because the deletions left them empty.
    pub directories_removed: usize,
    /// Files or directories that could not be read or deleted.
    pub failed: usize,
}

impl CleanupSummary {
    /// True when every file older than the limit was deleted.
    pub fn succeeded(&self) -> bool {
        self.failed == 0
    }
}

/// How one file at the top of the directory was migrated.
enum Migrated {
    Moved,
    Completed,
    Conflict,
}

/// Moves every regular file at the top of `dir` to `dir/YYYY/MM/DD/<name>`, the UTC date of its
/// modification time, keeping that time. Directories (the date directories among them) and
/// symbolic links at the top are left as they are. A file whose target exists is deleted from
/// the top when the target has the same content, and kept (a conflict) otherwise.
///
/// Fails only when `dir` cannot be listed; failures with single files are logged and counted.
pub fn migrate(dir: &Path) -> io::Result<MigrateSummary> {
    let mut summary = MigrateSummary::default();
    for entry in sorted_entries(dir)? {
        let name = entry.file_name().to_string_lossy().into_owned();
        match entry.file_type() {
            Ok(kind) if kind.is_file() => {}
            Ok(_) => continue,
            Err(e) => {
                error!(file = name, "cannot read {name}: {e}");
                summary.failed += 1;
                continue;
            }
        }
        match migrate_file(dir, &entry) {
            Ok((Migrated::Moved, to)) => {
                info!(from = name, to, "moved {name} to {to}");
                summary.moved += 1;
            }
            Ok((Migrated::Completed, to)) => {
                info!(
                    from = name,
                    to, "{to} was already there with the same content: deleted {name}"
                );
                summary.completed += 1;
            }
            Ok((Migrated::Conflict, to)) => {
                error!(
                    from = name,
                    to, "{to} exists with other content: kept both, move or delete one of them"
                );
                summary.conflicts += 1;
            }
            Err(e) => {
                error!(file = name, "cannot migrate {name}: {e}");
                summary.failed += 1;
            }
        }
    }
    let MigrateSummary {
        moved,
        completed,
        conflicts,
        failed,
    } = summary;
    info!(
        moved,
        completed,
        conflicts,
        failed,
        "migrate: {moved} moved, {completed} completed, {conflicts} conflicts, {failed} failed"
    );
    Ok(summary)
}

/// Migrates one file; returns what happened and the target relative to `dir`.
fn migrate_file(dir: &Path, entry: &DirEntry) -> io::Result<(Migrated, String)> {
    let source = entry.path();
    let modified = entry.metadata()?.modified()?;
    let date = utc_date(modified).ok_or_else(|| {
        io::Error::new(
            ErrorKind::InvalidData,
            format!("its modification time {modified:?} has no date from year 0 to 9999"),
        )
    })?;
    let partition = format!(
        "{:04}/{:02}/{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    let name = entry.file_name();
    let relative = format!("{partition}/{}", name.to_string_lossy());
    let target_dir = dir.join(&partition);
    fs::create_dir_all(&target_dir)?;
    let target = target_dir.join(&name);
    match fs::symlink_metadata(&target) {
        Ok(existing) => {
            if existing.is_file() && same_content(&source, &target)? {
                fs::remove_file(&source)?;
                Ok((Migrated::Completed, relative))
            } else {
                Ok((Migrated::Conflict, relative))
            }
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            fs::rename(&source, &target)?;
            // A rename keeps the time on a local file system, not on Cloud Storage FUSE.
            if let Err(e) = File::open(&target).and_then(|f| f.set_modified(modified)) {
                warn!(
                    file = relative,
                    "moved, but cannot set the modification time of {relative} back: {e}"
                );
            }
            Ok((Migrated::Moved, relative))
        }
        Err(e) => Err(e),
    }
}

/// Deletes every regular file below `dir` (at any depth) modified more than `older_than` before
/// `now`, then each directory below `dir` that those deletions left empty. Files modified
/// after `now` are kept; symbolic links are neither followed nor deleted.
///
/// Fails only when `dir` cannot be listed; failures below it are logged and counted.
pub fn cleanup(dir: &Path, older_than: Duration, now: SystemTime) -> io::Result<CleanupSummary> {
    let mut summary = CleanupSummary::default();
    let entries = sorted_entries(dir)?;
    clean_entries(entries, "", older_than, now, &mut summary);
    let CleanupSummary {
        deleted,
        kept,
        directories_removed,
        failed,
    } = summary;
    let older_than_days = older_than.as_secs() / 86_400;
    info!(
        deleted,
        kept,
        directories_removed,
        failed,
        older_than_days,
        "cleanup: {deleted} deleted, {kept} kept, {directories_removed} empty directories removed, {failed} failed"
    );
    Ok(summary)
}

/// Cleans the entries of one directory (`prefix` is its path relative to the root, with a
/// trailing `/`, or empty for the root). Returns true when it deleted something.
fn clean_entries(
    entries: Vec<DirEntry>,
    prefix: &str,
    older_than: Duration,
    now: SystemTime,
    summary: &mut CleanupSummary,
) -> bool {
    let mut deleted_any = false;
    for entry in entries {
        let relative = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(e) => {
                error!(file = relative, "cannot read {relative}: {e}");
                summary.failed += 1;
                continue;
            }
        };
        if kind.is_dir() {
            let path = entry.path();
            let children = match sorted_entries(&path) {
                Ok(children) => children,
                Err(e) => {
                    error!(directory = relative, "cannot list {relative}: {e}");
                    summary.failed += 1;
                    continue;
                }
            };
            let inner = format!("{relative}/");
            if clean_entries(children, &inner, older_than, now, summary) {
                deleted_any = true;
                remove_if_empty(&path, &relative, summary);
            }
        } else if kind.is_file() {
            match clean_file(&entry, older_than, now) {
                Ok(Some(age)) => {
                    let age_days = age.as_secs() / 86_400;
                    info!(
                        file = relative,
                        age_days, "deleted {relative}, modified {age_days} days ago"
                    );
                    summary.deleted += 1;
                    deleted_any = true;
                }
                Ok(None) => summary.kept += 1,
                Err(e) => {
                    error!(file = relative, "cannot delete {relative}: {e}");
                    summary.failed += 1;
                }
            }
        }
    }
    deleted_any
}

/// Deletes the file if it is older than `older_than`; returns its age when it was deleted.
fn clean_file(
    entry: &DirEntry,
    older_than: Duration,
    now: SystemTime,
) -> io::Result<Option<Duration>> {
    let modified = entry.metadata()?.modified()?;
    match now.duration_since(modified) {
        Ok(age) if age > older_than => {
            fs::remove_file(entry.path())?;
            Ok(Some(age))
        }
        // Younger, or modified in the future.
        _ => Ok(None),
    }
}

/// Removes a directory that the cleanup emptied. One that is not empty (a file younger than the
/// limit, or one written meanwhile) or already gone (Cloud Storage FUSE shows a directory with
/// no placeholder object only while it holds objects) is left alone.
fn remove_if_empty(path: &Path, relative: &str, summary: &mut CleanupSummary) {
    match fs::remove_dir(path) {
        Ok(()) => {
            info!(
                directory = relative,
                "removed the empty directory {relative}"
            );
            summary.directories_removed += 1;
        }
        Err(e) if matches!(e.kind(), ErrorKind::DirectoryNotEmpty | ErrorKind::NotFound) => {}
        Err(e) => {
            error!(
                directory = relative,
                "cannot remove the empty directory {relative}: {e}"
            );
            summary.failed += 1;
        }
    }
}

/// The entries of `dir`, sorted by name, so that runs and their logs are reproducible.
fn sorted_entries(dir: &Path) -> io::Result<Vec<DirEntry>> {
    let mut entries = fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(DirEntry::file_name);
    Ok(entries)
}

/// The UTC date of `time`, for years 0 to 9999 (four digits in a path).
fn utc_date(time: SystemTime) -> Option<Date> {
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).ok()?,
        Err(before) => {
            let before = before.duration();
            // Round down: 0.5 s before the epoch is in the second -1.
            -i64::try_from(before.as_secs()).ok()? - i64::from(before.subsec_nanos() > 0)
        }
    };
    let date = OffsetDateTime::from_unix_timestamp(seconds).ok()?.date();
    (0..=9999).contains(&date.year()).then_some(date)
}

/// True when the two files have the same bytes, compared in chunks.
fn same_content(a: &Path, b: &Path) -> io::Result<bool> {
    let (mut a, mut b) = (File::open(a)?, File::open(b)?);
    if a.metadata()?.len() != b.metadata()?.len() {
        return Ok(false);
    }
    let (mut chunk_a, mut chunk_b) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let read_a = read_full(&mut a, &mut chunk_a)?;
        let read_b = read_full(&mut b, &mut chunk_b)?;
        if chunk_a[..read_a] != chunk_b[..read_b] {
            return Ok(false);
        }
        if read_a == 0 {
            return Ok(true);
        }
    }
}

/// Reads until `buf` is full or the end of the file; returns the bytes read.
fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
