//! A property test over the whole console: random sequences of key presses, bracketed
//! pastes, mouse events and resizes drive the real `App` against a real database file,
//! starting from scripted prefixes that open each screen. After every event a frame is
//! drawn into a `TestBackend` of the current size (1x1 to 300x100). The property: nothing
//! panics and every frame draws.
//!
//! Cases: 10,000 when CI is set, 300 otherwise; PROPTEST_CASES overrides both. Up to 12
//! events follow the prefix (TUI_FUZZ_STEPS overrides, for a deeper run by hand). Cases run
//! on up to four threads (each its own proptest runner), on one demo database made once.
//! A failure is shrunk and reported with its prefix, terminal size and events, and with
//! the panic's message and location.

mod common;

use carrierdesk::config::Config;
use carrierdesk::domain::SipUserDraft;
use carrierdesk::service::Service;
use carrierdesk::tui::clock::Clock;
use carrierdesk::tui::keymap::{self, Context};
use carrierdesk::tui::msg::{Effect, Event, Reply, merge_loads};
use carrierdesk::tui::screens::board::BoardScreen;
use carrierdesk::tui::screens::bulk_form::BulkFormScreen;
use carrierdesk::tui::screens::card::CardScreen;
use carrierdesk::tui::screens::columns::ColumnChooser;
use carrierdesk::tui::screens::confirm::Confirm;
use carrierdesk::tui::screens::contact_delete::ContactDelete;
use carrierdesk::tui::screens::contact_form::ContactFormScreen;
use carrierdesk::tui::screens::customer_form::CustomerFormScreen;
use carrierdesk::tui::screens::email_log::EmailLog;
use carrierdesk::tui::screens::field_form::FieldModel;
use carrierdesk::tui::screens::global_contacts::GlobalContacts;
use carrierdesk::tui::screens::list::{ListKind, ListScreen};
use carrierdesk::tui::screens::palette::PaletteScreen;
use carrierdesk::tui::screens::password::PasswordScreen;
use carrierdesk::tui::screens::prompt::{Prompt, Purpose};
use carrierdesk::tui::screens::rate_cards::{RateCardScreen, RateCardsScreen};
use carrierdesk::tui::screens::send_form::{SendForm, Stage};
use carrierdesk::tui::screens::settings::SettingsScreen;
use carrierdesk::tui::screens::sip_user_form::SipUserFormScreen;
use carrierdesk::tui::screens::window::Window;
use carrierdesk::tui::shell::App;
use carrierdesk::tui::worker::{Database, Session};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestError, TestRunner};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

/// Events after the prefix, at most: 12 keeps 10,000 cases within about three minutes on
/// two cores in the debug profile (a frame costs about 3 ms there, and every event draws
/// one). TUI_FUZZ_STEPS sets another bound for a deeper run by hand.
const MAX_STEPS: usize = 12;

fn max_steps() -> usize {
    std::env::var("TUI_FUZZ_STEPS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(MAX_STEPS)
}

/// Effects that keep causing effects for this many rounds are a loop, not an answer.
const MAX_ROUNDS: usize = 1_000;

// ----------------------------------------------------------------------------------------
// What a case is made of.

/// One thing that happens to the console.
#[derive(Clone)]
enum Step {
    Key(KeyCode, KeyModifiers, KeyEventKind),
    Paste(Paste),
    /// A mouse event; the position is in thousandths of the terminal's width and height,
    /// so that it stays on the screen whatever size the terminal has by then.
    Mouse(MouseEventKind, u16, u16, KeyModifiers),
    /// The terminal's new size: columns, rows.
    Resize(u16, u16),
    /// What the database thread does about once a second: report foreign commits.
    Poll,
    /// Another operator changes the customer in view (one more channel, or back to 1).
    ForeignEdit,
    /// With replies delayed: the next `n` effects answer now.
    Deliver(usize),
}

/// Pasted text: `text` repeated `times` times (so that a long paste prints short).
#[derive(Clone, Debug)]
struct Paste {
    text: String,
    times: usize,
}

impl Paste {
    fn full(&self) -> String {
        self.text.repeat(self.times)
    }
}

impl fmt::Debug for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Key(code, mods, kind) => {
                write!(f, "Key({code:?}")?;
                if !mods.is_empty() {
                    write!(f, ", {mods}")?;
                }
                if *kind != KeyEventKind::Press {
                    write!(f, ", {kind:?}")?;
                }
                write!(f, ")")
            }
            Step::Paste(p) if p.times == 1 => write!(f, "Paste({:?})", p.text),
            Step::Paste(p) => write!(f, "Paste({:?} x {})", p.text, p.times),
            Step::Mouse(kind, x, y, mods) => {
                write!(f, "Mouse({kind:?}, x {x}/1000, y {y}/1000")?;
                if !mods.is_empty() {
                    write!(f, ", {mods}")?;
                }
                write!(f, ")")
            }
            Step::Resize(w, h) => write!(f, "Resize({w}, {h})"),
            Step::Poll => write!(f, "Poll"),
            Step::ForeignEdit => write!(f, "ForeignEdit"),
            Step::Deliver(n) => write!(f, "Deliver({n})"),
        }
    }
}

/// The scripted start of a case: the keys that open one screen, so that the random
/// events begin there and not always on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    Board,
    Search,
    FilterLine,
    Card,
    Contacts,
    Summary,
    SummarySelection,
    Audit,
    ContactWindow,
    AuditWindow,
    EditForm,
    AddForm,
    CardEditForm,
    SaveMenu,
    DelayPrompt,
    Conflict,
    Palette,
    CardPalette,
    Columns,
    Help,
    SummaryHelp,
    BulkForm,
    BulkPreview,
    DeletePrompt,
    CardDeletePrompt,
    ImportPrompt,
    ImportReport,
    UploadPrompt,
    Scheduled,
    CardScheduled,
    Unmatched,
    Settings,
    SettingValue,
    SettingKey,
    SettingUnset,
    CardSettings,
    SipUsers,
    SipAddForm,
    SipSaveMenu,
    SipEditForm,
    SipPassword,
    SipDeleteConfirm,
    BlockReleaseConfirm,
    ContactAddForm,
    ContactEditForm,
    ContactDelete,
    ContactPassword,
    GlobalContacts,
    SendEmail,
    SendPreview,
    EmailLog,
    RateCards,
    RateCard,
    RateCardPrice,
}

