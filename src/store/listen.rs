//! Commits on a PostgreSQL server, heard as they happen: a connection of its own LISTENs
//! to the channel every write transaction notifies at commit (change_log.rs), on any host.

use super::change_log::CHANNEL;
use crate::domain::change::Changes;
use postgres::fallible_iterator::FallibleIterator;
use std::time::Duration;

/// What a wait for notifications brought.
#[derive(Debug, PartialEq)]
pub enum Heard {
    /// Commits, merged.
    Changes(Changes),
    /// The connection was lost (the server restarted, the network went): why, in words.
    Lost(String),
    /// Connected again after a loss; notifications sent meanwhile are gone.
    Back,
    /// Listening for the first time: what was committed before was not heard, so loads
    /// made before this must be made again (the console's first loads wait for it).
    Listening,
}

pub struct Listener {
    url: String,
    client: Option<postgres::Client>,
    /// The connection was lost and not yet made again.
    lost: bool,
}

impl Listener {
    /// Connects at the first wait.
    pub fn new(url: &str) -> Listener {
        Listener {
            url: url.to_string(),
            client: None,
            lost: false,
        }
    }

    /// Waits up to `timeout` for commits; reconnects, once each wait, while the
    /// connection is lost. None when the time passed quietly.
    pub fn wait(&mut self, timeout: Duration) -> Option<Heard> {
        let Some(client) = &mut self.client else {
            return self.connect(timeout);
        };
        let first = client.notifications().timeout_iter(timeout).next();
        let mut changes = Changes::new();
        let failed = match first {
            Ok(None) if client.is_closed() => Some("the connection was closed".to_string()),
            Ok(None) => return None,
            Err(e) => Some(super::sql::pg_message(&e)),
            Ok(Some(note)) => {
                changes.union(Changes::from_notification(note.payload()));
                // Whatever else has already arrived comes in the same reply.
                let mut more = client.notifications();
                let mut pending = more.iter();
                while let Ok(Some(note)) = pending.next() {
                    changes.union(Changes::from_notification(note.payload()));
                }
                None
            }
        };
        match failed {
            Some(why) => {
                self.client = None;
                self.lost = true;
                Some(Heard::Lost(why))
            }
            None => Some(Heard::Changes(changes)),
        }
    }

    fn connect(&mut self, timeout: Duration) -> Option<Heard> {
        let listening = super::connect(&self.url).and_then(|mut client| {
            client
                .batch_execute(&format!("LISTEN {CHANNEL}"))
                .map_err(|e| super::server(&self.url, &e))?;
            Ok(client)
        });
        match listening {
            Ok(client) => {
                self.client = Some(client);
                Some(if std::mem::take(&mut self.lost) {
                    Heard::Back
                } else {
                    Heard::Listening
                })
            }
            Err(e) => {
                // Not again at once: a server that is down stays down a while.
                std::thread::sleep(timeout);
                let first = !std::mem::replace(&mut self.lost, true);
                first.then(|| Heard::Lost(e.to_string()))
            }
        }
    }
}
