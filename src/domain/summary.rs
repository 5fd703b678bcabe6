//! Traffic summary rows and their metrics (ASR, ACD, profit).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;

/// Answer-seizure ratio in percent: connected / attempts × 100.
pub fn asr(attempts: i64, connected: i64) -> Option<f64> {
    (attempts > 0).then(|| connected as f64 * 100.0 / attempts as f64)
}

/// Average call duration in seconds over connected calls.
pub fn acd(connected: i64, duration_s: i64) -> Option<f64> {
    (connected > 0).then(|| duration_s as f64 / connected as f64)
}

/// Profit in percent of the charge.
pub fn profit_percent(charge: i64, cost: i64) -> Option<f64> {
    (charge != 0).then(|| (charge - cost) as f64 * 100.0 / charge as f64)
}

/// Seconds as h:mm:ss, the way durations are shown in the summary.
pub fn hms(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    format!("{sign}{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// Seconds as m:ss, for an ACD.
pub fn mss(seconds: f64) -> String {
    let s = seconds.round() as i64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// The summed traffic of one period (an hour, day, week or month) for one customer.
/// Money in millionths of the major unit of the customer's currency (call precision).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Traffic {
    pub attempts: i64,
    pub connected: i64,
    pub duration_s: i64,
    pub billed_s: i64,
    pub charge: i64,
    pub cost: i64,
}

impl Traffic {
    /// The sum of two, None when a figure would overflow.
    pub fn checked_add(&self, other: &Traffic) -> Option<Traffic> {
        Some(Traffic {
            attempts: self.attempts.checked_add(other.attempts)?,
            connected: self.connected.checked_add(other.connected)?,
            duration_s: self.duration_s.checked_add(other.duration_s)?,
            billed_s: self.billed_s.checked_add(other.billed_s)?,
            charge: self.charge.checked_add(other.charge)?,
            cost: self.cost.checked_add(other.cost)?,
        })
    }

    /// Adds hours up into days, weeks and months. Each stored hour was added with checked
    /// arithmetic; a view's total saturates rather than wrap, were it ever to reach i64.
    pub fn add(&mut self, other: &Traffic) {
        self.attempts = self.attempts.saturating_add(other.attempts);
        self.connected = self.connected.saturating_add(other.connected);
        self.duration_s = self.duration_s.saturating_add(other.duration_s);
        self.billed_s = self.billed_s.saturating_add(other.billed_s);
        self.charge = self.charge.saturating_add(other.charge);
        self.cost = self.cost.saturating_add(other.cost);
    }

    pub fn asr(&self) -> Option<f64> {
        asr(self.attempts, self.connected)
    }

    pub fn acd(&self) -> Option<f64> {
        acd(self.connected, self.duration_s)
    }

    pub fn profit(&self) -> i64 {
        self.charge.saturating_sub(self.cost)
    }

    pub fn profit_percent(&self) -> Option<f64> {
        profit_percent(self.charge, self.cost)
    }
}

/// One row of a summary view: the start of its period (unix seconds, UTC) and its traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    pub start: i64,
    pub traffic: Traffic,
}

/// The periods a summary view groups hours into. All in UTC; weeks are ISO weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// The "24 Hours" view: hour by hour.
    Hourly,
    Daily,
    Weekly,
    Monthly,
}

impl Period {
    /// The summary views in the order the tab shows them.
    pub const ALL: [Period; 4] = [
        Period::Hourly,
        Period::Daily,
        Period::Weekly,
        Period::Monthly,
    ];

