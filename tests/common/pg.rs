//! A PostgreSQL server for the tests: one per test binary, and a fresh database per test.
//!
//! Include it with `#[path = "common/pg.rs"] mod pg;` and start a test with
//!
//! ```ignore
//! let Some(url) = pg::fresh_database() else { return }; // no PostgreSQL here: a note is printed
//! ```
//!
//! Where the server comes from:
//! - `CARRIERDESK_TEST_PG` set (a `postgres://` URL of a server `.ci/run` started): that
//!   server. It must answer; a test that cannot reach it fails.
//! - otherwise a cluster of our own: `initdb` into a temporary folder, `pg_ctl start` on
//!   127.0.0.1 and a free port, once per process (the first test to ask starts it, about a
//!   second and a half; the others wait for it). initdb refuses to run as root, so as root
//!   initdb and pg_ctl run as the `postgres` OS user (`runuser`), in a folder it owns.
//!
//! How our own cluster stops: Rust never drops a static, so no Drop guard would run at
//! exit. Instead a small watchdog shell is started beside the cluster, in its own process
//! group, reading a pipe whose only writing end this process holds (std opens pipes
//! close-on-exec, so no other child inherits it). When this process ends, however it ends
//! (tests done, a panic, Ctrl-C, SIGKILL), the kernel closes that end, the watchdog reads
//! end-of-file, stops the cluster (`pg_ctl stop -m immediate`) and removes its folder.
//!
//! A test that needs a server configured otherwise (TLS, say) starts one of its own with
//! `own_server`; the same watchdog stops it when the returned value is dropped (its pipe
//! closes then) or when the process ends.
//!
//! When PostgreSQL cannot be started (not installed, no `postgres` user for root): with
//! `CI` set this panics, so that the suite fails rather than skips; otherwise
//! `fresh_database` prints why and returns None, and the caller skips.
#![allow(dead_code)] // each test file uses its own subset

use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The variable `.ci/run` sets to the URL of the server it started.
pub const URL_VAR: &str = "CARRIERDESK_TEST_PG";

/// A running server and a superuser's way in.
pub struct PgServer {
    /// A superuser's URL of the `postgres` database (with the password, if any).
    pub admin_url: String,
    /// Where it came from, for messages: "CARRIERDESK_TEST_PG" or the cluster's folder.
    pub origin: String,
    /// How long starting it took (zero for a server given by URL).
    pub started_in: Duration,
    admin: Mutex<Option<postgres::Client>>,
    /// Kept open for the life of the process: its closing stops our own cluster.
    _watchdog: Option<ChildStdin>,
}

static SERVER: OnceLock<Result<PgServer, String>> = OnceLock::new();
static DATABASES: AtomicU32 = AtomicU32::new(0);

/// The server for this test binary, started on first use. None (after printing why) when
/// there is none and `CI` is not set; a panic when `CI` is set.
pub fn server() -> Option<&'static PgServer> {
    match SERVER.get_or_init(start) {
        Ok(server) => Some(server),
        Err(why) if in_ci() => panic!(
            "PostgreSQL is needed for this test and could not be started: {why}\n\
             (.ci/run installs and starts it and sets {URL_VAR}; outside CI, install the \
             Debian package postgresql, or unset CI to skip these tests)"
        ),
        Err(why) => {
            skip_note(why);
            None
        }
    }
}

/// Says once per test binary, on the real stderr (libtest captures `eprintln!` of passing
/// tests), that PostgreSQL tests are skipped and why.
fn skip_note(why: &str) {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "note: PostgreSQL tests skipped here (they pass vacuously): {why}"
        );
    });
}

/// A new, empty database of its own for the calling test, as a URL with the superuser's
/// credentials; None when there is no server (outside CI; a note is printed).
pub fn fresh_database() -> Option<String> {
    let server = server()?;
    let name = unique_name();
    server.admin_execute(&format!("CREATE DATABASE \"{name}\""));
    Some(with_dbname(&server.admin_url, &name))
}

impl PgServer {
    /// Runs one statement as the superuser on the `postgres` database; panics on failure.
    pub fn admin_execute(&self, sql: &str) {
        let mut admin = self.admin.lock().unwrap_or_else(|e| e.into_inner());
        if admin.as_ref().is_none_or(|c| c.is_closed()) {
            *admin = Some(connect(&self.admin_url).unwrap_or_else(|e| {
                panic!("cannot connect to the test server ({}): {e}", self.origin)
            }));
        }
        let client = admin.as_mut().expect("connected above");
        if let Err(e) = client.batch_execute(sql) {
            panic!("{sql}: {e} (server: {})", self.origin);
        }
    }
}

