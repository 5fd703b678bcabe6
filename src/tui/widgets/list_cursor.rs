//! A cursor over a list of rows, and the window of rows that keeps it in view: the card's
//! lists, pop-up lists, the palette and the column chooser all move the same way.

use crate::tui::keymap::Action;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    pub cursor: usize,
    /// First row shown.
    pub offset: usize,
    /// Rows the last frame had room for (PgUp/PgDn move by it).
    pub page: usize,
}

impl ListCursor {
    /// Carries out a cursor move over `len` rows; false for an action that is not one.
    pub fn act(&mut self, action: Action, len: usize) -> bool {
        let page = self.page.max(1) as isize;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => return false,
        };
        self.move_by(delta, len);
        true
    }

    pub fn move_by(&mut self, delta: isize, len: usize) {
        self.cursor = self
            .cursor
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }

    /// Keeps the cursor on a row after the list shrank.
    pub fn clamp(&mut self, len: usize) {
        self.cursor = self.cursor.min(len.saturating_sub(1));
    }

    /// Records the height drawn and scrolls the window to keep the cursor in it; returns
    /// the first row to draw.
    pub fn fit(&mut self, height: usize, len: usize) -> usize {
        self.page = height;
        self.offset = scroll(self.offset, self.cursor, height, len);
        self.offset
    }
}

/// A cursor that stays on its row, by the row's id, when the rows reload: another row
/// added above it or taken away does not move it to a neighbour.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowCursor {
    pub list: ListCursor,
    id: Option<i64>,
}

impl RowCursor {
    /// Puts the cursor back on its row among `ids` (the rows now, in order); when that row
    /// is gone, on the one now at its place.
    pub fn follow(&mut self, ids: &[i64]) {
        match self.id.and_then(|id| ids.iter().position(|i| *i == id)) {
            Some(i) => self.list.cursor = i,
            None => self.list.clamp(ids.len()),
        }
        self.id = ids.get(self.list.cursor).copied();
    }

    /// A cursor move over `ids`; false for an action that is not one.
    pub fn act(&mut self, action: Action, ids: &[i64]) -> bool {
        self.follow(ids);
        let moved = self.list.act(action, ids.len());
        self.id = ids.get(self.list.cursor).copied();
        moved
    }

    /// The id of the row under the cursor, as of the last `follow` or move.
    pub fn selected(&self) -> Option<i64> {
        self.id
    }
}

/// Keeps `cursor` in a window of `height` rows that starts at `offset`, and the window
/// full when the list of `len` rows allows: a search that leaves five matches shows all five,
/// not the last two with the others above the top.
pub fn scroll(offset: usize, cursor: usize, height: usize, len: usize) -> usize {
    let offset = if height == 0 {
        0
    } else if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    };
    offset.min(len.saturating_sub(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_follows_the_cursor() {
        assert_eq!(scroll(0, 5, 10, 100), 0);
        assert_eq!(scroll(0, 15, 10, 100), 6);
        assert_eq!(scroll(8, 3, 10, 100), 3);
        // The list shrank under the window (a narrower search): it slides back to fill it.
        assert_eq!(scroll(40, 44, 10, 5), 0);
        assert_eq!(scroll(40, 44, 10, 45), 35);
    }

    #[test]
    fn moves_stay_inside_the_list() {
        let mut c = ListCursor {
            page: 10,
            ..ListCursor::default()
        };
        assert!(c.act(Action::PageDown, 25));
        assert_eq!(c.cursor, 10);
        c.act(Action::Bottom, 25);
        assert_eq!(c.cursor, 24);
        c.act(Action::Down, 25);
        assert_eq!(c.cursor, 24);
        c.act(Action::Top, 25);
        assert_eq!(c.cursor, 0);
        assert!(!c.act(Action::Open, 25));
    }

    #[test]
    fn a_row_cursor_stays_on_its_row_when_rows_come_and_go() {
        let mut c = RowCursor::default();
        c.act(Action::Down, &[10, 20, 30]);
        assert_eq!(c.selected(), Some(20));
        // A row added above it: the cursor follows its row down.
        c.follow(&[5, 10, 20, 30]);
        assert_eq!((c.list.cursor, c.selected()), (2, Some(20)));
        // Its row gone: the one now in its place.
        c.follow(&[5, 10, 30]);
        assert_eq!(c.selected(), Some(30));
        c.follow(&[]);
        assert_eq!(c.selected(), None);
    }
}
