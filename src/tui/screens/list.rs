//! A list in a pop-up that something can be done to: a bulk edit's preview, a bulk upload's
//! check, the scheduled changes, the calls that matched no customer. It opens at once,
//! saying it is loading, and takes the reply it waits for.

use super::window::Window;
use crate::domain::change::{Changes, Topic};
use crate::domain::summary::hms;
use crate::domain::{BulkChange, BulkEdit, Cdr, ScheduleState, ScheduledChange, count};
use crate::service::CustomerImportReport;
use crate::text::printable;
use crate::tui::chrome::{centered, cursor_style};
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::{CallList, Effect, Reply};
use crate::tui::screen::{Cx, Flow, Screen, Ui};
use crate::tui::widgets::list_cursor::ListCursor;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use std::path::PathBuf;

/// What the list is, and so what Enter and x do.
pub enum ListKind {
    /// Enter applies the edit to these customers.
    BulkPreview {
        changes: Vec<BulkChange>,
        edit: BulkEdit,
    },
    /// Enter creates the file's customers (when it had no problem).
    Upload { path: PathBuf, ready: bool },
    /// x cancels the scheduled change under the cursor; `ids` line up with the lines.
    Scheduled {
        customer: Option<i64>,
        ids: Vec<i64>,
        /// Whether each is still pending (failed ones are listed too, and cannot be cancelled).
        pending: Vec<bool>,
        /// The change a first x asked about; a second x cancels it.
        armed: Option<i64>,
    },
    /// Lines to read, nothing to do (calls that matched no customer, why an edit was refused).
    Info,
    /// Waiting for its lines: the reply that brings them decides what the list becomes.
    Loading,
}

pub struct ListScreen {
    pub title: String,
    pub lines: Vec<String>,
    /// What Enter or x will do, for the bottom line.
    pub footer: String,
    pub list: ListCursor,
    pub kind: ListKind,
}

pub const SCHEDULED_FOOTER: &str = "x cancels the change under the cursor, or dismisses a failed one (asks first) · r tries a failed one again · Esc closes";

impl ListScreen {
    /// A list whose lines are on their way.
    pub fn loading(title: &str) -> ListScreen {
        ListScreen {
            title: title.to_string(),
            lines: vec!["Loading…".into()],
            footer: "Esc closes".into(),
            list: ListCursor::default(),
            kind: ListKind::Loading,
        }
    }

    /// Why a bulk edit was refused, a line per customer.
    pub fn refused(customers: String, lines: Vec<String>) -> ListScreen {
        ListScreen {
            title: format!("Bulk edit refused: {customers} break a rule"),
            footer: "Nothing was changed · Esc goes back to the form".into(),
            lines,
            list: ListCursor::default(),
            kind: ListKind::Info,
        }
    }

    /// A bulk edit's preview: a line per customer it changes.
    pub fn bulk_preview(changes: Vec<BulkChange>, edit: BulkEdit) -> ListScreen {
        let mut lines = Vec::new();
        let mut unchanged = 0;
        for c in &changes {
            let fields = c.changes();
            if fields.is_empty() {
                unchanged += 1;
                continue;
            }
            let what: Vec<String> = fields
                .iter()
                .map(|f| format!("{} {} → {}", f.label, f.old, f.new))
                .collect();
            lines.push(format!(
                "{} (#{}): {}",
                c.before.name,
                c.before.id,
                what.join(", ")
            ));
        }
        if unchanged > 0 {
            lines.push(format!(
                "{} already {} these values.",
                count(unchanged, "customer"),
                if unchanged == 1 { "has" } else { "have" }
            ));
        }
        ListScreen {
            title: format!(
                "Bulk edit of {}: preview",
                count(changes.len(), "customer")
            ),
            footer: "Enter applies every change in one transaction (one audit row per customer) · Esc goes back".into(),
            lines,
            list: ListCursor::default(),
            kind: ListKind::BulkPreview { changes, edit },
        }
    }

    /// A bulk upload's check: the customers it would create, or every problem.
    pub fn upload(path: PathBuf, report: &CustomerImportReport) -> ListScreen {
        let ready = report.problems.is_empty() && !report.customers.is_empty();
        let lines = if report.problems.is_empty() {
            report
                .customers
                .iter()
                .map(|c| {
                    format!(
                        "line {}: {} ({})",
                        c.line,
                        c.customer.name,
                        c.customer.currency.code()
                    )
                })
                .collect()
        } else {
            report.problems.iter().map(|p| p.to_string()).collect()
        };
        let (title, footer) = if ready {
            (
                format!(
                    "Bulk upload: {} to create",
                    count(report.customers.len(), "customer")
                ),
                "Enter creates them all in one transaction · Esc cancels".to_string(),
            )
        } else if report.problems.is_empty() {
            (
                "Bulk upload: the file has no customers".into(),
                "Esc closes".into(),
            )
        } else {
            (
                format!(
                    "Bulk upload: {}, nothing created",
                    count(report.problems.len(), "problem")
                ),
                "Fix the file and upload it again · Esc closes".to_string(),
            )
        };
        ListScreen {
            title,
            lines,
            footer,
            list: ListCursor::default(),
            kind: ListKind::Upload { path, ready },
        }
    }

