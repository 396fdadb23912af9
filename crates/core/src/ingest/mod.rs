//! One way in for every channel. An adapter (the form, the chat socket and
//! its HTTP fallback, e-mail, messengers, the phone) turns what came in into
//! an [`Inbound`]; [`Core::ingest`] does the rest, the same for all:
//!
//! 1. the sender becomes a requester (a customer, or a contact made the
//!    first time an unknown address writes);
//! 2. a redelivery of an outside message already stored is recognised;
//! 3. the text is judged (secrets and obscenity masked, out-of-scope found)
//!    before anything else sees it, and the files are checked;
//! 4. the conversation it continues is found (named by the sender, the
//!    outside thread, the message it answers), else the open request it
//!    repeats, else a new ticket is opened with its priority (the rules,
//!    fraud made urgent), its SLA clock and its confirmation;
//! 5. it is stored once, through the writer (whose batch lets the domain
//!    decide it on the locked ticket) or with the new ticket;
//! 6. the feed takes it to the operator's socket and to routing; the bot
//!    answers while it has a live conversation.

mod find;
mod open;

use std::sync::Arc;

use switchboard_domain::conversation::{Inbound, ORIGINAL_TEXT_FILE, Sender, Target};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::TicketId;
use switchboard_domain::ticket::Requester;
use switchboard_store::AppendItem;

use crate::conversation::{After, Pending, message_text};
use crate::judgement::{self, Advice, Judged};
use crate::{Core, CoreError, CoreResult};

/// What happened to an inbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    /// It opened a ticket (`false`: opened before by the same client or
    /// outside id, nothing new stored).
    Opened { created: bool },
    /// It continued the conversation it belongs to.
    Continued,
    /// It repeats an open request of the same requester and was added to it.
    Joined,
    /// The same outside or client id was stored before: nothing new stored.
    Redelivered,
}

/// The result of [`Core::ingest`] once the message is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    pub ticket: TicketId,
    /// The message's place in the conversation.
    pub seq: i64,
    pub outcome: IngestOutcome,
    /// The same client or outside id was stored before: nothing new was
    /// stored, and this answers as the first time did.
    pub duplicate: bool,
    /// For the sender: secrets were masked.
    pub warning: Option<Advice>,
    /// For the sender: the question joined an open request; the polite
    /// answer to an out-of-scope question.
    pub notices: Vec<Advice>,
}

/// A message being stored; [`Ingesting::finish`] waits for it.
pub enum Ingesting {
    Done(Ingested),
    Writing {
        pending: Pending,
        outcome: IngestOutcome,
        warning: Option<Advice>,
        notices: Vec<Advice>,
    },
}

impl Ingesting {
    pub async fn finish(self, core: &Arc<Core>) -> CoreResult<Ingested> {
        match self {
            Ingesting::Done(done) => Ok(done),
            Ingesting::Writing {
                pending,
                outcome,
                warning,
                notices,
            } => {
                let ack = pending.wait(core).await?;
                // The conversation's first message carries the client id that
                // opened it: this is a resend of that opening, answered as one.
                let outcome = match outcome {
                    IngestOutcome::Joined if ack.duplicate && ack.seq == 1 => {
                        IngestOutcome::Opened { created: false }
                    }
                    other => other,
                };
                Ok(Ingested {
                    ticket: ack.ticket,
                    seq: ack.seq,
                    outcome,
                    duplicate: ack.duplicate,
                    warning,
                    notices,
                })
            }
        }
    }
}

/// An inbound message once judged and its sender known.
pub(crate) struct Judging {
    pub inbound: Inbound,
    pub requester: Requester,
    pub judged: Judged,
    /// The text to store (masked, trimmed).
    pub text: String,
}

impl Judging {
    pub(crate) fn warning(&self) -> Option<Advice> {
        self.judged.warning.clone()
    }

    pub(crate) fn scope_notices(&self) -> Vec<Advice> {
        self.judged
            .scope
            .iter()
            .map(judgement::scope_advice)
            .collect()
    }

    pub(crate) fn urgent(&self) -> bool {
        self.judged.scope.as_ref().is_some_and(|s| s.urgent)
    }
}

