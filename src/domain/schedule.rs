//! Scheduled changes ("Delay and Save"): fields of a customer to set at a given time.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleState {
    Pending,
    Applied,
    Cancelled,
    /// It no longer passed the rules when due; `result` says why.
    Failed,
}

impl ScheduleState {
    pub fn key(self) -> &'static str {
        match self {
            ScheduleState::Pending => "pending",
            ScheduleState::Applied => "applied",
            ScheduleState::Cancelled => "cancelled",
            ScheduleState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<ScheduleState> {
        [
            ScheduleState::Pending,
            ScheduleState::Applied,
            ScheduleState::Cancelled,
            ScheduleState::Failed,
        ]
        .into_iter()
        .find(|s| s.key() == text)
    }
}

/// One scheduled change, as listed on the card and in the palette's "Scheduled changes".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduledChange {
    pub id: i64,
    pub customer_id: i64,
    /// `None` once the customer has been deleted.
    pub customer_name: Option<String>,
    /// RFC 3339 UTC.
    pub due_at: String,
    /// The fields it sets, as keys of the customer's JSON (`domain::draft::changed_fields`).
    pub fields: serde_json::Value,
    /// What it sets, for people ("Status inactive, Channels 40").
    pub summary: String,
    pub author: String,
    pub author_ip: String,
    pub state: ScheduleState,
    /// Why it failed or was cancelled; empty otherwise.
    pub result: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl ScheduledChange {
    /// What a list adds after the change's summary: nothing while it is pending, else
    /// what became of it ("FAILED: the name is taken").
    pub fn outcome(&self) -> Option<String> {
        match self.state {
            ScheduleState::Pending => None,
            ScheduleState::Failed => Some(format!("FAILED: {}", self.result)),
            done if self.result.is_empty() => Some(done.key().to_string()),
            done => Some(format!("{}: {}", done.key(), self.result)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for s in [
            ScheduleState::Pending,
            ScheduleState::Applied,
            ScheduleState::Cancelled,
            ScheduleState::Failed,
        ] {
            assert_eq!(ScheduleState::parse(s.key()), Some(s));
        }
        assert_eq!(ScheduleState::parse("done"), None);
    }
}
