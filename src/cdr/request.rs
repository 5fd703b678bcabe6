//! File paths typed in prompts, read as a shell would split them (quotes and backslashes
//! keep spaces, `~` is the home folder) and completed on Tab as a shell completes them; for
//! the Import CDRs prompt, with the options of `carrierdesk import cdrs`: `--tz ZONE`,
//! `--format NAME`, `--skip-bad`.

use crate::cdr::{FileZone, Format};
pub use crate::domain::completion::Completion;
use crate::domain::completion::common_prefix;
use std::path::{Path, PathBuf};

/// What to import, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRequest {
    pub files: Vec<PathBuf>,
    pub zone: FileZone,
    /// None: guess each file's format.
    pub format: Option<Format>,
    /// --skip-bad: import what can be read; the rest goes to a rejects file.
    pub skip_bad: bool,
}

/// Reads the prompt's answer; the error says what is wrong with it.
pub fn parse(answer: &str, home: Option<&Path>) -> Result<ImportRequest, String> {
    let words = shell_words::split(answer).map_err(|e| format!("{e}: close the quote"))?;
    let mut request = ImportRequest {
        files: Vec::new(),
        zone: FileZone::default(),
        format: None,
        skip_bad: false,
    };
    let mut words = words.into_iter();
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (word.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| words.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--tz" => request.zone = value("--tz")?.parse().map_err(|e| format!("--tz: {e}"))?,
            "--format" => request.format = format(&value("--format")?)?,
            "--skip-bad" => request.skip_bad = true,
            f if f.starts_with("--") => {
                return Err(format!(
                    "{f} is not an option here: use --tz ZONE, --format NAME or --skip-bad"
                ));
            }
            _ => request.files.push(expand_home(&word, home)),
        }
    }
    if request.files.is_empty() {
        return Err("Type a file path first".into());
    }
    Ok(request)
}

impl ImportRequest {
    /// Where --skip-bad writes the rejected rows: in `dir`, named after the first file.
    pub fn rejects_in(&self, dir: &Path) -> Option<PathBuf> {
        let first = self.files.first().filter(|_| self.skip_bad)?;
        let name = first.file_name().unwrap_or_default().to_string_lossy();
        Some(dir.join(format!("{name}.rejected.csv")))
    }
}

/// One file path typed in a prompt, read as `parse` reads them: quotes, backslashes, `~`.
pub fn one_path(answer: &str, home: Option<&Path>) -> Result<PathBuf, String> {
    let words = shell_words::split(answer).map_err(|e| format!("{e}: close the quote"))?;
    match words.as_slice() {
        [one] => Ok(expand_home(one, home)),
        [] => Err("Type a file path first".into()),
        _ => Err("One file: quote a path that has spaces".into()),
    }
}

/// Completes the file name typed last in `before` as a shell does: `~` is the home folder,
/// a word begun with a quote stays quoted, spaces in an unquoted one get a backslash, a
/// folder gets its `/` and a file its closing quote and a space. Reads the folder, so the
/// console calls it off the UI thread. The error says why nothing fits.
pub fn complete(before: &str, home: Option<&Path>) -> Result<Completion, String> {
    let word = last_word(before);
    let unchanged = || Completion {
        before: before.to_string(),
        choices: Vec::new(),
    };
    // An option (--tz ...) is not a file name.
    if word.value.starts_with('-') {
        return Ok(unchanged());
    }
    let value = if word.value == "~" {
        "~/".to_string()
    } else {
        word.value
    };
    let (folder, prefix) = value
        .rsplit_once('/')
        .map_or(("", value.as_str()), |(f, p)| (&value[..f.len() + 1], p));
    let dir = if folder.is_empty() {
        PathBuf::from(".")
    } else {
        expand_home(folder, home)
    };
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            // Hidden files only when a dot is typed, as in a shell.
            let shown =
                name.starts_with(prefix) && (prefix.starts_with('.') || !name.starts_with('.'));
            shown.then(|| {
                if e.path().is_dir() {
                    format!("{name}/")
                } else {
                    name
                }
            })
        })
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!(
            "No file in {} starts with '{prefix}'",
            if folder.is_empty() {
                "this folder"
            } else {
                folder
            }
        ));
    }
    let common = common_prefix(&names);
    let file = names.len() == 1 && !common.ends_with('/');
    let completed = quote(&format!("{folder}{common}"), word.quote, file);
    Ok(Completion {
        before: format!("{}{completed}", &before[..word.start]),
        choices: if names.len() > 1 { names } else { Vec::new() },
    })
}

