//! End to end on PostgreSQL: the real binary in tmux, two consoles on one database (live
//! refresh, the conflict dialog of a stale form), and a console whose server stops and
//! starts again. Needs tmux and PostgreSQL (tests/common/pg.rs starts a server; outside CI
//! the tests return early with a note when it cannot).

#[path = "common/pg.rs"]
mod pg;
#[path = "common/tmux.rs"]
mod tmux;

use carrierdesk::domain::Actor;
use carrierdesk::service::Service;
use carrierdesk::store::Location;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use tmux::{BIN, PATIENCE, Tmux};

/// The console's own moves, on top of the shared harness.
trait Console {
    fn wait_for_channels(&self, name: &str, channels: u32) -> Duration;
    fn open_form(&self, name: &str, total: usize);
    fn save_channels(&self, value: u32);
}

/// Starts a console on `url` (through CARRIERDESK_DB, so the password never shows on the
/// command line), with `home` as HOME.
fn console(name: &str, home: &Path, url: &str, width: u16, height: u16) -> Tmux {
    let env = format!("CARRIERDESK_DB='{url}'");
    Tmux::start(&format!("pg-{name}"), home, &[&env], &[], width, height)
}

impl Console for Tmux {
    /// Waits until the board row of `name` shows `channels` as its maximum ("0/47"); the
    /// search line may name the customer too, so any line with the name and the cell does.
    /// Returns how long it took: printed, not asserted (speed is the benchmarks' to
    /// measure; a loaded machine must not fail a test).
    fn wait_for_channels(&self, name: &str, channels: u32) -> Duration {
        let cell = format!("/{channels} ");
        self.wait_until(
            &format!("the board row of {name} never showed {channels} channels"),
            PATIENCE,
            |s| {
                s.lines()
                    .filter(|l| l.contains(name))
                    .any(|row| format!("{row} ").contains(&cell))
            },
        )
        .1
    }

    /// Opens the edit form of `name` from the board: search, leave the search, `e`.
    fn open_form(&self, name: &str, total: usize) {
        self.send(&["/"]);
        self.type_text(name);
        self.wait_for(&format!("1 of {total}"));
        self.send(&["Enter", "e"]);
        self.wait_for(&format!("Edit {name} (#"));
    }

