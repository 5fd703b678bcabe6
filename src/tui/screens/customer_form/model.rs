//! The add / edit customer form: the web console's tabs Basic, Config and Verification,
//! text fields that edit like text fields, every rule checked as you type (by the domain's
//! `CustomerDraft`, the same rules as bulk upload and the command line), and the three
//! save options.

use crate::domain::draft::changed_fields;
use crate::domain::{Customer, CustomerDraft, Field, FieldError, InvoiceSchedule, Status};
use crate::tui::screens::field_form::FormCore;
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::save_flow::SaveOption;
use crossterm::event::KeyEvent;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormTab {
    Basic,
    Config,
    Verification,
}

impl FormTab {
    pub const ALL: [FormTab; 3] = [FormTab::Basic, FormTab::Config, FormTab::Verification];

    pub fn title(self) -> &'static str {
        match self {
            FormTab::Basic => "Basic",
            FormTab::Config => "Config",
            FormTab::Verification => "Verification",
        }
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            FormTab::Basic => &[
                Field::Name,
                Field::Status,
                Field::DebitLimit,
                Field::MinimumPayment,
                Field::Tax,
                Field::Currency,
                Field::Channels,
                Field::Cps,
                Field::PortalAccess,
            ],
            FormTab::Config => &[
                Field::PaypalEmail,
                Field::Website,
                Field::Address,
                Field::Tags,
                Field::Vars,
                Field::InvoiceSchedule,
                Field::InvoiceDueDays,
                Field::AccountCode,
                Field::Rate,
                Field::BillingIncrement,
                Field::TechPrefixes,
                Field::RateCard,
            ],
            FormTab::Verification => &[
                Field::EmailVerification,
                Field::MobileVerification,
                Field::ApprovedClisOnly,
            ],
        }
    }
}

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Several lines (the TOML vars): Enter starts a new line.
    Lines,
    /// Yes or no: Space or ← → flips it.
    Toggle,
    /// One of a few values: ← → cycle.
    Choice,
    /// Shown, not editable (the currency of an existing customer).
    Fixed,
}

pub struct CustomerForm {
    /// The customer as loaded (None when adding): its version is what the save checks.
    pub original: Option<Customer>,
    pub draft: CustomerDraft,
    inputs: HashMap<Field, TextInput>,
    pub tab: FormTab,
    /// The focused field (an index into the tab's fields), the rules' verdicts by field
    /// name, and the save flow (a conflict shows their version beside ours).
    pub core: FormCore<Customer>,
}

