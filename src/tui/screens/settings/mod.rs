//! The shared settings (palette "Settings"): every key of `domain::settings::KEYS` under
//! its section, edited in place with the one text field and checked as it is typed. Loads
//! and saves go through the database thread; a save carries the version the operator saw,
//! so another operator's change in between is said and shown, never overwritten unseen.

use crate::domain::change::{Changes, Topic};
use crate::domain::message::Kind;
use crate::domain::settings::{self, Key, Resolved};
use crate::service::Setting;
use crate::text::printable;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply, SettingRefusal};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::screens::prompt::{Prompt, Purpose};
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::list_cursor::ListCursor;
use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;

mod view;

/// What the keys do now.
enum Mode {
    Browse,
    /// Typing the key of a setting to add (`fx.USD.EUR`); `error` says why it is no key.
    AddKey {
        input: TextInput,
        error: Option<String>,
    },
    Edit(Edit),
    /// `d` asked whether to unset this setting, read at version `expect`.
    Unset {
        key: String,
        expect: i64,
    },
}

/// A value being typed in place of the one shown.
struct Edit {
    resolved: Resolved,
    /// The version the value was read at: the save expects it, so that a change made
    /// meanwhile by someone else is caught.
    expect: i64,
    /// The text the edit started with: anything else is unsaved work.
    before: String,
    input: TextInput,
    /// Why the text is refused, while it is.
    error: Option<String>,
    /// A save is on its way: a second Enter would only conflict with the first.
    saving: bool,
}

pub struct SettingsScreen {
    /// In the order of `Group::ALL`, then of `KEYS`; None until they arrive.
    rows: Option<Vec<Setting>>,
    /// What shows until the rows arrive.
    waiting: String,
    /// Over `rows`.
    list: ListCursor,
    /// First line drawn (section titles take lines of their own).
    offset: usize,
    mode: Mode,
    /// Screen row of the first line drawn, and the row each drawn line belongs to: clicks.
    top: u16,
    drawn: Vec<Option<usize>>,
}

impl Default for SettingsScreen {
    fn default() -> Self {
        SettingsScreen {
            rows: None,
            waiting: "Loading…".into(),
            list: ListCursor::default(),
            offset: 0,
            mode: Mode::Browse,
            top: 0,
            drawn: Vec::new(),
        }
    }
}

/// The setting as the operator saw it before a first value: not set, version 0.
fn unset(resolved: &Resolved) -> Setting {
    Setting {
        key: resolved.name.clone(),
        value: None,
        version: 0,
        updated_at: String::new(),
        updated_by: String::new(),
        spec: resolved.key,
    }
}

/// The row that stands for a family none of whose keys is set (`fx.FROM.TO`).
fn is_placeholder(row: &Setting) -> bool {
    settings::is_family(row.spec) && row.key == row.spec.name
}

/// What every key of a family starts with: `fx.` of `fx.FROM.TO`.
fn family_prefix(spec: &Key) -> &'static str {
    let name = spec.name;
    &name[..name
        .find(|c: char| c.is_ascii_uppercase())
        .unwrap_or(name.len())]
}

/// The value as it would be stored, or why `text` is no value for the key.
fn checked(resolved: &Resolved, text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        // The rule's own words name the command line's `settings unset`.
        return Err(format!(
            "{}: is empty; Esc, then d, unsets it",
            resolved.name
        ));
    }
    settings::check(resolved, text).map_err(|e| e.0)
}

/// Where a row's section comes in `Group::ALL`: the order rows are shown in.
fn group_rank(row: &Setting) -> usize {
    settings::Group::ALL
        .iter()
        .position(|g| *g == row.spec.group)
        .unwrap_or(usize::MAX)
}

impl SettingsScreen {
    /// Whether the settings have arrived.
    pub fn loaded(&self) -> bool {
        self.rows.is_some()
    }

