//! Settings read from the environment.

use std::ffi::OsStr;

/// The port used when `PORT` is not set (Cloud Run's default).
pub const DEFAULT_PORT: u16 = 8080;

/// The listening port from the value of `PORT`: unset gives [`DEFAULT_PORT`];
/// otherwise it must be a decimal number from 0 to 65535 (0 lets the kernel pick a
/// free port, which the startup log line reports). Anything else is an error whose
/// message names the variable and the value.
pub fn port_from_env(value: Option<&OsStr>) -> Result<u16, String> {
    let Some(value) = value else {
        return Ok(DEFAULT_PORT);
    };
    let invalid = || {
        format!(
            "invalid PORT {:?}: expected a decimal port number from 0 to 65535",
            value.to_string_lossy()
        )
    };
    let text = value.to_str().ok_or_else(invalid)?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    text.parse().map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(value: &str) -> Result<u16, String> {
        port_from_env(Some(OsStr::new(value)))
    }

    #[test]
    fn defaults_to_8080() {
        assert_eq!(port_from_env(None), Ok(8080));
    }

    #[test]
    fn accepts_decimal_ports() {
        assert_eq!(port("8080"), Ok(8080));
        assert_eq!(port("0"), Ok(0));
        assert_eq!(port("65535"), Ok(65535));
        assert_eq!(port("000443"), Ok(443));
    }

    #[test]
    fn rejects_everything_else() {
        for value in [
            "",
            " 80",
            "80 ",
            "+80",
            "-1",
            "65536",
            "99999999999999999999",
            "8o",
            "0x50",
        ] {
            assert_eq!(
                port(value),
                Err(format!(
                    "invalid PORT {value:?}: expected a decimal port number from 0 to 65535"
                )),
                "value {value:?}"
            );
        }
    }

    #[test]
    fn rejects_non_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let err = port_from_env(Some(OsStr::from_bytes(b"80\xff"))).unwrap_err();
        assert!(err.starts_with("invalid PORT \"80\u{FFFD}\""), "{err}");
    }
}