impl Prefix {
    const ALL: &[Prefix] = &[
        Prefix::Board,
        Prefix::Search,
        Prefix::FilterLine,
        Prefix::Card,
        Prefix::Contacts,
        Prefix::Summary,
        Prefix::SummarySelection,
        Prefix::Audit,
        Prefix::ContactWindow,
        Prefix::AuditWindow,
        Prefix::EditForm,
        Prefix::AddForm,
        Prefix::CardEditForm,
        Prefix::SaveMenu,
        Prefix::DelayPrompt,
        Prefix::Conflict,
        Prefix::Palette,
        Prefix::CardPalette,
        Prefix::Columns,
        Prefix::Help,
        Prefix::SummaryHelp,
        Prefix::BulkForm,
        Prefix::BulkPreview,
        Prefix::DeletePrompt,
        Prefix::CardDeletePrompt,
        Prefix::ImportPrompt,
        Prefix::ImportReport,
        Prefix::UploadPrompt,
        Prefix::Scheduled,
        Prefix::CardScheduled,
        Prefix::Unmatched,
        Prefix::Settings,
        Prefix::SettingValue,
        Prefix::SettingKey,
        Prefix::SettingUnset,
        Prefix::CardSettings,
        Prefix::SipUsers,
        Prefix::SipAddForm,
        Prefix::SipSaveMenu,
        Prefix::SipEditForm,
        Prefix::SipPassword,
        Prefix::SipDeleteConfirm,
        Prefix::BlockReleaseConfirm,
        Prefix::ContactAddForm,
        Prefix::ContactEditForm,
        Prefix::ContactDelete,
        Prefix::ContactPassword,
        Prefix::GlobalContacts,
        Prefix::SendEmail,
        Prefix::SendPreview,
        Prefix::EmailLog,
        Prefix::RateCards,
        Prefix::RateCard,
        Prefix::RateCardPrice,
    ];

    fn steps(self) -> Vec<Step> {
        use KeyCode::{Char, Enter, Right, Tab};
        let palette = |query: &str| {
            let mut steps = vec![key(Char(':'))];
            steps.extend(typed(query));
            steps.push(key(Enter));
            steps
        };
        // The card of customer #1, who has a number block and a SIP user (`Demo::new`).
        let sip_card = [
            vec![key(Char('/'))],
            typed("#1"),
            vec![key(Enter), key(Enter)],
        ]
        .concat();
        // Edit the customer under the cursor and change its status (the field after the
        // name), so that there is something to save.
        let changed_form = vec![key(Char('e')), key(Tab), key(Right)];
        match self {
            Prefix::Board => vec![],
            Prefix::Search => vec![key(Char('/'))],
            Prefix::FilterLine => vec![key(Char('F'))],
            Prefix::Card => vec![key(Enter)],
            Prefix::Contacts => vec![key(Enter), key(Char('2'))],
            Prefix::Summary => vec![key(Enter), key(Char('3'))],
            Prefix::SummarySelection => [key(Enter), key(Char('3')), key(Char('v'))]
                .into_iter()
                .chain(typed("jjl"))
                .collect(),
            Prefix::Audit => vec![key(Enter), key(Char('4'))],
            Prefix::ContactWindow => vec![key(Enter), key(Char('2')), key(Enter)],
            Prefix::AuditWindow => vec![key(Enter), key(Char('4')), key(Enter)],
            Prefix::EditForm => vec![key(Char('e'))],
            Prefix::AddForm => vec![key(Char('a'))],
            Prefix::CardEditForm => vec![key(Enter), key(Char('e'))],
            Prefix::SaveMenu => [changed_form, vec![key(Enter)]].concat(),
            Prefix::DelayPrompt => [changed_form, vec![key(Enter), key(Char('d'))]].concat(),
            // Someone else saves the customer while it is edited: the save conflicts.
            Prefix::Conflict => [
                changed_form,
                vec![Step::ForeignEdit, key(Enter), key(Char('c'))],
            ]
            .concat(),
            Prefix::Palette => vec![key(Char(':'))],
            Prefix::CardPalette => vec![key(Enter), key(Char(':'))],
            Prefix::Columns => palette("columns"),
            Prefix::Help => vec![key(Char('?'))],
            Prefix::SummaryHelp => vec![key(Enter), key(Char('3')), key(Char('?'))],
            Prefix::BulkForm => typed("  e"),
            // Channels (the field after status) set to 77 on two customers, previewed.
            Prefix::BulkPreview => {
                [typed("  e"), vec![key(Tab)], typed("77"), vec![key(Enter)]].concat()
            }
            Prefix::DeletePrompt => vec![key(Char('d'))],
            // From the Audit tab: on Main, d releases a number block; on Contacts, it
            // deletes a contact.
            Prefix::CardDeletePrompt => vec![key(Enter), key(Char('4')), key(Char('d'))],
            Prefix::ImportPrompt => palette("import cdr"),
            Prefix::ImportReport => [
                palette("import cdr"),
                typed("no-such-dir/no-such-file.csv"),
                vec![key(Enter)],
            ]
            .concat(),
            Prefix::UploadPrompt => palette("bulk upload"),
            Prefix::Scheduled => palette("scheduled changes"),
            Prefix::CardScheduled => [vec![key(Enter)], palette("scheduled changes")].concat(),
            Prefix::Unmatched => palette("unmatched"),
            Prefix::Settings => palette("settings"),
            Prefix::SettingValue => [palette("settings"), vec![key(Char('e'))]].concat(),
            Prefix::SettingKey => [palette("settings"), vec![key(Char('a'))]].concat(),
            // The first setting (from_address) is given a value whatever a case left in
            // it (Home, Ctrl-K empty the field), so that d has something to ask about.
            Prefix::SettingUnset => [
                palette("settings"),
                vec![
                    key(Char('e')),
                    key(KeyCode::Home),
                    Step::Key(Char('k'), KeyModifiers::CONTROL, KeyEventKind::Press),
                ],
                typed("noc@carrier.example"),
                vec![key(Enter), key(Char('d'))],
            ]
            .concat(),
            Prefix::CardSettings => [vec![key(Enter)], palette("settings")].concat(),
            Prefix::SipUsers => vec![key(Enter), key(Char('5'))],
            Prefix::SipAddForm => vec![key(Enter), key(Char('5')), key(Char('a'))],
            // A username that passes the form's rules opens the save options.
            Prefix::SipSaveMenu => [
                vec![key(Enter), key(Char('5')), key(Char('a'))],
                typed("x"),
                vec![key(Enter)],
            ]
            .concat(),
            Prefix::SipEditForm => [sip_card, typed("5e")].concat(),
            Prefix::SipPassword => [sip_card, typed("5p")].concat(),
            Prefix::SipDeleteConfirm => [sip_card, typed("5d")].concat(),
            Prefix::BlockReleaseConfirm => [sip_card, typed("d")].concat(),
            Prefix::ContactAddForm => vec![key(Enter), key(Char('2')), key(Char('a'))],
            Prefix::ContactEditForm => vec![key(Enter), key(Char('2')), key(Char('e'))],
            Prefix::ContactDelete => vec![key(Enter), key(Char('2')), key(Char('d'))],
            Prefix::ContactPassword => vec![key(Enter), key(Char('2')), key(Char('P'))],
            Prefix::GlobalContacts => palette("global contacts"),
            Prefix::SendEmail => [typed("  "), palette("send email")].concat(),
            // A subject and a body, previewed.
            Prefix::SendPreview => [
                typed("  "),
                palette("send email"),
                typed("Maintenance"),
                vec![key(Tab)],
                typed("Tonight."),
                vec![Step::Key(
                    Char('s'),
                    KeyModifiers::CONTROL,
                    KeyEventKind::Press,
                )],
            ]
            .concat(),
            Prefix::EmailLog => palette("email log"),
            Prefix::RateCards => palette("rate cards"),
            Prefix::RateCard => [palette("rate cards"), vec![key(Enter)]].concat(),
            Prefix::RateCardPrice => {
                [palette("rate cards"), vec![key(Enter), key(Char('p'))]].concat()
            }
        }
    }