    /// The key whose value is being typed, if one is.
    pub fn editing(&self) -> Option<&str> {
        match &self.mode {
            Mode::Edit(edit) => Some(&edit.resolved.name),
            _ => None,
        }
    }

    fn selected(&self) -> Option<&Setting> {
        self.rows.as_ref()?.get(self.list.cursor)
    }

    fn select(&mut self, key: &str) -> Option<usize> {
        let i = self.rows.as_ref()?.iter().position(|r| r.key == key)?;
        self.list.cursor = i;
        Some(i)
    }

    /// New rows from the database; the cursor stays on its key, and a key being added
    /// keeps its row until it is saved.
    fn take_rows(&mut self, mut rows: Vec<Setting>) {
        rows.sort_by_key(group_rank);
        let key = self.selected().map(|r| r.key.clone());
        self.rows = Some(rows);
        if let Mode::Edit(edit) = &self.mode {
            let row = unset(&edit.resolved);
            self.place(row);
        }
        if key.and_then(|k| self.select(&k)).is_none() {
            let len = self.rows.as_ref().map_or(0, Vec::len);
            self.list.clamp(len);
        }
    }

    /// Puts a row in, unless its key is there: after the last of its family, or of its
    /// section. Returns where it is.
    fn place(&mut self, row: Setting) -> usize {
        let rows = self.rows.get_or_insert_with(Vec::new);
        if let Some(i) = rows.iter().position(|r| r.key == row.key) {
            return i;
        }
        let at = rows
            .iter()
            .rposition(|r| std::ptr::eq(r.spec, row.spec))
            .or_else(|| rows.iter().rposition(|r| r.spec.group == row.spec.group))
            .map_or(rows.len(), |i| i + 1);
        rows.insert(at, row);
        at
    }

    /// Edits the value of the row under the cursor; a family's placeholder asks for a key.
    fn edit(&mut self) {
        let Some(row) = self.selected() else { return };
        if is_placeholder(row) {
            self.mode = Mode::AddKey {
                input: TextInput::line(family_prefix(row.spec)),
                error: None,
            };
            return;
        }
        // Every listed key resolves; a value is shown as printable even in the field.
        let Ok(resolved) = settings::resolve(&row.key) else {
            return;
        };
        let before = row.value.as_deref().map(printable).unwrap_or_default();
        let error = (!before.is_empty())
            .then(|| checked(&resolved, &before).err())
            .flatten();
        self.mode = Mode::Edit(Edit {
            expect: row.version,
            input: TextInput::line(&before),
            before: before.into_owned(),
            resolved,
            error,
            saving: false,
        });
    }

    /// The key typed after `a`: its row (a new one when it is not set) and its value.
    fn add(&mut self, text: &str) -> Result<(), String> {
        let resolved = settings::resolve(text).map_err(|e| e.0)?;
        let i = self.place(unset(&resolved));
        self.list.cursor = i;
        self.edit();
        Ok(())
    }

    fn save(&mut self, cx: &mut Cx) {
        let stored = self.selected().and_then(|r| r.value.clone());
        let Mode::Edit(edit) = &mut self.mode else {
            return;
        };
        if edit.saving {
            return;
        }
        let value = match checked(&edit.resolved, &edit.input.text()) {
            Ok(value) => value,
            Err(why) => {
                cx.error(format!("Not saved: {why}"));
                edit.error = Some(why);
                return;
            }
        };
        if stored.as_deref() == Some(value.as_str()) {
            cx.info(format!("{} unchanged", edit.resolved.name));
            self.mode = Mode::Browse;
            return;
        }
        edit.saving = true;
        cx.run(Effect::ChangeSetting {
            key: edit.resolved.name.clone(),
            value: Some(value),
            expect: edit.expect,
        });
    }

