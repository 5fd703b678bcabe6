//! The customers board's state: all rows in memory, and a view of indices into them that
//! search, the status filter and the sort produce. Filtering runs on the UI thread over
//! memory, so a keystroke never waits on the database; what the search finds in contacts
//! joins the view when the database answers.

use crate::domain::board_columns::{ColumnId, SortKey};
use crate::domain::completion::Completion;
use crate::domain::customer::board_order;
use crate::domain::filter;
use crate::domain::search::{ContactMatches, Search};
use crate::domain::{BoardRow, Filter, Status};
use std::collections::HashSet;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Default)]
pub struct Board {
    rows: Vec<BoardRow>,
    /// Where each customer's row is in `rows`.
    index: HashMap<i64, usize>,
    /// Indices into `rows`: what is shown, in order.
    view: Vec<usize>,
    pub cursor: usize,
    /// First row shown; kept by the view so the cursor stays visible.
    pub offset: usize,
    pub search: String,
    /// The database's answer for the contacts of a search: used while it is this search's.
    contacts: Option<ContactMatches>,
    /// A contact changed since that answer: it stays in use until a fresh one comes.
    contacts_stale: bool,
    /// The search whose question failed: not asked again until it or the contacts change.
    contacts_failed: Option<Search>,
    /// The `default_country` setting, for phone numbers searched in a national form.
    pub country: Option<String>,
    pub status_filter: Option<Status>,
    /// The filter line as typed (`status:active channels>=30 tag:wholesale`).
    pub filter_text: String,
    /// What the line last parsed to; a line being typed that does not parse keeps it.
    filter: Option<Filter>,
    /// Why the filter line does not parse, shown under it.
    pub filter_error: Option<String>,
    /// Filter lines saved by name, used in the line as `@name`.
    pub saved_filters: BTreeMap<String, String>,
    pub sort: Option<(SortKey, bool)>,
    /// Some rows have arrived.
    pub loaded: bool,
    /// All rows have arrived (not only the quick first screen).
    pub complete: bool,
    /// Marked customers, by id: kept across sort, filter and reload.
    pub marks: HashSet<i64>,
}

impl Board {
    /// Tab in the filter line: the word before the cursor completed with a field's name or
    /// one of the tags, statuses or currencies the loaded customers have.
    pub fn complete_filter(&self, before: &str) -> Completion {
        let mut tags: HashSet<&str> = HashSet::new();
        let mut currencies: HashSet<&str> = HashSet::new();
        for r in &self.rows {
            tags.extend(r.tags.iter().map(String::as_str));
            currencies.insert(r.currency.code());
        }
        let owned = |set: HashSet<&str>| set.into_iter().map(str::to_string).collect::<Vec<_>>();
        let saved: Vec<String> = self.saved_filters.keys().cloned().collect();
        filter::complete(before, &owned(tags), &owned(currencies), &saved)
    }

    /// Replaces the rows with a fresh load, keeping the cursor on the same customer.
    pub fn set_rows(&mut self, rows: Vec<BoardRow>, complete: bool) {
        let selected = self.selected().map(|r| r.id);
        self.rows = rows;
        self.reindex();
        if complete {
            // A customer deleted meanwhile cannot stay marked.
            self.marks.retain(|id| self.index.contains_key(id));
        }
        self.loaded = true;
        self.complete = complete;
        self.refilter(selected);
    }

    /// Puts fresh rows of a few customers in place (a changed name moves its row) and
    /// takes out those in `gone`: the other rows are not loaded again.
    pub fn patch(&mut self, rows: Vec<BoardRow>, gone: &[i64]) {
        let selected = self.selected().map(|r| r.id);
        let changed: HashSet<i64> = rows
            .iter()
            .map(|r| r.id)
            .chain(gone.iter().copied())
            .collect();
        let mut kept = Vec::with_capacity(self.rows.len());
        for row in std::mem::take(&mut self.rows) {
            if !changed.contains(&row.id) {
                kept.push(row);
            }
        }
        // Rows come in the board's order; new ones go where that order puts them.
        for row in rows {
            let at = kept.partition_point(|r| board_order(r, &row).is_lt());
            kept.insert(at, row);
        }
        self.rows = kept;
        self.reindex();
        self.marks.retain(|id| self.index.contains_key(id));
        self.refilter(selected);
    }

