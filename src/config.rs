//! Where data lives, and the operator's configuration file.

use anyhow::Context;
use directories::ProjectDirs;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The defaults, shipped in assets/ so the file and the code cannot disagree.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub clipboard: crate::clipboard::Strategy,
    /// Board columns after Name, in order, by their config names.
    pub board_columns: Vec<String>,
    /// Decimals of money on screen; the currency's own (2 for EUR) when not set. Copies and
    /// exports carry the exact amount whatever this says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money_decimals: Option<u8>,
    /// Filter lines saved by name (palette: "Save the filter line as…"), used as `@name`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub saved_filters: BTreeMap<String, String>,
    /// The mail server's password, when `CARRIERDESK_SMTP_PASSWORD` does not give it
    /// (`delivery::smtp_password` reads both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_password: Option<Secret>,
    /// The SMS gateway's token, when `CARRIERDESK_SMS_TOKEN` does not give it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_token: Option<Secret>,
    /// The file this was read from, when it holds a secret and others than its owner may
    /// read it: such a secret is refused where it would be used.
    #[serde(skip)]
    pub(crate) exposed: Option<PathBuf>,
}

/// A password or token: its `Debug` shows an ellipsis, and it has no `Display`, so that no
/// log line, status message or error can show it by accident. `expose` is for the one place
/// that hands it to a server.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("…")
    }
}

impl Config {
    /// Reads the config file if there is one; values it leaves out come from the defaults.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let mut table: toml::Table = toml::from_str(DEFAULT_CONFIG).context("built-in defaults")?;
        let mut open_to_others = false;
        if let Some(path) = path.filter(|p| p.exists()) {
            let (text, mode) =
                read_with_mode(path).with_context(|| format!("cannot read {}", path.display()))?;
            open_to_others = mode & 0o077 != 0;
            let user: toml::Table = toml::from_str(&text)
                .with_context(|| format!("{} is not valid TOML", path.display()))?;
            table.extend(user);
        }
        let mut config: Config = toml::Table::try_into(table).with_context(|| match path {
            Some(p) => format!("in {}", p.display()),
            None => "in the built-in defaults".into(),
        })?;
        if open_to_others && (config.smtp_password.is_some() || config.sms_token.is_some()) {
            config.exposed = path.map(Path::to_path_buf);
        }
        if config.money_decimals.is_some_and(|d| d > 6) {
            anyhow::bail!("money_decimals is at most 6: amounts are kept to the millionth");
        }
        if let Some(bad) = config
            .board_columns
            .iter()
            .find(|c| crate::domain::board_columns::ColumnId::parse(c).is_none())
        {
            anyhow::bail!("board_columns names an unknown column \"{bad}\"");
        }
        // A saved line that does not parse is said under the filter line when it is used.
        if let Some(problem) = config
            .saved_filters
            .keys()
            .find_map(|name| crate::domain::filter::saved_name_problem(name))
        {
            anyhow::bail!("saved_filters: {problem}");
        }
        Ok(config)
    }

    /// The built-in defaults.
    pub fn defaults() -> Config {
        Config::load(None).expect("the shipped defaults are valid")
    }

    /// Writes the whole configuration to `path`, creating its folder.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let body = toml::to_string(self).context("configuration")?;
        let text = format!(
            "# carrierdesk configuration, rewritten by the console when you change a setting in it.\n\
             # Every setting and its default: assets/config.toml in the source.\n{body}"
        );
        // A file that holds a secret becomes its owner's alone.
        let written = if self.smtp_password.is_some() || self.sms_token.is_some() {
            crate::private::write(path, text)
        } else {
            std::fs::write(path, text)
        };
        written.with_context(|| format!("cannot write {}", path.display()))
    }

    /// The file a secret was read from when others than its owner may read that file.
    pub fn secrets_exposed_in(&self) -> Option<&Path> {
        self.exposed.as_deref()
    }
}

/// The file's text and its permission bits, both from the one open file.
fn read_with_mode(path: &Path) -> std::io::Result<(String, u32)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    #[cfg(unix)]
    let mode = std::os::unix::fs::PermissionsExt::mode(&file.metadata()?.permissions());
    #[cfg(not(unix))]
    let mode = 0o600;
    Ok((text, mode))
}

/// The platform folders for carrierdesk (e.g. ~/.local/share/carrierdesk on Linux).
pub struct Dirs {
    pub data: PathBuf,
    pub config_file: PathBuf,
}

impl Dirs {
    pub fn discover() -> anyhow::Result<Dirs> {
        let dirs = ProjectDirs::from("", "", "carrierdesk")
            .context("cannot tell the home folder; pass --db PATH")?;
        Ok(Dirs {
            data: dirs.data_dir().to_path_buf(),
            config_file: dirs.config_dir().join("config.toml"),
        })
    }

    /// Creates the data folder (owner only) when it is missing.
    pub fn ensure_data(&self) -> anyhow::Result<&Path> {
        if !self.data.is_dir() {
            crate::private::create_dir(&self.data)
                .with_context(|| format!("cannot create {}", self.data.display()))?;
        }
        Ok(&self.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_bad_values_are_named() {
        assert_eq!(
            Config::load(None).unwrap().clipboard,
            crate::clipboard::Strategy::Auto
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "clipboard = \"carrier-pigeon\"\n").unwrap();
        // The whole chain, as the command line prints it.
        let err = format!("{:#}", Config::load(Some(&path)).unwrap_err());
        assert!(err.contains("carrier-pigeon"), "{err}");
        std::fs::write(&path, "board_columns = [\"status\", \"mood\"]\n").unwrap();
        let err = Config::load(Some(&path)).unwrap_err().to_string();
        assert!(err.contains("mood"), "{err}");
    }

    #[test]
    fn a_saved_config_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        let mut c = Config::defaults();
        c.board_columns = vec!["cps".into(), "status".into()];
        c.save(&path).unwrap();
        assert_eq!(Config::load(Some(&path)).unwrap(), c);
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let mut c = Config::defaults();
        c.smtp_password = Some(Secret::new("hunter2-smtp"));
        c.sms_token = Some(Secret::new("tok-0123456789"));
        for text in [format!("{c:?}"), format!("{c:#?}")] {
            assert!(!text.contains("hunter2"), "{text}");
            assert!(!text.contains("0123456789"), "{text}");
        }
        assert!(format!("{c:?}").contains("smtp_password: Some(…)"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_with_a_secret_that_others_may_read_is_marked_and_a_saved_one_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "smtp_password = \"pw\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let c = Config::load(Some(&path)).unwrap();
        assert_eq!(c.smtp_password, Some(Secret::new("pw")));
        assert_eq!(c.secrets_exposed_in(), Some(path.as_path()));
        // Saving it makes the file its owner's alone, with the secret kept.
        c.save(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = Config::load(Some(&path)).unwrap();
        assert_eq!(again.secrets_exposed_in(), None);
        assert_eq!(again.smtp_password, Some(Secret::new("pw")));
        // Without a secret in it, a readable file is nobody's concern.
        std::fs::write(&path, "clipboard = \"file\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            Config::load(Some(&path)).unwrap().secrets_exposed_in(),
            None
        );
    }
}
