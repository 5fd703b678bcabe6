//! Where data lives, and the operator's configuration file.

use anyhow::Context;
use directories::ProjectDirs;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The defaults, shipped in assets/ so the file and the code cannot disagree.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub clipboard: crate::clipboard::Strategy,
    /// Board columns after Name, in order, by their config names.
    pub board_columns: Vec<String>,
}

impl Config {
    /// Reads the config file if there is one; values it leaves out come from the defaults.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let mut table: toml::Table = toml::from_str(DEFAULT_CONFIG).context("built-in defaults")?;
        if let Some(path) = path.filter(|p| p.exists()) {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let user: toml::Table = toml::from_str(&text)
                .with_context(|| format!("{} is not valid TOML", path.display()))?;
            table.extend(user);
        }
        let config: Config = toml::Table::try_into(table).with_context(|| match path {
            Some(p) => format!("in {}", p.display()),
            None => "in the built-in defaults".into(),
        })?;
        if let Some(bad) = config
            .board_columns
            .iter()
            .find(|c| crate::domain::board_columns::ColumnId::parse(c).is_none())
        {
            anyhow::bail!("board_columns names an unknown column \"{bad}\"");
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
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }
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
}
