//! The keymap is data: key handling, the help overlay and the hint bar are all read from
//! the one table below, so they cannot drift apart.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Defines `Context` and `Context::ALL` from one list, so that nothing that walks every
/// context (the duplicate-binding test, the palette) can leave a new one out.
macro_rules! contexts {
    ($($(#[doc = $doc:literal])* $name:ident,)+) => {
        /// Where the operator is; decides what a key means. Each screen names its own.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Context {
            $($(#[doc = $doc])* $name,)+
        }

        impl Context {
            pub const ALL: &[Context] = &[$(Context::$name,)+];
        }
    };
}

contexts! {
    /// Works everywhere unless a text field takes the key.
    Global,
    Board,
    /// Typing a search on the board.
    Search,
    Card,
    /// A form with a focused field.
    Form,
    /// A window with text to read (help, an audit row's difference, a report).
    Popup,
    /// The command palette, with its query being typed.
    Palette,
    /// The board's column chooser.
    Columns,
    /// The Summary tab's grid of cells.
    Grid,
    /// A question with a text field.
    Prompt,
    /// The save options of the customer form.
    SaveMenu,
    /// Another operator saved the customer first.
    Conflict,
    /// Typing the board's filter line.
    FilterLine,
    /// The bulk-edit form.
    BulkForm,
    /// A pop-up list that can be acted on (a preview, a check, scheduled changes).
    List,
    /// The shared settings, one under the cursor.
    Settings,
    /// Typing a setting's value, or the key of a setting to add.
    SettingEdit,
    /// A yes/no question (unset a setting? release a number block?).
    Confirm,
    /// The card's Main tab: its number blocks.
    CardMain,
    /// The card's SIP users tab.
    SipUsers,
    /// The card's Contacts tab.
    Contacts,
    /// A form of one page of fields (SIP user, contact).
    FieldForm,
    /// The save options of such a form.
    FieldSaveMenu,
    /// Global contacts: every contact of every customer, searched as typed.
    ContactList,
    /// Writing an email or SMS to contacts, and its preview.
    SendForm,
    /// The email log: the outbox's queue and last day.
    EmailLog,
    /// The rate cards.
    RateCards,
    /// The rows of a rate card in force now.
    RateCard,
    /// Typing a search of a rate card's rows, or a number to price.
    RateCardInput,
}

/// What a key asks for: the screen on top carries it out, or passes it down the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Back,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Search,
    SearchDone,
    StatusFilter,
    SortNext,
    SortReverse,
    NextTab,
    PrevTab,
    /// A card tab by its number from 0; the keymap reads it off the digit typed.
    Tab(u8),
    Edit,
    Refresh,
    Palette,
    Mark,
    MarkAll,
    Columns,
    /// Toggle the entry under the cursor (a checkbox, a column).
    Toggle,
    /// Move the entry under the cursor up / down (reorder).
    ShiftUp,
    ShiftDown,
    ExtendUp,
    ExtendDown,
    ExtendLeft,
    ExtendRight,
    Visual,
    SelectRow,
    SelectColumn,
    SelectAll,
    /// Select the rows of the last whole ISO week, or month.
    SelectLastWeek,
    SelectLastMonth,
    Copy,
    CopyHeaders,
    CopyGroups,
    Export,
    TickRow,
    ImportCdrs,
    CdrReport,
    PrevView,
    NextView,
    NextField,
    PrevField,
    NextFormTab,
    PrevFormTab,
    SaveContinue,
    SaveStay,
    SaveDelay,
    /// In a conflict: take the other operator's version, drop ours.
    TakeTheirs,
    Overwrite,
    Add,
    Delete,
    FilterLine,
    BulkUpload,
    ScheduledChanges,
    /// List the calls that matched no customer.
    UnmatchedCdrs,
    /// List the calls rating could not price or cost.
    UnratedCdrs,
    CancelItem,
    /// Try the failed item under the cursor again (a scheduled change).
    RetryItem,
    /// Open the shared settings.
    Settings,
    /// Set the password of the SIP user or contact under the cursor.
    SetPassword,
    /// Make the contact under the cursor its customer's primary one.
    BecomePrimary,
    /// The customer portal as the contact under the cursor sees it.
    PortalLogin,
    /// Every contact of every customer.
    GlobalContacts,
    /// Write to the contacts of the marked customers (or the one shown).
    SendEmail,
    SendSms,
    /// The outbox: what was sent, what waits, what failed.
    EmailLog,
    /// The rate cards and their rows.
    RateCards,
    /// Type a number and see which row prices it.
    PriceNumber,
    /// Generate a contact's portal password and mail it to the contact.
    MailPassword,
    /// Send a test message at once and say what the server answered.
    TestEmail,
    TestSms,
    Left,
    Right,
    Submit,
    /// Complete the file name being typed.
    Complete,
    /// Keep the board's filter line under a name, to be typed as `@name`.
    SaveFilter,
    /// The line's previous entry (Ctrl-P, as in a shell), or its next one (Ctrl-N).
    Older,
    Newer,
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in help and hints.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// A word or two for the hint bar; empty keeps the binding to the `?` help only.
    pub hint: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
use KeyCode::{BackTab, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};

macro_rules! bind {
    ($ctx:ident, [$($k:expr),+], $label:literal, $action:expr, $help:literal, $hint:literal) => {
        Binding { context: Context::$ctx, keys: &[$($k),+], label: $label, action: $action, help: $help, hint: $hint }
    };
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    bind!(Board, [(Enter, NONE)], "Enter", Action::Open, "open the customer's card", "open"),
    bind!(Board, [(Char('/'), NONE)], "/", Action::Search, "search name, id, account code, contact email or phone (#64: customer 64 only)", "search"),
    bind!(Board, [(Char('f'), NONE)], "f", Action::StatusFilter, "cycle the status filter", "status filter"),
    bind!(Board, [(Char('s'), NONE)], "s", Action::SortNext, "sort by the next column", "sort"),
    bind!(Board, [(Char('S'), NONE)], "S", Action::SortReverse, "reverse the sort", ""),
    bind!(Board, [(Char('<'), NONE), (Left, NONE)], "< / ←", Action::Left, "scroll the columns left (the title line says how many are hidden: ‹ +1 columns +3 ›)", ""),
    bind!(Board, [(Char('>'), NONE), (Right, NONE)], "> / →", Action::Right, "scroll the columns right", ""),
    bind!(Board, [(Char('F'), NONE)], "F", Action::FilterLine, "filter line: status:active channels>=30 tag:wholesale currency:EUR balance<0", "filter"),
    bind!(Board, [(Char('a'), NONE), (Char('+'), NONE)], "a/+", Action::Add, "add a customer", "add"),
    bind!(Board, [(Char('e'), NONE)], "e", Action::Edit, "edit the customer, or bulk-edit the marked ones", "edit"),
    bind!(Board, [(Char('d'), NONE), (KeyCode::Delete, NONE)], "d", Action::Delete, "delete the customer or the marked ones (asks first)", ""),
    bind!(Board, [(Char(' '), NONE)], "Space", Action::Mark, "mark or unmark the customer", "mark"),
    bind!(Board, [(Char('a'), CTRL)], "Ctrl-A", Action::MarkAll, "mark all shown (again: unmark them)", ""),
    bind!(Board, [(Char('r'), CTRL)], "Ctrl-R", Action::Refresh, "reload from the database", ""),
    bind!(Board, [(Esc, NONE)], "Esc", Action::Back, "clear the search; without one, clear the marks", ""),
    bind!(Search, [(Enter, NONE)], "Enter", Action::SearchDone, "keep the search and go back to the list", "done"),
    bind!(Search, [(Esc, NONE)], "Esc", Action::Back, "clear the search", "clear"),
    bind!(Search, [(Char('p'), CTRL)], "Ctrl-P", Action::Older, "the previous search entered (kept across restarts)", ""),
    bind!(Search, [(Char('n'), CTRL)], "Ctrl-N", Action::Newer, "the next search entered, then what was typed", ""),
    bind!(Search, [(Up, NONE)], "↑", Action::Up, "move up", ""),
    bind!(Search, [(Down, NONE)], "↓", Action::Down, "move down", ""),
    bind!(Card, [(Tab, NONE)], "Tab", Action::NextTab, "next tab", "next tab"),
    bind!(Card, [(BackTab, NONE)], "Shift-Tab", Action::PrevTab, "previous tab", ""),
    // The card lists its tabs by number under these (the tabs are a list: see card/tabs).
    bind!(Card, [(Char('1'), NONE), (Char('2'), NONE), (Char('3'), NONE), (Char('4'), NONE), (Char('5'), NONE), (Char('6'), NONE), (Char('7'), NONE), (Char('8'), NONE), (Char('9'), NONE)], "1 2 …", Action::Tab(0), "a tab by its number:", ""),
    bind!(Card, [(Char('e'), NONE)], "e", Action::Edit, "edit the customer", "edit"),
    bind!(Card, [(Char('d'), NONE), (KeyCode::Delete, NONE)], "d", Action::Delete, "delete the customer (asks first)", ""),
    bind!(Card, [(Enter, NONE)], "Enter", Action::Open, "show the contact (Contacts tab) or the audit row's difference (Audit tab) in full", ""),
    bind!(Card, [(Char('r'), CTRL)], "Ctrl-R", Action::Refresh, "reload from the database", ""),
    bind!(Card, [(Esc, NONE)], "Esc", Action::Back, "back to the customers", "back"),
    bind!(CardMain, [(Char('a'), NONE), (Char('+'), NONE)], "a/+", Action::Add, "assign the next free number block to this customer", "assign block"),
    bind!(CardMain, [(Char('d'), NONE), (KeyCode::Delete, NONE)], "d", Action::Delete, "release the selected number block (asks first; a customer is deleted from the board or another tab)", "release block"),
    bind!(CardMain, [(Up, NONE), (Char('k'), NONE)], "↑/k", Action::Up, "previous number block", ""),
    bind!(CardMain, [(Down, NONE), (Char('j'), NONE)], "↓/j", Action::Down, "next number block", ""),
    bind!(SipUsers, [(Char('a'), NONE), (Char('+'), NONE)], "a/+", Action::Add, "add a SIP user", "add"),
    bind!(SipUsers, [(Char('e'), NONE), (Enter, NONE)], "e/Enter", Action::Edit, "edit the SIP user", "edit"),
    bind!(SipUsers, [(Char('d'), NONE), (KeyCode::Delete, NONE)], "d", Action::Delete, "delete the SIP user (asks first)", "delete"),
    bind!(SipUsers, [(Char('p'), NONE)], "p", Action::SetPassword, "set the SIP user's password: generated (shown once) or typed", "password"),
    bind!(Contacts, [(Char('a'), NONE), (Char('+'), NONE)], "a/+", Action::Add, "add a contact", "add"),
    bind!(Contacts, [(Char('e'), NONE)], "e", Action::Edit, "edit the contact", "edit"),
    bind!(Contacts, [(Char('d'), NONE), (KeyCode::Delete, NONE)], "d", Action::Delete, "delete the contact (asks first, and who takes over from a primary)", "delete"),
    bind!(Contacts, [(Char('p'), NONE)], "p", Action::BecomePrimary, "become primary: the contact is the customer's primary one", "primary"),
    bind!(Contacts, [(Char('P'), NONE)], "P", Action::SetPassword, "change the contact's portal password: generated (shown once) or typed", "password"),
    bind!(Contacts, [(Char('L'), NONE)], "L", Action::PortalLogin, "portal login: the customer portal as the contact sees it (audited)", "portal"),
    bind!(ContactList, [(Up, NONE)], "↑", Action::Up, "move up", ""),
    bind!(ContactList, [(Down, NONE)], "↓", Action::Down, "move down", ""),
    bind!(ContactList, [(PageUp, NONE)], "PgUp", Action::PageUp, "page up", ""),
    bind!(ContactList, [(PageDown, NONE)], "PgDn", Action::PageDown, "page down", ""),
    bind!(ContactList, [(Enter, NONE)], "Enter", Action::Open, "open the customer's card on the contact", "open"),
    bind!(ContactList, [(Char('s'), CTRL)], "Ctrl-S", Action::SortNext, "sort by the next column", "sort"),
    bind!(ContactList, [(Char('r'), CTRL)], "Ctrl-R", Action::SortReverse, "reverse the order", ""),
    bind!(ContactList, [(Esc, NONE)], "Esc", Action::Back, "close", "close"),
    bind!(SendForm, [(Tab, NONE)], "Tab", Action::NextField, "next field", "next field"),
    bind!(SendForm, [(BackTab, NONE)], "Shift-Tab", Action::PrevField, "previous field", ""),
    bind!(SendForm, [(Left, NONE)], "←", Action::Left, "the other messaging category (or move in text)", ""),
    bind!(SendForm, [(Right, NONE)], "→", Action::Right, "the other messaging category (or move in text)", ""),
    bind!(SendForm, [(Char('s'), CTRL), (Enter, NONE)], "Ctrl-S/Enter", Action::Submit, "preview: how many contacts get it, and the first message; again: queue it (in the message, Enter is a new line: use Ctrl-S)", "preview"),
    bind!(SendForm, [(Esc, NONE)], "Esc", Action::Back, "back from the preview, or cancel (asks first when something is written)", "cancel"),
    bind!(EmailLog, [(Enter, NONE)], "Enter", Action::Open, "the message in full, with the server's answer", "open"),
    bind!(EmailLog, [(Char(']'), NONE)], "]", Action::NextView, "only emails, only SMS, or both", "kind"),
    bind!(EmailLog, [(Char('f'), NONE)], "f", Action::StatusFilter, "only queued, sending, sent or failed messages, or all", "filter"),
    bind!(EmailLog, [(Char('r'), CTRL)], "Ctrl-R", Action::Refresh, "reload", ""),
    bind!(EmailLog, [(Esc, NONE)], "Esc", Action::Back, "close", "close"),
    bind!(RateCards, [(Enter, NONE)], "Enter", Action::Open, "the card's rows in force now", "open"),
    bind!(RateCards, [(Char('r'), CTRL)], "Ctrl-R", Action::Refresh, "reload", ""),
    bind!(RateCards, [(Esc, NONE)], "Esc", Action::Back, "close", "close"),
    bind!(RateCard, [(Char('/'), NONE)], "/", Action::Search, "search the rows: a prefix's first digits or words of the description", "search"),
    bind!(RateCard, [(Char('p'), NONE)], "p", Action::PriceNumber, "price a number: which row prices it now, answered as you type", "price"),
    bind!(RateCard, [(Char('r'), CTRL)], "Ctrl-R", Action::Refresh, "reload", ""),
    bind!(RateCard, [(Esc, NONE)], "Esc", Action::Back, "back to the cards (clears a search first)", "back"),
    bind!(RateCardInput, [(Enter, NONE)], "Enter", Action::SearchDone, "keep what is typed and go back to the rows", "done"),
    bind!(RateCardInput, [(Esc, NONE)], "Esc", Action::Back, "clear what is typed", "clear"),
    bind!(RateCardInput, [(Up, NONE)], "↑", Action::Up, "move up", ""),
    bind!(RateCardInput, [(Down, NONE)], "↓", Action::Down, "move down", ""),
    bind!(Grid, [(Left, NONE), (Char('h'), NONE)], "←/h", Action::Left, "cell to the left", ""),
    bind!(Grid, [(Right, NONE), (Char('l'), NONE)], "→/l", Action::Right, "cell to the right", ""),
    bind!(Grid, [(Up, SHIFT)], "Shift-↑", Action::ExtendUp, "extend the selection up", ""),
    bind!(Grid, [(Down, SHIFT)], "Shift-↓", Action::ExtendDown, "extend the selection down", ""),
    bind!(Grid, [(Left, SHIFT)], "Shift-←", Action::ExtendLeft, "extend the selection left", ""),
    bind!(Grid, [(Right, SHIFT)], "Shift-→", Action::ExtendRight, "extend the selection right", ""),
    bind!(Grid, [(Char('v'), NONE)], "v", Action::Visual, "start or end a selection; moving extends it", "select"),
    bind!(Grid, [(Char('V'), NONE)], "V", Action::SelectRow, "select the whole row", ""),
    bind!(Grid, [(Char('C'), NONE)], "C", Action::SelectColumn, "select the whole column", ""),
    bind!(Grid, [(Char('a'), CTRL)], "Ctrl-A", Action::SelectAll, "select every cell", ""),
    bind!(Grid, [(Char('w'), NONE)], "w", Action::SelectLastWeek, "select last week's rows (Monday to Sunday), ready for Y", ""),
    bind!(Grid, [(Char('m'), NONE)], "m", Action::SelectLastMonth, "select last month's rows, ready for Y", ""),
    bind!(Grid, [(Char('y'), NONE)], "y", Action::Copy, "copy the selection as TSV", "copy"),
    bind!(Grid, [(Char('Y'), NONE)], "Y", Action::CopyHeaders, "copy the selection with its header line", ""),
    bind!(Grid, [(Char(' '), NONE)], "Space", Action::TickRow, "tick the row in the Action column", ""),
    bind!(Grid, [(Char('D'), NONE)], "D", Action::CdrReport, "download the row's CDRs as CSV (UTC)", "CDRs"),
    bind!(Grid, [(Char('['), NONE)], "[", Action::PrevView, "previous view (24 Hours, Daily, Weekly, Monthly)", ""),
    bind!(Grid, [(Char(']'), NONE)], "]", Action::NextView, "next view (24 Hours, Daily, Weekly, Monthly)", "view"),
    bind!(Grid, [(Esc, NONE)], "Esc", Action::Back, "clear the selection, or back to the customers", ""),
    bind!(Form, [(Tab, NONE), (Down, NONE)], "Tab/↓", Action::NextField, "next field (↓ in Vars: the next line first)", "next field"),
    bind!(Form, [(BackTab, NONE), (Up, NONE)], "Shift-Tab/↑", Action::PrevField, "previous field (↑ in Vars: the line above first)", ""),
    bind!(Form, [(PageDown, NONE)], "PgDn", Action::NextFormTab, "next form tab (Basic, Config, Verification)", "tab"),
    bind!(Form, [(PageUp, NONE)], "PgUp", Action::PrevFormTab, "previous form tab", ""),
    bind!(Form, [(Left, NONE)], "←", Action::Left, "previous choice, flip a yes/no, or move in text", ""),
    bind!(Form, [(Right, NONE)], "→", Action::Right, "next choice, flip a yes/no, or move in text", ""),
    bind!(Form, [(Enter, NONE), (Char('s'), CTRL)], "Enter/Ctrl-S", Action::Submit, "save options (in Vars, Enter is a new line: use Ctrl-S)", "save"),
    bind!(Form, [(Esc, NONE)], "Esc", Action::Back, "cancel (asks again when there are changes)", "cancel"),
    bind!(FieldForm, [(Tab, NONE), (Down, NONE)], "Tab/↓", Action::NextField, "next field", "next field"),
    bind!(FieldForm, [(BackTab, NONE), (Up, NONE)], "Shift-Tab/↑", Action::PrevField, "previous field", ""),
    bind!(FieldForm, [(Left, NONE)], "←", Action::Left, "previous choice or codec, flip a yes/no, or move in text", ""),
    bind!(FieldForm, [(Right, NONE)], "→", Action::Right, "next choice or codec, flip a yes/no, or move in text", ""),
    bind!(FieldForm, [(Char(' '), NONE)], "Space", Action::Toggle, "tick a codec or a messaging category, flip a yes/no (in text: a space)", "tick"),
    bind!(FieldForm, [(Enter, NONE), (Char('s'), CTRL)], "Enter/Ctrl-S", Action::Submit, "save options", "save"),
    bind!(FieldForm, [(Esc, NONE)], "Esc", Action::Back, "cancel (asks again when there are changes)", "cancel"),
    bind!(FieldSaveMenu, [(Left, NONE), (BackTab, NONE)], "←", Action::Left, "previous option", ""),
    bind!(FieldSaveMenu, [(Right, NONE), (Tab, NONE)], "→", Action::Right, "next option", ""),
    bind!(FieldSaveMenu, [(Enter, NONE)], "Enter", Action::Submit, "use the highlighted option", "choose"),
    bind!(FieldSaveMenu, [(Char('c'), NONE)], "c", Action::SaveContinue, "Save and Continue: save, back to the card", "continue"),
    bind!(FieldSaveMenu, [(Char('s'), NONE)], "s", Action::SaveStay, "Save and Stay: save, keep the form open (a fresh one when adding)", "stay"),
    bind!(FieldSaveMenu, [(Esc, NONE)], "Esc", Action::Back, "back to the form", "back"),
    bind!(FieldSaveMenu, [(Char('?'), NONE)], "?", Action::Help, "this help", "help"),
    bind!(SaveMenu, [(Left, NONE), (BackTab, NONE)], "←", Action::Left, "previous option", ""),
    bind!(SaveMenu, [(Right, NONE), (Tab, NONE)], "→", Action::Right, "next option", ""),
    bind!(SaveMenu, [(Enter, NONE)], "Enter", Action::Submit, "use the highlighted option", "choose"),
    bind!(SaveMenu, [(Char('c'), NONE)], "c", Action::SaveContinue, "Save and Continue: save, back where you came from", "continue"),
    bind!(SaveMenu, [(Char('s'), NONE)], "s", Action::SaveStay, "Save and Stay: save, keep the form open", "stay"),
    bind!(SaveMenu, [(Char('d'), NONE)], "d", Action::SaveDelay, "Delay and Save: apply the change at a time you choose", "delay"),
    bind!(SaveMenu, [(Esc, NONE)], "Esc", Action::Back, "back to the form", "back"),
    bind!(Conflict, [(Char('r'), NONE)], "r", Action::TakeTheirs, "reload: take their version, drop your changes", "reload"),
    bind!(Conflict, [(Char('o'), NONE)], "o", Action::Overwrite, "overwrite: your changes on top of theirs", "overwrite"),
    bind!(Conflict, [(Esc, NONE), (Char('c'), NONE)], "Esc/c", Action::Back, "cancel: close the form, keep their version (Esc asks first; your changes are dropped)", "cancel"),
    bind!(FilterLine, [(Enter, NONE)], "Enter", Action::SearchDone, "keep the filter and go back to the list", "done"),
    bind!(FilterLine, [(Esc, NONE)], "Esc", Action::Back, "clear the filter", "clear"),
    bind!(FilterLine, [(Char('p'), CTRL)], "Ctrl-P", Action::Older, "the previous filter entered (kept across restarts)", ""),
    bind!(FilterLine, [(Char('n'), CTRL)], "Ctrl-N", Action::Newer, "the next filter entered, then what was typed", ""),
    bind!(FilterLine, [(Tab, NONE)], "Tab", Action::Complete, "complete a field's name, or a status, tag or currency the customers have (a field may be typed by any start no other shares: s:active ch<30 t:wholesale)", "complete"),
    bind!(FilterLine, [(Up, NONE)], "↑", Action::Up, "move up", ""),
    bind!(FilterLine, [(Down, NONE)], "↓", Action::Down, "move down", ""),
    bind!(BulkForm, [(Tab, NONE), (Down, NONE)], "Tab/↓", Action::NextField, "next field", "next field"),
    bind!(BulkForm, [(BackTab, NONE), (Up, NONE)], "Shift-Tab/↑", Action::PrevField, "previous field", ""),
    bind!(BulkForm, [(Left, NONE)], "←", Action::Left, "previous choice (one of them is unchanged)", ""),
    bind!(BulkForm, [(Right, NONE)], "→", Action::Right, "next choice (one of them is unchanged)", ""),
    bind!(BulkForm, [(Enter, NONE)], "Enter", Action::Submit, "preview every change", "preview"),
    bind!(BulkForm, [(Esc, NONE)], "Esc", Action::Back, "cancel", "cancel"),
    bind!(List, [(Up, NONE), (Char('k'), NONE)], "↑/k", Action::Up, "up", ""),
    bind!(List, [(Down, NONE), (Char('j'), NONE)], "↓/j", Action::Down, "down", ""),
    bind!(List, [(PageUp, NONE)], "PgUp", Action::PageUp, "page up", ""),
    bind!(List, [(PageDown, NONE)], "PgDn", Action::PageDown, "page down", ""),
    bind!(List, [(Enter, NONE)], "Enter", Action::Submit, "go ahead (apply, create), or show the line in full", "go ahead / show"),
    bind!(List, [(Char('x'), NONE)], "x", Action::CancelItem, "cancel the scheduled change under the cursor, or dismiss a failed one", ""),
    bind!(List, [(Char('r'), NONE)], "r", Action::RetryItem, "try the failed scheduled change under the cursor again, now", ""),
    bind!(List, [(Esc, NONE)], "Esc", Action::Back, "close", "close"),
    bind!(Settings, [(Char('e'), NONE), (Enter, NONE)], "e/Enter", Action::Edit, "edit the value in place, checked as you type", "edit"),
    bind!(Settings, [(Char('d'), NONE), (KeyCode::Delete, NONE)], "d/Del", Action::Delete, "unset the setting (asks first)", "unset"),
    bind!(Settings, [(Char('a'), NONE), (Char('+'), NONE)], "a/+", Action::Add, "add a setting of a family by its key (fx.USD.EUR: an exchange rate)", "add"),
    bind!(Settings, [(Char('r'), CTRL)], "Ctrl-R", Action::Refresh, "reload from the database", ""),
    bind!(Settings, [(Esc, NONE)], "Esc", Action::Back, "back", "back"),
    bind!(SettingEdit, [(Enter, NONE)], "Enter", Action::Submit, "save the value (refused while it breaks its rule); after a new key, go on to its value", "save"),
    bind!(SettingEdit, [(Esc, NONE)], "Esc", Action::Back, "cancel the edit, nothing saved", "cancel"),
    bind!(Confirm, [(Char('y'), NONE)], "y", Action::Submit, "yes, go ahead", "yes"),
    bind!(Confirm, [(Char('n'), NONE), (Esc, NONE)], "n/Esc", Action::Back, "no, leave it as it is (so does any other key)", "no"),
    bind!(Confirm, [(Char('?'), NONE)], "?", Action::Help, "this help", "help"),
    bind!(Prompt, [(Enter, NONE)], "Enter", Action::Submit, "go ahead with this answer", "ok"),
    bind!(Prompt, [(Esc, NONE)], "Esc", Action::Back, "cancel", "cancel"),
    bind!(Prompt, [(Char('g'), CTRL)], "Ctrl-G", Action::MailPassword, "a contact's portal password: generate one and mail it to the contact at once (set only when the mail server takes it)", ""),
    bind!(Prompt, [(Tab, NONE)], "Tab", Action::Complete, "complete the file name (Import CDRs, Bulk upload); again lists what fits", ""),
    bind!(Prompt, [(Char('p'), CTRL), (Up, NONE)], "Ctrl-P/↑", Action::Older, "the previous file path entered (Import CDRs, Bulk upload; kept across restarts)", ""),
    bind!(Prompt, [(Char('n'), CTRL), (Down, NONE)], "Ctrl-N/↓", Action::Newer, "the next file path entered, then what was typed", ""),
    bind!(Palette, [(Enter, NONE)], "Enter", Action::Submit, "run the command", "run"),
    bind!(Palette, [(Esc, NONE)], "Esc", Action::Back, "close the palette", "close"),
    bind!(Palette, [(Up, NONE)], "↑", Action::Up, "previous command", ""),
    bind!(Palette, [(Down, NONE)], "↓", Action::Down, "next command", ""),
    bind!(Palette, [(Char('p'), CTRL)], "Ctrl-P", Action::Older, "the previous command typed (kept across restarts)", ""),
    bind!(Palette, [(Char('n'), CTRL)], "Ctrl-N", Action::Newer, "the next command typed, then what was typed", ""),
    bind!(Columns, [(Char(' '), NONE)], "Space", Action::Toggle, "show or hide the column", "show/hide"),
    bind!(Columns, [(Up, SHIFT), (Char('K'), NONE)], "Shift-↑/K", Action::ShiftUp, "move the column left", "move"),
    bind!(Columns, [(Down, SHIFT), (Char('J'), NONE)], "Shift-↓/J", Action::ShiftDown, "move the column right", ""),
    bind!(Columns, [(Up, NONE), (Char('k'), NONE)], "↑/k", Action::Up, "previous column", ""),
    bind!(Columns, [(Down, NONE), (Char('j'), NONE)], "↓/j", Action::Down, "next column", ""),
    bind!(Columns, [(Home, NONE), (Char('g'), NONE)], "g/Home", Action::Top, "first column", ""),
    bind!(Columns, [(End, NONE), (Char('G'), NONE)], "G/End", Action::Bottom, "last column", ""),
    bind!(Columns, [(Enter, NONE)], "Enter", Action::Submit, "use and remember these columns", "save"),
    bind!(Columns, [(Esc, NONE)], "Esc", Action::Back, "cancel", "cancel"),
    bind!(Popup, [(Esc, NONE), (Char('q'), NONE), (Char('?'), NONE), (Enter, NONE)], "Esc", Action::Back, "close", "close"),
    bind!(Popup, [(Up, NONE), (Char('k'), NONE)], "↑/k", Action::Up, "scroll up", ""),
    bind!(Popup, [(Down, NONE), (Char('j'), NONE)], "↓/j", Action::Down, "scroll down", ""),
    bind!(Popup, [(PageUp, NONE)], "PgUp", Action::PageUp, "page up", ""),
    bind!(Popup, [(PageDown, NONE)], "PgDn", Action::PageDown, "page down", ""),
    bind!(Popup, [(Home, NONE), (Char('g'), NONE)], "g/Home", Action::Top, "to the top", ""),
    bind!(Popup, [(End, NONE), (Char('G'), NONE)], "G/End", Action::Bottom, "to the end", ""),
    bind!(List, [(Char('?'), NONE)], "?", Action::Help, "this help", "help"),
    bind!(Columns, [(Char('?'), NONE)], "?", Action::Help, "this help", "help"),
    bind!(SaveMenu, [(Char('?'), NONE)], "?", Action::Help, "this help", "help"),
    bind!(Conflict, [(Char('?'), NONE)], "?", Action::Help, "this help", "help"),
    bind!(Global, [(Up, NONE), (Char('k'), NONE)], "↑/k", Action::Up, "move up", ""),
    bind!(Global, [(Down, NONE), (Char('j'), NONE)], "↓/j", Action::Down, "move down", ""),
    bind!(Global, [(PageUp, NONE)], "PgUp", Action::PageUp, "page up", ""),
    bind!(Global, [(PageDown, NONE)], "PgDn", Action::PageDown, "page down", ""),
    bind!(Global, [(Home, NONE), (Char('g'), NONE)], "g/Home", Action::Top, "first row", ""),
    bind!(Global, [(End, NONE), (Char('G'), NONE)], "G/End", Action::Bottom, "last row", ""),
    bind!(Global, [(Char(':'), NONE)], ":", Action::Palette, "command palette: every action by name", "palette"),
    bind!(Global, [(Char('?'), NONE)], "?", Action::Help, "this help", "help"),
    bind!(Global, [(Char('q'), NONE), (Char('c'), CTRL)], "q", Action::Quit, "quit", "quit"),
];

/// The contexts whose bindings apply, most specific first.
pub fn chain(context: Context) -> &'static [Context] {
    match context {
        Context::Board => &[Context::Board, Context::Global],
        Context::Card => &[Context::Card, Context::Global],
        // Text is being typed: only the context's own keys, so letters reach the field.
        Context::Search => &[Context::Search],
        Context::Form => &[Context::Form],
        Context::Popup => &[Context::Popup],
        Context::Palette => &[Context::Palette],
        Context::Columns => &[Context::Columns],
        Context::Grid => &[Context::Grid, Context::Card, Context::Global],
        Context::Prompt => &[Context::Prompt],
        Context::SaveMenu => &[Context::SaveMenu],
        Context::Conflict => &[Context::Conflict],
        Context::FilterLine => &[Context::FilterLine],
        Context::BulkForm => &[Context::BulkForm],
        Context::List => &[Context::List],
        Context::Settings => &[Context::Settings, Context::Global],
        // Typing: only the context's own keys, so letters reach the field.
        Context::SettingEdit => &[Context::SettingEdit],
        Context::Confirm => &[Context::Confirm],
        Context::CardMain => &[Context::CardMain, Context::Card, Context::Global],
        Context::SipUsers => &[Context::SipUsers, Context::Card, Context::Global],
        Context::Contacts => &[Context::Contacts, Context::Card, Context::Global],
        // Typing searches: only the list's own keys, so letters reach the search.
        Context::ContactList => &[Context::ContactList],
        // Typing: only the form's own keys, so letters reach the field.
        Context::SendForm => &[Context::SendForm],
        Context::EmailLog => &[Context::EmailLog, Context::Global],
        Context::RateCards => &[Context::RateCards, Context::Global],
        Context::RateCard => &[Context::RateCard, Context::Global],
        // Typing: only the field's own keys, so digits and letters reach it.
        Context::RateCardInput => &[Context::RateCardInput],
        // Typing: only the form's own keys, so letters reach the field.
        Context::FieldForm => &[Context::FieldForm],
        Context::FieldSaveMenu => &[Context::FieldSaveMenu],
        Context::Global => &[Context::Global],
    }
}

/// Terminals differ on whether "G", "?" or Shift-Tab arrive with SHIFT set; the character
/// itself already says it, so SHIFT is ignored for characters and BackTab.
fn normalized(key: &KeyEvent) -> KeyModifiers {
    match key.code {
        KeyCode::Char(_) | KeyCode::BackTab => key.modifiers - KeyModifiers::SHIFT,
        _ => key.modifiers,
    }
}

fn matches(key: &KeyEvent, (code, mods): (KeyCode, KeyModifiers)) -> bool {
    key.code == code && normalized(key) == mods
}

/// The action a key has in a context, if any.
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    chain(context).iter().find_map(|ctx| {
        BINDINGS
            .iter()
            .filter(|b| b.context == *ctx)
            .find(|b| b.keys.iter().any(|k| matches(key, *k)))
            .map(|b| match (b.action, key.code) {
                (Action::Tab(_), Char(c @ '1'..='9')) => Action::Tab(c as u8 - b'1'),
                (action, _) => action,
            })
    })
}

/// The bindings to list for a context, in help order (specific ones first).
pub fn bindings_for(context: Context) -> impl Iterator<Item = &'static Binding> {
    let chain = chain(context);
    chain.iter().enumerate().flat_map(move |(i, ctx)| {
        BINDINGS.iter().filter(move |b| {
            // A key a more specific context binds too does this one's work no longer.
            b.context == *ctx
                && !b.keys.iter().all(|k| {
                    chain[..i].iter().any(|c| {
                        BINDINGS
                            .iter()
                            .any(|o| o.context == *c && o.keys.contains(k))
                    })
                })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn help_lists_each_key_once_with_what_it_does_here() {
        // On the Summary grid, Space ticks a row: the board's "mark" is not listed there.
        let grid: Vec<&Binding> = bindings_for(Context::Grid).collect();
        for (i, b) in grid.iter().enumerate() {
            for k in b.keys {
                let again = grid[i + 1..].iter().find(|o| o.keys.contains(k));
                assert!(again.is_none(), "{} listed twice", b.label);
            }
        }
        assert!(grid.iter().any(|b| b.action == Action::Palette));
    }

    #[test]
    fn specific_bindings_win_over_global_ones() {
        assert_eq!(lookup(Context::Board, &key(Enter)), Some(Action::Open));
        assert_eq!(lookup(Context::Board, &key(Char('q'))), Some(Action::Quit));
        assert_eq!(lookup(Context::Card, &key(Char('3'))), Some(Action::Tab(2)));
    }

    #[test]
    fn typing_contexts_leave_letters_to_the_field() {
        assert_eq!(lookup(Context::Search, &key(Char('q'))), None);
        assert_eq!(lookup(Context::Form, &key(Char('j'))), None);
    }

    #[test]
    fn typing_contexts_leave_the_editing_keys_to_the_field() {
        let typing = [
            Context::Search,
            Context::FilterLine,
            Context::Palette,
            Context::Prompt,
            Context::SettingEdit,
            Context::Form,
            Context::FieldForm,
            Context::BulkForm,
        ];
        let alt = KeyModifiers::ALT;
        let editing = [
            (Home, NONE),
            (End, NONE),
            (Char('a'), CTRL),
            (Char('e'), CTRL),
            (Char('u'), CTRL),
            (Char('w'), CTRL),
            (Char('k'), CTRL),
            (Char('y'), CTRL),
            (Char('z'), CTRL),
            (Char('b'), alt),
            (Char('f'), alt),
            (KeyCode::Backspace, alt),
        ];
        for ctx in typing {
            for (code, mods) in editing {
                let action = lookup(ctx, &KeyEvent::new(code, mods));
                assert_eq!(
                    action, None,
                    "{ctx:?} takes {mods:?} {code:?} from the field"
                );
            }
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for &ctx in Context::ALL {
            let mut seen = Vec::new();
            for b in BINDINGS.iter().filter(|b| b.context == ctx) {
                for k in b.keys {
                    assert!(!seen.contains(k), "{ctx:?} binds {k:?} twice");
                    seen.push(*k);
                }
            }
        }
    }
}
