//! End to end: a contact added with a generated portal password in the real binary in a
//! real terminal (tmux). The password is read once from the screen, and then found in no
//! file the console wrote: the database, its WAL and shared memory, the log. Needs tmux;
//! .ci/run installs it.

#[path = "common/tmux.rs"]
mod tmux;

use carrierdesk::service::Service;
use std::path::{Path, PathBuf};
use std::process::Command;
use tmux::{BIN, PATIENCE, Tmux};

/// The characters a generated portal password is made of.
const GENERATED: &str = "bcdfghjkmnpqrstvwxyzBCDFGHJKLMNPQRSTVWXYZ23456789-_.!@#%+=";

const NAME: &str = "Odile Marchetti";
const EMAIL: &str = "odile.marchetti@portal-check.example";

/// The generated password a window shows: the text between two edges of a frame that is
/// 20 of the generator's characters and nothing else.
fn shown_password(screen: &str) -> Option<String> {
    screen.lines().find_map(|l| {
        l.split('│').map(str::trim).find_map(|inner| {
            (inner.chars().count() == 20 && inner.chars().all(|c| GENERATED.contains(c)))
                .then(|| inner.to_string())
        })
    })
}

/// Every file under `dir`, however deep.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

fn holds(path: &Path, text: &str) -> bool {
    // A file may go between listing and reading (SQLite removes its WAL at the end).
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

/// The database, its WAL and shared memory, and the log: the files the password must not
/// reach, each that exists now; and every other file in the test's folder.
fn written(home: &Path, db: &Path, log: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["", "-wal", "-shm"]
        .iter()
        .map(|end| PathBuf::from(format!("{}{end}", db.display())))
        .chain([log.to_path_buf()])
        .filter(|p| p.exists())
        .collect();
    for f in files_under(home) {
        if !files.contains(&f) {
            files.push(f);
        }
    }
    files
}

fn contacts_json(db: &Path) -> serde_json::Value {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["contacts", "list", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_generated_portal_password_is_shown_once_and_written_nowhere() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("contacts.db");
    let out = Command::new(BIN)
        .arg("demo")
        .arg("--db")
        .arg(&db)
        .args(["--customers", "4", "--days", "0"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The console logs to carrierdesk.log in its data folder, which it finds from HOME
    // (XDG_DATA_HOME empty): Tmux::start points HOME at the test's folder.
    let log = home.path().join(".local/share/carrierdesk/carrierdesk.log");
    let t = Tmux::start(
        "contacts",
        home.path(),
        &[],
        &["--db", db.to_str().unwrap()],
        140,
        40,
    );
    t.wait_for("4 of 4");
    t.send(&["Enter"]);
    t.wait_for("1 Main");
    t.send(&["2"]);
    t.wait_for("Ver e/m");

    t.send(&["a"]);
    t.wait_for("Add contact to");
    t.type_text(NAME);
    t.send(&["Tab"]);
    t.type_text(EMAIL);
    // On to the portal password, the last field, and → to Generate.
    for _ in 0..10 {
        t.send(&["Tab"]);
    }
    t.wait_for("none yet (P sets one later)");
    t.send(&["Right"]);
    t.wait_for("generate one, shown once");
    t.send(&["Enter"]);
    t.wait_for("Save and Continue");
    t.send(&["c"]);
    let (screen, _) = t.wait_until("never showed the password", PATIENCE, |s| {
        s.contains("Portal password of") && shown_password(s).is_some()
    });
    assert!(screen.contains(NAME), "{screen}");
    let password = shown_password(&screen).unwrap();
    t.send(&["Escape"]);
    // The window closes at once; the contact's row comes with the card's reload.
    t.wait_until(
        "kept showing the password, or never listed the contact with a login",
        PATIENCE,
        |s| !s.contains(&password) && s.lines().any(|l| l.contains(NAME) && l.contains("login")),
    );

    // What was read is the password: the stored hash takes it.
    let contact = contacts_json(&db)
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["email"] == EMAIL)
        .cloned()
        .expect("the contact is listed");
    assert_eq!(contact["portal_password"], true, "{contact}");
    assert_eq!(contact["name"], NAME);
    let id = contact["id"].as_i64().unwrap();
    let check = Service::open(&db).unwrap();
    assert!(check.check_contact_password(id, &password).unwrap());
    drop(check);

    // While the console runs (its WAL and shared memory there) and after it quits.
    let look = |when: &str| {
        let files = written(home.path(), &db, &log);
        assert!(files.contains(&log), "{when}: no log in {files:?}");
        assert!(
            files.iter().any(|f| holds(f, EMAIL)),
            "{when}: the contact is in none of {files:?}"
        );
        for f in &files {
            assert!(
                !holds(f, &password),
                "{when}: the password is in {}",
                f.display()
            );
        }
    };
    look("running");
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("console started")
    );

    assert!(t.quit(), "q quits the console");
    look("after quitting");
}
