//! The SIP users tab: the customer's SIP users (extensions) with their limits, transport,
//! whitelist, NAT ping, codecs and whether their password works in today's realm. `a` adds
//! one, `e` or Enter edits, `d` deletes after asking, `p` sets the password.

use super::CardTab;
use crate::domain::change::{Changes, Topic};
use crate::domain::ip_list;
use crate::domain::sip_user::{Codec, PasswordState};
use crate::domain::{SipUser, sip_user::NatPing};
use crate::service::CardData;
use crate::text::printable;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{Effect, Reply, SipEffect, SipReply};
use crate::tui::screen::{Cx, Flow, Ui};
use crate::tui::screens::card::view::list_table;
use crate::tui::screens::confirm::Confirm;
use crate::tui::screens::password::{Holder, PasswordScreen};
use crate::tui::screens::sip_user_form::SipUserFormScreen;
use crate::tui::widgets::list_cursor::RowCursor;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::Paragraph;

#[derive(Default)]
pub struct SipUsersTab {
    list: RowCursor,
    /// The SIP realm passwords are digested for: None until it arrives.
    realm: Option<Result<Option<String>, String>>,
}

impl SipUsersTab {
    fn realm(&self) -> Option<&str> {
        match &self.realm {
            Some(Ok(realm)) => realm.as_deref(),
            _ => None,
        }
    }

    /// A SIP user's password as it stands, once the realm it is checked against is known
    /// (the line above the table says what "set again" means).
    fn password(&self, user: &SipUser) -> &'static str {
        match &self.realm {
            Some(Ok(realm)) => match user.password_state(realm.as_deref()) {
                PasswordState::Set => "set",
                PasswordState::Stale => "set again",
                PasswordState::None => "none",
            },
            _ => "…",
        }
    }

    fn selected<'a>(&mut self, data: &'a CardData) -> Option<&'a SipUser> {
        self.list.follow(&ids(data));
        let id = self.list.selected()?;
        data.sip_users.iter().find(|u| u.id == id)
    }

    /// Edit, delete or set the password of `user`.
    fn act_on(&self, action: Action, user: &SipUser, data: &CardData, cx: &mut Cx) {
        match action {
            Action::Edit => cx.open(SipUserFormScreen::edit(user)),
            Action::Delete => cx.open(Confirm::new(
                "Delete SIP user",
                format!(
                    "Delete SIP user {} of {}? Its phones can no longer register; the audit log keeps its row.",
                    printable(&user.spec.username),
                    printable(&data.customer.name)
                ),
                Effect::Sip(SipEffect::Delete(user.id)),
            )),
            // Said before anything is typed: the digests need the realm.
            _ if matches!(self.realm, Some(Ok(None))) => cx.error(
                "No SIP realm is set: set sip_realm on the Settings screen (palette: Settings) first, as passwords are digested for it",
            ),
            _ => cx.open(PasswordScreen::new(Holder::Sip {
                id: user.id,
                username: user.spec.username.clone(),
            })),
        }
    }
}

fn ids(data: &CardData) -> Vec<i64> {
    data.sip_users.iter().map(|u| u.id).collect()
}

impl CardTab for SipUsersTab {
    fn title(&self) -> &'static str {
        "SIP users"
    }

    fn context(&self) -> Context {
        Context::SipUsers
    }

    /// The users come with the card; the realm, which says whether their passwords still
    /// work, is the tab's own.
    fn load(&mut self, _customer: i64, cx: &mut Cx) {
        cx.run(Effect::Sip(SipEffect::LoadRealm));
    }

    fn stale_after(&self, changes: &Changes, _customer: i64) -> bool {
        changes.touches(Topic::Settings)
    }

    fn on_action(&mut self, action: Action, data: &CardData, cx: &mut Cx) -> Flow {
        if self.list.act(action, &ids(data)) {
            return Flow::Done;
        }
        match action {
            Action::Add => cx.open(SipUserFormScreen::add(
                data.customer.id,
                self.realm().is_some(),
            )),
            Action::Edit | Action::Delete | Action::SetPassword => match self.selected(data) {
                Some(user) => self.act_on(action, user, data, cx),
                None => cx.info("No SIP user yet: a adds one"),
            },
            _ => return Flow::Pass,
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, _customer: i64, _cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::Sip(SipReply::Realm(realm)) => {
                self.realm = Some(realm);
                None
            }
            other => Some(other),
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, data: &CardData, _ui: &Ui) {
        let [note, table] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let (text, style) = match &self.realm {
            None => ("SIP realm: loading…".to_string(), Style::new()),
            Some(Ok(Some(realm))) => (format!("SIP realm {}", printable(realm)), Style::new()),
            Some(Ok(None)) => (
                "No SIP realm set (Settings: sip_realm): passwords cannot be set yet".into(),
                Style::new().fg(Color::Yellow),
            ),
            Some(Err(e)) => (
                format!("SIP realm not read: {}", printable(e)),
                Style::new().fg(Color::Red),
            ),
        };
        let count = match data.sip_users.len() {
            0 => "no SIP users: a adds one".to_string(),
            1 => "1 SIP user".to_string(),
            n => format!("{n} SIP users"),
        };
        let stale = matches!(&self.realm, Some(Ok(realm)) if data.sip_users.iter().any(
            |u| u.password_state(realm.as_deref()) == PasswordState::Stale
        ));
        let count = if stale {
            format!("{count} · \"set again\": p sets it")
        } else {
            count
        };
        frame.render_widget(
            Paragraph::new(format!("{text} · {count}")).style(style),
            note,
        );
        self.list.follow(&ids(data));
        let height = usize::from(table.height.saturating_sub(1));
        self.list.list.fit(height, data.sip_users.len());
        draw_users(frame, table, data, self);
    }
}

fn draw_users(frame: &mut Frame, area: Rect, data: &CardData, tab: &SipUsersTab) {
    let list = &tab.list.list;
    let columns = [
        ("Username", Constraint::Length(12)),
        ("Ch", Constraint::Length(3)),
        ("CPS", Constraint::Length(4)),
        ("Protocol", Constraint::Length(13)),
        ("Whitelist", Constraint::Fill(2)),
        ("NAT ping", Constraint::Length(8)),
        ("Codecs", Constraint::Fill(2)),
        ("Password", Constraint::Length(9)),
    ];
    let table = list_table(
        area,
        &columns,
        &data.sip_users,
        (list.cursor, list.offset),
        |u| {
            let s = &u.spec;
            let whitelist = match ip_list::format(&s.whitelist) {
                w if w.is_empty() => "any".to_string(),
                w => w,
            };
            let ping = match s.nat_ping {
                NatPing::Every(secs) => format!("{secs} s"),
                other => other.text(),
            };
            vec![
                printable(&s.username).into_owned(),
                s.channels.to_string(),
                if s.cps == 0 {
                    "-".into()
                } else {
                    s.cps.to_string()
                },
                s.protocol.label().to_string(),
                whitelist,
                ping,
                Codec::list_text(&s.codecs),
                tab.password(u).to_string(),
            ]
        },
    );
    frame.render_widget(table, area);
}