    fn ask_unset(&mut self, cx: &mut Cx) {
        let Some(row) = self.selected() else { return };
        if row.value.is_none() {
            let add = if is_placeholder(row) {
                "; a adds one"
            } else {
                ""
            };
            cx.info(format!("{} is not set{add}", printable(&row.key)));
            return;
        }
        self.mode = Mode::Unset {
            key: row.key.clone(),
            expect: row.version,
        };
    }

    /// Typing into the field shown; the text is checked again when it changed.
    fn type_in(&mut self, typed: impl FnOnce(&mut TextInput) -> bool) {
        match &mut self.mode {
            Mode::AddKey { input, error } => {
                if typed(input) {
                    let text = input.text();
                    *error = (!text.trim().is_empty())
                        .then(|| settings::resolve(&text).err().map(|e| e.0))
                        .flatten();
                }
            }
            Mode::Edit(edit) => {
                if typed(&mut edit.input) {
                    edit.error = checked(&edit.resolved, &edit.input.text()).err();
                }
            }
            // Any key but y or n takes the question back.
            Mode::Unset { .. } => self.mode = Mode::Browse,
            Mode::Browse => {}
        }
    }

    fn changed(
        &mut self,
        key: &str,
        result: Result<Setting, SettingRefusal>,
        note: Option<String>,
        cx: &mut Cx,
    ) {
        let editing = match &mut self.mode {
            Mode::Edit(edit) if edit.resolved.name == key => {
                edit.saving = false;
                Some(edit)
            }
            _ => None,
        };
        match result {
            Ok(setting) => {
                if editing.is_some() {
                    self.mode = Mode::Browse;
                }
                let said = match &setting.value {
                    Some(v) => format!("{} set to {}", setting.key, printable(v)),
                    None => format!("{} unset", setting.key),
                };
                cx.info(match note {
                    Some(note) => format!("{said}. {note}"),
                    None => said,
                });
                self.replace(setting);
            }
            Err(SettingRefusal::Conflict(theirs)) => {
                let now = theirs.value.as_deref().map_or("not set".into(), printable);
                let who = printable(&theirs.updated_by);
                let then = match editing {
                    // What was typed stays; Enter now saves it over theirs, knowingly.
                    Some(edit) => {
                        edit.expect = theirs.version;
                        "Enter saves yours over it, Esc keeps theirs"
                    }
                    None => "nothing changed",
                };
                cx.error(format!(
                    "Another operator ({who}) changed {key} first, now {now}: {then}"
                ));
                self.replace(*theirs);
                cx.run(Effect::LoadSettings);
            }
            Err(SettingRefusal::Refused(why)) => cx.error(format!("Not saved: {why}")),
        }
    }

    /// Back to browsing; a family's key added but never saved goes, as the service does
    /// not list it either.
    fn cancel(&mut self) {
        self.mode = Mode::Browse;
        if let Some(rows) = &mut self.rows {
            rows.retain(|r| r.value.is_some() || !settings::is_family(r.spec) || is_placeholder(r));
            self.list.clamp(rows.len());
        }
    }

    fn replace(&mut self, setting: Setting) {
        let i = self.place(unset(&Resolved {
            key: setting.spec,
            name: setting.key.clone(),
        }));
        if let Some(row) = self.rows.as_mut().and_then(|r| r.get_mut(i)) {
            *row = setting;
        }
    }
}

impl Screen for SettingsScreen {
    fn context(&self) -> Context {
        match self.mode {
            Mode::Browse => Context::Settings,
            Mode::AddKey { .. } | Mode::Edit(_) => Context::SettingEdit,
            Mode::Unset { .. } => Context::Confirm,
        }
    }

