//! The bulk-edit form: a few fields set the same way on every marked customer. A field
//! left empty (or "unchanged") stays as it is on each of them.

use crate::domain::{BulkEdit, Field, InvoiceSchedule, Status};
use crate::tui::widgets::input::TextInput;
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkField {
    Status,
    Channels,
    Cps,
    PortalAccess,
    DebitLimit,
    Tax,
    TagsAdd,
    TagsRemove,
    InvoiceSchedule,
    RateCard,
}

impl BulkField {
    pub const ALL: [BulkField; 10] = [
        BulkField::Status,
        BulkField::Channels,
        BulkField::Cps,
        BulkField::PortalAccess,
        BulkField::DebitLimit,
        BulkField::Tax,
        BulkField::TagsAdd,
        BulkField::TagsRemove,
        BulkField::InvoiceSchedule,
        BulkField::RateCard,
    ];

    pub fn label(self) -> &'static str {
        match self {
            BulkField::Status => "Status",
            BulkField::Channels => "Channels",
            BulkField::Cps => "CPS",
            BulkField::PortalAccess => "Portal access",
            BulkField::DebitLimit => "Debit limit",
            BulkField::Tax => "Tax %",
            BulkField::TagsAdd => "Add tags",
            BulkField::TagsRemove => "Remove tags",
            BulkField::InvoiceSchedule => "Invoice schedule",
            BulkField::RateCard => "Rate card",
        }
    }

    /// The customer field it sets, whose rules it is checked by.
    fn field(self) -> Field {
        match self {
            BulkField::Status => Field::Status,
            BulkField::Channels => Field::Channels,
            BulkField::Cps => Field::Cps,
            BulkField::PortalAccess => Field::PortalAccess,
            BulkField::DebitLimit => Field::DebitLimit,
            BulkField::Tax => Field::Tax,
            BulkField::TagsAdd | BulkField::TagsRemove => Field::Tags,
            BulkField::InvoiceSchedule => Field::InvoiceSchedule,
            BulkField::RateCard => Field::RateCard,
        }
    }

    /// Fields chosen from a few values (with "unchanged" among them) rather than typed.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            BulkField::Status | BulkField::PortalAccess | BulkField::InvoiceSchedule
        )
    }
}

pub struct BulkForm {
    pub ids: Vec<i64>,
    /// How many of `ids` the board's search or filters hide: said, so nobody edits them unseen.
    pub hidden: usize,
    pub focus: usize,
    inputs: Vec<TextInput>,
    pub status: Option<Status>,
    pub portal_access: Option<bool>,
    pub invoice_schedule: Option<InvoiceSchedule>,
    /// Why the last preview was refused.
    pub error: Option<String>,
    /// The rules the fields break as typed, checked on each change as the single form's
    /// are: what reads the same for every customer (a debit limit's decimals depend on
    /// each one's currency, and the preview names those).
    pub broken: Vec<(BulkField, String)>,
    pub waiting: bool,
    /// Esc was pressed with fields set: a second Esc discards them.
    pub confirm_discard: bool,
}

impl BulkForm {
    pub fn new(ids: Vec<i64>, hidden: usize) -> BulkForm {
        BulkForm {
            ids,
            hidden,
            focus: 0,
            inputs: BulkField::ALL
                .iter()
                .map(|_| TextInput::default())
                .collect(),
            status: None,
            portal_access: None,
            invoice_schedule: None,
            error: None,
            broken: Vec::new(),
            waiting: false,
            confirm_discard: false,
        }
    }

