//! The portal view (L on a contact, the web console's "Portal Login"): the customer portal
//! as that contact sees it, read-only and framed apart so nobody takes it for the staff
//! view. What it shows comes from the service's `PortalView`, which leaves out what staff
//! keep to themselves (private notes).

use super::window::Window;
use crate::domain::summary::{Period, hms, mss};
use crate::service::PortalView;

/// The preview's window.
pub fn portal_window(view: &PortalView) -> Window {
    let c = &view.customer;
    let money = |minor: i64| format!("{} {}", c.currency.display(minor), c.currency);
    let or_dash = |s: &str| {
        if s.trim().is_empty() {
            "-".to_string()
        } else {
            s.to_string()
        }
    };
    let mut lines = vec![
        "CUSTOMER PORTAL PREVIEW · read-only · what the customer sees, not the staff view"
            .to_string(),
        String::new(),
        c.name.clone(),
        format!("  Address      {}", or_dash(&c.address)),
        format!("  Website      {}", or_dash(&c.website)),
        format!("  Balance      {}", money(c.balance)),
        format!("  Available    {}", money(c.available())),
        format!("  Channels     {}", c.channels),
        String::new(),
        "Contacts".to_string(),
    ];
    for k in &view.contacts {
        let s = &k.spec;
        let primary = if k.is_primary { " (primary)" } else { "" };
        lines.push(format!("  {}{primary}  {}", s.name, s.email));
        let numbers: Vec<&str> = [s.phone.as_str(), s.mobile.as_str()]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect();
        if !numbers.is_empty() {
            lines.push(format!("    {}", numbers.join(" · ")));
        }
        if !s.public_notes.trim().is_empty() {
            for note in s.public_notes.lines() {
                lines.push(format!("    {note}"));
            }
        }
    }
    lines.push(String::new());
    lines.push("Traffic, last days (UTC)".to_string());
    if view.daily.is_empty() {
        lines.push("  No calls in the last days.".into());
    } else {
        lines.push(format!(
            "  {:<12}{:>9}{:>11}{:>7}{:>7}{:>11}{:>14}",
            "Date", "Attempts", "Connected", "ASR", "ACD", "Duration", "Charge"
        ));
        for row in &view.daily {
            let t = &row.traffic;
            let asr = t.asr().map_or("-".into(), |a| format!("{a:.1}%"));
            let acd = t.acd().map_or("-".into(), mss);
            lines.push(format!(
                "  {:<12}{:>9}{:>11}{:>7}{:>7}{:>11}{:>14}",
                Period::Daily.label(row.start),
                t.attempts,
                t.connected,
                asr,
                acd,
                hms(t.duration_s),
                format!("{} {}", c.currency.show(t.charge, None), c.currency)
            ));
        }
    }
    Window::apart(
        format!(
            "Portal as {} <{}> sees it (Esc closes)",
            view.contact.spec.name, view.contact.spec.email
        ),
        lines.join("\n"),
    )
}
