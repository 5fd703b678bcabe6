//! The database thread's queue, as it reads effects: a name for each in the log, which wait
//! on a server (and run apart), and which are loads that a later equal one answers.

use super::{CallList, ContactEffect, Effect, MailEffect, SipEffect};

impl Effect {
    /// A name for the log: never the effect's contents (a whole CSV export, a customer).
    pub fn label(&self) -> &'static str {
        match self {
            Effect::LoadBoardFirst => "load board (first screen)",
            Effect::LoadBoard => "load board",
            Effect::LoadBoardRows(_) => "load board rows",
            Effect::FindInContacts(_) => "search contacts",
            Effect::LoadCard(_) => "load card",
            Effect::LoadAudit(_) => "load audit",
            Effect::SaveCustomer { .. } => "save customer",
            Effect::Schedule { .. } => "schedule change",
            Effect::SaveColumns(_) => "save columns",
            Effect::SaveFilter { .. } => "save filter",
            Effect::LoadSummary { .. } => "load summary",
            Effect::Copy { .. } => "copy",
            Effect::LoadForEdit(_) => "load for edit",
            Effect::Delete(_) => "delete",
            Effect::BulkPreview { .. } => "bulk preview",
            Effect::BulkApply { .. } => "bulk apply",
            Effect::BulkUpload { .. } => "bulk upload",
            Effect::LoadScheduled { .. } => "load scheduled changes",
            Effect::LoadCalls(CallList::Unmatched) => "load unmatched calls",
            Effect::LoadCalls(CallList::Unrated) => "load unrated calls",
            Effect::CancelScheduled { .. } => "cancel scheduled change",
            Effect::RetryScheduled { .. } => "retry scheduled change",
            Effect::ImportCdrs(_) => "import CDRs",
            Effect::CdrReport { .. } => "CDR report",
            Effect::Export { .. } => "export",
            Effect::LoadSettings => "load settings",
            Effect::LoadRateCards => "load the rate cards",
            Effect::LoadRateCard(_) => "load a rate card",
            Effect::ChangeSetting { .. } => "change setting",
            Effect::Sip(effect) => effect.label(),
            Effect::Contact(effect) => effect.label(),
            Effect::Mail(effect) => effect.label(),
            Effect::CompletePath { .. } => "complete a path",
        }
    }

    /// Whether it waits on a mail server or an SMS gateway (and so runs apart from the
    /// database thread).
    pub fn waits_on_a_server(&self) -> bool {
        matches!(
            self,
            Effect::Mail(MailEffect::Test { .. }) | Effect::Contact(ContactEffect::MailPassword(_))
        )
    }

    /// A read whose answer replaces the last one: two of them queued are worth one.
    pub fn is_load(&self) -> bool {
        matches!(
            self,
            Effect::LoadBoardFirst
                | Effect::LoadBoard
                | Effect::LoadBoardRows(_)
                | Effect::FindInContacts(_)
                | Effect::LoadCard(_)
                | Effect::LoadAudit(_)
                | Effect::LoadSummary { .. }
                | Effect::LoadScheduled { .. }
                | Effect::LoadCalls(_)
                | Effect::LoadSettings
                | Effect::LoadRateCards
                | Effect::LoadRateCard(_)
                | Effect::Sip(SipEffect::LoadRealm)
                | Effect::Contact(ContactEffect::LoadAll)
                | Effect::Mail(MailEffect::LoadLog)
        )
    }
}

/// Drops a load that an equal load later in the queue repeats, keeping the order of the
/// rest: the later one answers both. Writes are never dropped.
pub fn merge_loads(queue: Vec<Effect>) -> Vec<Effect> {
    let mut out: Vec<Effect> = Vec::with_capacity(queue.len());
    for effect in queue {
        if effect.is_load() {
            out.retain(|e| e != &effect);
        }
        out.push(effect);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_loads_of_the_same_thing_merge_and_writes_stay() {
        let queue = vec![
            Effect::LoadCard(7),
            Effect::LoadBoard,
            Effect::Delete(vec![3]),
            Effect::LoadCard(7),
            Effect::LoadCard(8),
            Effect::Delete(vec![3]),
        ];
        assert_eq!(
            merge_loads(queue),
            [
                Effect::LoadBoard,
                Effect::Delete(vec![3]),
                Effect::LoadCard(7),
                Effect::LoadCard(8),
                Effect::Delete(vec![3]),
            ]
        );
    }
}