    fn reindex(&mut self) {
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
    }

    pub fn total(&self) -> usize {
        self.rows.len()
    }

    pub fn shown(&self) -> usize {
        self.view.len()
    }

    /// The rows `start..start+len` of the view: all a frame needs to build.
    pub fn window(&self, start: usize, len: usize) -> impl Iterator<Item = &BoardRow> {
        self.view
            .iter()
            .skip(start)
            .take(len)
            .map(|&i| &self.rows[i])
    }

    pub fn selected(&self) -> Option<&BoardRow> {
        self.view.get(self.cursor).map(|&i| &self.rows[i])
    }

    pub fn sort_key(&self) -> (SortKey, bool) {
        self.sort.unwrap_or((SortKey::Name, false))
    }

    pub fn set_search(&mut self, text: String) {
        let selected = self.selected().map(|r| r.id);
        self.search = text;
        self.refilter(selected);
    }

    /// The search to ask the database about, when its words have no answer yet.
    pub fn contacts_to_find(&self) -> Option<Search> {
        let search = self.parsed_search();
        let answered =
            !self.contacts_stale && self.contacts.as_ref().is_some_and(|c| c.search == search);
        let failed = self.contacts_failed.as_ref() == Some(&search);
        (!answered && !failed && !search.words().is_empty()).then_some(search)
    }

    /// The database's answer for the contacts of a search: rows found through a contact
    /// join the view. An answer for a search no longer typed is dropped: it would only
    /// replace the answer for this one.
    pub fn set_contact_matches(&mut self, found: ContactMatches) {
        if found.search != self.parsed_search() {
            return;
        }
        let selected = self.selected().map(|r| r.id);
        self.contacts_stale = false;
        self.contacts = Some(found);
        self.refilter(selected);
    }

    /// The question for this search failed: it is not asked again by itself.
    pub fn contacts_failed(&mut self, search: Search) {
        self.contacts_failed = Some(search);
    }

    /// A contact changed: the search's answer is asked for again.
    pub fn contacts_changed(&mut self) {
        self.contacts_stale = true;
        self.contacts_failed = None;
    }

    fn parsed_search(&self) -> Search {
        Search::parse(&self.search, self.country.as_deref())
    }

    /// Sets the filter line; the board follows it whenever it parses.
    pub fn set_filter(&mut self, text: String) {
        let selected = self.selected().map(|r| r.id);
        match filter::expand(&text, &self.saved_filters).and_then(|line| Filter::parse(&line)) {
            Ok(filter) => {
                self.filter = (!text.trim().is_empty()).then_some(filter);
                self.filter_error = None;
            }
            Err(e) => self.filter_error = Some(e.to_string()),
        }
        self.filter_text = text;
        self.refilter(selected);
    }

    pub fn cycle_status_filter(&mut self) {
        let selected = self.selected().map(|r| r.id);
        self.status_filter = match self.status_filter {
            None => Some(Status::ALL[0]),
            Some(s) if s == *Status::ALL.last().unwrap_or(&s) => None,
            Some(s) => Some(s.next()),
        };
        self.refilter(selected);
    }

    /// Sorts by the next column on screen, left to right: Name, then `columns` in order.
    pub fn sort_next(&mut self, columns: &[ColumnId]) {
        let order: Vec<SortKey> = std::iter::once(SortKey::Name)
            .chain(columns.iter().map(|c| c.sort_key()))
            .collect();
        let (key, desc) = self.sort_key();
        let next = order.iter().position(|k| *k == key).map_or(0, |i| i + 1);
        self.sort = Some((order[next % order.len()], desc));
        self.resort();
    }

    pub fn sort_reverse(&mut self) {
        let (key, desc) = self.sort_key();
        self.sort = Some((key, !desc));
        self.resort();
    }

