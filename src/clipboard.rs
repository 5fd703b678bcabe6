//! Copying text to where the operator is. The console usually runs on a shared host
//! reached by SSH, where the host's own clipboard is no use to anyone: there the
//! terminal's clipboard (OSC 52) is the way to the operator's laptop. Ways are tried in
//! order: the system clipboard, OSC 52, then a file, and the outcome says which one
//! took the text, in words the status line can show.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;

use crossterm::QueueableCommand;
use crossterm::clipboard::CopyToClipboard;
use serde::{Deserialize, Serialize};

/// The configured way to copy (`clipboard = "auto" | "system" | "osc52" | "file"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// OSC 52 first over SSH or without a display, the system clipboard first otherwise.
    #[default]
    Auto,
    System,
    Osc52,
    File,
}

/// One way of copying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    System,
    Osc52,
    File,
}

/// What `auto` looks at: whether the session came in over SSH and whether a display is
/// there for a system clipboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Env {
    pub ssh: bool,
    pub display: bool,
}

impl Env {
    /// Reads the variables through `var`, so tests can inject them. Empty counts as unset.
    pub fn from_vars(var: impl Fn(&str) -> Option<OsString>) -> Env {
        let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
        Env {
            ssh: set("SSH_CONNECTION") || set("SSH_TTY"),
            // macOS and Windows have a clipboard without any display variable.
            display: cfg!(any(target_os = "macos", windows))
                || set("DISPLAY")
                || set("WAYLAND_DISPLAY"),
        }
    }

    /// The environment of this process.
    pub fn current() -> Env {
        Env::from_vars(|name| std::env::var_os(name))
    }
}

/// The order in which the ways are tried. A file is always the last resort, so a copy
/// is never lost.
pub fn methods(strategy: Strategy, env: Env) -> &'static [Method] {
    use Method::*;
    match strategy {
        Strategy::Auto if env.ssh || !env.display => &[Osc52, System, File],
        Strategy::Auto => &[System, Osc52, File],
        Strategy::System => &[System, File],
        Strategy::Osc52 => &[Osc52, File],
        Strategy::File => &[File],
    }
}

/// Terminals and multiplexers drop OSC 52 payloads past some size, silently; above this
/// many bytes of base64 the copy goes another way and the operator is told why.
pub const OSC52_LIMIT: usize = 100_000;

/// Where the text went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    System,
    /// Written to the terminal. OSC 52 has no acknowledgement: the terminal may ignore it.
    Osc52,
    File(PathBuf),
    /// Every way failed; the reason of the last one.
    Failed(String),
}

/// The result of a copy, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub outcome: Outcome,
    /// Set when OSC 52 was skipped for size: the base64 length it would have had.
    pub too_large_for_terminal: Option<usize>,
    pub limit: usize,
    /// Why the first way tried did not work, when a later one did.
    pub fell_back: Option<String>,
}

impl Copied {
    /// The status line, e.g. "12 cells sent to the terminal's clipboard (OSC 52)";
    /// `what` names what was copied.
    pub fn message(&self, what: &str) -> String {
        let went = match &self.outcome {
            Outcome::System => "copied to the system clipboard".to_string(),
            Outcome::Osc52 => "sent to the terminal's clipboard (OSC 52)".to_string(),
            Outcome::File(path) => format!("written to {}", path.display()),
            Outcome::Failed(why) => format!("not copied: {why}"),
        };
        match self.too_large_for_terminal {
            Some(size) => format!(
                "{what}: too large for the terminal's clipboard ({} KB encoded, limit {} KB); {went}",
                size.div_ceil(1000),
                self.limit / 1000
            ),
            None => match (&self.fell_back, &self.outcome) {
                (Some(why), Outcome::System | Outcome::Osc52 | Outcome::File(_)) => {
                    format!("{what} {went} ({why})")
                }
                _ => format!("{what} {went}"),
            },
        }
    }
}

enum System {
    NotTried,
    Ready(arboard::Clipboard),
    Unavailable,
}

/// The app's one clipboard. Keep it for the app's life: on X11 the copied text lives
/// only as long as the system clipboard handle that owns it.
pub struct Clipboard {
    methods: &'static [Method],
    system: System,
    file: PathBuf,
    osc52_limit: usize,
}

impl fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clipboard")
            .field("methods", &self.methods)
            .field("file", &self.file)
            .field("osc52_limit", &self.osc52_limit)
            .finish_non_exhaustive()
    }
}

impl Clipboard {
    /// `file` is where copies land when nothing else works (under the data folder).
    /// The system clipboard is opened on first use only.
    pub fn new(strategy: Strategy, env: Env, file: PathBuf) -> Clipboard {
        Clipboard {
            methods: methods(strategy, env),
            system: System::NotTried,
            file,
            osc52_limit: OSC52_LIMIT,
        }
    }