    /// Whether the app shows the screen this prefix is meant to open; why not, if not.
    fn reached(self, app: &App) -> Result<(), String> {
        let context = app.top().context();
        let card_tab = |title: &str| match app.top_as::<CardScreen>() {
            Some(card) if card.data.is_none() => Err("the card has not loaded".to_string()),
            Some(card) if card.tab_title() == title => Ok(()),
            Some(card) => Err(format!("the card shows {}", card.tab_title())),
            None => Err("no card on top".into()),
        };
        let form = || app.top_as::<CustomerFormScreen>().map(|s| &s.form);
        let settings = app.top_as::<SettingsScreen>();
        let sip_form = || app.top_as::<SipUserFormScreen>().map(|s| &s.form);
        let contact_form = || app.top_as::<ContactFormScreen>().map(|s| &s.form);
        let prompt = |expected: fn(&Purpose) -> bool| match app.top_as::<Prompt>() {
            Some(p) if expected(&p.purpose) => Ok(()),
            Some(p) => Err(format!("a prompt for {:?}", p.purpose)),
            None => Err("no prompt on top".into()),
        };
        let top = |ok: bool, what: &str| {
            if ok {
                Ok(())
            } else {
                Err(format!("no {what} on top"))
            }
        };
        let result = match self {
            Prefix::Board => top(
                app.top_as::<BoardScreen>().is_some() && context == Context::Board,
                "board",
            ),
            Prefix::Search => top(context == Context::Search, "board search"),
            Prefix::FilterLine => top(context == Context::FilterLine, "board filter line"),
            Prefix::Card => card_tab("Main"),
            Prefix::Contacts => card_tab("Contacts"),
            Prefix::Summary | Prefix::SummarySelection => {
                card_tab("Summary").and(top(context == Context::Grid, "Summary grid"))
            }
            Prefix::Audit => card_tab("Audit"),
            Prefix::ContactWindow | Prefix::AuditWindow => top(
                app.top_as::<Window>().is_some() && app.find::<CardScreen>().is_some(),
                "window over a card",
            ),
            Prefix::EditForm => top(
                form().is_some_and(|f| f.original.is_some()) && context == Context::Form,
                "edit form",
            ),
            Prefix::AddForm => top(
                form().is_some_and(|f| f.original.is_none()) && context == Context::Form,
                "add form",
            ),
            Prefix::CardEditForm => top(
                form().is_some_and(|f| f.original.is_some()) && app.find::<CardScreen>().is_some(),
                "edit form over a card",
            ),
            Prefix::SaveMenu => top(
                form().is_some_and(|f| f.core.flow.menu.is_some()) && context == Context::SaveMenu,
                "save menu",
            ),
            Prefix::DelayPrompt => prompt(|p| *p == Purpose::DelayUntil),
            Prefix::Conflict => top(
                form().is_some_and(|f| f.core.flow.conflict.is_some())
                    && context == Context::Conflict,
                "conflict dialog",
            ),
            Prefix::Palette => top(
                app.top_as::<PaletteScreen>().is_some() && app.depth() == 1,
                "palette over the board",
            ),
            Prefix::CardPalette => top(
                app.top_as::<PaletteScreen>().is_some() && app.find::<CardScreen>().is_some(),
                "palette over a card",
            ),
            Prefix::Columns => top(app.top_as::<ColumnChooser>().is_some(), "column chooser"),
            Prefix::Help => top(
                app.top_as::<Window>().is_some() && app.depth() == 1,
                "help over the board",
            ),
            Prefix::SummaryHelp => top(
                app.top_as::<Window>().is_some() && app.find::<CardScreen>().is_some(),
                "help over the Summary tab",
            ),
            Prefix::BulkForm => top(
                app.top_as::<BulkFormScreen>()
                    .is_some_and(|s| s.form.ids.len() == 2),
                "bulk form of two customers",
            ),
            Prefix::BulkPreview => top(
                app.top_as::<ListScreen>()
                    .is_some_and(|l| matches!(l.kind, ListKind::BulkPreview { .. })),
                "bulk-edit preview",
            ),
            Prefix::DeletePrompt | Prefix::CardDeletePrompt => {
                prompt(|p| matches!(p, Purpose::ConfirmDelete { .. }))
            }
            Prefix::ImportPrompt => prompt(|p| *p == Purpose::ImportCdrs),
            Prefix::ImportReport => top(
                app.top_as::<Window>().is_some() && app.depth() == 1,
                "import report window",
            ),
            Prefix::UploadPrompt => prompt(|p| *p == Purpose::BulkUpload),
            Prefix::Scheduled => top(
                app.top_as::<ListScreen>()
                    .is_some_and(|l| matches!(l.kind, ListKind::Scheduled { customer: None, .. })),
                "list of all scheduled changes",
            ),
            Prefix::CardScheduled => top(
                app.top_as::<ListScreen>().is_some_and(|l| {
                    matches!(
                        l.kind,
                        ListKind::Scheduled {
                            customer: Some(_),
                            ..
                        }
                    )
                }),
                "list of the customer's scheduled changes",
            ),
            Prefix::Unmatched => top(
                app.top_as::<ListScreen>()
                    .is_some_and(|l| l.title.contains("Unmatched")),
                "list of unmatched calls",
            ),
            Prefix::Settings => top(
                settings.is_some_and(|s| s.loaded()) && context == Context::Settings,
                "loaded settings",
            ),
            Prefix::SettingValue => top(
                settings.is_some_and(|s| s.editing() == Some("from_address")),
                "setting's value being edited",
            ),
            Prefix::SettingKey => top(
                settings.is_some_and(|s| s.editing().is_none()) && context == Context::SettingEdit,
                "key of a setting to add",
            ),
            Prefix::SettingUnset => top(
                settings.is_some() && context == Context::Confirm,
                "question whether to unset a setting",
            ),
            Prefix::CardSettings => top(
                settings.is_some_and(|s| s.loaded()) && app.find::<CardScreen>().is_some(),
                "settings over a card",
            ),
            Prefix::SipUsers => card_tab("SIP users"),
            Prefix::SipAddForm => top(
                sip_form().is_some_and(|f| f.is_new()) && context == Context::FieldForm,
                "SIP user form, adding",
            ),
            Prefix::SipSaveMenu => top(context == Context::FieldSaveMenu, "SIP user save options"),
            Prefix::SipEditForm => top(
                sip_form().is_some_and(|f| !f.is_new()) && context == Context::FieldForm,
                "SIP user form, editing",
            ),
            Prefix::SipPassword => top(
                app.top_as::<PasswordScreen>().is_some(),
                "SIP password prompt",
            ),
            Prefix::SipDeleteConfirm => top(
                app.top_as::<Confirm>()
                    .is_some_and(|c| c.question.starts_with("Delete SIP user")),
                "question whether to delete a SIP user",
            ),
            Prefix::BlockReleaseConfirm => top(
                app.top_as::<Confirm>()
                    .is_some_and(|c| c.question.starts_with("Release number block")),
                "question whether to release a number block",
            ),
            Prefix::ContactAddForm => top(
                contact_form().is_some_and(|f| f.is_new()) && context == Context::FieldForm,
                "contact form, adding",
            ),
            Prefix::ContactEditForm => top(
                contact_form().is_some_and(|f| !f.is_new()) && context == Context::FieldForm,
                "contact form, editing",
            ),
            Prefix::ContactDelete => top(
                app.top_as::<ContactDelete>().is_some(),
                "question whether to delete a contact",
            ),
            Prefix::ContactPassword => top(
                app.top_as::<PasswordScreen>().is_some(),
                "portal password prompt",
            ),
            Prefix::SendEmail => top(
                app.top_as::<SendForm>()
                    .is_some_and(|f| matches!(f.stage, Stage::Writing)),
                "email being written",
            ),
            Prefix::SendPreview => top(
                app.top_as::<SendForm>()
                    .is_some_and(|f| matches!(f.stage, Stage::Preview(_))),
                "preview of an email",
            ),
            Prefix::EmailLog => top(
                app.top_as::<EmailLog>().is_some_and(|l| l.rows.is_some())
                    && context == Context::EmailLog,
                "loaded email log",
            ),
            Prefix::RateCards => top(
                app.top_as::<RateCardsScreen>()
                    .is_some_and(|l| l.cards.is_some())
                    && context == Context::RateCards,
                "loaded rate cards",
            ),
            Prefix::RateCard => top(
                app.top_as::<RateCardScreen>()
                    .is_some_and(|c| c.loaded.is_some())
                    && context == Context::RateCard,
                "a loaded rate card",
            ),
            Prefix::RateCardPrice => top(
                app.top_as::<RateCardScreen>()
                    .is_some_and(|c| c.loaded.as_ref().is_some_and(Result::is_ok))
                    && context == Context::RateCardInput,
                "a rate card's price line",
            ),
            Prefix::GlobalContacts => top(
                app.top_as::<GlobalContacts>()
                    .is_some_and(|g| g.rows.is_some())
                    && context == Context::ContactList,
                "loaded global contacts",
            ),
        };
        result.map_err(|e| format!("{self:?}: {e} (top context {context:?})"))
    }
}

