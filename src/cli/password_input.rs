//! Passwords typed for the command line: one line of stdin, never echoed on a terminal.

use anyhow::Context;
use std::io::{BufRead, IsTerminal};

/// One line of stdin, without its line end: a typed password. Typed on a terminal (after
/// `prompt` on stderr), it is not echoed, so that it never shows on a screen others may see.
pub fn read_password(prompt: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        return read_unechoed();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from stdin")?;
    let end = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(end);
    Ok(line)
}

/// A line typed on the terminal in raw mode, which does not echo: Enter ends it, Backspace
/// takes back a character, Ctrl-C (a plain byte in raw mode) gives up.
fn read_unechoed() -> anyhow::Result<String> {
    use crossterm::terminal::{disable_raw_mode, enable_raw_mode};
    use std::io::Read;
    enable_raw_mode()?;
    let mut typed = Vec::new();
    let mut interrupted = false;
    let mut read = Ok(());
    for byte in std::io::stdin().lock().bytes() {
        match byte {
            Ok(b'\r' | b'\n') => break,
            Ok(0x03) => {
                interrupted = true;
                break;
            }
            // The whole last character: its continuation bytes, then its first.
            Ok(0x7f | 0x08) => while typed.pop().is_some_and(|b| b & 0xc0 == 0x80) {},
            Ok(b) => typed.push(b),
            Err(e) => {
                read = Err(e);
                break;
            }
        }
    }
    disable_raw_mode()?;
    eprintln!();
    read.context("cannot read the password from the terminal")?;
    if interrupted {
        anyhow::bail!("interrupted; nothing changed");
    }
    String::from_utf8(typed).context("the password typed is not UTF-8")
}