impl CustomerForm {
    /// The save options offered: a new customer is saved now (a scheduled change applies
    /// to a customer that exists).
    pub fn save_options(&self) -> &'static [SaveOption] {
        if self.is_new() {
            SaveOption::NOW
        } else {
            &SaveOption::ALL
        }
    }

    pub fn add() -> CustomerForm {
        CustomerForm::with(None, CustomerDraft::blank())
    }

    pub fn edit(c: &Customer) -> CustomerForm {
        CustomerForm::with(Some(c.clone()), CustomerDraft::from_customer(c))
    }

    fn with(original: Option<Customer>, draft: CustomerDraft) -> CustomerForm {
        let inputs = Field::ALL
            .into_iter()
            .filter(|f| matches!(kind(*f, original.is_some()), Kind::Text | Kind::Lines))
            .map(|f| {
                let text = draft.text(f);
                let input = if kind(f, original.is_some()) == Kind::Lines {
                    TextInput::lines(&text)
                } else {
                    TextInput::line(&text)
                };
                (f, input)
            })
            .collect();
        let mut form = CustomerForm {
            original,
            draft,
            inputs,
            tab: FormTab::Basic,
            core: FormCore::default(),
        };
        form.revalidate();
        form
    }

    pub fn is_new(&self) -> bool {
        self.original.is_none()
    }

    pub fn kind(&self, f: Field) -> Kind {
        kind(f, !self.is_new())
    }

    /// Moves to the field called `name` (`Field::name()`), on whichever tab it is.
    pub fn focus_on(&mut self, name: &str) {
        for tab in FormTab::ALL {
            if let Some(i) = tab.fields().iter().position(|f| f.name() == name) {
                self.tab = tab;
                self.core.focus = i;
            }
        }
    }

    pub fn focused(&self) -> Field {
        let fields = self.tab.fields();
        fields[self.core.focus.min(fields.len() - 1)]
    }

    pub fn input(&self, f: Field) -> Option<&TextInput> {
        self.inputs.get(&f)
    }

    /// The first rule a field breaks now, if any.
    pub fn error(&self, f: Field) -> Option<&str> {
        self.core
            .errors
            .iter()
            .find(|e| e.field == f.name())
            .map(|e| e.message.as_str())
    }

    /// How many fields of a tab break a rule (shown on the tab, so no error hides).
    pub fn errors_in(&self, tab: FormTab) -> usize {
        tab.fields()
            .iter()
            .filter(|f| self.error(**f).is_some())
            .count()
    }

    pub fn next_field(&mut self, step: isize) {
        let n = self.tab.fields().len() as isize;
        self.core.focus = (self.core.focus as isize + step).rem_euclid(n) as usize;
    }

    pub fn next_tab(&mut self, step: isize) {
        let i = FormTab::ALL
            .iter()
            .position(|t| *t == self.tab)
            .unwrap_or(0) as isize;
        self.tab = FormTab::ALL[(i + step).rem_euclid(3) as usize];
        self.core.focus = 0;
    }

    /// ← → on the focused field: cycle a choice, flip a toggle, move in text.
    pub fn step(&mut self, forward: bool, key: KeyEvent) {
        let f = self.focused();
        match self.kind(f) {
            Kind::Choice => {
                match f {
                    Field::Status => {
                        self.draft.status = if forward {
                            self.draft.status.next()
                        } else {
                            self.draft.status.prev()
                        }
                    }
                    _ => {
                        self.draft.invoice_schedule =
                            cycle_schedule(self.draft.invoice_schedule, forward)
                    }
                }
                self.changed();
            }
            Kind::Toggle => self.flip(),
            Kind::Text | Kind::Lines => self.key(key),
            Kind::Fixed => {}
        }
    }

    pub fn flip(&mut self) {
        let f = self.focused();
        if self.kind(f) == Kind::Toggle {
            let now = self.draft.text(f) == "yes";
            let _ = self.draft.set(f, if now { "no" } else { "yes" });
            self.changed();
        }
    }

    /// A key for the focused text field (typing, deleting, moving the cursor).
    pub fn key(&mut self, key: KeyEvent) {
        let f = self.focused();
        if let Some(input) = self.inputs.get_mut(&f) {
            if input.key(key) {
                let text = input.text();
                let _ = self.draft.set(f, &text);
                self.changed();
            }
        } else if self.kind(f) == Kind::Toggle && key.code == crossterm::event::KeyCode::Char(' ') {
            self.flip();
        }
    }

    /// Pasted text goes into the focused text field; one-line fields take it on one line.
    pub fn paste(&mut self, text: &str) {
        let f = self.focused();
        if let Some(input) = self.inputs.get_mut(&f)
            && input.paste(text)
        {
            let text = input.text();
            let _ = self.draft.set(f, &text);
            self.changed();
        }
    }

    fn changed(&mut self) {
        self.core.flow.edited();
        self.revalidate();
    }

    fn revalidate(&mut self) {
        self.core.errors = match self.draft.validate(self.original.as_ref()) {
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        };
    }

    /// The customer the form describes, or the rules it breaks.
    pub fn customer(&self) -> Result<Customer, Vec<FieldError>> {
        self.draft.validate(self.original.as_ref())
    }

    /// Whether anything differs from what was loaded (or from a blank form).
    pub fn is_dirty(&self) -> bool {
        match (&self.original, self.customer()) {
            (Some(original), Ok(c)) => changed_fields(original, &c)
                .as_object()
                .is_some_and(|m| !m.is_empty()),
            (Some(original), Err(_)) => CustomerDraft::from_customer(original) != self.draft,
            (None, _) => self.draft != CustomerDraft::blank(),
        }
    }

    /// After a save with "Save and Stay": a fresh form when adding, the saved customer when
    /// editing (its new version is what the next save checks).
    pub fn stay_after(&mut self, saved: &Customer) {
        let (tab, focus) = (self.tab, self.core.focus);
        *self = if self.is_new() {
            CustomerForm::add()
        } else {
            // The operator goes on editing where they were.
            let mut form = CustomerForm::edit(saved);
            form.core.focus = focus;
            form
        };
        self.tab = tab;
    }

    /// "Reload" in a conflict: their version, our edits dropped.
    pub fn take_theirs(&mut self) {
        if let Some(theirs) = self.core.flow.conflict.take() {
            let tab = self.tab;
            *self = CustomerForm::edit(&theirs);
            self.tab = tab;
        }
    }

    /// "Overwrite" in a conflict: our changed fields applied on their current row, so
    /// fields only they changed keep their value.
    pub fn ours_over_theirs(&mut self) -> Result<Customer, Vec<FieldError>> {
        let theirs = self.core.flow.conflict.take().map(|t| *t);
        let (Some(original), Some(theirs)) = (&self.original, theirs) else {
            return self.customer();
        };
        let mine = self.customer()?;
        let edited = crate::domain::draft::with_fields(&theirs, &changed_fields(original, &mine))?;
        self.original = Some(theirs);
        Ok(edited)
    }
}

