//! The Contacts tab: the customer's contacts as a table, the primary first. Enter shows
//! one in full; `a` adds, `e` edits, `d` deletes (asking which contact takes over from a
//! primary), `p` makes one primary, `P` sets its portal password, `L` shows the portal as
//! it sees it.

use super::CardTab;
use crate::domain::Contact;
use crate::service::CardData;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{ContactEffect, ContactReply, Effect, Reply};
use crate::tui::screen::{Cx, Flow, Ui};
use crate::tui::screens::card::view::{FULL_WIDTH, list_table};
use crate::tui::screens::contact_delete::ContactDelete;
use crate::tui::screens::contact_form::{ContactFormScreen, Owner};
use crate::tui::screens::password::{Holder, PasswordScreen};
use crate::tui::screens::portal_view::portal_window;
use crate::tui::screens::window::Window;
use crate::tui::widgets::list_cursor::RowCursor;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};

#[derive(Default)]
pub struct ContactsTab {
    list: RowCursor,
    /// A contact to put the cursor on once the rows are drawn (the card opened on it).
    show: Option<i64>,
}

fn ids(data: &CardData) -> Vec<i64> {
    data.contacts.iter().map(|k| k.id).collect()
}

fn owner(data: &CardData) -> Owner {
    Owner {
        customer: data.customer.id,
        name: data.customer.name.clone(),
        country: data.country.clone(),
    }
}

impl ContactsTab {
    fn selected<'a>(&mut self, data: &'a CardData) -> Option<&'a Contact> {
        self.list.follow(&ids(data));
        let id = self.list.selected()?;
        data.contacts.iter().find(|k| k.id == id)
    }

    /// What a key does to the contact under the cursor.
    fn act_on(&self, action: Action, k: &Contact, data: &CardData, cx: &mut Cx) {
        match action {
            // A contact in full: the table has no room for its mobile, type and notes.
            Action::Open => cx.open(Window::detail(
                format!("Contact: {} (Esc closes)", k.spec.name),
                k.describe(),
            )),
            Action::Edit => cx.open(ContactFormScreen::edit(owner(data), k)),
            Action::Delete => cx.open(ContactDelete::new(k, &data.contacts)),
            Action::BecomePrimary if k.is_primary => {
                cx.info(format!("{} is already the primary contact", k.spec.name));
            }
            Action::BecomePrimary => cx.run(Effect::Contact(ContactEffect::BecomePrimary(k.id))),
            Action::SetPassword => cx.open(PasswordScreen::new(Holder::Contact {
                id: k.id,
                name: k.spec.name.clone(),
                email: k.spec.email.clone(),
                customer: data.customer.name.clone(),
            })),
            // The service says why when the portal is off or there is no login.
            Action::PortalLogin => cx.run(Effect::Contact(ContactEffect::PortalLogin(k.id))),
            _ => {}
        }
    }
}

impl CardTab for ContactsTab {
    fn title(&self) -> &'static str {
        "Contacts"
    }

    fn context(&self) -> Context {
        Context::Contacts
    }

    fn on_action(&mut self, action: Action, data: &CardData, cx: &mut Cx) -> Flow {
        if self.list.act(action, &ids(data)) {
            return Flow::Done;
        }
        match action {
            Action::Add => cx.open(ContactFormScreen::add(owner(data))),
            Action::Open
            | Action::Edit
            | Action::Delete
            | Action::BecomePrimary
            | Action::SetPassword
            | Action::PortalLogin => match self.selected(data) {
                Some(k) => self.act_on(action, k, data, cx),
                None => cx.info("No contact yet: a adds one"),
            },
            _ => return Flow::Pass,
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, _customer: i64, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::Contact(ContactReply::Portal(result)) => {
                match result {
                    Ok(view) => cx.open(portal_window(&view)),
                    Err(why) => cx.error(format!("No portal view: {why}")),
                }
                None
            }
            other => Some(other),
        }
    }

    fn show_contact(&mut self, id: i64) -> bool {
        self.show = Some(id);
        true
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, data: &CardData, _ui: &Ui) {
        let ids = ids(data);
        if let Some(i) = self
            .show
            .take()
            .and_then(|id| ids.iter().position(|k| *k == id))
        {
            self.list.list.cursor = i;
        }
        self.list.follow(&ids);
        let height = usize::from(area.height.saturating_sub(1));
        self.list.list.fit(height, data.contacts.len());
        draw_contacts(frame, area, data, self);
    }
}

fn draw_contacts(frame: &mut Frame, area: Rect, data: &CardData, tab: &ContactsTab) {
    let list = &tab.list.list;
    let full = area.width >= FULL_WIDTH;
    // Fixed columns as wide as an E.164 number; name and email share the rest, so the
    // layout has one answer at any width (minimum widths that cannot all be met do not).
    let mut columns = vec![
        ("P", Constraint::Length(1)),
        ("Name", Constraint::Fill(2)),
        ("Email", Constraint::Fill(3)),
        ("Phone", Constraint::Length(13)),
    ];
    if full {
        columns.extend([
            ("Mobile", Constraint::Length(13)),
            ("Type", Constraint::Length(10)),
            ("Messages", Constraint::Length(17)),
            ("Portal", Constraint::Length(6)),
        ]);
    }
    columns.push(("Ver e/m", Constraint::Length(7)));
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    let table = list_table(
        area,
        &columns,
        &data.contacts,
        (list.cursor, list.offset),
        |k| {
            let s = &k.spec;
            let mut cells = vec![
                if k.is_primary {
                    "★".into()
                } else {
                    String::new()
                },
                s.name.clone(),
                s.email.clone(),
                s.phone.clone(),
            ];
            if full {
                cells.extend([
                    s.mobile.clone(),
                    s.contact_type.clone(),
                    crate::domain::Category::list_text(&s.categories),
                    if k.has_password { "login" } else { "-" }.into(),
                ]);
            }
            cells.push(format!(
                "{}/{}",
                yes(s.email_verified),
                yes(s.mobile_verified)
            ));
            cells
        },
    );
    frame.render_widget(table, area);
}