    /// The form with `edit`'s fields filled in (the palette's `set status inactive`).
    pub fn with_edit(ids: Vec<i64>, hidden: usize, edit: &BulkEdit) -> BulkForm {
        let mut form = BulkForm::new(ids, hidden);
        form.status = edit.status;
        form.portal_access = edit.portal_access;
        form.invoice_schedule = edit.invoice_schedule;
        let texts = [
            (BulkField::Channels, edit.channels.clone()),
            (BulkField::Cps, edit.cps.clone()),
            (BulkField::DebitLimit, edit.debit_limit.clone()),
            (BulkField::Tax, edit.tax.clone()),
            (BulkField::RateCard, edit.rate_card.clone()),
            (BulkField::TagsAdd, Some(edit.tags_add.join(", "))),
            (BulkField::TagsRemove, Some(edit.tags_remove.join(", "))),
        ];
        for (f, text) in texts {
            if let (Some(i), Some(text)) = (BulkField::ALL.iter().position(|x| *x == f), text) {
                form.inputs[i].set_text(&text);
            }
        }
        form.changed();
        form
    }

    pub fn focused(&self) -> BulkField {
        BulkField::ALL[self.focus]
    }

    pub fn next_field(&mut self, step: isize) {
        let n = BulkField::ALL.len() as isize;
        self.focus = (self.focus as isize + step).rem_euclid(n) as usize;
    }

    fn text(&self, f: BulkField) -> String {
        let i = BulkField::ALL.iter().position(|x| *x == f).unwrap_or(0);
        self.inputs[i].text().trim().to_string()
    }

    pub fn input(&self, f: BulkField) -> &TextInput {
        let i = BulkField::ALL.iter().position(|x| *x == f).unwrap_or(0);
        &self.inputs[i]
    }

    /// ← → : cycle a choice (through "unchanged"), or move in text.
    pub fn step(&mut self, forward: bool, key: KeyEvent) {
        match self.focused() {
            BulkField::Status => {
                self.status = cycle(&Status::ALL, self.status, forward);
            }
            BulkField::PortalAccess => {
                self.portal_access = cycle(&[true, false], self.portal_access, forward);
            }
            BulkField::InvoiceSchedule => {
                self.invoice_schedule =
                    cycle(&InvoiceSchedule::ALL, self.invoice_schedule, forward);
            }
            _ => self.key(key),
        }
        self.changed();
    }

    /// After any change: the last refusal no longer holds, the fields are checked again.
    fn changed(&mut self) {
        self.error = None;
        self.confirm_discard = false;
        let edit = self.edit();
        let errors = edit
            .check()
            .err()
            .unwrap_or_default()
            .into_iter()
            .chain(edit.tags_both_ways().err());
        self.broken = errors
            .map(|e| {
                let on = BulkField::ALL
                    .into_iter()
                    .find(|f| f.field().name() == e.field)
                    .unwrap_or(BulkField::Status);
                (on, e.message)
            })
            .collect();
    }

    /// The rule the field breaks as typed, if any.
    pub fn broken(&self, f: BulkField) -> Option<&str> {
        self.broken
            .iter()
            .find(|(on, _)| *on == f)
            .map(|(_, m)| m.as_str())
    }

    /// Typing into the focused text field; on a choice, a letter picks the next value
    /// that starts with it (`i` Inactive, `p` Pending then Penalty), as a select box does.
    pub fn key(&mut self, key: KeyEvent) {
        if self.focused().is_choice() {
            if let KeyCode::Char(c) = key.code {
                self.pick(c);
                self.changed();
            }
        } else if self.inputs[self.focus].key(key) {
            self.changed();
        }
    }

    fn pick(&mut self, c: char) {
        match self.focused() {
            BulkField::Status => {
                self.status = pick(&Status::ALL, self.status, c, |s| s.label());
            }
            BulkField::PortalAccess => {
                self.portal_access = pick(&[true, false], self.portal_access, c, |b| {
                    if b { "yes" } else { "no" }
                });
            }
            BulkField::InvoiceSchedule => {
                self.invoice_schedule =
                    pick(&InvoiceSchedule::ALL, self.invoice_schedule, c, |s| s.key());
            }
            _ => {}
        }
    }

    pub fn paste(&mut self, text: &str) {
        if !self.focused().is_choice() && self.inputs[self.focus].paste(text) {
            self.changed();
        }
    }

