//! The command palette (`:`): every action of the current screen by name, fuzzy matched.

use super::keymap::{self, Action, Context};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

/// Actions that have no key of their own and are reached through the palette only.
#[rustfmt::skip]
pub const PALETTE_ONLY: &[(Context, &str, Action)] = &[
    (Context::Board, "Choose board columns", Action::Columns),
    (Context::Board, "Import CDRs", Action::ImportCdrs),
    (Context::Board, "Bulk upload customers from a CSV file", Action::BulkUpload),
    (Context::Board, "Scheduled changes (Delay and Save)", Action::ScheduledChanges),
    (Context::Board, "Unmatched CDRs: calls that matched no customer", Action::UnmatchedCdrs),
    (Context::Card, "Scheduled changes of this customer", Action::ScheduledChanges),
    (Context::Card, "Import CDRs", Action::ImportCdrs),
    (Context::Card, "Unmatched CDRs: calls that matched no customer", Action::UnmatchedCdrs),
    (Context::Grid, "Copy with group headers", Action::CopyGroups),
    (Context::Grid, "Export the selection (or the whole view) to CSV", Action::Export),
];

/// One line of the palette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: String,
    /// The key that does the same, shown beside the name so people learn it.
    pub key: &'static str,
    pub action: Action,
}

/// Whether an action is worth offering by name (moving the cursor is not).
fn nameable(action: Action) -> bool {
    !matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Palette
            | Action::Back
    )
}

/// The commands of a context: its bindings, then the palette-only actions.
pub fn commands(context: Context) -> Vec<Command> {
    let mut out: Vec<Command> = keymap::bindings_for(context)
        .filter(|b| nameable(b.action))
        .map(|b| Command {
            name: capitalized(b.help),
            key: b.label,
            action: b.action,
        })
        .collect();
    out.extend(
        PALETTE_ONLY
            .iter()
            .filter(|(ctx, _, _)| keymap::chain(context).contains(ctx))
            .map(|(_, name, action)| Command {
                name: (*name).to_string(),
                key: "",
                action: *action,
            }),
    );
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub struct Palette {
    /// The context the palette was opened over; its commands are offered.
    pub context: Context,
    pub query: String,
    all: Vec<Command>,
    /// Indices into `all`, best match first.
    pub shown: Vec<usize>,
    pub cursor: usize,
}

impl Palette {
    pub fn open(context: Context) -> Palette {
        let all = commands(context);
        let shown = (0..all.len()).collect();
        Palette {
            context,
            query: String::new(),
            all,
            shown,
            cursor: 0,
        }
    }

    pub fn set_query(&mut self, query: String) {
        self.query = query;
        let pattern = Pattern::parse(&self.query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let names: Vec<&str> = self.all.iter().map(|c| c.name.as_str()).collect();
        let ranked = pattern.match_list(names.iter().copied(), &mut matcher);
        self.shown = ranked
            .into_iter()
            .filter_map(|(name, _)| names.iter().position(|n| *n == name))
            .collect();
        self.cursor = 0;
    }

    pub fn move_cursor(&mut self, delta: isize) {
        self.cursor = self
            .cursor
            .saturating_add_signed(delta)
            .min(self.shown.len().saturating_sub(1));
    }

    pub fn shown(&self) -> impl Iterator<Item = &Command> {
        self.shown.iter().map(|&i| &self.all[i])
    }

    pub fn selected(&self) -> Option<&Command> {
        self.shown.get(self.cursor).map(|&i| &self.all[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_query_finds_the_command() {
        let mut p = Palette::open(Context::Board);
        assert!(p.shown().any(|c| c.name == "Choose board columns"));
        assert!(
            !p.shown().any(|c| c.action == Action::Up),
            "movement is not offered"
        );
        p.set_query("colmns".into());
        assert_eq!(p.selected().unwrap().action, Action::Columns);
        p.set_query("stat filt".into());
        assert_eq!(p.selected().unwrap().action, Action::StatusFilter);
        p.set_query("zzzz".into());
        assert!(p.selected().is_none());
    }
}
