//! File paths typed in prompts, read as a shell would split them (quotes and backslashes
//! keep spaces, `~` is the home folder); for the Import CDRs prompt, with the options of
//! `carrierdesk import cdrs`: `--tz ZONE`, `--format NAME`, `--skip-bad`.

use crate::cdr::{FileZone, Format};
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