    pub fn toggle_mark(&mut self) {
        if let Some(id) = self.selected().map(|r| r.id)
            && !self.marks.remove(&id)
        {
            self.marks.insert(id);
        }
    }

    /// Marks every shown row; when they all are marked already, unmarks them.
    pub fn toggle_mark_all(&mut self) {
        let shown: Vec<i64> = self.view.iter().map(|&i| self.rows[i].id).collect();
        if shown.iter().all(|id| self.marks.contains(id)) {
            for id in &shown {
                self.marks.remove(id);
            }
        } else {
            self.marks.extend(shown);
        }
    }

    /// The loaded row of a customer.
    pub fn row(&self, id: i64) -> Option<&BoardRow> {
        self.index.get(&id).map(|&i| &self.rows[i])
    }

    pub fn is_marked(&self, id: i64) -> bool {
        self.marks.contains(&id)
    }

    /// How many marked customers the current search and filters hide.
    pub fn marked_hidden(&self) -> usize {
        let shown: HashSet<i64> = self.view.iter().map(|&i| self.rows[i].id).collect();
        self.marks.iter().filter(|id| !shown.contains(id)).count()
    }

    /// Marked ids in board order (those no longer present are dropped at the next load).
    pub fn marked_ids(&self) -> Vec<i64> {
        self.rows
            .iter()
            .filter(|r| self.marks.contains(&r.id))
            .map(|r| r.id)
            .collect()
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.view.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
    }

    pub fn move_to(&mut self, index: usize) {
        self.cursor = index.min(self.view.len().saturating_sub(1));
    }

    fn resort(&mut self) {
        let selected = self.selected().map(|r| r.id);
        self.sort_view();
        self.place_cursor(selected);
    }

    fn refilter(&mut self, keep: Option<i64>) {
        let search = self.parsed_search();
        // An answer for another search (typed since) is no answer for this one.
        let contacts = self.contacts.as_ref().filter(|c| c.search == search);
        let status = self.status_filter;
        let filter = self.filter.as_ref();
        self.view = (0..self.rows.len())
            .filter(|&i| status.is_none_or(|s| self.rows[i].status == s))
            .filter(|&i| filter.is_none_or(|f| f.matches(&self.rows[i])))
            .filter(|&i| {
                let row = &self.rows[i];
                search.matches_customer(row.id, &row.name, &row.account_code, contacts)
            })
            .collect();
        self.sort_view();
        self.place_cursor(keep);
    }

    fn sort_view(&mut self) {
        // Rows arrive ordered by name, so the default order needs no sort.
        let Some((key, desc)) = self.sort else {
            return;
        };
        let rows = &self.rows;
        self.view.sort_by(|&a, &b| {
            let o = key.compare(&rows[a], &rows[b]);
            if desc { o.reverse() } else { o }
        });
    }

