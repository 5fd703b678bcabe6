//! What no screen took: the console's own actions (quit, the palette, an import, the
//! unmatched calls, the settings) and replies that belong to no screen (a job's progress and end).

use super::App;
use crate::text::printable;
use crate::tui::keymap::Action;
use crate::tui::msg::{CallList, ContactEffect, Effect, Level, MailEffect, Reply, SettingRefusal};
use crate::tui::screens::email_log::EmailLog;
use crate::tui::screens::global_contacts::GlobalContacts;
use crate::tui::screens::list::ListScreen;
use crate::tui::screens::palette::PaletteScreen;
use crate::tui::screens::prompt::{Prompt, Purpose};
use crate::tui::screens::rate_cards::RateCardsScreen;
use crate::tui::screens::settings::SettingsScreen;
use crate::tui::screens::window::Window;

impl App {
    /// What no screen took: the console-wide actions. Every action is named, so a new
    /// one has to be placed here or on a screen.
    pub(super) fn bottom(&mut self, action: Action, quit_asked: bool) {
        match action {
            Action::Quit => self.quit_or_ask(quit_asked, "q"),
            Action::Palette => {
                let palette = PaletteScreen::open(self.top().context());
                self.push(Box::new(palette));
            }
            Action::ImportCdrs => self.push(Box::new(Prompt::new(
                Purpose::ImportCdrs,
                "Import CDRs",
                "Files (Tab completes a name; quote paths with spaces), then if needed: --tz ZONE (default UTC), --format NAME (default: guessed), --skip-bad.",
            ))),
            Action::UnmatchedCdrs | Action::UnratedCdrs => {
                let list = if action == Action::UnmatchedCdrs {
                    CallList::Unmatched
                } else {
                    CallList::Unrated
                };
                self.push(Box::new(ListScreen::loading(list.title())));
                self.effects.push(Effect::LoadCalls(list));
            }
            Action::Settings => {
                self.push(Box::new(SettingsScreen::default()));
                self.effects.push(Effect::LoadSettings);
            }
            Action::EmailLog => {
                self.push(Box::new(EmailLog::loading()));
                self.effects.push(Effect::Mail(MailEffect::LoadLog));
            }
            Action::RateCards => {
                self.push(Box::new(RateCardsScreen::loading()));
                self.effects.push(Effect::LoadRateCards);
            }
            Action::GlobalContacts => {
                self.push(Box::new(GlobalContacts::loading()));
                self.effects
                    .push(Effect::Contact(ContactEffect::LoadAll));
            }
            // A screen's own action that reached the bottom: the screen it belongs to is
            // not open (a stale palette choice), so there is nothing to do.
            Action::Help
            | Action::Back
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Open
            | Action::Search
            | Action::SearchDone
            | Action::StatusFilter
            | Action::SortNext
            | Action::SortReverse
            | Action::NextTab
            | Action::PrevTab
            | Action::Tab(_)
            | Action::Edit
            | Action::Refresh
            | Action::Mark
            | Action::PriceNumber
            | Action::MarkAll
            | Action::Complete
            | Action::Older
            | Action::SaveFilter
            | Action::Newer
            | Action::Columns
            | Action::Toggle
            | Action::ShiftUp
            | Action::ShiftDown
            | Action::ExtendUp
            | Action::ExtendDown
            | Action::ExtendLeft
            | Action::ExtendRight
            | Action::Visual
            | Action::SelectRow
            | Action::SelectColumn
            | Action::SelectAll
            | Action::SelectLastWeek
            | Action::SelectLastMonth
            | Action::Copy
            | Action::CopyHeaders
            | Action::CopyGroups
            | Action::Export
            | Action::TickRow
            | Action::CdrReport
            | Action::PrevView
            | Action::NextView
            | Action::NextField
            | Action::PrevField
            | Action::NextFormTab
            | Action::PrevFormTab
            | Action::SaveContinue
            | Action::SaveStay
            | Action::SaveDelay
            | Action::TakeTheirs
            | Action::Overwrite
            | Action::Add
            | Action::Delete
            | Action::FilterLine
            | Action::BulkUpload
            | Action::ScheduledChanges
            | Action::CancelItem
            | Action::RetryItem
            | Action::SetPassword
            | Action::BecomePrimary
            | Action::PortalLogin
            | Action::SendEmail
            | Action::SendSms
            | Action::TestEmail
            | Action::MailPassword
            | Action::TestSms
            | Action::Left
            | Action::Right
            | Action::Submit => {}
        }
    }

    /// Replies no screen took: a job's end and progress, whatever the operator is doing
    /// now; answers whose screen has closed are dropped.
    pub(super) fn unclaimed(&mut self, reply: Reply) {
        match reply {
            Reply::Progress(line) => self.progress = Some(line),
            Reply::Finished(level, text) => {
                self.progress = None;
                self.say(level, text);
            }
            Reply::BulkApplied(text) => {
                self.progress = None;
                self.say(Level::Info, text);
            }
            Reply::Notice(level, text) => self.say(level, text),
            // A confirmed upload refused at the last moment (a name taken meanwhile): why.
            Reply::UploadChecked { path, result } => match result {
                Ok(report) => self.push(Box::new(ListScreen::upload(path, &report))),
                Err(e) => self.say(Level::Error, e),
            },
            Reply::Imported(result) => {
                self.progress = None;
                let (title, body) = match result {
                    Ok((line, details)) => {
                        self.say(Level::Info, line);
                        ("CDR import", details)
                    }
                    Err(e) => {
                        let line = "Not imported, nothing changed: the window says why";
                        self.say(Level::Error, line.into());
                        ("CDR import: nothing imported", e)
                    }
                };
                self.push(Box::new(Window::detail(
                    format!("{title} (Esc closes)"),
                    body,
                )));
            }
            // A save sent from a Settings screen closed before its answer came: a refusal
            // must still be seen, since the operator may believe it saved.
            Reply::SettingChanged {
                key,
                result: Err(why),
                ..
            } => {
                let why = match why {
                    SettingRefusal::Conflict(theirs) => format!(
                        "another operator changed {key} first (now {}); not saved",
                        theirs.value.as_deref().map_or("unset".into(), printable)
                    ),
                    SettingRefusal::Refused(why) => why,
                };
                self.say(Level::Error, format!("Setting not saved: {why}"));
            }
            // An answer for a screen that has closed meanwhile.
            _stale => tracing::debug!("stale reply dropped"),
        }
    }

    /// Quits, unless that would lose something (a running job, a changed form) and the
    /// operator has not been asked yet: then asks, and the same key again quits.
    pub(super) fn quit_or_ask(&mut self, asked: bool, key: &str) {
        let at_stake = match &self.progress {
            // The job's progress is on the same line, beside the question.
            Some(_) => Some(format!(
                "A job is still running: press {key} again to quit and abandon it; nothing of it is saved."
            )),
            None => self
                .stack
                .iter()
                .rev()
                .find_map(|(_, s)| s.unsaved())
                .map(|what| format!("{what}. Press {key} again to quit without saving them.")),
        };
        match at_stake {
            Some(question) if !asked => {
                self.say(Level::Error, question);
                self.quit_asked = true;
            }
            _ => self.quit = true,
        }
    }
}
