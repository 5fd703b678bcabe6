//! The README's recipe for sharing one database file among the operators of a host, with
//! two real OS accounts: a group, a setgid folder, the file made group-writable. Accounts
//! can only be made by root: elsewhere the test says so and checks nothing.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_carrierdesk");

fn sh(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two accounts in one group, removed again when the test ends however it ends.
struct Accounts {
    group: String,
    users: [String; 2],
}

impl Accounts {
    fn create() -> Accounts {
        let tag = std::process::id();
        let group = format!("cdnoc{tag}");
        let users = [format!("cdalice{tag}"), format!("cdbob{tag}")];
        sh("groupadd", &[&group]);
        for user in &users {
            sh(
                "useradd",
                &["-M", "-N", "-g", &group, "-s", "/bin/sh", user],
            );
        }
        Accounts { group, users }
    }
}

impl Drop for Accounts {
    fn drop(&mut self) {
        for user in &self.users {
            let _ = Command::new("userdel").arg(user).output();
        }
        let _ = Command::new("groupdel").arg(&self.group).output();
    }
}

/// The binary as `user`, on the shared database, with a data folder of the user's own.
fn run_as(user: &str, home: &Path, db: &Path, args: &[&str]) -> Output {
    Command::new("runuser")
        .args(["-u", user, "--", "env"])
        .arg(format!("HOME={}", home.display()))
        .arg(format!("XDG_DATA_HOME={}", home.join("data").display()))
        .arg(format!("CARRIERDESK_DB={}", db.display()))
        .arg(BIN)
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn two_operators_share_one_database_file_as_the_readme_says() {
    let uid = Command::new("id").arg("-u").output().unwrap().stdout;
    if String::from_utf8_lossy(&uid).trim() != "0" {
        eprintln!("not root: no accounts can be made here, so the shared-host recipe is not tried");
        return;
    }
    let accounts = Accounts::create();
    let [alice, bob] = &accounts.users;
    let top = tempfile::tempdir().unwrap();
    // The users reach the folder through the temporary one.
    std::fs::set_permissions(top.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let shared = top.path().join("srv");
    sh(
        "install",
        &[
            "-d",
            "-g",
            &accounts.group,
            "-m",
            "2770",
            shared.to_str().unwrap(),
        ],
    );
    let homes: Vec<_> = [alice, bob]
        .iter()
        .map(|user| {
            let home = top.path().join(user.as_str());
            sh(
                "install",
                &["-d", "-o", user, "-m", "0700", home.to_str().unwrap()],
            );
            home
        })
        .collect();
    let db = shared.join("carrierdesk.db");

    // Alice creates the file; the recipe gives it to the group.
    ok(
        run_as(alice, &homes[0], &db, &["customers", "list"]),
        "alice creates it",
    );
    for entry in std::fs::read_dir(&shared).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("carrierdesk.db") {
            sh("chgrp", &[&accounts.group, path.to_str().unwrap()]);
            sh("chmod", &["0660", path.to_str().unwrap()]);
        }
    }
    // The migrate-lock, which holds no data, is readable by the group, never by others.
    let lock = shared.join("carrierdesk.migrate-lock");
    if let Ok(meta) = std::fs::metadata(&lock) {
        assert_eq!(
            meta.permissions().mode() & 0o007,
            0,
            "{lock:?} is the group's only"
        );
    }

    // Bob adds a customer; Alice sees it and changes it; each change names its operator.
    let csv = top.path().join("customers.csv");
    std::fs::write(&csv, "name,currency,channels\nHarbour Lines Ltd,EUR,4\n").unwrap();
    std::fs::set_permissions(&csv, std::fs::Permissions::from_mode(0o644)).unwrap();
    ok(
        run_as(
            bob,
            &homes[1],
            &db,
            &["customers", "import", csv.to_str().unwrap()],
        ),
        "bob imports",
    );
    let listed = ok(
        run_as(alice, &homes[0], &db, &["customers", "list"]),
        "alice lists",
    );
    assert!(listed.contains("Harbour Lines Ltd"), "{listed}");
    ok(
        run_as(
            alice,
            &homes[0],
            &db,
            &["customers", "update", "1", "--channels", "6"],
        ),
        "alice updates",
    );
    let shown = ok(
        run_as(bob, &homes[1], &db, &["customers", "show", "1", "--json"]),
        "bob reads",
    );
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["channels"], 6);

    // The database files stay the group's, whoever wrote last.
    for entry in std::fs::read_dir(&shared).unwrap() {
        let meta = entry.unwrap().metadata().unwrap();
        assert_eq!(meta.mode() & 0o007, 0, "nothing is open to other accounts");
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT operator FROM audit_log ORDER BY id")
        .unwrap();
    let operators: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(operators, [bob.clone(), alice.clone()]);
}