    /// What a choice shows.
    pub fn choice_text(&self, f: BulkField) -> String {
        let unchanged = || "(unchanged)".to_string();
        match f {
            BulkField::Status => self.status.map_or_else(unchanged, |s| s.label().into()),
            BulkField::PortalAccess => self
                .portal_access
                .map_or_else(unchanged, |b| if b { "yes" } else { "no" }.into()),
            BulkField::InvoiceSchedule => self
                .invoice_schedule
                .map_or_else(unchanged, |s| s.key().into()),
            _ => String::new(),
        }
    }

    /// The edit the form describes; empty when nothing is set.
    pub fn edit(&self) -> BulkEdit {
        let some = |f: BulkField| Some(self.text(f)).filter(|t| !t.is_empty());
        let tags = |f: BulkField| {
            self.text(f)
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        };
        BulkEdit {
            channels: some(BulkField::Channels),
            status: self.status,
            cps: some(BulkField::Cps),
            portal_access: self.portal_access,
            debit_limit: some(BulkField::DebitLimit),
            tax: some(BulkField::Tax),
            tags_add: tags(BulkField::TagsAdd),
            tags_remove: tags(BulkField::TagsRemove),
            invoice_schedule: self.invoice_schedule,
            rate_card: some(BulkField::RateCard),
        }
    }
}

/// The value after `now` (None: "unchanged") whose label starts with `c`, ignoring case,
/// going round; `now` when no label does.
fn pick<T: Copy + PartialEq>(
    all: &[T],
    now: Option<T>,
    c: char,
    label: impl Fn(T) -> &'static str,
) -> Option<T> {
    let starts = |v: Option<T>| {
        v.map_or("unchanged", &label)
            .chars()
            .next()
            .is_some_and(|first| first.eq_ignore_ascii_case(&c))
    };
    let values: Vec<Option<T>> = std::iter::once(None)
        .chain(all.iter().copied().map(Some))
        .collect();
    let at = values.iter().position(|v| *v == now).unwrap_or(0);
    (1..=values.len())
        .map(|step| values[(at + step) % values.len()])
        .find(|v| starts(*v))
        .unwrap_or(now)
}

/// The next value of a choice whose first position is "unchanged" (None).
fn cycle<T: Copy + PartialEq>(all: &[T], now: Option<T>, forward: bool) -> Option<T> {
    let n = all.len() + 1;
    let i = now
        .and_then(|v| all.iter().position(|x| *x == v))
        .map_or(0, |p| p + 1);
    let j = if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    };
    (j > 0).then(|| all[j - 1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn only_the_fields_given_are_set() {
        let mut f = BulkForm::new(vec![1, 2], 0);
        assert!(f.edit().is_empty());
        let right = KeyEvent::new(KeyCode::Right, KeyModifiers::NONE);
        f.step(true, right); // Status: Active
        f.focus = 1;
        for c in "40".chars() {
            f.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let e = f.edit();
        assert_eq!(e.status, Some(Status::Active));
        assert_eq!(e.channels.as_deref(), Some("40"));
        assert_eq!(e.cps, None);
        f.focus = 0;
        for _ in 0..4 {
            f.step(true, right);
        }
        assert_eq!(f.status, None, "a full turn comes back to unchanged");
    }

    #[test]
    fn a_letter_picks_the_next_choice_that_starts_with_it() {
        let mut f = BulkForm::new(vec![1], 0);
        let letter = |f: &mut BulkForm, c: char| {
            f.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        };
        letter(&mut f, 'i');
        assert_eq!(f.status, Some(Status::Inactive));
        letter(&mut f, 'p');
        assert_eq!(f.status, Some(Status::Pending));
        letter(&mut f, 'P');
        assert_eq!(f.status, Some(Status::Penalty));
        letter(&mut f, 'p');
        assert_eq!(f.status, Some(Status::Pending), "round again");
        letter(&mut f, 'z');
        assert_eq!(f.status, Some(Status::Pending), "nothing starts with z");
        letter(&mut f, 'u');
        assert_eq!(f.status, None, "u: unchanged");
        f.focus = 3;
        letter(&mut f, 'n');
        assert_eq!(f.portal_access, Some(false));
    }
}
