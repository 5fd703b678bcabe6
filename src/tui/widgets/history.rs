//! What was typed in the console's lines (the search, the filter line, the palette, the
//! file prompts), recalled with Ctrl-P and Ctrl-N as in a shell and kept across restarts in a
//! file of the data folder that only its owner can read (a search may be a customer's name).

/// The lines that keep a history, each its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Search,
    Filter,
    Palette,
    /// The file paths of Import CDRs and Bulk upload.
    Path,
}

impl Line {
    const ALL: [Line; 4] = [Line::Search, Line::Filter, Line::Palette, Line::Path];

    /// The name the history file gives it.
    fn key(self) -> &'static str {
        match self {
            Line::Search => "search",
            Line::Filter => "filter",
            Line::Palette => "palette",
            Line::Path => "path",
        }
    }
}

/// How many entries each line keeps: the oldest go first.
const KEPT: usize = 100;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Oldest first.
    entries: Vec<(Line, String)>,
}

impl History {
    /// Reads the history file's text: a line `KIND<tab>TEXT` an entry, oldest first. A line
    /// that is not one is skipped: the file is a convenience, never a reason to stop.
    pub fn read(text: &str) -> History {
        let mut history = History::default();
        for line in text.lines() {
            let Some((kind, entry)) = line.split_once('\t') else {
                continue;
            };
            if let Some(kind) = Line::ALL.into_iter().find(|l| l.key() == kind) {
                history.add(kind, entry);
            }
        }
        history
    }

    /// The history file's text.
    pub fn text(&self) -> String {
        self.entries
            .iter()
            .map(|(line, entry)| format!("{}\t{entry}\n", line.key()))
            .collect()
    }

    /// Keeps what was entered in `line`; the same text again moves to the newest. Blank
    /// text, and text that would not read back as one entry, are not kept.
    pub fn add(&mut self, line: Line, entry: &str) {
        let entry = entry.trim();
        if entry.is_empty() || entry.contains(['\n', '\r', '\t']) {
            return;
        }
        self.entries.retain(|(l, e)| !(*l == line && e == entry));
        self.entries.push((line, entry.to_string()));
        let kept = self.entries.iter().filter(|(l, _)| *l == line).count();
        if kept > KEPT
            && let Some(oldest) = self.entries.iter().position(|(l, _)| *l == line)
        {
            self.entries.remove(oldest);
        }
    }

    /// The entries of `line`, newest first.
    fn newest_first(&self, line: Line) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .rev()
            .filter(move |(l, _)| *l == line)
            .map(|(_, e)| e.as_str())
    }
}

/// One line's walk through its history: Ctrl-P goes to older entries, Ctrl-N back to newer
/// ones and at last to what was being typed before the walk began.
#[derive(Debug, Clone, Default)]
pub struct Recall {
    /// How far back the walk is: 0 is the newest entry; None is not walking.
    at: Option<usize>,
    typed: String,
}

impl Recall {
    /// The text to show after Ctrl-P (`older`) or Ctrl-N, from `current`; None when the
    /// walk is at its end that way.
    pub fn step(
        &mut self,
        history: &History,
        line: Line,
        older: bool,
        current: &str,
    ) -> Option<String> {
        let count = history.newest_first(line).count();
        let next = match (self.at, older) {
            (None, true) if count > 0 => Some(0),
            (None, _) => return None,
            (Some(at), true) if at + 1 < count => Some(at + 1),
            (Some(_), true) => return None,
            (Some(0), false) => None,
            (Some(at), false) => Some(at - 1),
        };
        if self.at.is_none() {
            self.typed = current.to_string();
        }
        self.at = next;
        Some(match next {
            Some(at) => history.newest_first(line).nth(at)?.to_string(),
            None => std::mem::take(&mut self.typed),
        })
    }

    /// The text was edited or entered: the next Ctrl-P starts from the newest again.
    pub fn reset(&mut self) {
        self.at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back_newest_kept_and_oldest_dropped() {
        let mut h = History::default();
        h.add(Line::Filter, "status:active");
        h.add(Line::Search, "atlas");
        h.add(Line::Filter, "tag:wholesale");
        h.add(Line::Filter, "status:active");
        h.add(Line::Filter, "  ");
        h.add(Line::Path, "a\tb");
        let again = History::read(&h.text());
        assert_eq!(again, h);
        let filters: Vec<&str> = again.newest_first(Line::Filter).collect();
        assert_eq!(filters, ["status:active", "tag:wholesale"]);
        for i in 0..150 {
            h.add(Line::Search, &format!("s{i}"));
        }
        assert_eq!(h.newest_first(Line::Search).count(), KEPT);
        assert_eq!(h.newest_first(Line::Search).next(), Some("s149"));
        assert_eq!(
            h.newest_first(Line::Filter).count(),
            2,
            "other lines keep theirs"
        );
        assert_eq!(
            History::read("nonsense\nfilter\tx\nother\ty\n").text(),
            "filter\tx\n"
        );
    }

    #[test]
    fn ctrl_p_walks_back_and_ctrl_n_returns_to_what_was_typed() {
        let mut h = History::default();
        h.add(Line::Filter, "one");
        h.add(Line::Filter, "two");
        let mut r = Recall::default();
        assert_eq!(r.step(&h, Line::Filter, false, "typed"), None);
        assert_eq!(
            r.step(&h, Line::Filter, true, "typed").as_deref(),
            Some("two")
        );
        assert_eq!(
            r.step(&h, Line::Filter, true, "two").as_deref(),
            Some("one")
        );
        assert_eq!(r.step(&h, Line::Filter, true, "one"), None, "no older one");
        assert_eq!(
            r.step(&h, Line::Filter, false, "one").as_deref(),
            Some("two")
        );
        assert_eq!(
            r.step(&h, Line::Filter, false, "two").as_deref(),
            Some("typed")
        );
        assert_eq!(r.step(&h, Line::Filter, false, "typed"), None);
        assert_eq!(r.step(&h, Line::Search, true, ""), None, "an empty history");
    }
}