#[derive(Debug, Clone)]
struct Case {
    prefix: Prefix,
    /// The terminal's size while the prefix is typed.
    size: (u16, u16),
    /// Replies wait in a queue until a `Deliver` step (or the end), as they do behind the
    /// database thread; otherwise every effect is answered before the next event, as in
    /// tests/tui.rs.
    delayed: bool,
    /// The clock fixed at the demo's "now" (traffic in every view), or the system's.
    fixed_clock: bool,
    no_color: bool,
    steps: Vec<Step>,
}

fn key(code: KeyCode) -> Step {
    Step::Key(code, KeyModifiers::NONE, KeyEventKind::Press)
}

fn typed(text: &str) -> Vec<Step> {
    text.chars().map(|c| key(KeyCode::Char(c))).collect()
}

fn is_ctrl_c(code: KeyCode, mods: KeyModifiers) -> bool {
    code == KeyCode::Char('c') && mods.contains(KeyModifiers::CONTROL)
}

// ----------------------------------------------------------------------------------------
// Strategies.

/// Every key the keymap binds somewhere, but Ctrl-C and q (quitting ends a case early:
/// q gets a small weight of its own).
fn bound_keys() -> Vec<(KeyCode, KeyModifiers)> {
    let mut keys = Vec::new();
    for binding in keymap::BINDINGS {
        for &(code, mods) in binding.keys {
            let quit = code == KeyCode::Char('q') && mods.is_empty();
            if !quit && !is_ctrl_c(code, mods) && !keys.contains(&(code, mods)) {
                keys.push((code, mods));
            }
        }
    }
    keys
}