/// The last word of a line typed so far, as `shell_words` will read it.
struct Word {
    /// Where it starts in the line.
    start: usize,
    /// Its text without quotes and backslashes.
    value: String,
    /// The quote it opens with, if any.
    quote: Option<char>,
}

fn last_word(line: &str) -> Word {
    let mut word = Word {
        start: line.len(),
        value: String::new(),
        quote: None,
    };
    let (mut open, mut escaped, mut in_word) = (None, false, false);
    for (i, c) in line.char_indices() {
        if escaped {
            word.value.push(c);
            escaped = false;
            continue;
        }
        match open {
            Some(q) if c == q => open = None,
            Some('"') if c == '\\' => escaped = true,
            Some(_) => word.value.push(c),
            None if c.is_whitespace() => {
                in_word = false;
                word = Word {
                    start: line.len(),
                    value: String::new(),
                    quote: None,
                };
            }
            None => {
                if !in_word {
                    in_word = true;
                    word.start = i;
                    word.quote = matches!(c, '\'' | '"').then_some(c);
                }
                match c {
                    '\\' => escaped = true,
                    '\'' | '"' => open = Some(c),
                    c => word.value.push(c),
                }
            }
        }
    }
    word
}

/// A path written back into the line: in the quotes it was begun with, else with a
/// backslash before what a shell would split on; `done` closes it with a space after.
fn quote(path: &str, quote: Option<char>, done: bool) -> String {
    let end = if done { " " } else { "" };
    match quote {
        Some('\'') if !path.contains('\'') => {
            format!("'{path}{}", if done { "' " } else { "" })
        }
        Some(_) => {
            let inner = path.replace('\\', "\\\\").replace('"', "\\\"");
            format!("\"{inner}{}", if done { "\" " } else { "" })
        }
        None => {
            let mut out = String::new();
            for c in path.chars() {
                if c.is_whitespace() || matches!(c, '\'' | '"' | '\\' | '#') {
                    out.push('\\');
                }
                out.push(c);
            }
            out + end
        }
    }
}

fn format(name: &str) -> Result<Option<Format>, String> {
    Ok(Some(match name.to_ascii_lowercase().as_str() {
        "auto" => return Ok(None),
        "native" => Format::Native,
        "asterisk" => Format::Asterisk,
        "asterisk-custom" => Format::AsteriskCustom,
        "freeswitch" => Format::FreeSwitch,
        _ => {
            return Err(format!(
                "--format {name}: use auto, native, asterisk, asterisk-custom or freeswitch"
            ));
        }
    }))
}

