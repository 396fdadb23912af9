//! A connection's frames: the customer's intake (topics, order), the bot's
//! buttons ("helped", "call an operator", the code, feedback, block), typing,
//! an operator's presence, and where messages go.

use switchboard_core::bot::CallOutcome;
use switchboard_core::conversation::check_client_id;
use switchboard_core::{CoreError, CoreResult, RefusalKind};
use switchboard_domain::bot::{Intake, TopicChosen};
use switchboard_store::PresenceStatus;

use super::Session;
use crate::chat::protocol::{ClientFrame, LineView, OrderView, ServerFrame, TopicView};
use crate::http::views::Names;

impl Session {
    pub(super) async fn on_frame(&mut self, frame: ClientFrame) -> CoreResult<()> {
        let chat = self.core.clone();
        match frame {
            ClientFrame::Ping => self.send(&ServerFrame::Pong).await,
            ClientFrame::Topics => {
                let c = self.customer()?;
                let lines = chat
                    .catalog()
                    .lines
                    .iter()
                    .filter(|l| l.serves(c.kind))
                    .map(|l| LineView {
                        code: l.code.clone(),
                        name: Names::from(&l.name),
                        topics: l
                            .topics
                            .iter()
                            .map(|t| TopicView {
                                code: t.code.clone(),
                                name: Names::from(&t.name),
                                order_expected: t.order_expected,
                                step_up: t.step_up,
                            })
                            .collect(),
                    })
                    .collect();
                self.send(&ServerFrame::Topics { lines }).await;
            }
            ClientFrame::Topic { line, topic } => {
                let c = self.customer()?.clone();
                let chosen = self
                    .intake
                    .choose_topic(&chat.catalog(), Some(&c), &line, &topic)
                    .map_err(|r| CoreError::chat(RefusalKind::Invalid, r))?;
                match chosen {
                    TopicChosen::OrderRequired => {
                        let mut orders: Vec<OrderView> = chat
                            .store
                            .customer_orders(&c.id)
                            .await?
                            .into_iter()
                            .map(|o| OrderView {
                                number: o.number.to_string(),
                                title: o.title,
                                status: o.status,
                            })
                            .collect();
                        orders.extend(c.bookings.iter().map(|b| OrderView {
                            number: b.reference.to_string(),
                            title: format!("{:?}", b.kind).to_lowercase(),
                            status: b.starts_at.to_string(),
                        }));
                        self.send(&ServerFrame::OrderRequired { orders }).await;
                    }
                    TopicChosen::Ready => self.ready().await,
                }
            }
            ClientFrame::Order { number } => {
                let c = self.customer()?.clone();
                let orders = chat.store.customer_orders(&c.id).await?;
                self.intake
                    .choose_order(Some(&c), &orders, number.as_deref())
                    .map_err(|r| CoreError::chat(RefusalKind::Invalid, r))?;
                self.ready().await;
            }
            ClientFrame::Message {
                conversation,
                client_id,
                body,
            } => {
                let fail = |e: CoreError, id: &str| ServerFrame::from_error(e, Some(id.to_owned()));
                if let Err(e) = check_client_id(&client_id) {
                    self.send(&fail(e, &client_id)).await;
                    return Ok(());
                }
                let result = match conversation {
                    None => self.open_conversation(&body, &client_id).await,
                    Some(number) => self.message(&number, body, client_id.clone()).await,
                };
                if let Err(e) = result {
                    self.send(&fail(e, &client_id)).await;
                }
            }
            ClientFrame::Resume {
                conversation,
                last_seq,
            } => {
                let t = self.authorised(&conversation).await?;
                self.attach(&t, last_seq.max(0)).await;
            }
            ClientFrame::Typing { conversation } => {
                let t = self.attached_id(&conversation)?;
                let ticket = self.attached[&t].ticket.clone();
                chat.typing(&ticket, self.actor.clone()).await?;
            }
            ClientFrame::Helped {
                conversation,
                answer,
            } => {
                let c = self.customer()?.clone();
                // A knowledge-base article that helped is counted as such.
                if let Some(article) = answer.filter(|a| chat.kb.is_published(a)) {
                    let _ = chat.feedback(&c, &conversation, &article, true).await;
                }
                chat.helped(&c, &conversation).await?;
            }
            ClientFrame::Feedback {
                conversation,
                article,
                helped,
            } => {
                let c = self.customer()?.clone();
                chat.feedback(&c, &conversation, &article, helped).await?;
                self.send(&ServerFrame::FeedbackRecorded {
                    conversation,
                    article,
                    helped,
                })
                .await;
            }
            ClientFrame::Block {
                conversation,
                target,
            } => {
                let c = self.customer()?.clone();
                if let Some(CallOutcome::CodeSent { phone, expires_at }) =
                    chat.accept_block(&c, &conversation, &target).await?
                {
                    self.send(&ServerFrame::StepUp {
                        conversation,
                        phone,
                        expires_at: expires_at.to_string(),
                    })
                    .await;
                }
            }
            ClientFrame::CallOperator { conversation } => {
                let c = self.customer()?.clone();
                if let CallOutcome::CodeSent { phone, expires_at } =
                    chat.call_operator(&c, &conversation).await?
                {
                    self.send(&ServerFrame::StepUp {
                        conversation,
                        phone,
                        expires_at: expires_at.to_string(),
                    })
                    .await;
                }
            }
            ClientFrame::Code { conversation, code } => {
                let c = self.customer()?.clone();
                chat.enter_code(&c, &conversation, &code).await?;
            }
            ClientFrame::Presence { status } => {
                let op = self.operator()?.id;
                let status = PresenceStatus::parse(&status).ok_or_else(|| {
                    CoreError::refused(
                        RefusalKind::Invalid,
                        "invalid_status",
                        "Статус: online, away или offline",
                        "Status is online, away or offline",
                    )
                })?;
                chat.set_presence(op, status).await?;
                self.send(&ServerFrame::Presence {
                    status: status.as_str(),
                })
                .await;
            }
        }
        Ok(())
    }

    pub(super) async fn ready(&mut self) {
        if let Intake::Ready { line, topic, .. } = &self.intake {
            let frame = ServerFrame::Ready {
                line: line.clone(),
                topic: topic.clone(),
            };
            self.send(&frame).await;
        }
    }
}
