//! The board's columns: what each shows and how it sorts. The operator's choice of which
//! and in what order is kept in the config file by their keys.

use crate::domain::customer::board_order;
use crate::domain::summary::mss;
use crate::domain::{BoardRow, Status};
use std::cmp::Ordering;

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

    /// The header while the board is sorted by this column: money columns say that the
    /// order is by currency first, as amounts in different currencies do not compare.
    pub fn sorted_header(self, descending: bool) -> String {
        let arrow = if descending { "▼" } else { "▲" };
        match self {
            ColumnId::Balance => format!("Balance by cur {arrow}"),
            ColumnId::DebitLimit => format!("Debit by cur {arrow}"),
            other => other.header().to_string(),
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
            ColumnId::LastCall => relative(r.last_call, now),
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

/// Columns the board can sort by; `s` goes through those on screen, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Status,
    Balance,
    DebitLimit,
    Channels,
    Cps,
    LastCall,
    Asr,
    Acd,
    Id,
}

impl SortKey {
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "Name",
            SortKey::Status => "Status",
            SortKey::Balance => "Balance by currency",
            SortKey::DebitLimit => "Debit Limit by currency",
            SortKey::Channels => "Channels",
            SortKey::Cps => "CPS",
            SortKey::LastCall => "Last Call",
            SortKey::Asr => "ASR",
            SortKey::Acd => "ACD",
            SortKey::Id => "ID",
        }
    }

    pub fn compare(self, a: &BoardRow, b: &BoardRow) -> Ordering {
        let f = |x: Option<f64>, y: Option<f64>| x.unwrap_or(-1.0).total_cmp(&y.unwrap_or(-1.0));
        let primary = match self {
            SortKey::Name => Ordering::Equal,
            SortKey::Status => a.status.cmp(&b.status),
            // 300 JPY is not between 13.00 GBP and -25.00 GBP: each currency apart.
            SortKey::Balance => (a.currency.code(), a.balance).cmp(&(b.currency.code(), b.balance)),
            SortKey::DebitLimit => {
                (a.currency.code(), a.debit_limit).cmp(&(b.currency.code(), b.debit_limit))
            }
            SortKey::Channels => a.channels.cmp(&b.channels),
            SortKey::Cps => a.cps.cmp(&b.cps),
            SortKey::LastCall => a.last_call.cmp(&b.last_call),
            SortKey::Asr => f(a.asr_24h(), b.asr_24h()),
            SortKey::Acd => f(a.acd_24h(), b.acd_24h()),
            SortKey::Id => a.id.cmp(&b.id),
        };
        primary.then_with(|| board_order(a, b))
    }
}

/// A unix time relative to now, compactly: "now", "5m ago", "3h ago", "12d ago".
pub fn relative(t: Option<i64>, now: i64) -> String {
    let Some(t) = t else { return "never".into() };
    let s = (now - t).max(0);
    match s {
        0..60 => "now".into(),
        60..3600 => format!("{}m ago", s / 60),
        3600..86_400 => format!("{}h ago", s / 3600),
        86_400..31_536_000 => format!("{}d ago", s / 86_400),
        _ => format!("{}y ago", s / 31_536_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative(None, 100), "never");
        assert_eq!(relative(Some(100), 130), "now");
        assert_eq!(relative(Some(0), 7200), "2h ago");
        assert_eq!(relative(Some(0), 3 * 86_400), "3d ago");
    }

    #[test]
    fn every_column_reads_back_from_its_config_key() {
        for id in ColumnId::ALL {
            assert_eq!(ColumnId::parse(id.key()), Some(id));
        }
    }
}