    /// A list of calls: those that matched no customer, oldest first (what to add as an
    /// account code or a SIP user before importing the file again, which then claims them);
    /// or those no rate card priced or costed, newest first.
    pub fn calls(list: CallList, count: i64, calls: &[Cdr]) -> ListScreen {
        let or_dash = |s: &str| {
            if s.is_empty() {
                "-".to_string()
            } else {
                s.to_string()
            }
        };
        let lines = calls
            .iter()
            .map(|c| {
                let at = chrono::DateTime::from_timestamp(c.start_at, 0).map_or_else(
                    || c.start_at.to_string(),
                    |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
                );
                match list {
                    CallList::Unmatched => format!(
                        "{at} UTC  account {}  {}  {} → {}  {}  {}",
                        or_dash(&c.account_code),
                        c.channel,
                        c.src,
                        c.dst,
                        c.disposition,
                        hms(c.duration_s),
                    ),
                    CallList::Unrated => format!(
                        "{at} UTC  customer #{}  → {}  via {}  {}  charge {}  cost {}",
                        c.customer_id.unwrap_or_default(),
                        c.dst,
                        or_dash(&c.provider),
                        hms(c.duration_s),
                        c.charged_by.name(),
                        c.cost_by.name(),
                    ),
                }
            })
            .collect::<Vec<_>>();
        let more = count - calls.len() as i64;
        let footer = match (list, count, more > 0) {
            (CallList::Unmatched, 0, _) => "Every imported call has its customer · Esc closes".into(),
            (CallList::Unrated, 0, _) => {
                "Every call of a customer with a card is priced and costed · Esc closes".into()
            }
            (CallList::Unmatched, _, true) => format!(
                "The oldest {} shown; `carrierdesk import cdrs --unmatched` lists more · Esc closes",
                calls.len()
            ),
            (CallList::Unrated, _, true) => format!(
                "The newest {} shown; `carrierdesk import cdrs --unrated` lists more · Esc closes",
                calls.len()
            ),
            (CallList::Unmatched, _, false) => "Give a customer the calls' account code (e, Config tab), then import the file again · Esc closes".into(),
            (CallList::Unrated, _, false) => "Add the prefixes to the card (rates import), set provider_card.NAME or an fx rate, then `carrierdesk rerate` · Esc closes".into(),
        };
        ListScreen {
            title: format!("{} ({count})", list.title()),
            footer,
            lines,
            list: ListCursor::default(),
            kind: ListKind::Info,
        }
    }

    /// Pending changes, and failed ones with their reason until they are dealt with.
    pub fn scheduled(customer: Option<i64>, changes: &[ScheduledChange]) -> ListScreen {
        let lines = changes
            .iter()
            .map(|c| {
                let outcome = c.outcome().map_or_else(String::new, |o| format!("  {o}"));
                format!(
                    "{} UTC  {}  {}  by {}{outcome}",
                    c.due_at.replace('T', " ").trim_end_matches('Z'),
                    c.customer_name.as_deref().unwrap_or("(deleted)"),
                    c.summary,
                    c.author
                )
            })
            .collect::<Vec<_>>();
        let failed = changes
            .iter()
            .filter(|c| c.state == ScheduleState::Failed)
            .count();
        let pending = changes.len() - failed;
        ListScreen {
            title: match failed {
                0 => format!("Scheduled changes ({pending} pending)"),
                _ => format!("Scheduled changes ({pending} pending, {failed} failed)"),
            },
            footer: if changes.is_empty() {
                "Nothing is scheduled · Esc closes".into()
            } else {
                SCHEDULED_FOOTER.into()
            },
            lines,
            list: ListCursor::default(),
            kind: ListKind::Scheduled {
                customer,
                ids: changes.iter().map(|c| c.id).collect(),
                pending: changes
                    .iter()
                    .map(|c| c.state == ScheduleState::Pending)
                    .collect(),
                armed: None,
            },
        }
    }
}

impl ListScreen {
    /// Takes new lines in place, keeping the cursor where it was.
    fn replace(&mut self, new: ListScreen) {
        let list = self.list;
        *self = new;
        self.list = list;
        self.list.clamp(self.lines.len());
    }

    fn submit(&mut self, cx: &mut Cx) {
        match &self.kind {
            ListKind::BulkPreview { changes, edit } => {
                cx.run(Effect::BulkApply {
                    changes: changes.clone(),
                    edit: edit.clone(),
                });
                cx.post(Reply::BulkSent);
                cx.close();
                cx.start_job("Applying the bulk edit…");
            }
            ListKind::Upload { path, ready: true } => {
                cx.run(Effect::BulkUpload {
                    path: path.clone(),
                    dry_run: false,
                });
                cx.close();
            }
            // Nothing to go ahead with: the line under the cursor, in full.
            _ => {
                if let Some(line) = self.lines.get(self.list.cursor) {
                    cx.open(Window::detail(
                        format!("{} (Esc closes)", self.title),
                        line.clone(),
                    ));
                }
            }
        }
    }