fn kind(f: Field, existing: bool) -> Kind {
    match f {
        Field::Status | Field::InvoiceSchedule => Kind::Choice,
        Field::PortalAccess
        | Field::EmailVerification
        | Field::MobileVerification
        | Field::ApprovedClisOnly => Kind::Toggle,
        Field::Vars => Kind::Lines,
        Field::Currency if existing => Kind::Fixed,
        _ => Kind::Text,
    }
}

fn cycle_schedule(s: InvoiceSchedule, forward: bool) -> InvoiceSchedule {
    const ALL: [InvoiceSchedule; 4] = [
        InvoiceSchedule::None,
        InvoiceSchedule::Daily,
        InvoiceSchedule::Weekly,
        InvoiceSchedule::Monthly,
    ];
    let i = ALL.iter().position(|x| *x == s).unwrap_or(0);
    ALL[if forward { (i + 1) % 4 } else { (i + 3) % 4 }]
}

/// The value of a choice or toggle as shown.
pub fn shown(draft: &CustomerDraft, f: Field) -> String {
    match f {
        Field::Status => {
            Status::parse(&draft.text(f)).map_or(draft.text(f), |s| s.label().to_string())
        }
        _ => draft.text(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn a_new_customer_needs_a_name_and_a_currency() {
        let mut f = CustomerForm::add();
        assert!(f.error(Field::Name).is_some());
        for c in "Atlas Voice".chars() {
            f.key(key(c));
        }
        assert!(f.error(Field::Name).is_none());
        f.core.focus = 5; // currency
        for c in "EURO".chars() {
            f.key(key(c));
        }
        assert!(f.error(Field::Currency).is_some());
        f.key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        assert!(f.error(Field::Currency).is_none(), "{:?}", f.core.errors);
        assert!(f.customer().is_ok(), "{:?}", f.core.errors);
    }

    #[test]
    fn the_currency_of_an_existing_customer_is_fixed() {
        let c = Customer::new(crate::domain::Currency::parse("GBP").unwrap());
        let f = CustomerForm::edit(&Customer {
            name: "Ok".into(),
            ..c
        });
        assert_eq!(f.kind(Field::Currency), Kind::Fixed);
        assert!(f.input(Field::Currency).is_none());
    }
}
