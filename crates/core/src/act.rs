//! Acting on a ticket: load it, let the caller check who may (ownership,
//! assignment, role), decide through the domain state machine, save under
//! the ticket's version. A change that lost a race with another is
//! recomputed from the fresh ticket, so the checks always see what is really
//! stored; [`retrying`] is that loop, for every use case.

use std::future::Future;

use switchboard_domain::conversation::InboundFile;
use switchboard_domain::ids::TicketId;
use switchboard_domain::ticket::{Action, Actor, Ticket, TicketEvent};
use switchboard_store::{NewMessage, TicketChange, Visibility};

use crate::{Core, CoreError, CoreResult};

/// Attempts at a change before giving up on a ticket that keeps changing.
const ATTEMPTS: usize = 3;

/// Runs `attempt` again when it lost a race (`CoreError::Conflict`).
pub async fn retrying<T, F, Fut>(mut attempt: F) -> CoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = CoreResult<T>>,
{
    for i in 0..ATTEMPTS {
        match attempt().await {
            Err(CoreError::Conflict(_)) if i + 1 < ATTEMPTS => {
                tracing::debug!(attempt = i, "changed meanwhile; recomputing");
            }
            other => return other,
        }
    }
    Err(CoreError::Conflict("it keeps changing; try again".into()))
}

/// Who may do something to a ticket, checked on the freshly loaded one.
pub type Allow<'a> = &'a (dyn Fn(&Ticket) -> CoreResult<()> + Send + Sync);

/// A message that comes with an action (the detail of a reopen or a claim),
/// already judged.
#[derive(Debug, Clone)]
pub struct Detail {
    pub text: String,
    pub files: Vec<InboundFile>,
    /// What the judgement of the text found, written with the change.
    pub events: Vec<TicketEvent>,
}

impl Core {
    /// Applies `action` to a ticket on behalf of `actor`, if `allow` agrees.
    #[tracing::instrument(skip_all, fields(ticket = id.0, action = action.name()))]
    pub async fn act(
        &self,
        id: TicketId,
        actor: &Actor,
        action: &Action,
        allow: Allow<'_>,
    ) -> CoreResult<Ticket> {
        retrying(|| async {
            let ticket = self.store.ticket(id).await?;
            allow(&ticket)?;
            let outcome = ticket.apply(action, actor, &self.rules().deadlines, self.clock.now())?;
            let change = TicketChange {
                ticket: outcome.ticket,
                actor: actor.clone(),
                events: outcome.events,
                message: None,
                outbound: Vec::new(),
            };
            Ok(self.store.save_change(&change).await?)
        })
        .await
    }

    /// [`Core::act`] with the customer's message that explains it (a reopen
    /// or a claim), stored in the same transaction. Files are checked before
    /// the ticket is loaded and written only once the change is allowed.
    pub async fn act_with_detail(
        &self,
        id: TicketId,
        actor: &Actor,
        action: &Action,
        detail: Detail,
        allow: Allow<'_>,
    ) -> CoreResult<Ticket> {
        let text = crate::conversation::checked_text(&detail.text, !detail.files.is_empty())?;
        let checked = self
            .check_files(&detail.files)
            .map_err(CoreError::Invalid)?;
        // Written once, on the first attempt that is allowed.
        let saved = tokio::sync::OnceCell::new();
        retrying(|| async {
            let ticket = self.store.ticket(id).await?;
            allow(&ticket)?;
            let outcome = ticket.apply(action, actor, &self.rules().deadlines, self.clock.now())?;
            let attachments = saved
                .get_or_try_init(|| self.save_files(&checked, &detail.files))
                .await?;
            let mut events = outcome.events;
            events.extend(detail.events.iter().cloned());
            let change = TicketChange {
                ticket: outcome.ticket,
                actor: actor.clone(),
                events,
                message: Some(NewMessage {
                    author: actor.clone(),
                    visibility: Visibility::Public,
                    body: text.clone(),
                    attachments: attachments.clone(),
                }),
                outbound: Vec::new(),
            };
            Ok(self.store.save_change(&change).await?)
        })
        .await
    }
}
