//! Opening a ticket from an inbound message: a form (validated against the
//! catalog and the customer's orders), a live conversation (the bot has it
//! first), or a message on a channel that just arrives (a mail: its
//! endpoint's line, in the sender's outside thread). Every one gets its
//! priority from the rules (fraud made urgent), its SLA clock, its
//! confirmation by the right route, and is stored with its first message in
//! one transaction.

use std::sync::Arc;

use jiff::Timestamp;
use switchboard_domain::bot::{self as bot_rules, Intake};
use switchboard_domain::conversation::{Medium, Outbound, Route, Target};
use switchboard_domain::customer::Customer;
use switchboard_domain::i18n::Locale;
use switchboard_domain::intake::{self, NewTicket};
use switchboard_domain::notification;
use switchboard_domain::ticket::{
    Channel, Origin, Priority, ProblemChoice, ReplyChannel, Status, Ticket, TicketKind,
};
use switchboard_store::{NewMessage, Opening, Visibility};

use super::{IngestOutcome, Ingested, Ingesting, Judging};
use crate::{Core, CoreError, CoreResult, RefusalKind};

/// The priority rule named on a ticket made urgent by the judgement.
pub const FRAUD_RULE: &str = "out_of_scope_fraud";

impl Core {
    /// The form's own checks (fields, files), before anything else.
    pub(crate) async fn validate_form(&self, j: &Judging) -> CoreResult<()> {
        let Target::New(request) = &j.inbound.target else {
            return Ok(());
        };
        let customer = self.account(j).await?;
        let orders = self.store.customer_orders(&customer.id).await?;
        let form = request.form(&j.text);
        let checked = intake::open_ticket(&self.catalog(), &customer, &orders, &form, self.now());
        let files = self.check_files(&j.inbound.files);
        match (checked, files) {
            (Ok(_), Ok(_)) => Ok(()),
            (checked, files) => {
                let mut errors = checked.err().unwrap_or_default();
                errors.extend(files.err().unwrap_or_default());
                Err(CoreError::Invalid(errors))
            }
        }
    }

    async fn account(&self, j: &Judging) -> CoreResult<Customer> {
        match j.requester.customer() {
            Some(id) => Ok(self.store.customer(id).await?),
            None => Err(CoreError::refused(
                RefusalKind::Forbidden,
                "account_required",
                "Для этого нужно войти в учётную запись",
                "This needs a signed-in account",
            )),
        }
    }

    /// Opens a ticket for the message; see the module doc.
    pub(crate) async fn open(self: &Arc<Self>, j: Judging) -> CoreResult<Ingesting> {
        let now = self.now();
        let customer = self.customer_of(&j.requester).await;
        let (mut new, status_note) = match (&j.inbound.target, j.inbound.channel) {
            (Target::New(_), Channel::Form) => (self.form_ticket(&j, now).await?, None),
            (Target::New(r), channel) if channel.is_live() => {
                let mut intake = Intake::default();
                let kind = RefusalKind::Invalid;
                intake
                    .choose_topic(&self.catalog(), customer.as_ref(), &r.line, &r.topic)
                    .map_err(|e| CoreError::chat(kind, e))?;
                let orders = match &customer {
                    Some(c) => self.store.customer_orders(&c.id).await?,
                    None => Vec::new(),
                };
                intake
                    .choose_order(customer.as_ref(), &orders, r.order_number.as_deref())
                    .map_err(|e| CoreError::chat(kind, e))?;
                let new = bot_rules::open_conversation(
                    &self.catalog(),
                    j.requester.clone(),
                    customer.as_ref(),
                    channel,
                    &intake,
                    &j.text,
                    now,
                )
                .map_err(|e| CoreError::chat(kind, e))?;
                (new, None)
            }
            (Target::New(r), _) => (
                self.arriving_ticket(&j, &r.line, Some(&r.topic), None, now)?,
                None,
            ),
            (
                Target::Find {
                    line,
                    topic,
                    subject,
                },
                _,
            ) => (
                self.arriving_ticket(&j, line, topic.as_deref(), subject.as_deref(), now)?,
                Some(()),
            ),
            (Target::Existing(_), _) => return Err(CoreError::NotFound),
        };
        new.origin = origin(&j);
        self.prioritise(&mut new, customer.as_ref(), &j, now);
        self.rules().deadlines.start_new(&mut new);
        let checked = self
            .check_files(&j.inbound.files)
            .map_err(CoreError::Invalid)?;
        let attachments = self.save_files(&checked, &j.inbound.files).await?;
        let notify = self.confirmation(&new, customer.as_ref(), status_note.is_some(), &j, now);
        let opening = Opening {
            message: NewMessage {
                author: j.requester.actor(),
                visibility: Visibility::Public,
                body: new.description.clone(),
                attachments,
            },
            events: j.judged.events.clone(),
            client_id: j.inbound.refs.client_id.clone(),
            external_id: j.inbound.refs.message_id.clone(),
            notify,
        };
        let opened = self.store.create_ticket(&new, opening).await?;
        if opened.created {
            self.opened(&opened.ticket, &j);
        }
        Ok(Ingesting::Done(Ingested {
            ticket: opened.ticket.id,
            seq: opened.first.seq,
            outcome: IngestOutcome::Opened {
                created: opened.created,
            },
            duplicate: !opened.created,
            warning: j.warning(),
            notices: j.scope_notices(),
        }))
    }

