//! The outbox's sender inside a running console: a thread and connection of its own that
//! delivers due messages in rounds, so that mail goes out whichever operator queued it and
//! whether or not cron runs `carrierdesk outbox send`. It claims only the kinds this host
//! holds the secrets for; what it does shows in the Email log through the change log.

use crate::config::Config;
use crate::service::{Couriers, Service, sender_name};
use crate::store::Location;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// How long the sender rests when nothing was due.
const IDLE: Duration = Duration::from_secs(5);
/// Messages claimed in one round.
const ROUND: usize = 20;

/// The settings as read: each key and its value.
type Snapshot = Vec<(String, Option<String>)>;

/// Starts the sender; it stops when `stop`'s sender is dropped (the console closing).
pub(super) fn spawn(location: Location, config: Config, stop: mpsc::Receiver<()>) {
    let started = std::thread::Builder::new()
        .name("sender".into())
        .spawn(move || run(&location, &config, &stop));
    if let Err(e) = started {
        tracing::warn!(error = %e, "the outbox sender did not start");
    }
}

fn run(location: &Location, config: &Config, stop: &mpsc::Receiver<()>) {
    let mut service = match Service::open_at(location) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "the outbox sender cannot open the database");
            return;
        }
    };
    let sender = sender_name();
    // Couriers are made again only when the settings they come from change.
    let mut made: Option<(Snapshot, Couriers)> = None;
    loop {
        let mut wait = IDLE;
        match service.settings() {
            Ok(settings) => {
                let now: Snapshot = settings.into_iter().map(|s| (s.key, s.value)).collect();
                if made.as_ref().is_none_or(|(then, _)| *then != now) {
                    match service.couriers(config) {
                        Ok(couriers) => made = Some((now, couriers)),
                        Err(e) => tracing::warn!(error = %e, "outbox sender: no couriers"),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "outbox sender: settings not read"),
        }
        if let Some((_, couriers)) = &made {
            let ready = couriers.ready();
            if !ready.is_empty() {
                let now = chrono::Utc::now().timestamp();
                match service.deliver(&ready, &sender, now, ROUND) {
                    // A full round: there may be more due; go on at once.
                    Ok(done) if done.handled() == ROUND => wait = Duration::ZERO,
                    Ok(done) if done.handled() > 0 => tracing::info!(
                        sent = done.sent,
                        retried = done.retried,
                        failed = done.failed,
                        "outbox round"
                    ),
                    Ok(_) => {}
                    // A busy database or a lost server: the next round tries again.
                    Err(e) => tracing::warn!(error = %e, "outbox round failed"),
                }
            }
        }
        // A lost server (PostgreSQL restarted): a new connection for the next round.
        if service.store().is_lost() {
            match Service::open_at(location) {
                Ok(fresh) => service = fresh,
                Err(e) => tracing::warn!(error = %e, "outbox sender: not reconnected"),
            }
        }
        match stop.recv_timeout(wait) {
            Err(RecvTimeoutError::Timeout) => {}
            _ => return,
        }
    }
}
