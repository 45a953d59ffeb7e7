//! Runs the real binary's jobs, `migrate` and `cleanup`, on temporary directories and checks
//! the files they leave, their JSON log lines and their exit codes.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_cloud-run-app");
const DAY: Duration = Duration::from_secs(86_400);
const HOUR: Duration = Duration::from_secs(3_600);

/// A fresh directory for one test, below Cargo's directory for integration tests' temporary
/// files; removed when the test passes.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jobs-{name}"));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }

    /// Writes `content` to `relative` (creating its directories) and sets its modification time.
    fn write(&self, relative: &str, content: &str, modified: SystemTime) {
        let path = self.0.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
    }

    /// Every regular file below the directory: relative path → (content, modification time).
    fn files(&self) -> BTreeMap<String, (String, SystemTime)> {
        let mut files = BTreeMap::new();
        walk(&self.0, "", &mut |relative, path, kind| {
            if kind.is_file() {
                let modified = fs::metadata(path).unwrap().modified().unwrap();
                files.insert(
                    relative.to_string(),
                    (fs::read_to_string(path).unwrap(), modified),
                );
            }
        });
        files
    }

    /// Every directory below the directory, as relative paths.
    fn directories(&self) -> Vec<String> {
        let mut directories = Vec::new();
        walk(&self.0, "", &mut |relative, _, kind| {
            if kind.is_dir() {
                directories.push(relative.to_string());
            }
        });
        directories.sort();
        directories
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// Calls `visit` with every entry below `dir` (symbolic links are not followed).
fn walk(dir: &Path, prefix: &str, visit: &mut dyn FnMut(&str, &Path, fs::FileType)) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let relative = format!("{prefix}{}", entry.file_name().to_str().unwrap());
        let kind = entry.file_type().unwrap();
        visit(&relative, &entry.path(), kind);
        if kind.is_dir() {
            walk(&entry.path(), &format!("{relative}/"), visit);
        }
    }
}

/// A time `seconds` after the Unix epoch.
fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// 2024-02-29T12:00:00Z.
const LEAP_DAY_NOON: u64 = 1_709_208_000;
/// 2025-12-31T23:59:59Z: the last second of 2025 in UTC (already 2026 east of UTC).
const LAST_SECOND_OF_2025: u64 = 1_767_225_599;

/// The result of one run of the binary.
struct Run {
    code: Option<i32>,
    /// Every stdout line, each parsed as JSON (a line that is not JSON fails the run).
    logs: Vec<Value>,
    stderr: String,
}

impl Run {
    /// The last log line: the job's summary.
    fn summary(&self) -> &Value {
        self.logs.last().expect("a summary line")
    }

    /// The messages of the lines before the summary.
    fn messages(&self) -> Vec<&str> {
        self.logs[..self.logs.len() - 1]
            .iter()
            .map(|l| l["message"].as_str().unwrap())
            .collect()
    }
}