    fn covers(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: KeyEvent, _cx: &mut Cx) {
        self.type_in(|input| input.key(key));
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx) {
        self.type_in(|input| input.paste(text));
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        let len = self.rows.as_ref().map_or(0, Vec::len);
        match (&mut self.mode, action) {
            (Mode::Browse, Action::Edit) => self.edit(),
            (Mode::Browse, Action::Delete) => self.ask_unset(cx),
            (Mode::Browse, Action::Add) => {
                // Beside a family's row, its prefix is typed already.
                let prefix = self
                    .selected()
                    .filter(|r| settings::is_family(r.spec))
                    .map_or("", |r| family_prefix(r.spec));
                self.mode = Mode::AddKey {
                    input: TextInput::line(prefix),
                    error: None,
                };
            }
            (Mode::Browse, Action::Refresh) => cx.run(Effect::LoadSettings),
            (Mode::Browse, Action::TestEmail | Action::TestSms) => {
                let kind = if action == Action::TestEmail {
                    Kind::Email
                } else {
                    Kind::Sms
                };
                cx.open(Prompt::new(
                    Purpose::TestMessage(kind),
                    &format!("Send a test {}", kind.label()),
                    match kind {
                        Kind::Email => "To which address? It is sent at once, not through the outbox, and the status line says what the mail server answered.",
                        Kind::Sms => "To which mobile (+447700900123)? It is sent at once, not through the outbox, and the status line says what the gateway answered.",
                    },
                ));
            }
            (Mode::Browse, Action::Back) => cx.close(),
            (Mode::Browse, Action::Quit | Action::Palette) => return Flow::Pass,
            (Mode::Browse, action) => {
                self.list.act(action, len);
            }
            (Mode::AddKey { input, .. }, Action::Submit) => {
                let text = input.text();
                if let Err(why) = self.add(&text) {
                    cx.error(format!("Not added: {why}"));
                    if let Mode::AddKey { error, .. } = &mut self.mode {
                        *error = Some(why);
                    }
                }
            }
            (Mode::Edit(_), Action::Submit) => self.save(cx),
            (Mode::Unset { key, expect }, Action::Submit) => {
                cx.run(Effect::ChangeSetting {
                    key: key.clone(),
                    value: None,
                    expect: *expect,
                });
                self.mode = Mode::Browse;
            }
            (_, Action::Back) => self.cancel(),
            _ => {}
        }
        Flow::Done
    }