    /// In an open form: Channels set to `value`, then Save and Continue asked for.
    fn save_channels(&self, value: u32) {
        // Channels is the seventh field of the form's first tab.
        for _ in 0..6 {
            self.send(&["Tab"]);
        }
        self.send(&["BSpace", "BSpace", "BSpace", "BSpace"]);
        self.type_text(&value.to_string());
        self.send(&["Enter"]);
        self.wait_for("Save and Stay");
        self.send(&["c"]);
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("CARRIERDESK_DB")
        .output()
        .unwrap()
}

/// Runs the CLI on `url` and panics with its stderr when it fails.
fn cli(url: &str, args: &[&str]) -> String {
    let mut all = vec!["--db", url];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(
        out.status.success(),
        "carrierdesk {}: {}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const CUSTOMERS: [(&str, &str, u32); 3] = [
    ("Aurora Voice", "EUR", 10),
    ("Borealis Telecom", "USD", 20),
    ("Cirrus Networks", "GBP", 30),
];

/// Migrates `url`, adds `CUSTOMERS` with `customers import`, and returns their ids by name.
fn prepare(url: &str, dir: &Path) -> Vec<(String, i64)> {
    cli(url, &["db", "migrate"]);
    let csv = dir.join("customers.csv");
    let mut text = String::from("name,currency,channels\n");
    for (name, currency, channels) in CUSTOMERS {
        text.push_str(&format!("{name},{currency},{channels}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    cli(url, &["customers", "import", csv.to_str().unwrap()]);
    let listed: serde_json::Value =
        serde_json::from_str(&cli(url, &["customers", "list", "--json"])).unwrap();
    let ids: Vec<(String, i64)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ids.len(), CUSTOMERS.len(), "{listed}");
    ids
}

fn id_of(ids: &[(String, i64)], name: &str) -> i64 {
    ids.iter().find(|(n, _)| n == name).unwrap().1
}

/// How many other connections to the database of `client` (a superuser's connection,
/// which sees every session) are LISTENing.
fn listening(client: &mut postgres::Client) -> i64 {
    client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() \
             AND query ILIKE 'LISTEN %'",
            &[],
        )
        .unwrap()
        .get(0)
}

/// Waits until `n` connections to the database of `url` (a superuser's URL, which sees
/// every session) have run LISTEN: the consoles' listeners are in place. A console shows
/// its board before its listener has connected (that connection makes its own login), so
/// a test that stops the server or commits right after the board shows must wait for it.
fn wait_listening(url: &str, n: i64) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let began = Instant::now();
    loop {
        let listening = listening(&mut client);
        if listening >= n {
            return;
        }
        assert!(
            began.elapsed() < PATIENCE,
            "{listening} of {n} consoles have started listening after {PATIENCE:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The line of a form or dialog (drawn over the board, inside `│` borders) whose text
/// starts with `label`; panics with the screen when there is none.
fn form_line<'a>(screen: &'a str, label: &str) -> &'a str {
    screen
        .lines()
        .find(|l| {
            l.split('│')
                .any(|part| part.trim_start().starts_with(label))
        })
        .unwrap_or_else(|| panic!("no {label:?} line in the form:\n{screen}"))
}

/// A customer's channels as `customers show --json` gives them.
fn channels_of(url: &str, id: i64) -> u64 {
    let shown: serde_json::Value =
        serde_json::from_str(&cli(url, &["customers", "show", &id.to_string(), "--json"])).unwrap();
    shown["channels"].as_u64().unwrap()
}

#[test]
fn two_consoles_on_one_postgres_database() {
    let Some(url) = pg::fresh_database() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let ids = prepare(&url, home.path());
    let total = CUSTOMERS.len();
    let a = console("a", &home.path().join("a"), &url, 120, 30);
    let b = console("b", &home.path().join("b"), &url, 120, 30);
    a.wait_for(&format!("{total} of {total}"));
    b.wait_for(&format!("{total} of {total}"));
    b.wait_for_channels("Borealis Telecom", 20);
    wait_listening(&url, 2);

    // (a) A saves a customer through the form; B's board shows it (how soon is printed).
    a.open_form("Borealis Telecom", total);
    a.save_channels(47);
    a.wait_for("Saved");
    let took = b.wait_for_channels("Borealis Telecom", 47);
    eprintln!("console B showed console A's save {took:?} after A said Saved");
    assert_eq!(channels_of(&url, id_of(&ids, "Borealis Telecom")), 47);

    // (a') A change from the command line reaches B too.
    let cirrus = id_of(&ids, "Cirrus Networks").to_string();
    cli(&url, &["customers", "update", &cirrus, "--channels", "31"]);
    b.wait_for_channels("Cirrus Networks", 31);

    // (b) B opens Cirrus's form; the CLI changes Cirrus meanwhile; B's save is stale.
    b.open_form("Cirrus Networks", total);
    cli(&url, &["customers", "update", &cirrus, "--channels", "55"]);
    // A (on the board, with its search on Borealis cleared) hears of it: the commit is out.
    a.send(&["Escape"]);
    a.wait_for_channels("Cirrus Networks", 55);
    b.save_channels(66);
    let dialog = b.wait_for("Another operator saved this customer while you were editing");
    let line = form_line(&dialog, "Channels");
    assert!(
        line.contains("66") && line.contains("55"),
        "the dialog shows yours (66) and theirs (55) for Channels: {line:?}\n{dialog}"
    );
    assert_eq!(
        channels_of(&url, id_of(&ids, "Cirrus Networks")),
        55,
        "nothing of the stale form is saved before a choice"
    );
    b.send(&["r"]);
    let form = b.wait_for("Their version is loaded");
    let field = form_line(&form, "Channels");
    assert!(
        field.contains("55") && !field.contains("66"),
        "after r the form holds theirs (55): {field:?}\n{form}"
    );
    assert_eq!(channels_of(&url, id_of(&ids, "Cirrus Networks")), 55);
    b.send(&["Escape"]);
    b.wait_for_channels("Cirrus Networks", 55);
}

/// Where pg_ctl is: PATH first (resolved, as tests/common/pg.rs does), else Debian's
/// newest /usr/lib/postgresql/*/bin.
fn pg_ctl() -> PathBuf {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("pg_ctl");
            if candidate.is_file() {
                return std::fs::canonicalize(&candidate).unwrap_or(candidate);
            }
        }
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin/pg_ctl");
            bin.is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .expect("pg_ctl: own_server started a cluster, so it is installed")
}

/// Runs pg_ctl on the cluster in `dir` (its data in `dir/data`), as the postgres OS user
/// when we are root (the cluster is that user's then), and panics with its output and
/// the server log's tail when it fails.
fn pg_ctl_run(dir: &Path, args: &[&str]) {
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let mut command = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(pg_ctl());
        c
    } else {
        Command::new(pg_ctl())
    };
    let out = command
        .arg("-D")
        .arg(dir.join("data"))
        .args(args)
        // A folder the postgres user may enter.
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    if !out.status.success() {
        let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect();
        panic!(
            "pg_ctl {}: {}{}\nserver.log (newest first):\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            tail.join("\n")
        );
    }
}

#[test]
fn a_console_says_when_the_server_goes_and_recovers_when_it_is_back() {
    // A server of this test's own: the shared one is not stopped under the other tests.
    let Some(server) = pg::own_server("", &[]) else {
        return;
    };
    // own_server names its cluster's folder as `origin`; the data is in its `data`.
    let dir = PathBuf::from(&server.origin);
    assert!(
        dir.join("data/PG_VERSION").is_file(),
        "own_server's origin {:?} is not the cluster folder this test expects (tests/common/pg.rs changed?)",
        server.origin
    );
    let port = server
        .admin_url
        .rsplit_once(':')
        .and_then(|(_, rest)| rest.split('/').next())
        .unwrap_or_else(|| panic!("no port in the admin URL of {}", server.origin))
        .to_string();
    server.admin_execute("CREATE DATABASE carrierdesk_restart");
    let url = pg::with_dbname(&server.admin_url, "carrierdesk_restart");
    let home = tempfile::tempdir().unwrap();
    let ids = prepare(&url, home.path());
    let total = CUSTOMERS.len();
    let console = console("restart", home.path(), &url, 250, 30);
    console.wait_for(&format!("{total} of {total}"));
    wait_listening(&url, 1);

    let stopped = Instant::now();
    pg_ctl_run(&dir, &["stop", "-m", "fast", "-w", "-t", "60"]);
    let (screen, _) = console.wait_until(
        "the status line never said the database was lost",
        PATIENCE,
        |s| s.contains("Lost the database"),
    );
    let said = screen
        .lines()
        .find(|l| l.contains("Lost the database"))
        .unwrap_or_default()
        .trim();
    eprintln!("{said:?} {:?} after pg_ctl stop began", stopped.elapsed());
    for raw in ["db error", "Error {", "kind:", "SqlState", "tokio"] {
        assert!(
            !screen.contains(raw),
            "a raw driver error ({raw:?}) reached the screen:\n{screen}"
        );
    }

    let started = Instant::now();
    pg_ctl_run(
        &dir,
        &[
            "start",
            "-w",
            "-t",
            "60",
            "-l",
            dir.join("server.log").to_str().unwrap(),
            "-o",
            &format!("-p {port}"),
        ],
    );
    console.wait_for("Reconnected to the database");
    eprintln!("reconnected {:?} after pg_ctl start", started.elapsed());

    // The console listens again: a commit from elsewhere shows.
    let aurora = id_of(&ids, "Aurora Voice").to_string();
    cli(&url, &["customers", "update", &aurora, "--channels", "88"]);
    let took = console.wait_for_channels("Aurora Voice", 88);
    eprintln!("after the reconnect a CLI commit showed in {took:?}");
    assert!(console.screen().contains(&format!("{total} of {total}")));
}

/// A console on PostgreSQL runs LISTEN before its first loads: a save made while it starts
/// is in what it loads or heard after, so it need not load everything a second time to be
/// sure. The save here comes right after the board is complete (the console's log says
/// when), another operator's connection made beforehand so that it takes milliseconds.
#[test]
fn a_save_made_while_a_console_starts_is_not_missed() {
    let Some(url) = pg::fresh_database() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let ids = prepare(&url, home.path());
    let total = CUSTOMERS.len();
    let aurora = id_of(&ids, "Aurora Voice");
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut other = Service::open_at(&Location::Server(url.clone())).unwrap();
    let operator = Actor {
        name: "other".into(),
        ip: "192.0.2.20".into(),
        role: "operator".into(),
    };
    let console_home = home.path().join("starting");
    let hour = || chrono::Utc::now().timestamp() / 3600;
    let started_in = hour();
    let console = console("starting", &console_home, &url, 120, 30);
    let log = console_home.join(".local/share/carrierdesk/carrierdesk.log");
    let logged = || std::fs::read_to_string(&log).unwrap_or_default();
    tmux::eventually(
        || logged().contains("board complete").then_some(()),
        || {
            let screen = console.screen();
            format!(
                "no \"board complete\" in {}; screen:\n{screen}",
                log.display()
            )
        },
    );
    assert_eq!(
        listening(&mut admin),
        1,
        "the console showed its whole board before it listened: a commit in between would \
         be missed, or cost a second load of everything"
    );
    let mut customer = other.customer(aurora).unwrap();
    customer.channels = 201;
    other.update_customer(&operator, &customer).unwrap();
    let (screen, _) = console.wait_until(
        "a save made as the console finished starting never reached it",
        PATIENCE,
        |s| {
            s.lines()
                .filter(|l| l.contains("Aurora Voice"))
                .any(|row| format!("{row} ").contains("/201 "))
        },
    );
    assert!(screen.contains(&format!("{total} of {total}")), "{screen}");
    // Longer than the database thread's poll: a reload of everything would have come.
    std::thread::sleep(Duration::from_millis(1500));
    // A new hour changes every customer's 24-hour figures: one more whole load is right then.
    let loads = 1 + usize::from(hour() != started_in);
    assert!(
        logged().matches("whole board loaded").count() <= loads,
        "{}",
        logged()
    );
    assert!(logged().contains("whole board loaded"), "{}", logged());
}
