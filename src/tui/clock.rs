//! The time the console shows things relative to ("5m ago", the last 24 hours): the
//! system's, or a fixed one so that whole screens can be compared in tests.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    System,
    /// Always this unix second.
    Fixed(i64),
}

impl Clock {
    /// Unix seconds, UTC.
    pub fn now(self) -> i64 {
        match self {
            Clock::System => chrono::Utc::now().timestamp(),
            Clock::Fixed(t) => t,
        }
    }
}
