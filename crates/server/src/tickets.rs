//! Ticket use cases: the glue between the domain rules and the store. Handlers
//! parse and authorise; these functions load, decide (through the domain),
//! store files, and persist one change atomically.

use bytes::Bytes;
use switchboard_domain::attachment::{self, CheckedFile};
use switchboard_domain::customer::Customer;
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::intake::{self, FieldError, TicketForm};
use switchboard_domain::notification;
use switchboard_domain::ticket::{Action, Actor, Ticket};
use switchboard_store::{AttachmentMeta, NewMessage, StoreError, TicketChange, Visibility};

use crate::error::ApiError;
use crate::state::AppState;

/// A file as received, not yet checked.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Bytes,
}

/// A message that comes with an action: a reply, a note, the detail of a reopen.
#[derive(Debug, Clone)]
pub struct MessageDraft {
    pub visibility: Visibility,
    /// Already judged (see [`crate::judgement`]): what may be stored.
    pub body: String,
    pub uploads: Vec<Upload>,
    /// Audit events the judgement of the body produced, written with the change.
    pub events: Vec<switchboard_domain::ticket::TicketEvent>,
}

pub const MAX_MESSAGE_CHARS: usize = 10_000;

/// How many times a change is recomputed when another one got in first.
const CONFLICT_RETRIES: usize = 3;

impl AppState {
    /// Checks every file by content and size; all problems are reported together.
    pub fn check_uploads(&self, uploads: &[Upload]) -> Result<Vec<CheckedFile>, Vec<FieldError>> {
        if let Err(e) = attachment::check_count(&self.attachments, uploads.len()) {
            return Err(vec![attachment_field_error(&e)]);
        }
        let mut checked = Vec::with_capacity(uploads.len());
        let mut errors = Vec::new();
        for u in uploads {
            match attachment::check_file(&self.attachments, &u.file_name, &u.bytes) {
                Ok(c) => checked.push(c),
                Err(e) => errors.push(attachment_field_error(&e)),
            }
        }
        if errors.is_empty() {
            Ok(checked)
        } else {
            Err(errors)
        }
    }

    pub(crate) async fn save_files(
        &self,
        checked: &[CheckedFile],
        uploads: &[Upload],
    ) -> Result<Vec<AttachmentMeta>, ApiError> {
        let mut metas = Vec::with_capacity(checked.len());
        for (c, u) in checked.iter().zip(uploads) {
            self.files.put(&c.hash, &u.bytes).await.map_err(|e| {
                ApiError::Internal(anyhow::Error::new(e).context("storing an attachment"))
            })?;
            metas.push(AttachmentMeta {
                hash: c.hash.clone(),
                file_name: c.file_name.clone(),
                content_type: c.content_type.to_owned(),
                size: c.size as u64,
            });
        }
        Ok(metas)
    }

    /// "Contact us": validates the form and the files, stores the files, then
    /// the ticket with its first message and the confirmation notification.
    #[tracing::instrument(skip_all, fields(customer = %customer.id))]
    pub async fn open_ticket(
        &self,
        customer: &Customer,
        form: &TicketForm,
        uploads: &[Upload],
        judged: &crate::contact::FormJudgement,
    ) -> Result<Ticket, ApiError> {
        let now = self.clock.now();
        let orders = self.store.customer_orders(&customer.id).await?;
        let opened = intake::open_ticket(&self.catalog, &self.sla, customer, &orders, form, now);
        let files = self.check_uploads(uploads);
        let (mut new, checked) = match (opened, files) {
            (Ok(n), Ok(c)) => (n, c),
            (opened, files) => {
                let mut errors = opened.err().unwrap_or_default();
                errors.extend(files.err().unwrap_or_default());
                return Err(ApiError::Validation(errors));
            }
        };
        if let Some((_, topic)) = self.catalog.topic(&new.line, &new.topic) {
            let decided = self.rules.decide_priority(
                customer,
                &new.line,
                topic,
                new.channel,
                form.urgent,
                now,
            );
            new.priority = decided.priority;
            new.priority_rule = decided.rule;
        }
        if judged.urgent {
            new.priority = switchboard_domain::ticket::Priority::Urgent;
            new.priority_rule = Some(crate::contact::FRAUD_RULE.into());
        }
        self.rules.deadlines.start_new(&mut new);
        let attachments = self.save_files(&checked, uploads).await?;
        let first = NewMessage {
            author: Actor::Customer(customer.id.clone()),
            visibility: Visibility::Public,
            body: new.description.clone(),
            attachments,
        };
        let who = customer.clone();
        let tz = self.rules.calendars.for_line(&new.line).time_zone().clone();
        let off_hours = self.rules.off_hours_until(&new.line, now);
        // The earliest deadline of a new ticket is its first response.
        let reply_due = new.due_at;
        let notify = Box::new(move |t: &Ticket| {
            notification::ticket_confirmation(
                &who,
                t.reply_channel,
                t.number,
                &t.subject,
                reply_due,
                &tz,
            )
            .map(|mut n| {
                if let Some(from) = off_hours {
                    n.body.push('\n');
                    n.body
                        .push_str(&notification::off_hours_note(who.locale, from, &tz));
                }
                n
            })
            .into_iter()
            .collect()
        });
        let ticket = self
            .store
            .create_ticket_with_events(
                &new,
                &Actor::Customer(customer.id.clone()),
                &first,
                &judged.events,
                notify,
            )
            .await?;
        self.metrics
            .tickets_created
            .get_or_create(&crate::metrics::TicketLabels {
                channel: ticket.channel.as_str().into(),
            })
            .inc();
        tracing::info!(ticket = %ticket.number, "ticket opened");
        Ok(ticket)
    }

