//! The board's columns: what each shows, and the operator's choice of which and in what
//! order (kept in the config file).

use super::board::SortKey;
use crate::domain::summary::mss;
use crate::domain::{BoardRow, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnId {
    Status,
    Balance,
    Channels,
    LastCall,
    Asr,
    Acd,
    DebitLimit,
    Cps,
    /// The account id; `/#64` finds exactly that customer.
    Id,
}

impl ColumnId {
    /// The board sort that orders by this column.
    pub fn sort_key(self) -> SortKey {
        match self {
            ColumnId::Status => SortKey::Status,
            ColumnId::Balance => SortKey::Balance,
            ColumnId::Channels => SortKey::Channels,
            ColumnId::LastCall => SortKey::LastCall,
            ColumnId::Asr => SortKey::Asr,
            ColumnId::Acd => SortKey::Acd,
            ColumnId::DebitLimit => SortKey::DebitLimit,
            ColumnId::Cps => SortKey::Cps,
            ColumnId::Id => SortKey::Id,
        }
    }

    pub const ALL: [ColumnId; 9] = [
        ColumnId::Status,
        ColumnId::Balance,
        ColumnId::Channels,
        ColumnId::LastCall,
        ColumnId::Asr,
        ColumnId::Acd,
        ColumnId::DebitLimit,
        ColumnId::Cps,
        ColumnId::Id,
    ];

    /// The name used in the config file.
    pub fn key(self) -> &'static str {
        match self {
            ColumnId::Status => "status",
            ColumnId::Balance => "balance",
            ColumnId::Channels => "channels",
            ColumnId::LastCall => "last_call",
            ColumnId::Asr => "asr",
            ColumnId::Acd => "acd",
            ColumnId::DebitLimit => "debit_limit",
            ColumnId::Cps => "cps",
            ColumnId::Id => "id",
        }
    }

    pub fn parse(key: &str) -> Option<ColumnId> {
        ColumnId::ALL.into_iter().find(|c| c.key() == key)
    }

    pub fn header(self) -> &'static str {
        match self {
            ColumnId::Status => "Status",
            ColumnId::Balance => "Balance",
            ColumnId::Channels => "Channels",
            ColumnId::LastCall => "Last Call",
            ColumnId::Asr => "ASR 24h",
            ColumnId::Acd => "ACD 24h",
            ColumnId::DebitLimit => "Debit Limit",
            ColumnId::Cps => "CPS",
            ColumnId::Id => "ID",
        }
    }

    pub fn width(self) -> u16 {
        match self {
            ColumnId::Status => 8,
            // Up to "-99,999,999.00 EUR": beyond, the cell shows "####".
            ColumnId::Balance => 18,
            ColumnId::Channels => 9,
            ColumnId::LastCall => 9,
            ColumnId::Asr | ColumnId::Acd => 7,
            ColumnId::DebitLimit => 14,
            ColumnId::Cps => 4,
            ColumnId::Id => 7,
        }
    }

    pub fn right_aligned(self) -> bool {
        self != ColumnId::Status
    }

    /// The cell text of a row; `now` (unix seconds) for relative times.
    pub fn cell(self, r: &BoardRow, now: i64) -> String {
        match self {
            ColumnId::Status => match r.status {
                Status::Pending => "Pending".into(),
                other => other.label().into(),
            },
            ColumnId::Balance => format!("{} {}", r.currency.display(r.balance), r.currency.code()),
            ColumnId::Channels => format!("{}/{}", r.channels_in_use, r.channels),
            ColumnId::LastCall => super::views::relative(r.last_call, now),
            ColumnId::Asr => r.asr_24h().map_or("-".into(), |a| format!("{a:.0}%")),
            ColumnId::Acd => r.acd_24h().map_or("-".into(), mss),
            ColumnId::DebitLimit => r.currency.display(r.debit_limit),
            ColumnId::Cps => match r.cps {
                0 => "∞".into(),
                n => n.to_string(),
            },
            ColumnId::Id => format!("#{}", r.id),
        }
    }
}

/// The chooser dialog: every column with a tick, in the order they will show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnChooser {
    pub entries: Vec<(ColumnId, bool)>,
    pub cursor: usize,
}

impl ColumnChooser {
    pub fn new(shown: &[ColumnId]) -> ColumnChooser {
        let mut entries: Vec<(ColumnId, bool)> = shown.iter().map(|c| (*c, true)).collect();
        entries.extend(
            ColumnId::ALL
                .into_iter()
                .filter(|c| !shown.contains(c))
                .map(|c| (c, false)),
        );
        ColumnChooser { entries, cursor: 0 }
    }

    pub fn toggle(&mut self) {
        if let Some(e) = self.entries.get_mut(self.cursor) {
            e.1 = !e.1;
        }
    }

    pub fn move_cursor(&mut self, delta: isize) {
        self.cursor = self
            .cursor
            .saturating_add_signed(delta)
            .min(self.entries.len() - 1);
    }

    /// Moves the entry under the cursor up or down, taking the cursor with it.
    pub fn shift(&mut self, delta: isize) {
        let to = self
            .cursor
            .saturating_add_signed(delta)
            .min(self.entries.len() - 1);
        self.entries.swap(self.cursor, to);
        self.cursor = to;
    }

    pub fn chosen(&self) -> Vec<ColumnId> {
        self.entries.iter().filter(|e| e.1).map(|e| e.0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chooser_hides_and_reorders() {
        let mut c = ColumnChooser::new(&[ColumnId::Status, ColumnId::Balance, ColumnId::Cps]);
        assert_eq!(c.entries.len(), ColumnId::ALL.len());
        c.toggle(); // hide Status
        c.move_cursor(2); // Cps
        c.shift(-2); // to the top
        assert_eq!(c.chosen(), [ColumnId::Cps, ColumnId::Balance]);
        for id in ColumnId::ALL {
            assert_eq!(ColumnId::parse(id.key()), Some(id));
        }
    }
}