const SPECIAL_KEYS: &[KeyCode] = &[
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Backspace,
    KeyCode::Delete,
    KeyCode::Insert,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::F(1),
    KeyCode::F(5),
    KeyCode::F(12),
    KeyCode::Null,
];

/// Characters people type (no q: see `bound_keys`), and a few that they do not.
fn typed_char() -> impl Strategy<Value = char> {
    let common: Vec<char> =
        "abcdefghijklmnoprstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :?/-_.,;@#+=[]()<>'\"\\~$%*"
            .chars()
            .collect();
    let odd = vec![
        'é', 'ß', 'Ж', '中', '字', '🦀', '\u{301}', '\u{200b}', '\u{200d}', '\u{202e}', '\u{2066}',
        '\t', '\n', '\r', '\u{7f}', '\u{0}', '\u{1b}', '\u{85}', '\u{feff}', '\u{fffd}',
    ];
    prop_oneof![
        12 => select(common),
        2 => select(odd),
        1 => any::<char>(),
    ]
}

fn modifiers() -> impl Strategy<Value = KeyModifiers> {
    select(vec![
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        KeyModifiers::ALT | KeyModifiers::SHIFT,
        KeyModifiers::SUPER,
    ])
}

fn key_step() -> impl Strategy<Value = Step> {
    let code_and_mods = prop_oneof![
        80 => select(bound_keys()),
        40 => typed_char().prop_map(|c| (KeyCode::Char(c), KeyModifiers::NONE)),
        30 => select(SPECIAL_KEYS).prop_map(|c| (c, KeyModifiers::NONE)),
        // Ctrl-A (mark all), Ctrl-R (reload), Ctrl-S (save), and the text field's
        // Ctrl-W, Ctrl-U, Ctrl-K, Ctrl-E ...: any Ctrl-letter but Ctrl-C.
        20 => (b'a'..=b'z')
            .prop_filter_map("Ctrl-C quits", |b| (b != b'c').then_some(char::from(b)))
            .prop_map(|c| (KeyCode::Char(c), KeyModifiers::CONTROL)),
        12 => (
            prop_oneof![
                select(SPECIAL_KEYS),
                typed_char().prop_map(KeyCode::Char),
            ],
            modifiers(),
        )
            .prop_map(|(code, mods)| if is_ctrl_c(code, mods) {
                (KeyCode::Char('x'), mods)
            } else {
                (code, mods)
            }),
        1 => Just((KeyCode::Char('q'), KeyModifiers::NONE)),
    ];
    let kind = prop_oneof![
        18 => Just(KeyEventKind::Press),
        1 => Just(KeyEventKind::Repeat),
        1 => Just(KeyEventKind::Release),
    ];
    (code_and_mods, kind).prop_map(|((code, mods), kind)| Step::Key(code, mods, kind))
}

fn paste_step() -> impl Strategy<Value = Step> {
    let tricky: Vec<&'static str> = vec![
        "",
        " ",
        "line one\nline two",
        "a\r\nb\rc\n",
        "\n\n\n",
        "\t\u{1b}[31mred\u{1b}[0m\u{7}",
        "\u{1b}]52;c;aGVsbG8=\u{7}",
        "\u{202e}evil\u{202c} \u{2066}x\u{2069}",
        "中文字符 🦀 e\u{301} 👩\u{200d}👩\u{200d}👧",
        "\u{0}\u{1}\u{8}\u{7f}\u{9b}",
        "=SUM(A1:A9)",
        "status:active channels>=30 tag:wholesale currency:EUR balance<0",
        "#1",
        "2099-12-31 23:00",
        "2020-01-01 00:00",
        "\"unterminated",
        "~/no-such.csv --tz Europe/Berlin --format asterisk --skip-bad",
        "no-such.csv --tz",
        "name = \"x\"\n[table]\nkey = 1",
        "-1",
        "99999999999999999999",
        "0.005",
    ];
    let long_base: Vec<&'static str> = vec!["x", "ab ", "中", "🦀", "\n", "a\tb", "é\u{301}"];
    prop_oneof![
        4 => "[a-zA-Z0-9 ._/:#-]{0,24}".prop_map(|text| Paste { text, times: 1 }),
        3 => "\\PC{0,16}".prop_map(|text| Paste { text, times: 1 }),
        2 => "(?s:.){0,24}".prop_map(|text| Paste { text, times: 1 }),
        3 => select(tricky).prop_map(|t| Paste { text: t.to_string(), times: 1 }),
        1 => (select(long_base), 200usize..=3_000)
            .prop_map(|(t, times)| Paste { text: t.to_string(), times }),
    ]
    .prop_map(Step::Paste)
}

