//! The user and group ids of this process, read from `/proc/self/status`.
//!
//! The kernel reports them as `Uid:` and `Gid:` lines with four tab-separated
//! numbers each: real, effective, saved set and filesystem id. Reading them from
//! `/proc` (rather than calling `getuid(2)`) keeps the crate free of FFI for this and
//! shows exactly what the kernel says about the running process.

use std::fmt;

/// The path the kernel exposes the calling process's status at.
pub const PROC_SELF_STATUS: &str = "/proc/self/status";

/// One `Uid:` or `Gid:` line: real, effective, saved set and filesystem id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdSet {
    /// The real id.
    pub real: u32,
    /// The effective id (what permission checks use).
    pub effective: u32,
    /// The saved set id.
    pub saved: u32,
    /// The filesystem id.
    pub filesystem: u32,
}

/// The user and group ids of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessIds {
    /// From the `Uid:` line.
    pub uid: IdSet,
    /// From the `Gid:` line.
    pub gid: IdSet,
}

/// Why a status text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcStatusError {
    /// The field (`"Uid"` or `"Gid"`) has no line.
    Missing(&'static str),
    /// The field appears on more than one line.
    Duplicate(&'static str),
    /// The field's value is not four unsigned 32-bit integers.
    Malformed {
        /// `"Uid"` or `"Gid"`.
        field: &'static str,
        /// The value after the colon, as found.
        value: String,
    },
}

impl fmt::Display for ProcStatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProcStatusError::Missing(field) => write!(f, "no {field}: line in the process status"),
            ProcStatusError::Duplicate(field) => {
                write!(f, "more than one {field}: line in the process status")
            }
            ProcStatusError::Malformed { field, value } => write!(
                f,
                "malformed {field}: line in the process status: expected four unsigned integers, got {value:?}"
            ),
        }
    }
}

impl std::error::Error for ProcStatusError {}

/// Parses the `Uid:` and `Gid:` lines of a `/proc/<pid>/status` text.
///
/// Other lines are ignored. Each of the two fields must appear exactly once with
/// exactly four whitespace-separated unsigned 32-bit integers.
pub fn parse_proc_status(text: &str) -> Result<ProcessIds, ProcStatusError> {
    let mut uid = None;
    let mut gid = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (field, slot) = match key {
            "Uid" => ("Uid", &mut uid),
            "Gid" => ("Gid", &mut gid),
            _ => continue,
        };
        if slot.is_some() {
            return Err(ProcStatusError::Duplicate(field));
        }
        *slot = Some(parse_id_set(field, value)?);
    }
    Ok(ProcessIds {
        uid: uid.ok_or(ProcStatusError::Missing("Uid"))?,
        gid: gid.ok_or(ProcStatusError::Missing("Gid"))?,
    })
}

fn parse_id_set(field: &'static str, value: &str) -> Result<IdSet, ProcStatusError> {
    let malformed = || ProcStatusError::Malformed {
        field,
        value: value.trim().to_string(),
    };
    let mut numbers = [0u32; 4];
    let mut parts = value.split_ascii_whitespace();
    for slot in &mut numbers {
        let part = parts.next().ok_or_else(malformed)?;
        // `u32::from_str` accepts a leading '+'; the kernel never writes one.
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        *slot = part.parse().map_err(|_| malformed())?;
    }
    if parts.next().is_some() {
        return Err(malformed());
    }
    let [real, effective, saved, filesystem] = numbers;
    Ok(IdSet {
        real,
        effective,
        saved,
        filesystem,
    })
}

/// Reads and parses `/proc/self/status`.
pub fn read_process_ids() -> Result<ProcessIds, String> {
    let text = std::fs::read_to_string(PROC_SELF_STATUS)
        .map_err(|e| format!("cannot read {PROC_SELF_STATUS}: {e}"))?;
    parse_proc_status(&text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Name:\tcloud-run-app\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t1\n\
        Ngid:\t0\nPid:\t1\nPPid:\t0\nTracerPid:\t0\nUid:\t65532\t65533\t65534\t65535\n\
        Gid:\t100\t101\t102\t103\nFDSize:\t64\nGroups:\t65532 \nNSpid:\t1\n";

    fn ids(real: u32, effective: u32, saved: u32, filesystem: u32) -> IdSet {
        IdSet {
            real,
            effective,
            saved,
            filesystem,
        }
    }

    #[test]
    fn parses_all_four_ids_of_each_line() {
        let parsed = parse_proc_status(SAMPLE).unwrap();
        assert_eq!(parsed.uid, ids(65532, 65533, 65534, 65535));
        assert_eq!(parsed.gid, ids(100, 101, 102, 103));
    }

    #[test]
    fn accepts_spaces_crlf_and_extreme_values() {
        let text = "Gid: 0 0 0 0\r\nUid:   4294967295  1 2 3  \r\n";
        let parsed = parse_proc_status(text).unwrap();
        assert_eq!(parsed.uid, ids(u32::MAX, 1, 2, 3));
        assert_eq!(parsed.gid, ids(0, 0, 0, 0));
    }

    #[test]
    fn ignores_lookalike_keys() {
        let text = "Uidx:\t1\t1\t1\t1\nuid:\t2\t2\t2\t2\n Uid:\t3\t3\t3\t3\nUid:\t4\t4\t4\t4\nGid:\t5\t5\t5\t5\n";
        assert_eq!(parse_proc_status(text).unwrap().uid, ids(4, 4, 4, 4));
    }

    #[test]
    fn rejects_missing_fields() {
        assert_eq!(parse_proc_status(""), Err(ProcStatusError::Missing("Uid")));
        assert_eq!(
            parse_proc_status("Uid:\t1\t1\t1\t1\n"),
            Err(ProcStatusError::Missing("Gid"))
        );
        assert_eq!(
            parse_proc_status("Gid:\t1\t1\t1\t1\n"),
            Err(ProcStatusError::Missing("Uid"))
        );
    }

    #[test]
    fn rejects_duplicate_fields() {
        let text = "Uid:\t1\t1\t1\t1\nGid:\t1\t1\t1\t1\nUid:\t0\t0\t0\t0\n";
        assert_eq!(
            parse_proc_status(text),
            Err(ProcStatusError::Duplicate("Uid"))
        );
    }

    #[test]
    fn rejects_malformed_values() {
        for value in [
            "",
            "1 2 3",
            "1 2 3 4 5",
            "1 2 x 4",
            "-1 2 3 4",
            "+1 2 3 4",
            "4294967296 0 0 0",
            "1.0 2 3 4",
            "0x10 2 3 4",
        ] {
            let text = format!("Uid:\t{value}\nGid:\t1\t1\t1\t1\n");
            assert_eq!(
                parse_proc_status(&text),
                Err(ProcStatusError::Malformed {
                    field: "Uid",
                    value: value.to_string()
                }),
                "value {value:?}"
            );
        }
    }

    #[test]
    fn error_messages_name_the_field_and_value() {
        let err = parse_proc_status("Uid:\t1\t2\nGid:\t1\t1\t1\t1\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed Uid: line in the process status: expected four unsigned integers, got \"1\\t2\""
        );
        assert_eq!(
            ProcStatusError::Missing("Gid").to_string(),
            "no Gid: line in the process status"
        );
    }

    #[test]
    fn reads_this_process() {
        let text = std::fs::read_to_string(PROC_SELF_STATUS).unwrap();
        let uid_line = text.lines().find(|l| l.starts_with("Uid:")).unwrap();
        let real: u32 = uid_line.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert_eq!(read_process_ids().unwrap().uid.real, real);
    }
}
