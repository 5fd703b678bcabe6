//! `carrierdesk settings`: the shared settings for scripts and for setting a console up.

use crate::domain::Actor;
use crate::service::{Service, Setting, SettingChange};
use crate::text::printable;
use clap::Subcommand;
use std::io::Write;

#[derive(Subcommand, Debug)]
pub enum SettingsCommand {
    /// Every setting with its value (or "-" when unset), grouped as the Settings screen shows them.
    List {
        /// A JSON array: key, value (null when unset), version, updated_at, updated_by,
        /// section, rule, help.
        #[arg(long)]
        json: bool,
    },
    /// One setting's value; nothing (and exit 0) when it is not set.
    Get { key: String },
    /// Set a setting, checked against its rule: carrierdesk settings set block_size 1000
    Set { key: String, value: String },
    /// Remove a setting's value.
    Unset { key: String },
}

pub fn run(service: &mut Service, actor: &Actor, cmd: SettingsCommand) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match cmd {
        SettingsCommand::List { json: true } => {
            let listed: Vec<serde_json::Value> = service.settings()?.iter().map(as_json).collect();
            serde_json::to_writer_pretty(&mut out, &listed)?;
            writeln!(out)?;
        }
        SettingsCommand::List { json: false } => {
            let all = service.settings()?;
            let width = all.iter().map(|s| s.key.len()).max().unwrap_or(0);
            let mut group = None;
            for s in &all {
                if group != Some(s.spec.group) {
                    if group.is_some() {
                        writeln!(out)?;
                    }
                    group = Some(s.spec.group);
                    writeln!(out, "{}", s.spec.group.title())?;
                }
                let value = s.value.as_deref().map_or("-".into(), printable);
                writeln!(out, "  {:width$}  {value}", s.key)?;
            }
        }
        SettingsCommand::Get { key } => {
            if let Some(value) = service.setting(&key)?.value {
                writeln!(out, "{}", printable(&value))?;
            }
        }
        SettingsCommand::Set { key, value } => {
            let s = change(service, actor, &key, Some(&value))?;
            let value = s.value.as_deref().unwrap_or_default();
            writeln!(out, "{} = {}", s.key, printable(value))?;
            stale_sip_passwords(service, &s)?;
        }
        SettingsCommand::Unset { key } => {
            let s = change(service, actor, &key, None)?;
            writeln!(out, "{} unset", s.key)?;
            stale_sip_passwords(service, &s)?;
        }
    }
    Ok(())
}

fn change(
    service: &mut Service,
    actor: &Actor,
    key: &str,
    value: Option<&str>,
) -> anyhow::Result<Setting> {
    let change = SettingChange {
        key,
        value,
        expect: None,
    };
    Ok(service.change_setting(actor, &change)?)
}

/// What the change means beyond itself, on stderr: the value went to stdout.
fn stale_sip_passwords(service: &Service, changed: &Setting) -> anyhow::Result<()> {
    if let Some(note) = service.setting_note(&changed.key)? {
        eprintln!("{note}");
    }
    Ok(())
}

fn as_json(s: &Setting) -> serde_json::Value {
    serde_json::json!({
        "key": s.key,
        "value": s.value,
        "version": s.version,
        "updated_at": s.updated_at,
        "updated_by": s.updated_by,
        "section": s.spec.group.title(),
        "rule": s.spec.rule.describe(),
        "help": s.spec.help,
    })
}