fn mouse_step() -> impl Strategy<Value = Step> {
    let button = || {
        select(vec![
            MouseButton::Left,
            MouseButton::Right,
            MouseButton::Middle,
        ])
    };
    let kind = prop_oneof![
        4 => button().prop_map(MouseEventKind::Down),
        2 => button().prop_map(MouseEventKind::Up),
        3 => button().prop_map(MouseEventKind::Drag),
        1 => Just(MouseEventKind::Moved),
        3 => Just(MouseEventKind::ScrollDown),
        3 => Just(MouseEventKind::ScrollUp),
        1 => Just(MouseEventKind::ScrollLeft),
        1 => Just(MouseEventKind::ScrollRight),
    ];
    let at = || prop_oneof![8 => 0u16..=1000, 1 => Just(0u16), 1 => Just(1000u16)];
    let mods = prop_oneof![
        8 => Just(KeyModifiers::NONE),
        1 => Just(KeyModifiers::SHIFT),
        1 => Just(KeyModifiers::CONTROL | KeyModifiers::ALT),
    ];
    (kind, at(), at(), mods).prop_map(|(kind, x, y, mods)| Step::Mouse(kind, x, y, mods))
}

/// Usable sizes mostly, up to 300x100 now and then (a frame costs more the larger it
/// is), tiny ones and the extremes too.
fn size() -> impl Strategy<Value = (u16, u16)> {
    prop_oneof![
        6 => (20u16..=120, 6u16..=45),
        1 => (20u16..=300, 6u16..=100),
        2 => (1u16..=40, 1u16..=12),
        2 => select(vec![
            (1, 1),
            (20, 6),
            (19, 6),
            (20, 5),
            (80, 24),
            (300, 100),
            (300, 1),
            (1, 100),
        ]),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        28 => key_step(),
        4 => paste_step(),
        6 => mouse_step(),
        2 => size().prop_map(|(w, h)| Step::Resize(w, h)),
        1 => Just(Step::Poll),
        1 => Just(Step::ForeignEdit),
        4 => (1usize..=4).prop_map(Step::Deliver),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        select(Prefix::ALL),
        // Common sizes to start with: the layouts of a size are solved once per thread
        // (ratatui's layout cache) and a first frame at a new size costs several. The
        // Resize steps bring the rest.
        select(vec![
            (20, 6),
            (40, 12),
            (80, 24),
            (80, 24),
            (100, 30),
            (120, 40),
            (120, 40),
            (160, 50),
            (300, 100),
        ]),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.1),
        prop::collection::vec(step(), 0..=max_steps()),
    )
        .prop_map(
            |(prefix, size, delayed, fixed_clock, no_color, steps)| Case {
                prefix,
                size,
                delayed,
                fixed_clock,
                no_color,
                steps,
            },
        )
}

// ----------------------------------------------------------------------------------------
// Driving the app.

/// The real app over a real database, drawn into a TestBackend: tests/tui.rs's harness,
/// with replies that may wait in a queue as they do behind the database thread.
struct Console {
    app: App,
    db: Database,
    terminal: Terminal<TestBackend>,
    size: (u16, u16),
    /// Effects asked for and not answered yet (with replies delayed).
    pending: VecDeque<Effect>,
    delayed: bool,
}

impl Console {
    fn new(path: &Path, exports: &Path, size: (u16, u16), clock: Clock) -> Console {
        let service = Service::open(path).expect("the demo database opens");
        let session = Session {
            actor: common::actor("fuzz"),
            config: Config::defaults(),
            config_path: None,
            export_dir: exports.to_path_buf(),
            clock,
        };
        let mut app = App::default();
        app.clock = clock;
        app.home = Some(exports.to_path_buf());
        let mut console = Console {
            app,
            db: Database::new(service, session),
            terminal: Terminal::new(TestBackend::new(size.0, size.1)).expect("a test terminal"),
            size,
            pending: VecDeque::new(),
            delayed: false,
        };
        let start = console.app.start();
        console.ask(start);
        console.settle();
        console
    }

    fn handle(&mut self, event: Event) {
        let effects = self.app.handle(event);
        self.ask(effects);
        if !self.delayed {
            self.settle();
        }
    }