    fn place_cursor(&mut self, keep: Option<i64>) {
        let found = keep.and_then(|id| self.view.iter().position(|&i| self.rows[i].id == id));
        match found {
            Some(pos) => self.cursor = pos,
            None => self.move_to(self.cursor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    fn row(id: i64, name: &str, status: Status, balance: i64, account: &str) -> BoardRow {
        BoardRow {
            id,
            name: name.into(),
            status,
            balance,
            debit_limit: 0,
            currency: Currency::parse("EUR").unwrap(),
            channels: 10,
            channels_in_use: 0,
            cps: 0,
            last_call: None,
            attempts_24h: 0,
            connected_24h: 0,
            duration_24h: 0,
            tags: Vec::new(),
            account_code: account.into(),
        }
    }

    fn board() -> Board {
        let mut b = Board::default();
        b.set_rows(
            vec![
                row(1, "Atlas Voice", Status::Active, 500, "AT-7701"),
                row(2, "Bluewave Tel", Status::Inactive, -20, "BW-4402"),
                row(3, "Crescent Carrier", Status::Active, 90, "CR-5503"),
            ],
            true,
        );
        b
    }

    fn names(b: &Board) -> Vec<&str> {
        b.window(0, 10).map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn search_matches_name_id_and_account_code_at_once() {
        let mut b = board();
        b.set_search("blue".into());
        assert_eq!(names(&b), ["Bluewave Tel"]);
        b.set_search("3".into());
        assert_eq!(names(&b), ["Crescent Carrier"]);
        b.set_search("bw-44".into());
        assert_eq!(names(&b), ["Bluewave Tel"]);
        // "0" is in every account code; "#2" is customer 2 alone.
        b.set_search("0".into());
        assert_eq!(
            names(&b),
            ["Atlas Voice", "Bluewave Tel", "Crescent Carrier"]
        );
        b.set_search("#2".into());
        assert_eq!(names(&b), ["Bluewave Tel"]);
        assert!(
            b.contacts_to_find().is_none(),
            "a number alone asks no contact"
        );
    }

    #[test]
    fn words_only_a_contact_holds_find_their_customer_once_the_database_answers() {
        let mut b = board();
        b.set_search("crescent billing".into());
        assert!(names(&b).is_empty());
        let asked = b.contacts_to_find().expect("the contacts are asked");
        // "crescent" is in no contact, "billing" in customer 3's.
        b.set_contact_matches(ContactMatches::new(asked.clone(), vec![vec![], vec![3]]));
        assert_eq!(names(&b), ["Crescent Carrier"]);
        assert!(b.contacts_to_find().is_none(), "answered");

        // Another search does not use that answer, and asks its own.
        b.set_search("billing".into());
        assert!(names(&b).is_empty());
        assert_ne!(b.contacts_to_find(), Some(asked.clone()));

        // A contact changed: the answer stays in use until the new one comes.
        b.set_search("crescent billing".into());
        assert_eq!(names(&b), ["Crescent Carrier"]);
        b.contacts_changed();
        assert_eq!(b.contacts_to_find(), Some(asked.clone()));
        assert_eq!(names(&b), ["Crescent Carrier"]);
        b.set_contact_matches(ContactMatches::new(asked.clone(), vec![vec![], vec![]]));
        assert!(names(&b).is_empty());
        assert!(b.contacts_to_find().is_none());
    }

    #[test]
    fn a_late_answer_for_another_search_is_dropped_and_a_failed_one_is_not_asked_again() {
        let mut b = board();
        b.set_search("billing".into());
        let billing = b.contacts_to_find().unwrap();
        b.set_contact_matches(ContactMatches::new(billing.clone(), vec![vec![3]]));
        assert_eq!(names(&b), ["Crescent Carrier"]);
        // Typed on and back while the question for "billingx" was out: its answer comes
        // last, and must not replace the answer for "billing".
        b.set_search("billingx".into());
        let late = b.contacts_to_find().unwrap();
        b.set_search("billing".into());
        b.set_contact_matches(ContactMatches::new(late, vec![vec![]]));
        assert_eq!(names(&b), ["Crescent Carrier"]);
        assert!(b.contacts_to_find().is_none());

        // The answer kept is for that search only: "ops" alone finds nobody through it.
        b.set_search("ops billing".into());
        let both = b.contacts_to_find().unwrap();
        b.set_contact_matches(ContactMatches::new(both, vec![vec![1], vec![1]]));
        assert_eq!(names(&b), ["Atlas Voice"]);
        b.set_search("ops".into());
        assert!(names(&b).is_empty());

        // A failed question is not asked again by itself; a contact's change asks it.
        b.set_search("ops".into());
        let ops = b.contacts_to_find().unwrap();
        b.contacts_failed(ops.clone());
        assert!(b.contacts_to_find().is_none());
        b.contacts_changed();
        assert_eq!(b.contacts_to_find(), Some(ops));
    }

    #[test]
    fn marks_are_kept_by_id_across_filter_sort_and_reload() {
        let mut b = board();
        b.move_to(1); // Bluewave
        b.toggle_mark();
        b.set_search("a".into());
        b.toggle_mark_all(); // marks every shown row
        assert_eq!(b.marks.len(), 3);
        b.toggle_mark_all(); // all shown were marked: unmarks them
        assert!(b.marks.is_empty());
        b.set_search(String::new());
        b.move_to(2);
        b.toggle_mark();
        b.sort_reverse();
        let reloaded: Vec<BoardRow> = b.rows.iter().filter(|r| r.id != 1).cloned().collect();
        b.set_rows(reloaded, true);
        assert_eq!(b.marked_ids(), [3]);
        assert!(b.is_marked(3));
    }

    #[test]
    fn a_patch_replaces_moves_adds_and_removes_rows_only_where_they_changed() {
        let mut b = board();
        b.move_to(2); // Crescent
        b.toggle_mark();
        let renamed = row(2, "Zephyr Tel", Status::Active, -20, "ZT-4402");
        let added = row(4, "Bravo Net", Status::Active, 0, "");
        b.patch(vec![renamed, added], &[3]);
        assert_eq!(names(&b), ["Atlas Voice", "Bravo Net", "Zephyr Tel"]);
        assert_eq!(b.row(2).map(|r| r.name.as_str()), Some("Zephyr Tel"));
        assert!(b.row(3).is_none());
        // A deleted customer cannot stay marked.
        assert!(b.marked_ids().is_empty());
        b.set_search("zephyr".into());
        assert_eq!(names(&b), ["Zephyr Tel"]);
    }

    #[test]
    fn put_back_and_the_name_sort_keep_the_order_the_board_is_loaded_in() {
        // ASCII letters folded, then bytes: "É" (C3 89) before "é" (C3 A9).
        let order = ["AB Net", "alpha", "Zulu", "Élan Voice", "élan Data"];
        let mut b = Board::default();
        let loaded = [0, 1, 2, 4].map(|i| row(i as i64 + 1, order[i], Status::Active, 0, ""));
        b.set_rows(loaded.to_vec(), true);
        b.patch(vec![row(4, order[3], Status::Active, 0, "")], &[]);
        assert_eq!(names(&b), order);
        b.sort = Some((SortKey::Name, false));
        b.resort();
        assert_eq!(names(&b), order);
        // Two names apart only in an ASCII letter's case (a Turkish-locale server allows
        // them): the id settles their order, wherever each came from.
        b.patch(vec![row(6, "Istanbul", Status::Active, 0, "")], &[]);
        b.patch(vec![row(7, "istanbul", Status::Active, 0, "")], &[]);
        b.sort = None;
        b.resort();
        assert_eq!(names(&b)[2..4], ["Istanbul", "istanbul"]);
    }

    #[test]
    fn status_filter_and_sort_keep_the_cursor_on_its_customer() {
        let mut b = board();
        b.move_to(2); // Crescent
        b.cycle_status_filter(); // Active only
        assert_eq!(names(&b), ["Atlas Voice", "Crescent Carrier"]);
        assert_eq!(b.selected().unwrap().id, 3);
        b.sort = Some((SortKey::Balance, false));
        b.resort();
        assert_eq!(names(&b), ["Crescent Carrier", "Atlas Voice"]);
        assert_eq!(b.selected().unwrap().id, 3);
        b.sort_reverse();
        assert_eq!(names(&b), ["Atlas Voice", "Crescent Carrier"]);
    }

    #[test]
    fn money_sorts_by_currency_then_amount() {
        let mut b = Board::default();
        let in_currency = |id, name, balance, code| BoardRow {
            currency: Currency::parse(code).unwrap(),
            ..row(id, name, Status::Active, balance, "")
        };
        b.set_rows(
            vec![
                in_currency(1, "Thirteen pounds", 1300, "GBP"),
                in_currency(2, "Three hundred yen", 300, "JPY"),
                in_currency(3, "Owes pounds", -2500, "GBP"),
            ],
            true,
        );
        b.sort = Some((SortKey::Balance, false));
        b.resort();
        assert_eq!(
            names(&b),
            ["Owes pounds", "Thirteen pounds", "Three hundred yen"]
        );
    }
}