    async fn form_ticket(&self, j: &Judging, now: Timestamp) -> CoreResult<NewTicket> {
        let Target::New(request) = &j.inbound.target else {
            return Err(CoreError::NotFound);
        };
        let customer = self.account(j).await?;
        let orders = self.store.customer_orders(&customer.id).await?;
        let form = request.form(&j.text);
        intake::open_ticket(&self.catalog(), &customer, &orders, &form, now)
            .map_err(CoreError::Invalid)
    }

    /// A ticket for a message that simply arrives on `line` (a mail to a
    /// mailbox, a call): the topic if it names one of the line's (a team's
    /// mailbox), else the one its subject or first lines clearly name, else
    /// the line's first; the problem in the sender's words.
    fn arriving_ticket(
        &self,
        j: &Judging,
        line: &str,
        topic: Option<&str>,
        subject: Option<&str>,
        now: Timestamp,
    ) -> CoreResult<NewTicket> {
        let catalog = self.catalog();
        let l = catalog.line(line).ok_or_else(|| {
            CoreError::internal("ingest", format!("line {line} is not in the catalog"))
        })?;
        let t = topic
            .and_then(|code| l.topic(code))
            .or_else(|| intake::topic_match::topic_for(l, subject.unwrap_or_default(), &j.text))
            .or_else(|| l.topics.first())
            .ok_or_else(|| CoreError::internal("ingest", format!("line {line} has no topics")))?;
        let words = subject
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| j.text.lines().next().unwrap_or_default());
        let words: String = words.chars().take(intake::MAX_PROBLEM_TEXT_CHARS).collect();
        let problem = ProblemChoice::Other(crate::judgement::customer_message(&words).text);
        Ok(NewTicket {
            requester: j.requester.clone(),
            kind: TicketKind::Request,
            channel: j.inbound.channel,
            origin: None,
            line: l.code.clone(),
            topic: t.code.clone(),
            subject: intake::subject_for(t, &problem),
            problem,
            order_number: None,
            status: Status::Queued,
            priority: Priority::Normal,
            reply_channel: ReplyChannel::Email,
            due_at: None,
            at_risk_at: None,
            priority_rule: None,
            sla: None,
            description: j.text.clone(),
            created_at: now,
        })
    }

    /// The rules' priority (for a customer; a contact's request is normal),
    /// made urgent when the judgement found fraud.
    fn prioritise(
        &self,
        new: &mut NewTicket,
        customer: Option<&Customer>,
        j: &Judging,
        now: Timestamp,
    ) {
        let urgent_requested = match &j.inbound.target {
            Target::New(r) => r.urgent,
            _ => false,
        };
        let catalog = self.catalog();
        if let (Some(c), Some((_, topic))) = (customer, catalog.topic(&new.line, &new.topic)) {
            let decided = self.rules().decide_priority(
                c,
                &new.line,
                topic,
                new.channel,
                urgent_requested,
                now,
            );
            new.priority = decided.priority;
            new.priority_rule = decided.rule;
        }
        if j.urgent() {
            new.priority = Priority::Urgent;
            new.priority_rule = Some(FRAUD_RULE.into());
        }
    }

    /// What a new ticket sends out once it has its number: the form's
    /// confirmation by the customer's chosen channel, or an acknowledgement
    /// back through the outside thread of a message that just arrived (a
    /// mail); with the off-hours note when the line is closed. A live
    /// conversation needs none: the bot answers in it.
    fn confirmation(
        &self,
        new: &NewTicket,
        customer: Option<&Customer>,
        arrived: bool,
        j: &Judging,
        now: Timestamp,
    ) -> switchboard_store::NotifyNew {
        let route: Option<Route> = if new.channel == Channel::Form {
            customer.and_then(|c| notification::profile_route(c, new.reply_channel))
        } else if arrived {
            new.origin.as_ref().and_then(|o| {
                Some(Route {
                    medium: Medium::of_channel(new.channel)?,
                    recipient: o.address.clone(),
                    endpoint: Some(o.endpoint.clone()),
                    thread: j.inbound.refs.message_id.clone().or(o.thread.clone()),
                })
            })
        } else {
            None
        };
        let locale = customer
            .map(|c| c.locale)
            .or(j.inbound.locale)
            .unwrap_or(Locale::Ru);
        let name = customer.map(|c| c.name.clone());
        let tz = self
            .rules()
            .calendars
            .for_line(&new.line)
            .time_zone()
            .clone();
        let off_hours = self.rules().off_hours_until(&new.line, now);
        // The earliest deadline of a new ticket is its first response.
        let reply_due = new.due_at;
        Box::new(move |t: &Ticket| {
            let Some(route) = route else {
                return Vec::new();
            };
            let mut out: Outbound = notification::ticket_confirmation(
                route,
                locale,
                name.as_deref(),
                t.number,
                &t.subject,
                reply_due,
                &tz,
            );
            if let Some(from) = off_hours {
                out.text.push('\n');
                out.text
                    .push_str(&notification::off_hours_note(locale, from, &tz));
            }
            vec![out]
        })
    }

    /// After a ticket is opened: counted, and the bot answers a live one.
    fn opened(self: &Arc<Self>, t: &Ticket, j: &Judging) {
        self.metrics
            .tickets_created
            .get_or_create(&crate::metrics::TicketLabels {
                channel: t.channel.as_str().into(),
            })
            .inc();
        tracing::info!(ticket = %t.number, channel = t.channel.as_str(), "ticket opened");
        if t.status == Status::WithBot {
            self.metrics.chat_conversations_opened.inc();
            let core = self.clone();
            let (t, question, locale) = (t.clone(), j.text.clone(), j.inbound.locale);
            tokio::spawn(async move {
                let locale = match locale {
                    Some(l) => l,
                    None => core.requester_locale(&t).await.unwrap_or_default(),
                };
                core.bot_reply(&t, &question, locale).await;
            });
        }
    }
}

/// Where the conversation runs outside, from what the channel said.
fn origin(j: &Judging) -> Option<Origin> {
    let switchboard_domain::conversation::Sender::Address(address) = &j.inbound.sender else {
        return None;
    };
    Some(Origin {
        endpoint: j.inbound.refs.endpoint.clone()?,
        address: address.value.clone(),
        thread: j
            .inbound
            .refs
            .thread
            .clone()
            .or(j.inbound.refs.message_id.clone()),
    })
}