impl Core {
    /// Takes one inbound message from any channel; see the module doc.
    /// Returns once the message is handed to the writer (or stored with a new
    /// ticket): transports that pipeline keep the [`Ingesting`] and finish
    /// it later, the others finish it at once.
    #[tracing::instrument(skip_all, fields(channel = inbound.channel.as_str()))]
    pub async fn ingest(self: &Arc<Self>, inbound: Inbound) -> CoreResult<Ingesting> {
        let requester = self.requester(&inbound).await?;
        if let Some(id) = &inbound.refs.message_id
            && let Some(seen) = self
                .store
                .find_external(inbound.channel, std::slice::from_ref(id))
                .await?
        {
            return Ok(Ingesting::Done(Ingested {
                ticket: seen.ticket,
                seq: seen.seq,
                outcome: IngestOutcome::Redelivered,
                duplicate: true,
                warning: None,
                notices: Vec::new(),
            }));
        }
        let mut inbound = inbound;
        let mut judged = judgement::customer_message(&inbound.text);
        // The form's "Other" words are the customer's too.
        if let Target::New(r) = &mut inbound.target
            && let Some(words) = r.problem_text.take()
        {
            let other = judgement::customer_message(&words);
            judged.events.extend(other.events);
            judged.warning = judged.warning.or(other.warning);
            judged.scope = judged.scope.or(other.scope);
            r.problem_text = Some(other.text);
        }
        mask_original(&mut inbound, &mut judged);
        // A new form's text is its description, checked with its other fields.
        let form = inbound.channel == switchboard_domain::ticket::Channel::Form
            && matches!(inbound.target, Target::New(_));
        let text = if form {
            judged.text.trim().to_owned()
        } else {
            message_text(
                inbound.channel.is_live(),
                &judged.text,
                !inbound.files.is_empty(),
            )?
        };
        let j = Judging {
            inbound,
            requester,
            judged,
            text,
        };
        match &j.inbound.target {
            Target::Existing(number) => {
                let id = number.id();
                self.continue_in(j, id, IngestOutcome::Continued, Vec::new())
                    .await
            }
            Target::Find { .. } => match self.find_conversation(&j).await? {
                Some(found) => self.continue_found(j, found).await,
                None => self.join_or_open(j).await,
            },
            Target::New(_) => self.join_or_open(j).await,
        }
    }

    /// Who wrote: the customer the transport vouched for, or the owner of
    /// the address (a contact made now if nobody is known by it).
    async fn requester(&self, inbound: &Inbound) -> CoreResult<Requester> {
        match &inbound.sender {
            Sender::Customer(c) => Ok(Requester::Customer(c.clone())),
            Sender::Address(address) => Ok(self
                .store
                .resolve_address(
                    address,
                    inbound.locale.unwrap_or(Locale::Ru),
                    self.clock.now(),
                )
                .await?),
        }
    }

    /// Appends the message to `ticket`; whether the sender may write there is
    /// decided with the stored ticket, in the transaction that stores it.
    pub(crate) async fn continue_in(
        &self,
        j: Judging,
        ticket: TicketId,
        outcome: IngestOutcome,
        extra: Vec<switchboard_domain::ticket::TicketEvent>,
    ) -> CoreResult<Ingesting> {
        let checked = self
            .check_files(&j.inbound.files)
            .map_err(CoreError::Invalid)?;
        let attachments = self.save_files(&checked, &j.inbound.files).await?;
        let warning = j.warning();
        let mut notices = j.scope_notices();
        if outcome == IngestOutcome::Joined {
            notices.insert(0, crate::conversation::joined_advice(ticket_number(ticket)));
        }
        let urgent = j.urgent();
        let mut events = j.judged.events;
        events.extend(extra);
        let item = AppendItem {
            ticket,
            author: j.requester.actor(),
            visibility: switchboard_store::Visibility::Public,
            body: j.text.clone(),
            attachments,
            client_id: j.inbound.refs.client_id.clone(),
            external_id: j.inbound.refs.message_id.clone(),
            meta: None,
            supervisor: false,
            events,
            outbound: Vec::new(),
        };
        let after = After::CustomerWrote {
            question: j.text,
            urgent,
        };
        let pending = self.submit(item, after).await?;
        Ok(Ingesting::Writing {
            pending,
            outcome,
            warning,
            notices,
        })
    }
}

fn ticket_number(id: TicketId) -> switchboard_domain::ids::TicketNumber {
    switchboard_domain::ids::TicketNumber::from_id(id)
}

/// The whole text a channel keeps next to a shortened message
/// ([`ORIGINAL_TEXT_FILE`]) is the customer's too: judged like the text, so
/// a secret in an e-mail's quoted history is masked there as well. Its
/// audit events join the message's unless the text already brought one of
/// a kind; the warning to the sender stays the own text's (the history
/// quotes earlier messages, judged when they came).
fn mask_original(inbound: &mut Inbound, judged: &mut Judged) {
    for file in &mut inbound.files {
        if file.name != ORIGINAL_TEXT_FILE {
            continue;
        }
        let whole = judgement::customer_message(&String::from_utf8_lossy(&file.bytes));
        file.bytes = whole.text.into_bytes();
        for event in whole.events {
            let kind = std::mem::discriminant(&event);
            if !judged
                .events
                .iter()
                .any(|e| std::mem::discriminant(e) == kind)
            {
                judged.events.push(event);
            }
        }
    }
}