    fn on_mouse(&mut self, event: MouseEvent, _cx: &mut Cx) {
        if !matches!(self.mode, Mode::Browse) {
            return;
        }
        let len = self.rows.as_ref().map_or(0, Vec::len);
        match event.kind {
            MouseEventKind::ScrollDown => self.list.move_by(1, len),
            MouseEventKind::ScrollUp => self.list.move_by(-1, len),
            MouseEventKind::Down(MouseButton::Left) => {
                let line = usize::from(event.row.saturating_sub(self.top));
                if event.row >= self.top
                    && let Some(Some(i)) = self.drawn.get(line)
                {
                    self.list.cursor = *i;
                }
            }
            _ => {}
        }
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::SettingsLoaded(Ok(rows)) => self.take_rows(rows),
            Reply::SettingsLoaded(Err(e)) => {
                self.waiting = format!("Settings not loaded: {e} (Ctrl-R tries again)");
                cx.error(e);
            }
            Reply::SettingChanged { key, result, note } => self.changed(&key, result, note, cx),
            other => return Some(other),
        }
        None
    }

    /// Another operator (or this console) changed a setting: the values shown follow, at
    /// once even when hidden, since a load is a few dozen rows.
    fn on_changes(&mut self, changes: &Changes, _showing: bool, cx: &mut Cx) {
        if changes.touches(Topic::Settings) {
            cx.run(Effect::LoadSettings);
        }
    }

    fn unsaved(&self) -> Option<&'static str> {
        match &self.mode {
            Mode::Edit(edit) if edit.input.text() != edit.before => {
                Some("The setting being edited is not saved")
            }
            _ => None,
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, ui: &Ui) {
        self.render(frame, area, ui);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, value: Option<&str>, version: i64) -> Setting {
        let resolved = settings::resolve(key).unwrap();
        Setting {
            value: value.map(str::to_string),
            version,
            ..unset(&resolved)
        }
    }

    fn loaded(rows: Vec<Setting>) -> SettingsScreen {
        let mut screen = SettingsScreen::default();
        screen.take_rows(rows);
        screen
    }

    fn cx() -> Cx {
        Cx::new(crate::tui::clock::Clock::Fixed(0), None)
    }

    #[test]
    fn a_family_key_is_added_after_its_kin_and_survives_a_reload_until_saved() {
        let placeholder = Setting {
            key: "fx.FROM.TO".into(),
            ..row("fx.USD.EUR", None, 0)
        };
        let mut screen = loaded(vec![row("block_size", Some("1000"), 3), placeholder]);
        screen.list.cursor = 1;
        screen.edit();
        assert!(matches!(&screen.mode, Mode::AddKey { input, .. } if input.text() == "fx."));
        screen.add("fx.usd.gbp").unwrap();
        let keys = |s: &SettingsScreen| -> Vec<String> {
            s.rows
                .as_ref()
                .unwrap()
                .iter()
                .map(|r| r.key.clone())
                .collect()
        };
        assert_eq!(keys(&screen), ["block_size", "fx.FROM.TO", "fx.USD.GBP"]);
        assert_eq!(screen.list.cursor, 2);
        assert_eq!(screen.context(), Context::SettingEdit);
        // Another operator's change reloads the rows: the key being added stays, selected.
        screen.take_rows(vec![row("block_size", Some("2000"), 4)]);
        assert_eq!(keys(&screen), ["block_size", "fx.USD.GBP"]);
        assert_eq!(screen.list.cursor, 1);
        assert!(screen.add("smtp_password").unwrap_err().contains("secrets"));
        screen.cancel();
        assert_eq!(keys(&screen), ["block_size"], "never saved, so not listed");
    }

    #[test]
    fn enter_refuses_a_value_that_breaks_its_rule_and_sends_the_version_seen() {
        let mut screen = loaded(vec![row("block_size", Some("1000"), 3)]);
        screen.edit();
        let mut c = cx();
        if let Mode::Edit(edit) = &mut screen.mode {
            edit.input.set_text("0");
        }
        screen.save(&mut c);
        assert!(c.effects.is_empty());
        assert!(matches!(&screen.mode, Mode::Edit(e) if e.error.as_deref()
            == Some("block_size: must be a whole number from 1 to 1000000")));
        if let Mode::Edit(edit) = &mut screen.mode {
            edit.input.set_text(" 0500 ");
        }
        screen.save(&mut c);
        screen.save(&mut c);
        assert_eq!(
            c.effects,
            [Effect::ChangeSetting {
                key: "block_size".into(),
                value: Some("500".into()),
                expect: 3,
            }],
            "checked, as stored, once"
        );
    }

    #[test]
    fn a_conflict_keeps_the_text_and_expects_their_version_next() {
        let mut screen = loaded(vec![row("block_size", Some("1000"), 3)]);
        screen.edit();
        if let Mode::Edit(edit) = &mut screen.mode {
            edit.input.set_text("500");
        }
        let mut c = cx();
        screen.save(&mut c);
        let theirs = Setting {
            updated_by: "alice".into(),
            ..row("block_size", Some("2000"), 4)
        };
        screen.changed(
            "block_size",
            Err(SettingRefusal::Conflict(Box::new(theirs))),
            None,
            &mut c,
        );
        let Mode::Edit(edit) = &screen.mode else {
            panic!("the edit stays open");
        };
        assert_eq!((edit.input.text(), edit.expect), ("500".into(), 4));
        assert_eq!(screen.selected().unwrap().value.as_deref(), Some("2000"));
        assert!(c.said.unwrap().1.contains("alice"));
        assert_eq!(c.effects.last(), Some(&Effect::LoadSettings));
    }
}
