//! Which conversation an inbound message belongs to, when the sender did not
//! name it: the outside message it answers, the outside thread, else an
//! open request of the same requester it repeats.
//!
//! A thread found is only the sender's own: a reply from someone else in a
//! thread (a forwarded mail, a colleague in copy) never joins another
//! requester's ticket. A resolved ticket on a channel that is not live is
//! reopened by the reply; a closed one is over, and the reply opens a new
//! ticket.

use std::sync::Arc;

use switchboard_domain::conversation::Target;
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::ticket::{Action, Actor, Status, Ticket, TicketEvent};

use super::{IngestOutcome, Ingested, Ingesting, Judging};
use crate::act::Detail;
use crate::merges::Question;
use crate::{Core, CoreResult};

impl Core {
    /// The sender's conversation this message continues, if the channel
    /// says which (the message it answers, the outside thread).
    pub(crate) async fn find_conversation(&self, j: &Judging) -> CoreResult<Option<Ticket>> {
        let refs = &j.inbound.refs;
        let mut found = None;
        if !refs.in_reply_to.is_empty()
            && let Some(r) = self
                .store
                .find_external(j.inbound.channel, &refs.in_reply_to)
                .await?
        {
            found = Some(self.store.ticket(r.ticket).await?);
        }
        if found.is_none()
            && let (Some(endpoint), Some(thread)) = (&refs.endpoint, &refs.thread)
        {
            found = self
                .store
                .open_thread(j.inbound.channel, endpoint, thread)
                .await?;
        }
        let mine = |t: &Ticket| t.requester == j.requester && t.status != Status::Closed;
        if let Some(t) = found.filter(mine) {
            return Ok(Some(t));
        }
        // A client that dropped the headers still quotes the number in the
        // subject; only the ticket's own requester continues it that way, so
        // a similar subject from someone else never joins their ticket.
        if let Target::Find {
            subject: Some(subject),
            ..
        } = &j.inbound.target
            && let Some(number) = TicketNumber::find_in(subject)
        {
            return match self.store.ticket(number.id()).await {
                Ok(t) if t.channel == j.inbound.channel && mine(&t) => Ok(Some(t)),
                Ok(_) | Err(switchboard_store::StoreError::NotFound) => Ok(None),
                Err(e) => Err(e.into()),
            };
        }
        Ok(None)
    }

    /// A delivery report says our messages `ids` did not arrive: recorded on
    /// the ticket they belong to, once per id.
    pub async fn delivery_failed(
        &self,
        channel: switchboard_domain::ticket::Channel,
        ids: &[String],
        reason: &str,
    ) -> CoreResult<Option<TicketNumber>> {
        let Some(found) = self.store.find_external(channel, ids).await? else {
            return Ok(None);
        };
        let event = TicketEvent::DeliveryFailed {
            message_id: ids.first().cloned().unwrap_or_default(),
            reason: crate::judgement::customer_message(reason).text,
        };
        let events = self.store.events(found.ticket).await?;
        if !events.iter().any(|e| e.event == event) {
            self.store
                .record_events(found.ticket, &Actor::System, &[event], self.clock.now())
                .await?;
        }
        tracing::info!(ticket = found.ticket.0, "delivery failure recorded");
        Ok(Some(TicketNumber::from_id(found.ticket)))
    }

    /// Continues a conversation found by its thread: appended while it is
    /// open, reopened with the message once resolved.
    pub(crate) async fn continue_found(&self, j: Judging, t: Ticket) -> CoreResult<Ingesting> {
        if t.status != Status::Resolved || t.channel.is_live() {
            return self
                .continue_in(j, t.id, IngestOutcome::Continued, Vec::new())
                .await;
        }
        let warning = j.warning();
        let notices = j.scope_notices();
        let detail = Detail {
            text: j.text,
            files: j.inbound.files,
            events: j.judged.events,
        };
        let reopened = self
            .act_with_detail(t.id, &j.requester.actor(), &Action::Reopen, detail, &|_| {
                Ok(())
            })
            .await?;
        let seq = self.store.conversation(reopened.id).await?.last_seq;
        Ok(Ingesting::Done(Ingested {
            ticket: reopened.id,
            seq,
            outcome: IngestOutcome::Continued,
            duplicate: false,
            warning,
            notices,
        }))
    }

    /// A new question: joined to the open request it repeats, or opened.
    pub(crate) async fn join_or_open(self: &Arc<Self>, j: Judging) -> CoreResult<Ingesting> {
        let (topic, order) = match &j.inbound.target {
            Target::New(r) => (Some(r.topic.as_str()), r.order_number.as_deref()),
            Target::Find { topic, .. } => (topic.as_deref(), None),
            Target::Existing(_) => (None, None),
        };
        let order = order.and_then(|o| switchboard_domain::ids::OrderNumber::parse(o).ok());
        // A form that does not validate repeats nothing: its errors come first.
        if j.inbound.channel == switchboard_domain::ticket::Channel::Form {
            self.validate_form(&j).await?;
        }
        let question = Question {
            text: &j.text,
            order: order.as_ref(),
            topic,
            channel: j.inbound.channel.as_str(),
            endpoint: j.inbound.refs.endpoint.as_deref(),
        };
        let repeat = self.find_open_duplicate(&j.requester, &question).await?;
        match repeat {
            Some(existing) => {
                let joined = TicketEvent::DuplicateJoined {
                    channel: j.inbound.channel,
                };
                tracing::info!(ticket = %existing.number, "repeated question joined to an open ticket");
                self.join(j, existing, joined).await
            }
            None => self.open(j).await,
        }
    }

    async fn join(
        &self,
        j: Judging,
        existing: Ticket,
        joined: TicketEvent,
    ) -> CoreResult<Ingesting> {
        let urgent = j.urgent();
        let live = j.inbound.channel.is_live();
        let locale = j.inbound.locale;
        let ingesting = self
            .continue_in(j, existing.id, IngestOutcome::Joined, vec![joined])
            .await?;
        if urgent {
            // Made urgent whoever has it (the sequel of the message does it
            // for a live conversation a person holds).
            self.make_urgent(&existing).await;
        }
        if live && existing.channel.is_live() {
            let locale = match locale {
                Some(l) => l,
                None => self.requester_locale(&existing).await.unwrap_or_default(),
            };
            let note = crate::merges::joined_notice(existing.number);
            self.bot_says(&existing, note.get(locale).to_owned(), None)
                .await;
        }
        Ok(ingesting)
    }
}