    /// The view's name, as on the Summary tab.
    pub fn view_name(self) -> &'static str {
        match self {
            Period::Hourly => "24 Hours",
            Period::Daily => "Daily",
            Period::Weekly => "Weekly",
            Period::Monthly => "Monthly",
        }
    }

    /// Parses the command line's `--period` value.
    pub fn parse(text: &str) -> Option<Period> {
        match text.trim().to_ascii_lowercase().as_str() {
            "24h" | "hourly" | "24hours" => Some(Period::Hourly),
            "daily" | "day" => Some(Period::Daily),
            "weekly" | "week" => Some(Period::Weekly),
            "monthly" | "month" => Some(Period::Monthly),
            _ => None,
        }
    }

    /// The start of the period after the one starting at `start`.
    pub fn next_start(self, start: i64) -> i64 {
        match self {
            Period::Hourly => start + 3600,
            Period::Daily => start + 86_400,
            Period::Weekly => start + 7 * 86_400,
            // Any day in the next month, then back to its first.
            Period::Monthly => Period::Monthly.start_of(start + 32 * 86_400),
        }
    }

    /// The last whole week (ISO, Monday to Sunday) or month before the one holding `now`,
    /// as [start, end) in unix seconds; None for the other periods.
    pub fn last_complete(self, now: i64) -> Option<(i64, i64)> {
        matches!(self, Period::Weekly | Period::Monthly).then(|| {
            let end = self.start_of(now);
            (self.start_of(end - 1), end)
        })
    }

    /// The unix second at which the period holding `t` starts.
    pub fn start_of(self, t: i64) -> i64 {
        // The calendar only where it is needed: an import asks for the hour of every call.
        let day = || DateTime::<Utc>::from_timestamp(t, 0).map(|dt| dt.date_naive());
        let midnight = |d: Option<NaiveDate>| {
            d.and_then(|d| d.and_hms_opt(0, 0, 0))
                .map_or(t, |n| n.and_utc().timestamp())
        };
        match self {
            Period::Hourly => t - t.rem_euclid(3600),
            Period::Daily => midnight(day()),
            Period::Weekly => midnight(
                day().map(|d| d - Duration::days(i64::from(d.weekday().num_days_from_monday()))),
            ),
            Period::Monthly => midnight(day().map(|d| d.with_day(1).unwrap_or(d))),
        }
    }

    /// How a period's start is labelled in the Date column.
    pub fn label(self, start: i64) -> String {
        let Some(dt) = DateTime::<Utc>::from_timestamp(start, 0) else {
            return start.to_string();
        };
        match self {
            Period::Hourly => dt.format("%Y-%m-%d %H:00").to_string(),
            Period::Daily => dt.format("%Y-%m-%d").to_string(),
            Period::Weekly => {
                let w = dt.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Period::Monthly => dt.format("%Y-%m").to_string(),
        }
    }
}

/// Groups hourly rows (in any order) into periods, newest period first.
pub fn roll_up(hourly: &[SummaryRow], period: Period) -> Vec<SummaryRow> {
    let mut buckets: std::collections::BTreeMap<i64, Traffic> = std::collections::BTreeMap::new();
    for row in hourly {
        buckets
            .entry(period.start_of(row.start))
            .or_default()
            .add(&row.traffic);
    }
    buckets
        .into_iter()
        .rev()
        .map(|(start, traffic)| SummaryRow { start, traffic })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_complete_week_and_month_end_where_the_current_ones_start() {
        // Thursday 2026-12-03 12:00 UTC.
        let now = 1_796_299_200;
        assert_eq!(
            Period::Weekly.last_complete(now),
            Some((1_795_392_000, 1_795_996_800)) // 2026-11-23 to 2026-11-30
        );
        assert_eq!(
            Period::Monthly.last_complete(now),
            Some((1_793_491_200, 1_796_083_200)) // November
        );
        assert_eq!(Period::Daily.last_complete(now), None);
    }

    #[test]
    fn metrics_follow_their_definitions() {
        let t = Traffic {
            attempts: 200,
            connected: 90,
            duration_s: 9000,
            billed_s: 9300,
            charge: 1000,
            cost: 750,
        };
        assert_eq!(t.asr(), Some(45.0));
        assert_eq!(t.acd(), Some(100.0));
        assert_eq!(t.profit(), 250);
        assert_eq!(t.profit_percent(), Some(25.0));
        assert_eq!(Traffic::default().asr(), None);
        assert_eq!(Traffic::default().acd(), None);
    }

    #[test]
    fn roll_up_groups_hours_into_utc_days_and_iso_weeks() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().timestamp();
        let one = Traffic {
            attempts: 1,
            connected: 1,
            duration_s: 10,
            billed_s: 60,
            charge: 5,
            cost: 3,
        };
        let rows: Vec<SummaryRow> = [
            "2026-11-01T23:00:00Z",
            "2026-11-02T00:00:00Z",
            "2026-11-02T05:00:00Z",
        ]
        .iter()
        .map(|s| SummaryRow {
            start: t(s),
            traffic: one,
        })
        .collect();
        let daily = roll_up(&rows, Period::Daily);
        assert_eq!(daily.len(), 2);
        assert_eq!(Period::Daily.label(daily[0].start), "2026-11-02");
        assert_eq!(daily[0].traffic.attempts, 2);
        // 1 November 2026 is a Sunday: it belongs to ISO week 44, the Monday after to week 45.
        let weekly = roll_up(&rows, Period::Weekly);
        assert_eq!(weekly.len(), 2);
        assert_eq!(Period::Weekly.label(weekly[1].start), "2026-W44");
        let monthly = roll_up(&rows, Period::Monthly);
        assert_eq!(monthly.len(), 1);
        assert_eq!(monthly[0].traffic.charge, 15);
        let december = Period::Monthly.next_start(monthly[0].start);
        assert_eq!(Period::Monthly.label(december), "2026-12");
        assert_eq!(Period::parse("24h"), Some(Period::Hourly));
    }

    #[test]
    fn durations_read_as_clock_time() {
        assert_eq!(hms(3725), "1:02:05");
        assert_eq!(hms(59), "0:00:59");
        assert_eq!(mss(125.4), "2:05");
    }
}