fn expand_home(word: &str, home: Option<&Path>) -> PathBuf {
    match (word.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ if word == "~" => home.map_or_else(|| PathBuf::from(word), Path::to_path_buf),
        _ => PathBuf::from(word),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(answer: &str) -> ImportRequest {
        parse(answer, Some(Path::new("/home/op"))).unwrap()
    }

    #[test]
    fn quotes_and_backslashes_keep_spaces_and_tilde_is_home() {
        let r = parse_ok(r#""/tmp/my cdrs.csv" /tmp/other\ one.csv ~/Master.csv"#);
        assert_eq!(
            r.files,
            [
                PathBuf::from("/tmp/my cdrs.csv"),
                PathBuf::from("/tmp/other one.csv"),
                PathBuf::from("/home/op/Master.csv"),
            ]
        );
        assert_eq!((r.zone, r.format, r.skip_bad), (FileZone::UTC, None, false));
    }

    #[test]
    fn the_options_of_the_command_line_work_here_too() {
        let r = parse_ok("a.csv --tz Europe/Berlin --format=asterisk-custom --skip-bad");
        assert_eq!(r.zone, "Europe/Berlin".parse().unwrap());
        assert_eq!(r.format, Some(Format::AsteriskCustom));
        assert_eq!(
            r.rejects_in(Path::new("/data/exports")),
            Some(PathBuf::from("/data/exports/a.csv.rejected.csv"))
        );
        assert_eq!(r.files, [PathBuf::from("a.csv")]);
    }

    #[test]
    fn one_path_takes_quotes_and_tilde() {
        let home = Some(Path::new("/home/op"));
        assert_eq!(
            one_path("'/tmp/up 2.csv'", home),
            Ok(PathBuf::from("/tmp/up 2.csv"))
        );
        assert_eq!(
            one_path("~/new.csv", home),
            Ok(PathBuf::from("/home/op/new.csv"))
        );
        assert!(
            one_path("/tmp/up 2.csv", home)
                .unwrap_err()
                .contains("quote")
        );
    }

    #[test]
    fn tab_completes_as_far_as_the_names_agree_and_lists_them() {
        let home = tempfile::tempdir().unwrap();
        let cdrs = home.path().join("field cdrs");
        std::fs::create_dir(&cdrs).unwrap();
        for name in ["Master-01.csv", "Master-02.csv", "notes.txt", ".hidden.csv"] {
            std::fs::write(cdrs.join(name), "").unwrap();
        }
        let done = |before: &str| complete(before, Some(home.path())).unwrap();
        // ~ is the home folder and stays ~; a space in a name gets a backslash.
        assert_eq!(done("~/fi").before, "~/field\\ cdrs/");
        let ambiguous = done("--skip-bad ~/field\\ cdrs/M");
        assert_eq!(ambiguous.before, "--skip-bad ~/field\\ cdrs/Master-0");
        assert_eq!(ambiguous.choices, ["Master-01.csv", "Master-02.csv"]);
        // A quoted path stays quoted; a file closes the quote, a folder does not.
        assert_eq!(done("'~/field c").before, "'~/field cdrs/");
        assert_eq!(done("'~/field cdrs/n").before, "'~/field cdrs/notes.txt' ");
        assert_eq!(
            done("\"~/field cdrs/Master-01").before,
            "\"~/field cdrs/Master-01.csv\" "
        );
        assert_eq!(
            done("~/field\\ cdrs/.").before,
            "~/field\\ cdrs/.hidden.csv "
        );
        assert_eq!(
            done("a.csv --tz").before,
            "a.csv --tz",
            "options are left alone"
        );
        let none = complete("~/field\\ cdrs/zz", Some(home.path())).unwrap_err();
        assert!(none.contains("starts with 'zz'"), "{none}");
        // What is completed reads back as the path it names.
        let path = parse(&done("'~/field cdrs/n").before, Some(home.path())).unwrap();
        assert_eq!(path.files, [cdrs.join("notes.txt")]);
    }

    #[test]
    fn mistakes_say_what_is_wrong() {
        let err = |a: &str| parse(a, None).unwrap_err();
        assert!(err("\"/tmp/a.csv").contains("close the quote"));
        assert!(err("a.csv --tz").contains("--tz needs a value"));
        assert!(err("a.csv --tz Mars/Base").starts_with("--tz: "));
        assert!(err("a.csv --format excel").contains("use auto, native"));
        assert!(err("a.csv --dry-run").contains("--dry-run is not an option here"));
        assert_eq!(err("--skip-bad"), "Type a file path first");
    }
}
