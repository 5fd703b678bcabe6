//! The Audit tab: the customer's audit rows, newest first, loaded when the tab first
//! shows and again after a change to the customer; Enter shows a row's difference.

use super::CardTab;
use crate::domain::audit::readable;
use crate::domain::change::{Changes, Topic};
use crate::domain::{AuditEntry, Currency};
use crate::service::CardData;
use crate::tui::keymap::Action;
use crate::tui::msg::{Effect, Reply};
use crate::tui::screen::{Cx, Flow, Ui};
use crate::tui::screens::card::view::{FULL_WIDTH, list_table};
use crate::tui::screens::window::Window;
use crate::tui::widgets::list_cursor::ListCursor;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Paragraph;

#[derive(Default)]
pub struct AuditTab {
    /// None until the rows arrive.
    rows: Option<Vec<AuditEntry>>,
    list: ListCursor,
}

impl CardTab for AuditTab {
    fn title(&self) -> &'static str {
        "Audit"
    }

    fn load(&mut self, customer: i64, cx: &mut Cx) {
        cx.run(Effect::LoadAudit(customer));
    }

    /// Every change to a customer writes an audit row.
    fn stale_after(&self, changes: &Changes, customer: i64) -> bool {
        Topic::ALL.iter().any(|t| changes.concerns(*t, customer))
    }

    fn on_action(&mut self, action: Action, data: &CardData, cx: &mut Cx) -> Flow {
        let rows = self.rows.as_deref().unwrap_or(&[]);
        if self.list.act(action, rows.len()) {
            return Flow::Done;
        }
        match action {
            Action::Open => {
                if let Some(e) = rows.get(self.list.cursor) {
                    let currency = data.customer.currency;
                    let body = serde_json::from_str::<serde_json::Value>(&e.data)
                        .and_then(|v| serde_json::to_string_pretty(&readable(&v, currency)))
                        .unwrap_or_else(|_| e.data.clone());
                    // Every field on a line of its own: a title is cut at 80 columns,
                    // and the IP is what the table drops first.
                    let fields = [
                        ("When (UTC)", e.at.as_str()),
                        ("Operator", e.operator.as_str()),
                        ("IP", e.ip.as_str()),
                        ("Host", e.host.as_str()),
                        ("Database role", e.db_role.as_str()),
                        ("Message", e.message.as_str()),
                    ];
                    let mut text =
                        format!("Action         {} {} #{}\n", e.action, e.table, e.row_id);
                    for (label, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
                        text.push_str(&format!("{label:<15}{value}\n"));
                    }
                    text.push_str(&format!("\n{body}"));
                    cx.open(Window::detail(
                        format!("Audit row #{} (Esc closes)", e.id),
                        text,
                    ));
                }
                Flow::Done
            }
            _ => Flow::Pass,
        }
    }

    fn on_reply(&mut self, reply: Reply, customer: i64, cx: &mut Cx) -> Option<Reply> {
        match reply {
            Reply::AuditLoaded(id, result) if id == customer => match result {
                Ok(rows) => {
                    self.list.clamp(rows.len());
                    self.rows = Some(rows);
                }
                Err(e) => cx.error(e),
            },
            other => return Some(other),
        }
        None
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, data: &CardData, _ui: &Ui) {
        let Some(rows) = &self.rows else {
            frame.render_widget(Paragraph::new("Loading…"), area);
            return;
        };
        let height = usize::from(area.height.saturating_sub(1));
        self.list.fit(height, rows.len());
        draw_audit(frame, area, rows, data.customer.currency, &self.list);
    }
}

fn draw_audit(
    frame: &mut Frame,
    area: Rect,
    rows: &[AuditEntry],
    currency: Currency,
    list: &ListCursor,
) {
    // Narrow, the IP and the table give way to the message and the change (Enter shows
    // every field of the row).
    let full = area.width >= FULL_WIDTH;
    let mut columns = vec![
        ("Date/Time (UTC)", Constraint::Length(16)),
        ("User", Constraint::Length(8)),
    ];
    if full {
        columns.push(("IP", Constraint::Length(13)));
    }
    columns.push(("Action", Constraint::Length(6)));
    if full {
        columns.push(("Table", Constraint::Length(14)));
    }
    columns.extend([
        ("Message", Constraint::Fill(1)),
        ("Data (Enter)", Constraint::Fill(1)),
    ]);
    let table = list_table(area, &columns, rows, (list.cursor, list.offset), |e| {
        let mut cells = vec![
            e.at.get(..16).unwrap_or(&e.at).replace('T', " "),
            e.operator.clone(),
        ];
        if full {
            cells.push(e.ip.clone());
        }
        cells.push(e.action.clone());
        if full {
            cells.push(format!("{} #{}", e.table, e.row_id));
        }
        cells.extend([e.message.clone(), changed_fields(&e.data, currency)]);
        cells
    });
    frame.render_widget(table, area);
}

/// "status: active → inactive" style summary of an audit row's JSON difference, values as
/// people read them.
fn changed_fields(data: &str, currency: Currency) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(data) else {
        return String::new();
    };
    let serde_json::Value::Object(map) = readable(&value, currency) else {
        return String::new();
    };
    let changes: Vec<String> = map
        .iter()
        .filter_map(|(k, v)| {
            let old = v.get("old")?;
            let new = v.get("new")?;
            Some(format!("{k}: {} → {}", plain(old), plain(new)))
        })
        .collect();
    if changes.is_empty() {
        format!("{} fields", map.len())
    } else {
        changes.join(", ")
    }
}

fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
