//! A real SMTP server for the tests: aiosmtpd, started as a child process on 127.0.0.1 and
//! a free port, keeping what it receives in a temporary maildir. Its Mailbox handler adds
//! `X-Peer`, `X-MailFrom` and `X-RcptTo` (the envelope's recipients) to each message.
//!
//! ```ignore
//! let Some(server) = mail::SmtpServer::start() else { return }; // no aiosmtpd: a note is printed
//! ```
//!
//! aiosmtpd is found as a Python that can import it: the interpreter of the `aiosmtpd`
//! script on PATH (or /usr/bin/aiosmtpd), then /usr/bin/python3, then `python3` on PATH.
//! Debian's package is python3-aiosmtpd; `.ci/run` installs it when missing.
//!
//! The server stops when the value is dropped, and also when this process ends however it
//! ends: it runs under a small shell that kills it once its standard input, a pipe only this
//! process holds, reaches end-of-file.
//!
//! When aiosmtpd cannot be started: with `CI` set this panics, so that the suite fails
//! rather than skips (as tests/common/pg.rs does for PostgreSQL); otherwise `start` prints
//! why and returns None, and the caller skips.
#![allow(dead_code)] // each test file uses its own subset

use std::ffi::OsString;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A running aiosmtpd and the maildir it writes to.
pub struct SmtpServer {
    pub port: u16,
    /// Holds the maildir (`mail/`) and the server's log.
    dir: tempfile::TempDir,
    python: PathBuf,
    shell: Child,
    /// Closing it stops the server.
    stdin: Option<ChildStdin>,
}

/// One message as the server kept it, its headers decoded (RFC 2047 words, the body's
/// transfer encoding and charset), by Python's own email package.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// In the order the message has them, names as written.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Delivered {
    /// Every value of a header, by name in any case.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The one value of a header; panics when it is missing or repeated.
    pub fn header(&self, name: &str) -> &str {
        match self.all(name).as_slice() {
            [one] => one,
            other => panic!("{name}: {other:?} in {self:#?}"),
        }
    }
}

impl SmtpServer {
    /// aiosmtpd with its Mailbox handler: accepts everything.
    pub fn start() -> Option<SmtpServer> {
        Self::start_with("aiosmtpd.handlers.Mailbox", None)
    }

    /// aiosmtpd with `handler` (`module.Class`, given the maildir as its one argument),
    /// its module found in `module_dir` when given (tests/fixtures).
    pub fn start_with(handler: &str, module_dir: Option<&Path>) -> Option<SmtpServer> {
        let mut env = Vec::new();
        if let Some(dir) = module_dir {
            env.push(("PYTHONPATH".to_string(), dir.as_os_str().to_owned()));
        }
        let handler = handler.to_string();
        Self::or_skip(Self::try_start(
            move |port, maildir| {
                let mut args: Vec<OsString> =
                    ["-m", "aiosmtpd", "-n", "-l"].map(OsString::from).to_vec();
                args.push(format!("127.0.0.1:{port}").into());
                args.push("-c".into());
                args.push(handler.clone().into());
                args.push(maildir.as_os_str().to_owned());
                args
            },
            env,
        ))
    }

    /// aiosmtpd that takes mail only after a login as `user` with `password`, over a
    /// plain connection (tests/fixtures/smtp_auth.py).
    pub fn start_with_login(user: &str, password: &str) -> Option<SmtpServer> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/smtp_auth.py");
        let env = vec![
            ("SMTP_TEST_USER".to_string(), OsString::from(user)),
            ("SMTP_TEST_PASSWORD".to_string(), OsString::from(password)),
        ];
        Self::or_skip(Self::try_start(
            move |port, maildir| {
                vec![
                    script.as_os_str().to_owned(),
                    "127.0.0.1".into(),
                    port.to_string().into(),
                    maildir.as_os_str().to_owned(),
                ]
            },
            env,
        ))
    }

    /// The server, or None after a note outside CI; a panic in CI.
    fn or_skip(started: Result<SmtpServer, String>) -> Option<SmtpServer> {
        match started {
            Ok(server) => Some(server),
            Err(why) if in_ci() => panic!(
                "aiosmtpd is needed for this test and could not be started: {why}\n\
                 (.ci/run installs it; outside CI, install the Debian package \
                 python3-aiosmtpd or `pip install aiosmtpd`, or unset CI to skip these tests)"
            ),
            Err(why) => {
                skip_note(&why);
                None
            }
        }
    }

    /// Runs Python with `args(port, maildir)` under the watchdog shell, until it listens.
    fn try_start(
        args: impl Fn(u16, &Path) -> Vec<OsString>,
        env: Vec<(String, OsString)>,
    ) -> Result<SmtpServer, String> {
        let python = python_with_aiosmtpd()?.to_path_buf();
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        // Not created here: the Mailbox handler makes a maildir (tmp/, new/, cur/) only
        // where there is no folder yet.
        let maildir = dir.path().join("mail");
        let log = dir.path().join("aiosmtpd.log");
        // A free port can be taken between our look and the server's bind: try again.
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port()?;
            let mut command = Command::new("sh");
            command
                .arg("-c")
                .arg(WATCHDOG)
                .arg("carrierdesk-aiosmtpd")
                .arg(&python)
                .args(args(port, &maildir))
                .envs(env.iter().map(|(k, v)| (k, v)))
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).map_err(|e| e.to_string())?);
            let mut shell = command
                .spawn()
                .map_err(|e| format!("cannot start sh for aiosmtpd: {e}"))?;
            let mut stdin = shell.stdin.take();
            match wait_until_listening(&mut shell, port, &log) {
                Ok(()) => {
                    return Ok(SmtpServer {
                        port,
                        dir,
                        python: python.clone(),
                        shell,
                        stdin,
                    });
                }
                Err(why) => {
                    last_error = why;
                    stop(&mut shell, &mut stdin);
                }
            }
        }
        Err(last_error)
    }

    /// `host:port` as the `smtp_server` setting takes it.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Every message the server kept so far, oldest first.
    pub fn messages(&self) -> Vec<Delivered> {
        let out = Command::new(&self.python)
            .arg("-c")
            .arg(READ_MAILDIR)
            .arg(self.dir.path().join("mail"))
            .output()
            .expect("python reads the maildir");
        assert!(
            out.status.success(),
            "reading the maildir: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let all: Vec<serde_json::Value> =
            serde_json::from_slice(&out.stdout).expect("JSON from the maildir reader");
        all.into_iter()
            .map(|m| Delivered {
                headers: m["headers"]
                    .as_array()
                    .expect("headers")
                    .iter()
                    .map(|pair| {
                        (
                            pair[0].as_str().expect("name").to_string(),
                            pair[1].as_str().expect("value").to_string(),
                        )
                    })
                    .collect(),
                body: m["body"].as_str().expect("body").to_string(),
            })
            .collect()
    }

    /// The one message whose Message-ID is `id`.
    pub fn message(&self, id: &str) -> Delivered {
        let mut found: Vec<Delivered> = self
            .messages()
            .into_iter()
            .filter(|m| m.all("Message-ID").contains(&id))
            .collect();
        assert_eq!(found.len(), 1, "messages with Message-ID {id}: {found:#?}");
        found.remove(0)
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        stop(&mut self.shell, &mut self.stdin);
    }
}