    /// Changes the OSC 52 cap (bytes of base64).
    pub fn with_osc52_limit(mut self, bytes: usize) -> Clipboard {
        self.osc52_limit = bytes;
        self
    }

    /// Copies `text`. `terminal` is the terminal's writer (the TUI's backend), used for
    /// OSC 52; call this between frames so the sequence doesn't land inside a frame.
    pub fn copy(&mut self, text: &str, terminal: &mut impl Write) -> Copied {
        let mut copied = Copied {
            outcome: Outcome::Failed("no way to copy".into()),
            too_large_for_terminal: None,
            limit: self.osc52_limit,
            fell_back: None,
        };
        for &method in self.methods {
            let result = match method {
                Method::System => self.system(text),
                Method::Osc52 => {
                    let encoded = text.len().div_ceil(3) * 4;
                    if encoded > self.osc52_limit {
                        copied.too_large_for_terminal = Some(encoded);
                        continue;
                    }
                    osc52(text, terminal).map(|()| Outcome::Osc52)
                }
                Method::File => self.file(text),
            };
            match result {
                Ok(outcome) => {
                    copied.outcome = outcome;
                    return copied;
                }
                Err(why) => {
                    copied.fell_back.get_or_insert_with(|| why.clone());
                    copied.outcome = Outcome::Failed(why);
                }
            }
        }
        copied
    }

    fn system(&mut self, text: &str) -> Result<Outcome, String> {
        if let System::NotTried = self.system {
            self.system = arboard::Clipboard::new().map_or(System::Unavailable, System::Ready);
        }
        let System::Ready(clipboard) = &mut self.system else {
            return Err("no system clipboard".into());
        };
        match clipboard.set_text(text) {
            Ok(()) => Ok(Outcome::System),
            Err(e) => {
                // Any error means there is no usable clipboard; don't try it again.
                self.system = System::Unavailable;
                Err(format!("system clipboard: {e}"))
            }
        }
    }

    fn file(&self, text: &str) -> Result<Outcome, String> {
        let fail = |e: io::Error| format!("{}: {e}", self.file.display());
        if let Some(dir) = self.file.parent() {
            crate::private::create_dir(dir).map_err(fail)?;
        }
        crate::private::write(&self.file, text).map_err(fail)?;
        Ok(Outcome::File(self.file.clone()))
    }
}