    /// Queues effects for the database. Copies are dropped (the clipboard is the
    /// terminal's); see `harmless` for imports and uploads.
    fn ask(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Copy { .. } => {}
                other => self.pending.push_back(harmless(other)),
            }
        }
    }

    /// Runs `n` queued effects (after merging repeated loads, as the database thread
    /// does) and hands their replies to the app.
    fn deliver(&mut self, n: usize) {
        let queue = merge_loads(std::mem::take(&mut self.pending).into());
        let mut queue = VecDeque::from(queue);
        for _ in 0..n {
            let Some(effect) = queue.pop_front() else {
                break;
            };
            for reply in self.db.run(effect) {
                let effects = self.app.handle(Event::Reply(Box::new(reply)));
                self.ask(effects);
            }
        }
        // What the replies asked for comes after what was already waiting.
        queue.append(&mut self.pending);
        self.pending = queue;
    }

    /// Answers everything, including what the answers ask for.
    fn settle(&mut self) {
        let mut rounds = 0;
        while !self.pending.is_empty() {
            rounds += 1;
            assert!(
                rounds <= MAX_ROUNDS,
                "effects keep asking for effects: {:?}",
                self.pending
            );
            let n = self.pending.len();
            self.deliver(n);
        }
    }

    fn reply(&mut self, reply: Reply) {
        self.handle(Event::Reply(Box::new(reply)));
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        self.terminal.backend_mut().resize(w, h);
        self.terminal
            .resize(Rect::new(0, 0, w, h))
            .expect("the test terminal resizes");
        self.handle(Event::Resize(w, h));
    }

    fn draw(&mut self) {
        let app = &mut self.app;
        let frame = self
            .terminal
            .draw(|f| app.draw(f))
            .expect("the frame draws");
        assert_eq!(
            (frame.area.width, frame.area.height),
            self.size,
            "the frame fills the terminal"
        );
        self.app.dirty = false;
    }

    /// Carries out one step and draws; false once the app has quit.
    fn step(&mut self, step: &Step) -> bool {
        self.act(step);
        self.draw();
        !self.app.quit
    }

    /// Carries out one step.
    fn act(&mut self, step: &Step) {
        match step {
            Step::Key(code, mods, kind) => self.handle(Event::Key(KeyEvent {
                code: *code,
                modifiers: *mods,
                kind: *kind,
                state: KeyEventState::NONE,
            })),
            Step::Paste(p) => self.handle(Event::Paste(p.full())),
            Step::Mouse(kind, x, y, mods) => {
                let at = |fraction: u16, size: u16| {
                    (u32::from(fraction) * u32::from(size.saturating_sub(1)) / 1000) as u16
                };
                let event = MouseEvent {
                    kind: *kind,
                    column: at(*x, self.size.0),
                    row: at(*y, self.size.1),
                    modifiers: *mods,
                };
                self.handle(Event::Mouse(event));
            }
            Step::Resize(w, h) => self.resize(*w, *h),
            Step::Poll => {
                if let Some(reply) = self.db.changes() {
                    self.reply(reply);
                }
            }
            Step::ForeignEdit => self.foreign_edit(),
            Step::Deliver(n) => self.deliver(*n),
        }
    }

    /// Another operator's commit to the customer in view (the form's, the card's, or the
    /// one under the board's cursor). It goes through this connection, which is no
    /// different to the change log; the app hears of it with the next reply or poll.
    fn foreign_edit(&mut self) {
        let app = &self.app;
        let id = app
            .find::<CustomerFormScreen>()
            .and_then(|s| s.form.original.as_ref().map(|c| c.id))
            .or_else(|| app.find::<CardScreen>().map(|c| c.id))
            .or_else(|| {
                let board = &app.find::<BoardScreen>()?.board;
                board.selected().map(|r| r.id)
            });
        let Some(id) = id else { return };
        let Ok(mut customer) = self.db.service.customer(id) else {
            return;
        };
        customer.channels = if customer.channels >= 500 {
            1
        } else {
            customer.channels + 1
        };
        // Refused (a rule, a lock held by another case's thread): nothing committed.
        let _ = self
            .db
            .service
            .update_customer(&common::actor("other operator"), &customer);
    }
}

/// An import or upload of anything but a missing file or a small regular one (a typed
/// path can name a device or a pipe that never ends) is pointed at a missing file.
fn harmless(effect: Effect) -> Effect {
    let risky = |path: &Path| {
        std::fs::metadata(path).is_ok_and(|m| !m.is_file() || m.len() > 1 << 20) && !path.is_dir()
    };
    let missing = || PathBuf::from("/nonexistent/fuzz/kept-away.csv");
    match effect {
        Effect::ImportCdrs(mut request) => {
            for file in &mut request.files {
                if risky(file) {
                    *file = missing();
                }
            }
            Effect::ImportCdrs(request)
        }
        Effect::BulkUpload { path, dry_run } if risky(&path) => Effect::BulkUpload {
            path: missing(),
            dry_run,
        },
        other => other,
    }
}

/// The demo database every case opens, made once per run, and a folder for exports.
struct Demo {
    dir: tempfile::TempDir,
    path: PathBuf,
    /// Held open so that the cases' connections, opening and closing, never are the last
    /// one (which checkpoints and removes the WAL each time).
    _open: Mutex<Service>,
}

impl Demo {
    fn new() -> Demo {
        let (dir, path, mut service) = common::demo_db(30, 2);
        with_a_sip_user(&mut service, 1);
        with_a_rate_card(&mut service, dir.path());
        std::fs::create_dir_all(dir.path().join("exports")).unwrap();
        Demo {
            dir,
            path,
            _open: Mutex::new(service),
        }
    }

    fn exports(&self) -> PathBuf {
        self.dir.path().join("exports")
    }

    fn console(&self, size: (u16, u16), clock: Clock) -> Console {
        Console::new(&self.path, &self.exports(), size, clock)
    }
}

/// Gives customer `id` a number block and a SIP user in it, unless it has them: the SIP
/// prefixes edit, delete and release them.
fn with_a_sip_user(service: &mut Service, id: i64) {
    let actor = common::actor("setup");
    if !service.sip_users(Some(id)).unwrap().is_empty() {
        return;
    }
    let block = match service.number_blocks(Some(id)).unwrap().first() {
        Some(block) => *block,
        None => service.assign_block(&actor, id).unwrap(),
    };
    let draft = SipUserDraft {
        username: block.first.to_string(),
        ..SipUserDraft::default()
    };
    service.create_sip_user(&actor, id, &draft, None).unwrap();
}