/// Polls the port until it accepts; an error when the server exits first or is slow.
fn wait_until_listening(shell: &mut Child, port: u16, log: &Path) -> Result<(), String> {
    let began = Instant::now();
    while began.elapsed() < Duration::from_secs(20) {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = shell.try_wait() {
            return Err(format!("aiosmtpd exited ({status}): {}", log_tail(log)));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!(
        "aiosmtpd did not listen on 127.0.0.1:{port} within 20 s: {}",
        log_tail(log)
    ))
}

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(10)..].join("\n")
}

/// End-of-file on the shell's input: it kills the server, then exits.
fn stop(shell: &mut Child, stdin: &mut Option<ChildStdin>) {
    drop(stdin.take());
    let began = Instant::now();
    while began.elapsed() < Duration::from_secs(5) {
        if let Ok(Some(_)) = shell.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = shell.kill();
    let _ = shell.wait();
}

/// Runs the server ("$@") and kills it once standard input reaches end-of-file; exits when
/// the server does. A background job's standard input is /dev/null unless said otherwise,
/// hence the copy on fd 3.
const WATCHDOG: &str = r#"exec 3<&0
"$@" 3<&- </dev/null &
server=$!
(cat <&3 >/dev/null; kill "$server" 2>/dev/null) &
exec 3<&-
wait "$server""#;

/// Prints each message of the maildir as JSON: its headers, decoded, and its text.
const READ_MAILDIR: &str = r#"
import email, email.policy, json, os, sys
new = os.path.join(sys.argv[1], "new")
cur = os.path.join(sys.argv[1], "cur")
paths = [os.path.join(d, f) for d in (new, cur) if os.path.isdir(d) for f in os.listdir(d)]
paths.sort(key=lambda p: (os.stat(p).st_mtime_ns, p))
out = []
for path in paths:
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    out.append({
        "headers": [[k, str(v)] for k, v in msg.items()],
        "body": msg.get_content(),
    })
json.dump(out, sys.stdout)
"#;

/// A Python 3 that can import aiosmtpd, looked for once.
fn python_with_aiosmtpd() -> Result<&'static Path, String> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let mut candidates: Vec<PathBuf> = Vec::new();
            let script = which("aiosmtpd").or_else(|| {
                let debian = PathBuf::from("/usr/bin/aiosmtpd");
                debian.is_file().then_some(debian)
            });
            if let Some(interpreter) = script.as_deref().and_then(shebang) {
                candidates.push(interpreter);
            }
            candidates.push(PathBuf::from("/usr/bin/python3"));
            if let Some(python) = which("python3") {
                candidates.push(python);
            }
            candidates
                .into_iter()
                .find(|python| {
                    Command::new(python)
                        .args(["-c", "import aiosmtpd.main, aiosmtpd.handlers"])
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .is_ok_and(|s| s.success())
                })
                .ok_or_else(|| {
                    "no Python 3 here can import aiosmtpd (Debian: apt-get install \
                     python3-aiosmtpd; or pip install aiosmtpd)"
                        .to_string()
                })
        })
        .as_deref()
        .map_err(Clone::clone)
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// The interpreter a script's `#!` line names (`#!/usr/bin/python3`, or `#!/usr/bin/env
/// python3` resolved on PATH).
fn shebang(script: &Path) -> Option<PathBuf> {
    let text = std::fs::read(script).ok()?;
    let first = text.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(first).ok()?.strip_prefix("#!")?;
    let mut words = line.split_whitespace();
    let program = words.next()?;
    if program.ends_with("/env") {
        return which(words.next()?);
    }
    Some(PathBuf::from(program))
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// A port on 127.0.0.1 where nothing listens (bound, then let go).
pub fn closed_port() -> u16 {
    free_port().expect("a free port")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Says once per test binary, on the real stderr (libtest captures `eprintln!` of passing
/// tests), that the SMTP tests are skipped and why.
fn skip_note(why: &str) {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "note: SMTP tests skipped here (they pass vacuously): {why}"
        );
    });
}
