//! The real binary in a real terminal: a private tmux server per console, keys sent with
//! send-keys, the screen read back with capture-pane. The end-to-end tests share it:
//! `#[path = "common/tmux.rs"] mod tmux;`.
#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_carrierdesk");

/// The longest wait for anything the console does (a start, a save, a reconnect).
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A private tmux server running one window of the given size; killed when dropped.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts the binary with `args`, and `env` (NAME='value' words) in its environment,
    /// with `home` as HOME: its config and log go there.
    pub fn start(
        name: &str,
        home: &Path,
        env: &[&str],
        args: &[&str],
        width: u16,
        height: u16,
    ) -> Tmux {
        let socket = format!("carrierdesk-test-{name}-{}", std::process::id());
        let mut command = format!(
            "env HOME='{}' XDG_DATA_HOME= XDG_CONFIG_HOME= {} {BIN}",
            home.display(),
            env.join(" ")
        );
        for a in args {
            command.push(' ');
            command.push_str(a);
        }
        let t = Tmux { socket };
        t.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            &command,
        ]);
        t
    }

    pub fn socket(&self) -> &str {
        &self.socket
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs (install it: apt-get install tmux)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn send(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "0", k]);
        }
    }

    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "0", "-l", text]);
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "0"])
    }

    /// Polls the screen until `test` holds, for at most `within`; panics with `what` and
    /// the screen if it never does. Returns the screen and how long it took.
    pub fn wait_until(
        &self,
        what: &str,
        within: Duration,
        test: impl Fn(&str) -> bool,
    ) -> (String, Duration) {
        let began = Instant::now();
        loop {
            let screen = self.screen();
            if test(&screen) {
                return (screen, began.elapsed());
            }
            assert!(
                began.elapsed() < within,
                "[{}] {what}: not within {within:?}; screen:\n{screen}",
                self.socket
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen shows `text`; panics with the screen if it never does.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("never showed {text:?}"), PATIENCE, |s| {
            s.contains(text)
        })
        .0
    }

    /// Presses q and waits (up to PATIENCE) for the console to end; true when it did.
    pub fn quit(&self) -> bool {
        self.send(&["q"]);
        let deadline = Instant::now() + PATIENCE;
        while self.alive() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        !self.alive()
    }

    pub fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }
}

/// Polls `probe` until it gives a value, for at most PATIENCE; panics with `why()` (what
/// was found instead, the screen) if it never does. For what the console does off screen:
/// its log, a server it reached.
pub fn eventually<T>(mut probe: impl FnMut() -> Option<T>, why: impl Fn() -> String) -> T {
    let began = Instant::now();
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(
            began.elapsed() < PATIENCE,
            "not within {PATIENCE:?}: {}",
            why()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