    /// The first x asks, naming the change; a second x on it cancels it.
    fn cancel_item(&mut self, cx: &mut Cx) {
        let cursor = self.list.cursor;
        let ListKind::Scheduled {
            customer,
            ids,
            pending,
            armed,
        } = &mut self.kind
        else {
            return;
        };
        let Some(&id) = ids.get(cursor) else {
            return;
        };
        // Listed changes are pending or failed: a failed one is dismissed rather than cancelled.
        let (ask, does, done) = if pending.get(cursor).copied().unwrap_or(false) {
            ("Cancel", "cancels", "cancelled")
        } else {
            ("Dismiss", "dismisses", "dismissed")
        };
        if *armed == Some(id) {
            cx.run(Effect::CancelScheduled {
                id,
                customer: *customer,
            });
            cx.info(format!("Scheduled change #{id} {done}"));
        } else {
            *armed = Some(id);
            let line = self.lines.get(cursor).map_or("", |l| l.trim());
            self.footer = format!("{ask} #{id}, {line}? x again {does} it; any other key keeps it");
        }
    }

    /// r on a failed change: tried again at once.
    fn retry_item(&mut self, cx: &mut Cx) {
        let cursor = self.list.cursor;
        let ListKind::Scheduled {
            customer,
            ids,
            pending,
            ..
        } = &self.kind
        else {
            return;
        };
        let Some(&id) = ids.get(cursor) else {
            return;
        };
        if pending.get(cursor).copied().unwrap_or(true) {
            self.footer = format!("#{id} is pending, not failed: it applies when due · Esc closes");
            return;
        }
        cx.run(Effect::RetryScheduled {
            id,
            customer: *customer,
        });
        cx.info(format!("Trying scheduled change #{id} again…"));
    }
}

impl Screen for ListScreen {
    fn context(&self) -> Context {
        Context::List
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Flow {
        if action != Action::CancelItem
            && let ListKind::Scheduled { armed, .. } = &mut self.kind
            && armed.take().is_some()
        {
            self.footer = SCHEDULED_FOOTER.into();
        }
        if self.list.act(action, self.lines.len()) {
            return Flow::Done;
        }
        match action {
            Action::Back => cx.close(),
            Action::Submit => self.submit(cx),
            Action::CancelItem => self.cancel_item(cx),
            Action::RetryItem => self.retry_item(cx),
            _ => {}
        }
        Flow::Done
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx) -> Option<Reply> {
        let loading = matches!(self.kind, ListKind::Loading);
        let scheduled_for = match &self.kind {
            ListKind::Scheduled { customer, .. } => Some(*customer),
            _ => None,
        };
        match reply {
            Reply::ScheduledLoaded { customer, result }
                if loading || scheduled_for == Some(customer) =>
            {
                match result {
                    Ok(changes) => self.replace(ListScreen::scheduled(customer, &changes)),
                    Err(e) => cx.error(e),
                }
            }
            Reply::CallsLoaded(list, result) if loading => match result {
                Ok((n, calls)) => self.replace(ListScreen::calls(list, n, &calls)),
                Err(e) => {
                    cx.close();
                    cx.error(e);
                }
            },
            Reply::UploadChecked { path, result } if loading => match result {
                Ok(report) => self.replace(ListScreen::upload(path, &report)),
                Err(e) => {
                    cx.close();
                    cx.error(e);
                }
            },
            other => return Some(other),
        }
        None
    }

    /// Another console may have applied or cancelled a scheduled change.
    fn on_changes(&mut self, changes: &Changes, _showing: bool, cx: &mut Cx) {
        if let ListKind::Scheduled { customer, .. } = &self.kind
            && changes.touches(Topic::Scheduled)
        {
            cx.run(Effect::LoadScheduled {
                customer: *customer,
            });
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, _ui: &Ui) {
        let rect = centered(
            area,
            area.width.saturating_sub(4).max(20),
            area.height.saturating_sub(2).max(5),
        );
        frame.render_widget(Clear, rect);
        let block = Block::bordered().title(format!(" {} ", self.title));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        // A long footer (the question x asks) takes a second line rather than lose its end.
        let footer_rows = if self.footer.chars().count() > usize::from(inner.width) {
            2
        } else {
            1
        };
        let [body, footer] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(footer_rows)]).areas(inner);
        let first = self.list.fit(usize::from(body.height), self.lines.len());
        let lines: Vec<Line> = self
            .lines
            .iter()
            .enumerate()
            .skip(first)
            .take(usize::from(body.height))
            .map(|(i, l)| {
                let line = Line::from(printable(l));
                if i == self.list.cursor {
                    line.style(cursor_style())
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), body);
        frame.render_widget(
            Paragraph::new(self.footer.as_str())
                .style(Style::new().fg(Color::Cyan))
                .wrap(Wrap { trim: true }),
            footer,
        );
    }
}
