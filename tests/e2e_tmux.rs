//! End to end: the real binary in a real terminal (tmux), read back with capture-pane.
//! Needs tmux; .ci/run installs it.

#[path = "common/job_lock.rs"]
mod job_lock;
#[path = "common/tmux.rs"]
mod tmux;

use job_lock::JobLock;
use std::process::Command;
use std::time::{Duration, Instant};
use tmux::{BIN, Tmux};

/// A demo database of `customers` with `days` of traffic, in `home`; its path.
fn demo(home: &std::path::Path, name: &str, customers: u32, days: u32) -> String {
    let db = home.join(name);
    let db = db.to_str().unwrap();
    let out = Command::new(BIN)
        .args(["demo", "--db", db])
        .args([
            "--customers",
            &customers.to_string(),
            "--days",
            &days.to_string(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db.to_string()
}

#[test]
fn demo_console_in_a_real_terminal() {
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start("demo", home.path(), &[], &["--demo"], 100, 30);
    let screen = t.wait_for("200 of 200");
    assert!(
        screen.contains("Name") && screen.contains("Last Call"),
        "{screen}"
    );

    // Find the first listed customer by its name and open it.
    let row = screen
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("Name"))
        .nth(1)
        .unwrap();
    // Skip the mark column, then the name runs up to the column gap.
    let first = row.chars().skip(2).collect::<String>();
    let first = first.split("  ").next().unwrap().trim().to_string();
    t.send(&["/"]);
    t.type_text(&first);
    t.wait_for("1 of 200");
    t.send(&["Enter", "Enter"]);
    t.wait_for("1 Main");
    t.send(&["4"]);
    let audit = t.wait_for("Date/Time (UTC)");
    assert!(audit.contains("Create customer"), "{audit}");

    // Change channels through the form; the audit row appears at once.
    t.send(&["e"]);
    t.wait_for("Basic");
    for _ in 0..6 {
        t.send(&["Tab"]);
    }
    t.send(&["BSpace", "BSpace", "BSpace", "BSpace"]);
    t.type_text("7");
    t.send(&["Enter"]);
    t.wait_for("Save and Stay");
    t.send(&["c"]);
    t.wait_for("Saved");
    let audit = t.wait_for("→ 7");
    // The audit names the account the console runs as (the User column is 8 wide).
    let user = whoami::username().unwrap();
    assert!(audit.contains(&user[..user.len().min(8)]), "{audit}");

    t.send(&["?"]);
    t.wait_for("Keys (↑↓ scroll, Esc closes)");
    // Apart: Esc and q arriving together read as Alt-q.
    t.send(&["Escape"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while t.screen().contains("Keys (↑↓ scroll") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(t.quit(), "q quits the console");
    let log = std::fs::read_to_string(home.path().join(".local/share/carrierdesk/carrierdesk.log"))
        .unwrap();
    assert!(log.contains("first frame drawn"), "{log}");
}

#[test]
fn a_bad_database_path_prints_one_line_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let not_db = dir.path().join("notes.db");
    std::fs::write(&not_db, "hello ".repeat(1000)).unwrap();
    for (path, expected) in [
        (
            not_db.display().to_string(),
            "is not a carrierdesk database",
        ),
        (
            dir.path().join("missing/x.db").display().to_string(),
            "does not exist",
        ),
    ] {
        let out = Command::new(BIN)
            .args(["--db", &path, "customers", "list"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(expected), "{err}");
    }
}

#[test]
fn customers_list_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let db = db.to_str().unwrap();
    let out = Command::new(BIN)
        .args(["demo", "--db", db, "--customers", "25", "--days", "2"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = Command::new(BIN)
        .args(["demo", "--db", db, "--customers", "5"])
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "a filled database is not filled twice"
    );

    let json = Command::new(BIN)
        .args(["--db", db, "customers", "list", "--json"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 25);
    let balance = rows[0]["balance"].as_str().unwrap();
    assert!(
        balance.parse::<f64>().is_ok() && !balance.contains(','),
        "{balance}"
    );

    let csv = Command::new(BIN)
        .args([
            "--db",
            db,
            "customers",
            "list",
            "--csv",
            "--status",
            "active",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(
        text.starts_with("id,name,status,currency,balance"),
        "{text}"
    );
    assert!(
        text.lines().skip(1).all(|l| l.contains(",active,")),
        "{text}"
    );

    let bad = Command::new(BIN)
        .args(["--db", db, "customers", "list", "--status", "asleep"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("'asleep' is not a status"));
}

#[test]
fn a_copied_block_reaches_the_terminal_clipboard_over_osc52() {
    let home = tempfile::tempdir().unwrap();
    let db = &demo(home.path(), "clip.db", 6, 4);
    // The expected block: the newest three days' Attempts and Connected of customer 1.
    let json = Command::new(BIN)
        .args([
            "--db",
            db,
            "summary",
            "--customer",
            "1",
            "--period",
            "daily",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let expected: Vec<String> = std::iter::once("Attempts\tConnected".to_string())
        .chain(
            rows.as_array()
                .unwrap()
                .iter()
                .take(3)
                .map(|r| format!("{}\t{}", r["attempts"], r["connected"])),
        )
        .collect();

    // An SSH session: auto sends copies to the terminal's clipboard.
    let list = Command::new(BIN)
        .args(["--db", db, "customers", "list", "--json"])
        .output()
        .unwrap();
    let customers: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let name = customers
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == 1)
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    let t = Tmux::start(
        "clip",
        home.path(),
        &["SSH_CONNECTION='203.0.113.5 50000 198.51.100.1 22'"],
        &["--db", db],
        120,
        40,
    );
    t.tmux(&["set", "-s", "set-clipboard", "on"]);
    t.wait_for("of 6");
    t.send(&["/"]);
    t.type_text(&name);
    t.wait_for("1 of 6");
    t.send(&["Enter", "Enter"]);
    t.wait_for("1 Main");
    t.send(&["3"]);
    t.wait_for("Quality");
    for _ in 0..6 {
        t.send(&["l"]);
    }
    t.send(&["S-Right", "S-Down", "S-Down", "Y"]);
    t.wait_for("sent to the terminal's clipboard (OSC 52)");
    let buffer = t.tmux(&["show-buffer"]);
    assert_eq!(buffer.trim_end_matches('\n'), expected.join("\n"));
}

/// On the board: `a` opens the Add customer form, the name and the currency typed in.
fn open_add_form(t: &Tmux, name: &str, currency: &str) {
    t.send(&["a"]);
    t.wait_for("Add customer");
    t.type_text(name);
    for _ in 0..5 {
        t.send(&["Tab"]);
    }
    t.type_text(currency);
}

#[test]
fn adding_a_customer_with_the_form_in_a_real_terminal() {
    let home = tempfile::tempdir().unwrap();
    let db = &demo(home.path(), "add.db", 4, 0);
    let t = Tmux::start("add", home.path(), &[], &["--db", db], 120, 40);
    t.wait_for("4 of 4");
    open_add_form(&t, "Harbour Lights Telecom", "CHF");
    t.send(&["Tab"]);
    t.send(&["BSpace", "BSpace"]);
    t.type_text("25");
    t.send(&["Enter"]);
    t.wait_for("Save and Stay");
    t.send(&["c"]);
    let screen = t.wait_for("5 of 5");
    assert!(screen.contains("Saved Harbour Lights Telecom"), "{screen}");

    let show = Command::new(BIN)
        .args(["--db", db, "customers", "list", "--json"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    let added = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Harbour Lights Telecom")
        .unwrap();
    assert_eq!(added["currency"], "CHF");
    assert_eq!(added["channels"], 25);
}

#[test]
fn plus_on_a_card_assigns_a_number_block_in_a_real_terminal() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("blocks.db");
    let db = db.to_str().unwrap();
    let csv = home.path().join("customers.csv");
    std::fs::write(&csv, "name,currency,channels\nHarbour Lines Ltd,EUR,4\n").unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["customers", "import", csv.to_str().unwrap()]);
    run(&["settings", "set", "number_range_start", "1000"]);
    run(&["settings", "set", "block_size", "1000"]);

    let t = Tmux::start("blocks", home.path(), &[], &["--db", db], 100, 30);
    t.wait_for("1 of 1");
    t.send(&["Enter"]);
    t.wait_for("None yet: + assigns the next free one.");
    t.send(&["+"]);
    t.wait_for("Number block 1000–1999 assigned");
    // The message can come a frame before the card's list shows the block: wait for both.
    t.wait_until("the block listed on the card", tmux::PATIENCE, |s| {
        s.contains("│1000–1999") && s.contains("Internal Number Blocks (1)")
    });
    let list = Command::new(BIN)
        .args(["--db", db, "number-blocks", "list", "--json"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(rows[0]["first"], 1000);
    assert_eq!(rows[0]["last"], 1999);
}

#[cfg(unix)]
#[test]
fn files_the_console_writes_are_the_owners_alone_whatever_the_umask_and_folder() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let home = tempfile::tempdir().unwrap();
    let db = &demo(home.path(), "files.db", 6, 4);
    // A data folder anyone may read, and copies that go to the clipboard file.
    let data = home.path().join(".local/share/carrierdesk");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = home.path().join(".config/carrierdesk");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "clipboard = \"file\"\n").unwrap();
    // env runs the console through a shell that sets umask 000 first.
    let t = Tmux::start(
        "files",
        home.path(),
        &["sh -c 'umask 000 && exec \"$0\" \"$@\"'"],
        &["--db", db],
        120,
        40,
    );
    t.wait_for("6 of 6");
    // Customer 1 has traffic in the demo's last day.
    t.send(&["/"]);
    t.type_text("#1");
    t.wait_for("1 of 6");
    t.send(&["Enter", "Enter"]);
    t.wait_for("1 Main");
    t.send(&["3"]);
    t.wait_for("Quality");
    t.send(&["y"]);
    t.wait_for("clipboard.txt");
    t.send(&[":"]);
    t.type_text("Export the selection");
    t.send(&["Enter"]);
    t.wait_for("Exported to");
    t.send(&["D"]);
    t.wait_for("has the header only");
    assert!(t.quit(), "q quits the console");
    let mut files = vec![data.join("carrierdesk.log"), data.join("clipboard.txt")];
    let exports = data.join("exports");
    assert_eq!(mode(&exports), 0o700);
    for entry in std::fs::read_dir(&exports).unwrap() {
        files.push(entry.unwrap().path());
    }
    assert_eq!(files.len(), 4, "{files:?}");
    for file in files {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[test]
fn stored_escape_sequences_never_reach_the_terminal_clipboard_or_title() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("inject.db");
    let out = Command::new(BIN)
        .arg("demo")
        .arg("--db")
        .arg(&db)
        .args(["--customers", "2", "--days", "0"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // Written past the console's rules, as an attacker with the database file could.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE customers SET address = 'Dock ' || char(27) || ']52;c;QUREUkVTUw==' || char(7)
                 || char(27) || ']2;PWNED' || char(7) || ' 4' WHERE id = 1",
            [],
        )
        .unwrap();
    // The shell waits for Enter, so that the pane's own title is read before the output.
    let t = Tmux::start(
        "inject",
        home.path(),
        &["sh -c 'read go; \"$0\" \"$@\"; echo shown; exec sleep 600'"],
        &["--db", db.to_str().unwrap(), "customers", "show", "1"],
        120,
        40,
    );
    t.tmux(&["set", "-s", "set-clipboard", "on"]);
    let title = || t.tmux(&["display", "-p", "-t", "0", "#{pane_title}"]);
    let before = title();
    t.send(&["Enter"]);
    let screen = t.wait_for("shown");
    assert!(
        screen.contains("Dock \\u{1b}]52;c;QUREUkVTUw=="),
        "{screen}"
    );
    assert_eq!(t.tmux(&["show-buffer"]), "");
    assert_eq!(title(), before);
    assert!(!title().contains("PWNED"));
}

/// At 80 columns: the board says which columns are out of view and `>` scrolls to them; the
/// bulk status change of a filtered set, with its preview, in fourteen keys.
#[test]
fn a_filtered_bulk_status_change_and_sideways_scroll_in_a_real_terminal() {
    let home = tempfile::tempdir().unwrap();
    let db = &demo(home.path(), "bulk.db", 300, 0);
    // How many customers a filter matches, through the command line.
    let count = |filter: &str| -> usize {
        let out = Command::new(BIN)
            .args([
                "--db",
                db,
                "customers",
                "list",
                "--json",
                "--filter",
                filter,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout)
            .unwrap()
            .len()
    };
    let active = count("status:active channels<30 tag:wholesale");
    let inactive = count("status:inactive channels<30 tag:wholesale");
    assert!(active >= 2);

    let t = Tmux::start("bulk", home.path(), &[], &["--db", db], 80, 24);
    let screen = t.wait_for("300 of 300");
    assert!(screen.contains("columns +"), "{screen}");
    t.send(&[">"]);
    t.wait_for("‹ +1 columns");

    t.send(&["f", "F"]);
    t.type_text("ch<30 t:wholesale");
    t.send(&["Enter"]);
    t.wait_for(&format!("{active} of 300"));
    t.send(&["C-a", "e"]);
    t.wait_for("Bulk edit of");
    t.send(&["i", "Enter"]);
    t.wait_for(&format!("Bulk edit of {active} customers: preview"));
    t.send(&["Enter"]);
    t.wait_for("cleared");

    assert_eq!(count("status:active channels<30 tag:wholesale"), 0);
    assert_eq!(
        count("status:inactive channels<30 tag:wholesale"),
        inactive + active
    );
}

/// What was searched comes back with Ctrl-P after a restart, from a file only its owner
/// reads; a filter saved by name is there too.
#[test]
fn searches_and_saved_filters_are_kept_across_restarts() {
    let home = tempfile::tempdir().unwrap();
    let db = &demo(home.path(), "history.db", 3, 0);
    let t = Tmux::start("history1", home.path(), &[], &["--db", db], 100, 30);
    t.wait_for("3 of 3");
    t.send(&["/"]);
    t.type_text("zz-recall-me");
    t.wait_for("0 of 3");
    t.send(&["Enter", "Escape"]);
    t.wait_for("3 of 3");
    // A filter saved by name, in the config file.
    t.send(&["F"]);
    t.type_text("id>1");
    t.send(&["Enter"]);
    t.wait_for("2 of 3");
    t.send(&[":"]);
    t.type_text("save filter");
    t.send(&["Enter"]);
    t.wait_for("Save the filter line as");
    t.type_text("not-first");
    t.send(&["Enter"]);
    t.wait_for("Filter saved as @not-first");
    assert!(t.quit(), "q quits the console");
    let file = home.path().join(".local/share/carrierdesk/history");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("search\tzz-recall-me"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let t = Tmux::start("history2", home.path(), &[], &["--db", db], 100, 30);
    t.wait_for("3 of 3");
    t.send(&["/", "C-p"]);
    t.wait_for("0 of 3");
    assert!(t.screen().contains("/zz-recall-me"), "{}", t.screen());
    // Apart: Esc and F arriving together read as Alt-F.
    t.send(&["Escape"]);
    t.wait_for("3 of 3");
    t.send(&["F"]);
    t.type_text("@no");
    t.send(&["Tab", "Enter"]);
    t.wait_for("2 of 3");
}

/// A save that meets another operator's import says whose it waits for, and lands when
/// the import ends. (That the console's database thread goes on loading meanwhile is
/// tests/worker.rs's.)
#[test]
fn a_save_waits_for_alices_import_while_the_console_goes_on() {
    let home = tempfile::tempdir().unwrap();
    let db = &demo(home.path(), "waits.db", 4, 0);
    // Alice's import, as it records itself and then holds the write lock.
    let lock = JobLock::take(std::path::Path::new(db), "alice", "import");

    let t = Tmux::start("waits", home.path(), &[], &["--db", db], 120, 40);
    t.wait_for("4 of 4");
    open_add_form(&t, "Harbour Lights Telecom", "CHF");
    t.send(&["Enter"]);
    t.wait_for("Save and Stay");
    t.send(&["c"]);
    let since = &lock.since;
    let screen = t.wait_for(&format!(
        "Waiting for alice's import (since {since}) to finish…"
    ));
    // The form keeps what was typed until the save's answer: a refusal can still be fixed.
    assert!(screen.contains("Saving…"), "{screen}");

    lock.release();
    // The message comes with the save's answer, the new row with the reload it asks for.
    t.wait_until(
        "the saved customer never joined the board",
        tmux::PATIENCE,
        |s| s.contains("Saved Harbour Lights Telecom") && s.contains("5 of 5"),
    );
}