/// A cluster of this test's own, apart from the shared server, with `conf` added to its
/// postgresql.conf and `files` written into its data folder (certificates, say), for a
/// test that needs the server configured otherwise. It stops when the value is dropped
/// (or when the process ends). None outside CI when PostgreSQL cannot be started.
pub fn own_server(conf: &str, files: &[(&str, &[u8])]) -> Option<PgServer> {
    match Cluster::start(conf, files) {
        Ok(server) => Some(server),
        Err(why) if in_ci() => panic!("PostgreSQL could not be started: {why}"),
        Err(why) => {
            skip_note(&why);
            None
        }
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// The superuser's connection, named for this test process (`run_tag`): the server sees
/// from its sessions which test processes still run, from whatever host.
fn connect(url: &str) -> Result<postgres::Client, postgres::Error> {
    let mut config: postgres::Config = url.parse()?;
    config.application_name(&run_tag());
    config.connect(postgres::NoTls)
}

/// `carrierdesk_t<pid>`: what this process's databases begin with, and the application
/// name of its superuser's connection.
fn run_tag() -> String {
    format!("carrierdesk_t{}", std::process::id())
}

fn start() -> Result<PgServer, String> {
    if let Ok(url) = std::env::var(URL_VAR) {
        // Given on purpose: one that does not answer is an error, never a skip.
        let mut client = connect(&url).unwrap_or_else(|e| panic!("{URL_VAR} is set, but: {e}"));
        drop_stale_databases(&mut client);
        return Ok(PgServer {
            admin_url: url,
            origin: URL_VAR.into(),
            started_in: Duration::ZERO,
            admin: Mutex::new(Some(client)),
            _watchdog: None,
        });
    }
    Cluster::start("", &[])
}

/// A server given by URL outlives the tests, and each test leaves its database there. A
/// test process holds its superuser's connection, named `carrierdesk_t<pid>`, until it
/// ends: the databases of processes with no such session left are dropped when the next
/// test binary starts.
fn drop_stale_databases(client: &mut postgres::Client) {
    let stale = client
        .query(
            "SELECT d.datname FROM pg_database d
             WHERE d.datname LIKE 'carrierdesk\\_t%' AND NOT EXISTS (
                 SELECT 1 FROM pg_stat_activity a
                 WHERE a.application_name LIKE 'carrierdesk\\_t%'
                   AND d.datname LIKE a.application_name || '\\_%')",
            &[],
        )
        .unwrap_or_default();
    for row in stale {
        let name: String = row.get(0);
        // Only names this file makes, so the name is safe inside quotes.
        if name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
            // Best effort: one somebody is connected to stays.
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\""));
        }
    }
}

/// `carrierdesk_t<pid>_<n>_<test name>`, cut to PostgreSQL's 63 bytes.
fn unique_name() -> String {
    let n = DATABASES.fetch_add(1, Ordering::Relaxed);
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("main");
    let test = test.rsplit("::").next().unwrap_or(test);
    let mut name = format!("{}_{n}_", run_tag());
    name.extend(test.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        }
    }));
    name.truncate(63);
    name
}

/// The URL with its database replaced by `dbname` (query parameters kept).
pub fn with_dbname(url: &str, dbname: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let query = rest.find('?').map_or("", |i| &rest[i..]);
    format!(
        "{}{}/{dbname}{query}",
        &url[..scheme_end],
        &rest[..authority_end]
    )
}

/// Our own cluster.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    /// `runuser -u postgres --` when we are root.
    as_user: Option<&'static str>,
}