fn run(args: &[&str]) -> Run {
    let output = Command::new(BIN).env_clear().args(args).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let logs = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    Run {
        code: output.status.code(),
        logs,
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn migrate_moves_top_level_files_into_utc_date_directories_and_a_second_run_moves_nothing() {
    let dir = TempDir::new("migrate");
    dir.write("a.txt", "leap day", at(LEAP_DAY_NOON));
    dir.write("b.bin", "new year's eve", at(LAST_SECOND_OF_2025));
    dir.write("epoch.txt", "1970", at(0));
    // Half a second before the epoch is still 1969 (rounded down, not toward zero).
    let before_epoch = UNIX_EPOCH - Duration::from_millis(500);
    dir.write("before-epoch.txt", "1969", before_epoch);
    // Already in the new layout, and a directory of another kind: both stay.
    dir.write("2024/01/05/old.txt", "migrated before", at(LEAP_DAY_NOON));
    dir.write("notes/readme.md", "not an upload", at(LEAP_DAY_NOON));
    // A symbolic link at the top is neither followed nor moved.
    symlink("a.txt", dir.path().join("link")).unwrap();

    let first = run(&["migrate", "--dir", dir.arg()]);
    assert_eq!(first.code, Some(0), "{:?}", first.logs);
    assert_eq!(first.stderr, "");
    let files = dir.files();
    let expected = BTreeMap::from([
        ("2024/01/05/old.txt", ("migrated before", at(LEAP_DAY_NOON))),
        ("2024/02/29/a.txt", ("leap day", at(LEAP_DAY_NOON))),
        (
            "2025/12/31/b.bin",
            ("new year's eve", at(LAST_SECOND_OF_2025)),
        ),
        ("1970/01/01/epoch.txt", ("1970", at(0))),
        ("1969/12/31/before-epoch.txt", ("1969", before_epoch)),
        ("notes/readme.md", ("not an upload", at(LEAP_DAY_NOON))),
    ]);
    assert_eq!(
        files,
        expected
            .into_iter()
            .map(|(k, (c, t))| (k.to_string(), (c.to_string(), t)))
            .collect::<BTreeMap<_, _>>()
    );
    assert_eq!(
        fs::read_link(dir.path().join("link")).unwrap(),
        Path::new("a.txt")
    );

    // One line per moved file, in name order, then the summary.
    assert_eq!(
        first.messages(),
        [
            "moved a.txt to 2024/02/29/a.txt",
            "moved b.bin to 2025/12/31/b.bin",
            "moved before-epoch.txt to 1969/12/31/before-epoch.txt",
            "moved epoch.txt to 1970/01/01/epoch.txt",
        ]
    );
    let moved = &first.logs[0];
    assert_eq!(moved["severity"], "INFO", "{moved}");
    assert_eq!(
        (&moved["from"], &moved["to"]),
        (&json!("a.txt"), &json!("2024/02/29/a.txt"))
    );
    let summary = first.summary();
    assert_eq!(summary["severity"], "INFO");
    assert_eq!(
        summary["message"],
        "migrate: 4 moved, 0 completed, 0 conflicts, 0 failed"
    );
    assert_eq!(
        [
            &summary["moved"],
            &summary["completed"],
            &summary["conflicts"],
            &summary["failed"]
        ],
        [&json!(4), &json!(0), &json!(0), &json!(0)]
    );

    let second = run(&["migrate", "--dir", dir.arg()]);
    assert_eq!(second.code, Some(0));
    assert_eq!(second.logs.len(), 1, "{:?}", second.logs);
    assert_eq!(
        second.summary()["message"],
        "migrate: 0 moved, 0 completed, 0 conflicts, 0 failed"
    );
    assert_eq!(dir.files(), files);
}

#[test]
fn migrate_completes_a_half_done_move_and_keeps_both_files_of_a_conflict() {
    let dir = TempDir::new("migrate-conflict");
    // A move that copied but did not delete (a rename on Cloud Storage FUSE is a copy and a
    // delete): the same content at the top and in the date directory.
    dir.write("same.txt", "copied", at(LEAP_DAY_NOON));
    dir.write("2024/02/29/same.txt", "copied", at(LEAP_DAY_NOON));
    // Two different files of the same name and day.
    dir.write("clash.txt", "new", at(LEAP_DAY_NOON));
    dir.write("2024/02/29/clash.txt", "old", at(LEAP_DAY_NOON));
    dir.write("fine.txt", "moves", at(LEAP_DAY_NOON));

    for attempt in 0..2 {
        let run = run(&["migrate", "--dir", dir.arg()]);
        assert_eq!(run.code, Some(1), "attempt {attempt}: {:?}", run.logs);
        let files: Vec<(String, String)> =
            dir.files().into_iter().map(|(k, (c, _))| (k, c)).collect();
        assert_eq!(
            files,
            [
                ("2024/02/29/clash.txt", "old"),
                ("2024/02/29/fine.txt", "moves"),
                ("2024/02/29/same.txt", "copied"),
                ("clash.txt", "new"),
            ]
            .map(|(k, c)| (k.to_string(), c.to_string()))
        );
        let conflict = &run.logs[0];
        assert_eq!(conflict["severity"], "ERROR", "{conflict}");
        assert_eq!(
            conflict["message"],
            "2024/02/29/clash.txt exists with other content: kept both, move or delete one of them"
        );
        if attempt == 0 {
            assert_eq!(
                run.messages()[1..],
                [
                    "moved fine.txt to 2024/02/29/fine.txt",
                    "2024/02/29/same.txt was already there with the same content: deleted same.txt",
                ]
            );
            assert_eq!(
                run.summary()["message"],
                "migrate: 1 moved, 1 completed, 1 conflicts, 0 failed"
            );
        } else {
            assert_eq!(
                run.summary()["message"],
                "migrate: 0 moved, 0 completed, 1 conflicts, 0 failed"
            );
        }
    }
}

#[test]
fn cleanup_deletes_files_older_than_the_limit_and_the_directories_it_empties() {
    let dir = TempDir::new("cleanup");
    let outside = TempDir::new("cleanup-outside");
    let now = SystemTime::now();
    dir.write("2025/10/01/old-a.txt", "a", now - 40 * DAY);
    dir.write("2025/10/02/old-b.txt", "b", now - 31 * DAY);
    dir.write("2025/10/02/recent.txt", "r", now - 29 * DAY);
    dir.write("just-over.txt", "o", now - 30 * DAY - HOUR);
    dir.write("just-under.txt", "u", now - 30 * DAY + HOUR);
    dir.write("future.txt", "f", now + DAY);
    fs::create_dir(dir.path().join("empty")).unwrap();
    // A symbolic link to a directory elsewhere is not followed.
    outside.write("old.txt", "outside", now - 400 * DAY);
    symlink(outside.path(), dir.path().join("linked")).unwrap();

    let first = run(&["cleanup", "--dir", dir.arg(), "--older-than-days", "30"]);
    assert_eq!(first.code, Some(0), "{:?}", first.logs);
    assert_eq!(first.stderr, "");
    assert_eq!(
        dir.files().into_keys().collect::<Vec<_>>(),
        ["2025/10/02/recent.txt", "future.txt", "just-under.txt"]
    );
    // 2025/10/01 became empty and is removed; the directory that was empty before stays.
    assert_eq!(
        dir.directories(),
        ["2025", "2025/10", "2025/10/02", "empty"]
    );
    assert_eq!(outside.files().into_keys().collect::<Vec<_>>(), ["old.txt"]);
    assert!(dir.path().join("linked").is_symlink());

    assert_eq!(
        first.messages(),
        [
            "deleted 2025/10/01/old-a.txt, modified 40 days ago",
            "removed the empty directory 2025/10/01",
            "deleted 2025/10/02/old-b.txt, modified 31 days ago",
            "deleted just-over.txt, modified 30 days ago",
        ]
    );
    let deleted = &first.logs[0];
    assert_eq!(
        (&deleted["severity"], &deleted["file"], &deleted["ageDays"]),
        (&json!("INFO"), &json!("2025/10/01/old-a.txt"), &json!(40))
    );
    let summary = first.summary();
    assert_eq!(
        summary["message"],
        "cleanup: 3 deleted, 3 kept, 1 empty directories removed, 0 failed"
    );
    assert_eq!(
        [
            &summary["deleted"],
            &summary["kept"],
            &summary["directoriesRemoved"],
            &summary["failed"],
            &summary["olderThanDays"]
        ],
        [&json!(3), &json!(3), &json!(1), &json!(0), &json!(30)]
    );

    let second = run(&["cleanup", "--dir", dir.arg(), "--older-than-days", "30"]);
    assert_eq!(second.code, Some(0));
    assert_eq!(second.messages(), Vec::<&str>::new(), "{:?}", second.logs);
    assert_eq!(
        second.summary()["message"],
        "cleanup: 0 deleted, 3 kept, 0 empty directories removed, 0 failed"
    );

    // A shorter limit reaches the younger files.
    let third = run(&["cleanup", "--dir", dir.arg(), "--older-than-days", "1"]);
    assert_eq!(third.code, Some(0));
    assert_eq!(dir.files().into_keys().collect::<Vec<_>>(), ["future.txt"]);
    assert_eq!(dir.directories(), ["empty"]);
}

#[test]
fn a_directory_that_cannot_be_listed_fails_the_job_with_exit_code_1() {
    let dir = TempDir::new("missing");
    let missing = dir.path().join("not-mounted");
    let missing = missing.to_str().unwrap();
    for args in [
        vec!["migrate", "--dir", missing],
        vec!["cleanup", "--dir", missing, "--older-than-days", "7"],
    ] {
        let run = run(&args);
        assert_eq!(run.code, Some(1), "{args:?}");
        assert_eq!(run.logs.len(), 1, "{:?}", run.logs);
        let log = &run.logs[0];
        assert_eq!(log["severity"], "ERROR");
        assert_eq!(log["directory"], missing);
        assert_eq!(
            log["message"],
            format!("cannot list {missing}: No such file or directory (os error 2)")
        );
    }
}

#[test]
fn invalid_arguments_are_logged_with_exit_code_2() {
    for (args, error) in [
        (
            vec!["cleanup", "--dir", "/tmp", "--older-than-days", "0"],
            "invalid value '0' for '--older-than-days <DAYS>': 0 is not in 1..=36500",
        ),
        (
            vec!["cleanup", "--dir", "/tmp"],
            "the following required arguments were not provided:\n  --older-than-days <DAYS>",
        ),
        (
            vec!["migrate"],
            "the following required arguments were not provided:\n  --dir <DIR>",
        ),
        (vec!["serve"], "unrecognized subcommand 'serve'"),
    ] {
        let run = run(&args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert_eq!(run.logs.len(), 1, "{:?}", run.logs);
        let log = &run.logs[0];
        assert_eq!(log["severity"], "ERROR");
        let message = log["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("invalid arguments: {error}")),
            "{message}"
        );
    }
}

#[test]
fn help_lists_the_jobs_and_exits_0() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("Usage: cloud-run-app [COMMAND]"), "{help}");
    assert!(help.contains("\n  migrate "), "{help}");
    assert!(help.contains("\n  cleanup "), "{help}");
}