/// A rate card in force, for the rate card prefixes to open.
fn with_a_rate_card(service: &mut Service, dir: &std::path::Path) {
    let path = dir.join("card.csv");
    std::fs::write(
        &path,
        "prefix,description,rate\n44,UK,0.0042\n447,UK mobile,0.012\n,Rest,0.25\n",
    )
    .unwrap();
    let import = carrierdesk::service::CardImport {
        card: "wholesale",
        path: &path,
        currency: Some("EUR"),
        effective_from: Some(0),
        dry_run: false,
    };
    service
        .import_rate_card(&common::actor("setup"), &import)
        .unwrap();
}

/// Runs one case; the contexts shown on top along the way go into `seen`.
fn run_case(demo: &Demo, case: &Case, seen: &mut BTreeMap<String, usize>) {
    let clock = if case.fixed_clock {
        Clock::Fixed(common::NOW)
    } else {
        Clock::System
    };
    let mut console = demo.console(case.size, clock);
    console.app.no_color = case.no_color;
    let mut note = |app: &App| {
        *seen
            .entry(format!("{:?}", app.top().context()))
            .or_default() += 1;
    };
    // The prefix is the same every time, and each_prefix_reaches_its_screen draws it step
    // by step: here the frame after the first random step shows where it ended.
    for step in case.prefix.steps() {
        console.act(&step);
    }
    if case.steps.is_empty() {
        console.draw();
    }
    note(&console.app);
    console.delayed = case.delayed;
    for step in &case.steps {
        if !console.step(step) {
            return;
        }
        note(&console.app);
    }
    // Whatever is still on its way arrives, and shows.
    if !console.pending.is_empty() {
        console.settle();
        console.draw();
    }
}

// ----------------------------------------------------------------------------------------
// Panics: their message and location, without a backtrace per shrinking step.

thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let at = info
                    .location()
                    .map_or_else(|| "an unknown place".into(), |l| l.to_string());
                let payload = info.payload();
                let what = payload
                    .downcast_ref::<&str>()
                    .copied()
                    .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                    .unwrap_or("(no message)");
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("panicked at {at}: {what}")));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into an error that says where.
fn catching(f: impl FnOnce()) -> Result<(), String> {
    install_panic_hook();
    CATCHING.with(|c| c.set(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(false));
    result.map_err(|_| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| "panicked".into())
    })
}

// ----------------------------------------------------------------------------------------
// The tests.

fn case_count() -> u32 {
    if let Some(n) = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        return n;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if ci { 10_000 } else { 300 }
}

#[test]
fn random_events_on_every_screen_never_panic_and_every_frame_draws() {
    let cases = case_count();
    let demo = Demo::new();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4) as u32;
    let stop = AtomicBool::new(false);
    let seen = Mutex::new(BTreeMap::<String, usize>::new());
    let started = std::time::Instant::now();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let share = cases / threads + u32::from(t < cases % threads);
                let (demo, stop, seen) = (&demo, &stop, &seen);
                scope.spawn(move || {
                    let defaults = ProptestConfig::default();
                    let config = ProptestConfig {
                        cases: share,
                        // A failure is reported below with its case; no file is written.
                        failure_persistence: None,
                        // Each try while shrinking costs a few dozen frames: bounded,
                        // unless PROPTEST_MAX_SHRINK_TIME says otherwise.
                        max_shrink_time: match defaults.max_shrink_time {
                            0 => 300_000,
                            ms => ms,
                        },
                        ..defaults
                    };
                    let mut runner = TestRunner::new(config);
                    let result = runner.run(&case(), |case| {
                        // Another thread found a failure: the rest pass unseen.
                        if stop.load(Ordering::Relaxed) {
                            return Ok(());
                        }
                        let mut mine = BTreeMap::new();
                        let outcome = catching(|| run_case(demo, &case, &mut mine));
                        let mut seen = seen.lock().unwrap();
                        for (k, v) in mine {
                            *seen.entry(k).or_default() += v;
                        }
                        outcome.map_err(TestCaseError::fail)
                    });
                    match result {
                        Ok(()) => None,
                        Err(TestError::Fail(why, case)) => {
                            stop.store(true, Ordering::Relaxed);
                            Some(format!("{why}\nminimal case: {case:#?}"))
                        }
                        Err(e) => {
                            stop.store(true, Ordering::Relaxed);
                            Some(e.to_string())
                        }
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().expect("a fuzz thread ends"))
            .collect()
    });
    let seen = seen.into_inner().unwrap();
    eprintln!(
        "{cases} cases on {threads} threads in {:.1?}; top screens seen after each event: {seen:?}",
        started.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // With enough cases, every prefix has run: every screen was on top.
    if cases >= 1_000 {
        let missing: Vec<&Context> = Context::ALL
            .iter()
            .filter(|c| **c != Context::Global && !seen.contains_key(&format!("{c:?}")))
            .collect();
        assert!(
            missing.is_empty(),
            "never on top: {missing:?} (seen: {seen:?})"
        );
    }
}

#[test]
fn each_prefix_reaches_its_screen() {
    let demo = Demo::new();
    let mut missed = Vec::new();
    for &prefix in Prefix::ALL {
        let mut console = demo.console((120, 40), Clock::Fixed(common::NOW));
        for step in prefix.steps() {
            assert!(console.step(&step), "{prefix:?} quit the app");
        }
        if let Err(e) = prefix.reached(&console.app) {
            missed.push(e);
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn the_prefixes_put_every_screen_on_top() {
    let demo = Demo::new();
    let mut seen = Vec::new();
    for &prefix in Prefix::ALL {
        let mut console = demo.console((120, 40), Clock::Fixed(common::NOW));
        for step in prefix.steps() {
            console.step(&step);
        }
        let context = console.app.top().context();
        if !seen.contains(&context) {
            seen.push(context);
        }
    }
    let missing: Vec<&Context> = Context::ALL
        .iter()
        .filter(|c| **c != Context::Global && !seen.contains(c))
        .collect();
    assert!(missing.is_empty(), "no prefix shows {missing:?}");
}