    /// Applies `action` to a ticket on behalf of `actor`. `allow` decides, on
    /// the freshly loaded ticket, whether this actor may do it (ownership,
    /// assignment, role). A change that lost a race is recomputed from the new
    /// state, so the checks always see what is really stored.
    #[tracing::instrument(skip_all, fields(ticket = %number, action = action.name()))]
    pub async fn act(
        &self,
        number: TicketNumber,
        actor: &Actor,
        action: &Action,
        draft: Option<&MessageDraft>,
        allow: &(dyn Fn(&Ticket) -> Result<(), ApiError> + Send + Sync),
    ) -> Result<Ticket, ApiError> {
        let attachments = match draft {
            Some(d) => {
                let body = d.body.trim();
                if body.is_empty() && d.uploads.is_empty() {
                    return Err(ApiError::field(
                        "body",
                        "required",
                        "Напишите сообщение",
                        "Write a message",
                    ));
                }
                if body.chars().count() > MAX_MESSAGE_CHARS {
                    return Err(ApiError::field(
                        "body",
                        "too_long",
                        "Сообщение длиннее 10 000 символов",
                        "The message is longer than 10,000 characters",
                    ));
                }
                let checked = self
                    .check_uploads(&d.uploads)
                    .map_err(ApiError::Validation)?;
                // Files are checked before the ticket is even loaded, but only
                // written once the change is known to be allowed.
                Some(checked)
            }
            None => None,
        };
        let mut saved_files: Option<Vec<AttachmentMeta>> = None;
        for attempt in 0..CONFLICT_RETRIES {
            let ticket = self.store.ticket(number.id()).await?;
            allow(&ticket)?;
            let outcome = ticket.apply(action, actor, &self.rules.deadlines, self.clock.now())?;
            let message = match (draft, &attachments) {
                (Some(d), Some(checked)) => {
                    if saved_files.is_none() {
                        saved_files = Some(self.save_files(checked, &d.uploads).await?);
                    }
                    Some(NewMessage {
                        author: actor.clone(),
                        visibility: d.visibility,
                        body: d.body.trim().to_owned(),
                        attachments: saved_files.clone().unwrap_or_default(),
                    })
                }
                _ => None,
            };
            let notifications = match (action, &message) {
                (Action::ReplyPublic, Some(m)) => {
                    let customer = self.store.customer(&ticket.customer_id).await?;
                    notification::reply_notice(
                        &customer,
                        ticket.reply_channel,
                        ticket.number,
                        &ticket.subject,
                        &m.body,
                    )
                    .into_iter()
                    .collect()
                }
                _ => Vec::new(),
            };
            let mut events = outcome.events;
            if let Some(d) = draft {
                events.extend(d.events.iter().cloned());
            }
            let change = TicketChange {
                ticket: outcome.ticket,
                actor: actor.clone(),
                events,
                message,
                notifications,
            };
            match self.store.save_change(&change).await {
                Ok(t) => return Ok(t),
                Err(StoreError::Conflict(_)) if attempt + 1 < CONFLICT_RETRIES => {
                    tracing::debug!(attempt, "ticket changed meanwhile; recomputing");
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Conflict("the ticket keeps changing; try again".into()).into())
    }
}

fn attachment_field_error(e: &attachment::AttachmentError) -> FieldError {
    FieldError {
        field: "attachments",
        code: e.code(),
        message: e.message(),
    }
}