/// Writes the OSC 52 sequence (ESC ] 52 ; c ; base64 ESC \) and flushes it.
fn osc52(text: &str, terminal: &mut impl Write) -> Result<(), String> {
    terminal
        .queue(CopyToClipboard::to_clipboard_from(text.as_bytes()))
        .and_then(|t| t.flush())
        .map_err(|e| format!("terminal: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> Env {
        let map: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.into()))
            .collect();
        Env::from_vars(|k| map.get(k).cloned())
    }

    #[test]
    fn reads_ssh_and_display_from_the_environment() {
        let over_ssh = env(&[("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")]);
        assert!(over_ssh.ssh);
        assert!(env(&[("SSH_TTY", "/dev/pts/3")]).ssh);
        assert!(!env(&[("SSH_TTY", "")]).ssh);
        assert!(!env(&[]).ssh);
        if cfg!(target_os = "linux") {
            assert!(!env(&[]).display);
            assert!(!env(&[("DISPLAY", "")]).display);
            assert!(env(&[("DISPLAY", ":0")]).display);
            assert!(env(&[("WAYLAND_DISPLAY", "wayland-0")]).display);
        }
    }

    #[test]
    fn auto_prefers_the_terminal_over_ssh_or_without_a_display() {
        use Method::*;
        let local = Env {
            ssh: false,
            display: true,
        };
        let ssh_x11 = Env {
            ssh: true,
            display: true,
        };
        let headless = Env {
            ssh: false,
            display: false,
        };
        assert_eq!(methods(Strategy::Auto, local), [System, Osc52, File]);
        assert_eq!(methods(Strategy::Auto, ssh_x11), [Osc52, System, File]);
        assert_eq!(methods(Strategy::Auto, headless), [Osc52, System, File]);
        // A forced way is tried alone, with the file behind it.
        assert_eq!(methods(Strategy::System, headless), [System, File]);
        assert_eq!(methods(Strategy::Osc52, local), [Osc52, File]);
        assert_eq!(methods(Strategy::File, local), [File]);
    }

    #[test]
    fn strategies_read_from_config_text() {
        #[derive(Deserialize)]
        struct Config {
            clipboard: Strategy,
        }
        let c: Config = toml::from_str("clipboard = \"file\"").unwrap();
        assert_eq!(c.clipboard, Strategy::File);
        assert_eq!(Strategy::default(), Strategy::Auto);
    }

    #[test]
    fn osc52_writes_the_escape_sequence_to_the_given_terminal() {
        let dir = tempfile::tempdir().unwrap();
        let mut cb = Clipboard::new(Strategy::Osc52, Env::default(), dir.path().join("clip.tsv"));
        let mut term = Vec::new();
        let copied = cb.copy("Date (UTC)\tASR (%)\n2026-11-02\t100.00", &mut term);
        assert_eq!(copied.outcome, Outcome::Osc52);
        assert_eq!(
            String::from_utf8(term).unwrap(),
            "\x1b]52;c;RGF0ZSAoVVRDKQlBU1IgKCUpCjIwMjYtMTEtMDIJMTAwLjAw\x1b\\"
        );
        assert_eq!(
            copied.message("4 cells"),
            "4 cells sent to the terminal's clipboard (OSC 52)"
        );
        assert!(!dir.path().join("clip.tsv").exists());
    }

    #[test]
    fn too_large_for_the_terminal_goes_to_the_file_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("data").join("clipboard.tsv");
        let mut cb = Clipboard::new(Strategy::Osc52, Env::default(), file.clone());
        let mut term = Vec::new();
        // 75,000 bytes are 100,000 of base64: just within the cap.
        let fits = "x".repeat(75_000);
        assert_eq!(cb.copy(&fits, &mut term).outcome, Outcome::Osc52);
        term.clear();
        let big = "x".repeat(75_001);
        let copied = cb.copy(&big, &mut term);
        assert!(term.is_empty(), "nothing may reach the terminal");
        assert_eq!(copied.outcome, Outcome::File(file.clone()));
        assert_eq!(copied.too_large_for_terminal, Some(100_004));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), big);
        assert_eq!(
            copied.message("75001 cells"),
            format!(
                "75001 cells: too large for the terminal's clipboard (101 KB encoded, limit 100 KB); written to {}",
                file.display()
            )
        );
    }

    #[test]
    fn the_cap_can_be_set() {
        let dir = tempfile::tempdir().unwrap();
        let mut cb = Clipboard::new(Strategy::Osc52, Env::default(), dir.path().join("c"))
            .with_osc52_limit(8);
        let mut term = Vec::new();
        assert_eq!(cb.copy("123456", &mut term).outcome, Outcome::Osc52);
        let copied = cb.copy("1234567", &mut term);
        assert_eq!(copied.too_large_for_terminal, Some(12));
        assert!(matches!(copied.outcome, Outcome::File(_)));
    }

    #[test]
    fn the_file_strategy_writes_the_file_and_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("clipboard.tsv");
        let mut cb = Clipboard::new(Strategy::File, Env::default(), file.clone());
        let mut term = Vec::new();
        let copied = cb.copy("1\t2", &mut term);
        assert!(term.is_empty());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "1\t2");
        assert_eq!(
            copied.message("2 cells"),
            format!("2 cells written to {}", file.display())
        );
    }

    #[test]
    fn when_every_way_fails_it_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("not-a-dir");
        std::fs::write(&blocker, "").unwrap();
        let mut cb = Clipboard::new(Strategy::File, Env::default(), blocker.join("clip.tsv"));
        let copied = cb.copy("1", &mut Vec::new());
        assert!(matches!(copied.outcome, Outcome::Failed(_)));
        assert!(copied.message("1 cell").starts_with("1 cell not copied: "));
    }

    #[test]
    fn no_system_clipboard_without_a_display() {
        // Only meaningful where there is no display; elsewhere it would take over the
        // desktop's clipboard.
        if Env::current().display {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("clip.tsv");
        let mut cb = Clipboard::new(Strategy::System, Env::default(), file.clone());
        let copied = cb.copy("1", &mut Vec::new());
        assert_eq!(copied.outcome, Outcome::File(file.clone()));
        // The operator asked for the system clipboard: the status line says why not.
        assert!(
            copied.message("1 cell").ends_with("(no system clipboard)"),
            "{}",
            copied.message("1 cell")
        );
        assert!(matches!(cb.system, System::Unavailable));
        assert_eq!(cb.copy("2", &mut Vec::new()).outcome, Outcome::File(file));
    }

    #[test]
    fn a_terminal_that_cannot_be_written_falls_back_to_the_file() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("clip.tsv");
        let mut cb = Clipboard::new(Strategy::Osc52, Env::default(), file.clone());
        assert_eq!(cb.copy("1", &mut Broken).outcome, Outcome::File(file));
    }
}
