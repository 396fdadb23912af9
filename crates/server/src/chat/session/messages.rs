//! Messages on a connection: a customer's go through the same `ingest` as
//! every channel's (the first one, once the intake allows it, opens the
//! conversation or joins an open request it repeats); an operator's are
//! judged and written by the core. Acknowledgements are pipelined: the
//! connection keeps reading while the writer commits.

use switchboard_core::conversation::StaffMessage;
use switchboard_core::{CoreError, CoreResult, IngestOutcome, RefusalKind};
use switchboard_domain::bot::Intake;
use switchboard_domain::conversation::{ExternalRefs, Inbound, Request, Sender, Target};
use switchboard_domain::ids::{TicketId, TicketNumber};
use switchboard_domain::ticket::{Channel, Ticket};
use switchboard_store::Role;

use super::{Session, Who};
use crate::chat::protocol::ServerFrame;

impl Session {
    /// The conversation, if this connection may see it.
    pub(super) async fn authorised(&mut self, number: &str) -> CoreResult<Ticket> {
        let chat = self.core.clone();
        match &self.who {
            Who::Customer(c, _) => chat.own_conversation(c, number).await,
            Who::Operator(o) => {
                let t = chat.staff_conversation(number).await?;
                if t.assignee == Some(o.id) || o.role != Role::Operator {
                    Ok(t)
                } else {
                    Err(CoreError::refused(
                        RefusalKind::Forbidden,
                        "assigned_to_someone_else",
                        "Разговор назначен другому сотруднику",
                        "The conversation is assigned to someone else",
                    ))
                }
            }
        }
    }

    pub(super) fn attached_id(&self, number: &str) -> CoreResult<TicketId> {
        let n = TicketNumber::parse(number).map_err(|_| CoreError::NotFound)?;
        if self.attached.contains_key(&n.id()) {
            Ok(n.id())
        } else {
            Err(CoreError::NotFound)
        }
    }

    pub(super) async fn open_conversation(
        &mut self,
        body: &str,
        client_id: &str,
    ) -> CoreResult<()> {
        let c = self.customer()?.clone();
        // The intake stays as it is: resending this frame answers with the same conversation.
        self.intake
            .text_allowed()
            .map_err(|r| CoreError::chat(RefusalKind::Invalid, r))?;
        let Intake::Ready { line, topic, order } = &self.intake else {
            return Err(CoreError::chat(
                RefusalKind::Invalid,
                switchboard_domain::bot::topic_required(),
            ));
        };
        if let Err(refused) = self.limits.open_chat(self.address, c.id.as_str()) {
            let minutes = refused.retry_after_secs.div_ceil(60);
            return Err(CoreError::refused(
                RefusalKind::TooMany,
                "too_many_conversations",
                &format!("Слишком много новых чатов. Новый можно начать через {minutes} мин."),
                &format!("Too many new chats. You can start another in {minutes} min."),
            ));
        }
        let inbound = Inbound {
            sender: Sender::Customer(c.id.clone()),
            channel: Channel::Chat,
            refs: ExternalRefs {
                client_id: Some(client_id.to_owned()),
                ..ExternalRefs::default()
            },
            target: Target::New(Request {
                line: line.clone(),
                topic: topic.clone(),
                order_number: order.as_ref().map(|o| o.to_string()),
                ..Request::default()
            }),
            text: body.to_owned(),
            files: Vec::new(),
            locale: Some(c.locale),
        };
        let core = self.core.clone();
        let done = core.ingest(inbound).await?.finish(&core).await?;
        let t = core.store.ticket(done.ticket).await?;
        let joined = done.outcome == IngestOutcome::Joined;
        if t.channel == Channel::Chat && !self.attached.contains_key(&t.id) {
            self.attach(&t, 0).await;
        }
        let frame = if joined {
            ServerFrame::Joined {
                client_id: client_id.to_owned(),
                ticket: t.number.to_string(),
                channel: t.channel.as_str(),
                seq: t.channel.is_live().then_some(done.seq),
                message: switchboard_core::merges::joined_notice(t.number),
            }
        } else {
            ServerFrame::Ack {
                client_id: client_id.to_owned(),
                conversation: t.number.to_string(),
                seq: done.seq,
                duplicate: done.duplicate,
            }
        };
        self.send(&frame).await;
        if let Some(w) = done.warning {
            self.send(&ServerFrame::Warning {
                conversation: t.number.to_string(),
                client_id: Some(client_id.to_owned()),
                code: w.code,
                message: w.message,
            })
            .await;
        }
        Ok(())
    }

    pub(super) async fn message(
        &mut self,
        number: &str,
        body: String,
        client_id: String,
    ) -> CoreResult<()> {
        let ticket = match self.attached_id(number) {
            Ok(id) => id,
            Err(_) => {
                let t = self.authorised(number).await?;
                let head = self.core.store.conversation(t.id).await?.last_seq;
                self.attach(&t, head).await;
                t.id
            }
        };
        let conversation = TicketNumber::from_id(ticket).to_string();
        let core = self.core.clone();
        let frames = |ack_seq: i64,
                      duplicate: bool,
                      warning: Option<switchboard_core::judgement::Advice>,
                      client_id: String,
                      conversation: String| {
            let mut frames = vec![ServerFrame::Ack {
                client_id: client_id.clone(),
                conversation: conversation.clone(),
                seq: ack_seq,
                duplicate,
            }];
            if let Some(w) = warning {
                frames.push(ServerFrame::Warning {
                    conversation,
                    client_id: Some(client_id),
                    code: w.code,
                    message: w.message,
                });
            }
            frames
        };
        match &self.who {
            Who::Customer(c, _) => {
                let inbound = Inbound {
                    sender: Sender::Customer(c.id.clone()),
                    channel: Channel::Chat,
                    refs: ExternalRefs {
                        client_id: Some(client_id.clone()),
                        ..ExternalRefs::default()
                    },
                    target: Target::Existing(TicketNumber::from_id(ticket)),
                    text: body,
                    files: Vec::new(),
                    locale: Some(c.locale),
                };
                let ingesting = core.ingest(inbound).await?;
                self.pending.push_back(Box::pin(async move {
                    match ingesting.finish(&core).await {
                        Ok(done) => frames(
                            done.seq,
                            done.duplicate,
                            done.warning,
                            client_id,
                            conversation,
                        ),
                        Err(e) => vec![ServerFrame::from_error(e, Some(client_id))],
                    }
                }));
            }
            Who::Operator(o) => {
                let Some(a) = self.attached.get(&ticket) else {
                    return Err(CoreError::NotFound);
                };
                let message = StaffMessage {
                    operator: o.id,
                    supervisor: o.role != Role::Operator,
                    text: body,
                    files: Vec::new(),
                    internal: false,
                    client_id: Some(client_id.clone()),
                };
                // Judged first: an operator's request for secrets is refused
                // here and nothing is stored.
                let pending = core.post_staff(&a.ticket, message).await?;
                self.pending.push_back(Box::pin(async move {
                    match pending.wait(&core).await {
                        Ok(ack) => frames(ack.seq, ack.duplicate, None, client_id, conversation),
                        Err(e) => vec![ServerFrame::from_error(e, Some(client_id))],
                    }
                }));
            }
        }
        Ok(())
    }
}
