//! Who is at the keyboard: the OS user, the SSH client's address, and their role.

use crate::domain::Actor;
use crate::store::Store;
use std::net::IpAddr;
use std::path::Path;

/// Builds the actor for this process: its OS account and SSH client. The role comes from the
/// operators table; operators not listed there get the "operator" role.
pub fn actor_from_env(store: &Store) -> Actor {
    // The account the process runs as, from the password database: $USER can be unset (cron)
    // or set to anyone, and the audit log must name who really made a change.
    let name = whoami::username()
        .ok()
        .filter(|n| !n.is_empty())
        .or_else(|| {
            ["USER", "LOGNAME", "USERNAME"]
                .iter()
                .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        })
        .unwrap_or_else(|| "unknown".into());
    let recorded = logind_remote_host().or_else(utmp_remote_host);
    let ip = client_address(
        recorded,
        std::env::var("SSH_CONNECTION").ok().as_deref(),
        std::env::var("SSH_CLIENT").ok().as_deref(),
    );
    let role = store
        .operator_role(&name)
        .ok()
        .flatten()
        .unwrap_or_else(|| "operator".into());
    Actor { name, ip, role }
}

/// The client's address as the system recorded it at login, which the operator cannot edit;
/// else the first word of SSH_CONNECTION ("client port server port") or SSH_CLIENT ("client
/// port server-port"), which anyone can set, and so marked as the environment's claim;
/// without either the session is local.
fn client_address(
    recorded: Option<String>,
    ssh_connection: Option<&str>,
    ssh_client: Option<&str>,
) -> String {
    if let Some(host) = recorded {
        return host;
    }
    ssh_connection
        .into_iter()
        .chain(ssh_client)
        .find_map(|v| v.split_whitespace().next())
        .map_or_else(
            || "local".into(),
            // The audit log keeps an address, not whatever the variable was set to.
            |word| match word.parse::<IpAddr>() {
                Ok(ip) => format!("{ip} (from environment)"),
                Err(_) => "unknown (from environment)".into(),
            },
        )
}

/// The remote host of this process's login session as systemd-logind registered it (sshd's
/// PAM session sets it). The session is named by the audit session id, which every process
/// of a login inherits and none can change; logind uses it as the session's id.
fn logind_remote_host() -> Option<String> {
    let id = std::fs::read_to_string("/proc/self/sessionid").ok()?;
    let id = id.trim();
    // 4294967295 (-1) is "no session": a process started outside any login.
    if id == "4294967295" || id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let session = std::fs::read_to_string(Path::new("/run/systemd/sessions").join(id)).ok()?;
    session_remote_host(&session)
}

/// REMOTE_HOST of a logind session file (`KEY=VALUE` lines); None for a local session.
fn session_remote_host(session: &str) -> Option<String> {
    session
        .lines()
        .find_map(|line| line.strip_prefix("REMOTE_HOST="))
        .and_then(host)
}

/// The host of the login on this process's terminal in utmp, which sshd writes for a login
/// with a terminal (not for `ssh host command`, nor for tmux's own terminals).
fn utmp_remote_host() -> Option<String> {
    let tty = (0..3).find_map(|fd| {
        let target = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok()?;
        let tty = target.to_str()?.strip_prefix("/dev/")?;
        (tty.starts_with("pts/") || tty.starts_with("tty")).then(|| tty.to_string())
    })?;
    utmp_host(&std::fs::read("/run/utmp").ok()?, &tty)
}

/// One record of glibc's utmp on Linux: `struct utmp`, 384 bytes on every architecture it
/// builds for; the fields used and where they are.
const UTMP_RECORD: usize = 384;
const UT_LINE: std::ops::Range<usize> = 8..40;
const UT_HOST: std::ops::Range<usize> = 76..332;
/// `ut_type` of a login's record (a login that ended is DEAD_PROCESS).
const USER_PROCESS: i16 = 7;

/// The host of the latest login on terminal `tty` ("pts/3") in utmp's records.
fn utmp_host(utmp: &[u8], tty: &str) -> Option<String> {
    let text = |bytes: &[u8]| {
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        std::str::from_utf8(&bytes[..end]).ok().map(str::to_string)
    };
    utmp.chunks_exact(UTMP_RECORD)
        .rfind(|r| {
            i16::from_ne_bytes([r[0], r[1]]) == USER_PROCESS
                && text(&r[UT_LINE]).as_deref() == Some(tty)
        })
        .and_then(|r| text(&r[UT_HOST]))
        .and_then(|h| host(&h))
}

/// A recorded host as the audit log keeps it: an address, or a name (sshd with UseDNS);
/// None when empty or not a host name at all.
fn host(text: &str) -> Option<String> {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip.to_string());
    }
    let name = !text.is_empty()
        && text.len() <= 253
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    name.then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_only_the_environment_claims_is_marked_as_such() {
        assert_eq!(
            client_address(None, Some("203.0.113.9 50122 10.0.0.5 22"), None),
            "203.0.113.9 (from environment)"
        );
        assert_eq!(
            client_address(None, None, Some("2001:db8::7 50122 22")),
            "2001:db8::7 (from environment)"
        );
        assert_eq!(client_address(None, None, None), "local");
        assert_eq!(
            client_address(None, Some("garbage 1 2 3"), None),
            "unknown (from environment)"
        );
    }

    #[test]
    fn the_address_the_system_recorded_wins_over_the_environment() {
        assert_eq!(
            client_address(
                Some("198.51.100.4".into()),
                Some("203.0.113.9 50122 10.0.0.5 22"),
                None
            ),
            "198.51.100.4"
        );
    }

    /// A session file from the test data, as logind writes it.
    fn session(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/logind")
            .join(name);
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn a_logind_session_gives_the_remote_host_of_an_ssh_login_only() {
        assert_eq!(
            session_remote_host(&session("ssh")),
            Some("203.0.113.77".into())
        );
        assert_eq!(
            session_remote_host(&session("ssh-v6")),
            Some("2001:db8::42".into())
        );
        assert_eq!(session_remote_host(&session("console")), None);
        assert_eq!(session_remote_host("REMOTE_HOST=$(evil)\n"), None);
    }

    /// A utmp record of `kind` on `line` from `host`.
    fn utmp_record(kind: i16, line: &str, host: &str) -> Vec<u8> {
        let mut r = vec![0u8; UTMP_RECORD];
        r[..2].copy_from_slice(&kind.to_ne_bytes());
        r[UT_LINE][..line.len()].copy_from_slice(line.as_bytes());
        r[UT_HOST][..host.len()].copy_from_slice(host.as_bytes());
        r
    }

    #[test]
    fn utmp_gives_the_host_of_the_login_on_this_terminal() {
        let utmp = [
            utmp_record(2, "~", "6.1.0-18-amd64"),
            utmp_record(USER_PROCESS, "pts/0", "198.51.100.3"),
            utmp_record(8, "pts/3", "192.0.2.1"),
            utmp_record(USER_PROCESS, "pts/3", "203.0.113.9"),
            utmp_record(USER_PROCESS, "tty1", ""),
        ]
        .concat();
        assert_eq!(utmp_host(&utmp, "pts/3"), Some("203.0.113.9".into()));
        assert_eq!(utmp_host(&utmp, "pts/0"), Some("198.51.100.3".into()));
        // A login at the console has no host; a terminal without a login, no record.
        assert_eq!(utmp_host(&utmp, "tty1"), None);
        assert_eq!(utmp_host(&utmp, "pts/9"), None);
    }
}