impl Cluster {
    fn start(conf: &str, files: &[(&str, &[u8])]) -> Result<PgServer, String> {
        let began = Instant::now();
        let bin = find_bin_dir().ok_or(
            "initdb and pg_ctl are not on PATH nor under /usr/lib/postgresql/*/bin \
             (Debian: apt-get install postgresql)",
        )?;
        let root = std::fs::metadata("/proc/self")
            .map(|m| m.uid() == 0)
            .unwrap_or(false);
        let dir = std::env::temp_dir().join(format!(
            "carrierdesk-pg-{}-{:08x}",
            std::process::id(),
            fastrand::u32(..)
        ));
        std::fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        // Only the cluster's user may enter: its Unix socket lives here, with trust logins.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let cluster = Cluster {
            bin,
            dir,
            as_user: root.then_some("postgres"),
        };
        let result = cluster.init_and_run(began, conf, files);
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&cluster.dir);
        }
        result
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// A command for one of the server's programs, as the postgres user when we are root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = match self.as_user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(path);
                c
            }
            None => Command::new(path),
        };
        // A folder the cluster's user can enter (as root, ours might not be).
        command.current_dir(&self.dir);
        command
    }

    fn init_and_run(
        &self,
        began: Instant,
        extra_conf: &str,
        files: &[(&str, &[u8])],
    ) -> Result<PgServer, String> {
        // First of all, so that nothing is left behind whenever this process ends.
        let watchdog = self.watchdog()?;
        let password = random_hex()?;
        let pwfile = self.dir.join("pwfile");
        std::fs::write(&pwfile, &password).map_err(|e| e.to_string())?;
        std::fs::set_permissions(&pwfile, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| e.to_string())?;
        let owner = match self.as_user {
            Some(user) => Some(user_ids(user)?),
            None => None,
        };
        if let (Some(user), Some((uid, gid))) = (self.as_user, owner) {
            for path in [&self.dir, &pwfile] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid))
                    .map_err(|e| format!("cannot give {} to {user}: {e}", path.display()))?;
            }
        }
        // Password logins over TCP; the Unix socket sits in our own folder, which only
        // the cluster's user can enter.
        let out = self
            .command("initdb")
            .arg("-D")
            .arg(self.data())
            .args([
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ])
            .args(["--auth-host=scram-sha-256", "--auth-local=trust"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output();
        check("initdb", out)?;
        let _ = std::fs::remove_file(&pwfile);
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(self.data().join("postgresql.conf"))
            .map_err(|e| e.to_string())?;
        // A throwaway cluster: durability is not wanted, speed is.
        write!(
            conf,
            "\n# carrierdesk tests\nlisten_addresses = '127.0.0.1'\n\
             unix_socket_directories = '{}'\nmax_connections = 200\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n{extra_conf}\n",
            self.dir.display()
        )
        .map_err(|e| e.to_string())?;
        drop(conf);
        for (name, content) in files {
            let path = self.data().join(name);
            std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| e.to_string())?;
            if let Some((uid, gid)) = owner {
                std::os::unix::fs::chown(&path, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
            }
        }

        // A free port can be taken between our look and the server's bind: try again.
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port()?;
            let out = self
                .command("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .arg("-l")
                .arg(self.dir.join("server.log"))
                .args(["-w", "-t", "60", "-o", &format!("-p {port}"), "start"])
                .stdin(Stdio::null())
                .output();
            match check("pg_ctl start", out) {
                Ok(()) => {
                    let admin_url =
                        format!("postgres://postgres:{password}@127.0.0.1:{port}/postgres");
                    return Ok(PgServer {
                        admin_url,
                        origin: self.dir.display().to_string(),
                        started_in: began.elapsed(),
                        admin: Mutex::new(None),
                        _watchdog: Some(watchdog),
                    });
                }
                Err(e) => {
                    let log =
                        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
                    last_error = format!("{e}\n{}", tail(&log, 10));
                }
            }
        }
        Err(last_error)
    }

    /// Starts the shell that stops the cluster and removes its folder once this process
    /// has ended: it waits for end-of-file on its standard input, our pipe.
    fn watchdog(&self) -> Result<ChildStdin, String> {
        let pg_ctl = self.bin.join("pg_ctl");
        let stop = match self.as_user {
            Some(user) => format!("runuser -u {user} -- \"$1\""),
            None => "\"$1\"".to_string(),
        };
        let script =
            format!("cat >/dev/null; {stop} stop -D \"$2\" -m immediate -w -t 30; rm -rf \"$3\"");
        let child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("carrierdesk-pg-watchdog")
            .arg(pg_ctl)
            .arg(self.data())
            .arg(&self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Not in our process group: Ctrl-C on `cargo test` must not kill it first.
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start the watchdog shell: {e}"))?;
        child
            .stdin
            .ok_or_else(|| "the watchdog has no stdin".to_string())
    }
}

/// The folder of initdb and pg_ctl: PATH first, else Debian's newest version.
fn find_bin_dir() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_both(&dir) {
                // Resolve symlinks (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin):
                // initdb finds `postgres` beside its own real path anyway, but pg_ctl under
                // runuser should be the same one.
                return std::fs::canonicalize(dir.join("initdb"))
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                    .filter(|d| has_both(d))
                    .or(Some(dir));
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            has_both(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn user_ids(user: &str) -> Result<(u32, u32), String> {
    let id = |flag: &str| -> Result<u32, String> {
        let out = Command::new("id")
            .args([flag, user])
            .output()
            .map_err(|e| format!("id: {e}"))?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| {
                format!("running as root, and there is no OS user '{user}' to run PostgreSQL as")
            })
    };
    Ok((id("-u")?, id("-g")?))
}

/// 32 hex digits from the OS's random source: the superuser's password.
fn random_hex() -> Result<String, String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

fn check(what: &str, out: std::io::Result<Output>) -> Result<(), String> {
    let out = out.map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{what} failed ({}): {}{}",
        out.status,
        tail(&String::from_utf8_lossy(&out.stdout), 5),
        tail(&String::from_utf8_lossy(&out.stderr), 10)
    ))
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
