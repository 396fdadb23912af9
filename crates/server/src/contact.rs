//! "Contact us" with judgement (SPEC §3.2, §6): the form's free text is
//! masked before anything else sees it, a question that repeats one of the
//! customer's open tickets is joined to it, and an out-of-scope question is
//! recorded on the ticket (fraud makes it urgent) and answered politely.

use switchboard_domain::customer::Customer;
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::intake::{self, TicketForm};
use switchboard_domain::ticket::{Action, Actor, Channel, Priority, Ticket, TicketEvent};

use crate::error::ApiError;
use crate::judgement::{self, Advice};
use crate::state::AppState;
use crate::tickets::Upload;

/// What the judgement of a form adds to the ticket it opens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormJudgement {
    /// Audit events written with the ticket.
    pub events: Vec<TicketEvent>,
    /// Fraud: the ticket starts urgent whatever its topic's rules say.
    pub urgent: bool,
}

/// The priority rule named on a ticket made urgent by the judgement.
pub const FRAUD_RULE: &str = "out_of_scope_fraud";

/// What a submitted form led to.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub ticket: Ticket,
    /// Set when the question was joined to this open ticket instead.
    pub duplicate_of: Option<TicketNumber>,
    /// Warnings (secrets were masked).
    pub warnings: Vec<Advice>,
    /// The joined-request note, the answer to an out-of-scope question.
    pub notices: Vec<Advice>,
}

impl AppState {
    /// Judges, then joins to an open ticket or opens a new one.
    #[tracing::instrument(skip_all, fields(customer = %customer.id))]
    pub async fn contact_us(
        &self,
        customer: &Customer,
        mut form: TicketForm,
        uploads: &[Upload],
    ) -> Result<Submitted, ApiError> {
        let description = judgement::customer_message(&form.description);
        let problem = form
            .problem_text
            .as_deref()
            .map(judgement::customer_message);
        form.description = description.text.clone();
        form.problem_text = problem.as_ref().map(|p| p.text.clone());

        let mut events = description.events.clone();
        let mut warning = description.warning.clone();
        let mut scope = description.scope.clone();
        if let Some(p) = &problem {
            events.extend(p.events.iter().cloned());
            warning = warning.or_else(|| p.warning.clone());
            scope = scope.or_else(|| p.scope.clone());
        }
        let warnings: Vec<Advice> = warning.into_iter().collect();
        let mut notices: Vec<Advice> = scope.iter().map(judgement::scope_advice).collect();
        let urgent = scope.as_ref().is_some_and(|s| s.urgent);

        // Only a valid form can repeat a question: validation errors come first.
        let now = self.clock.now();
        let orders = self.store.customer_orders(&customer.id).await?;
        let checked = intake::open_ticket(&self.catalog, &self.sla, customer, &orders, &form, now);
        let files = self.check_uploads(uploads);
        let new = match (checked, files) {
            (Ok(n), Ok(_)) => n,
            (checked, files) => {
                let mut errors = checked.err().unwrap_or_default();
                errors.extend(files.err().unwrap_or_default());
                return Err(ApiError::Validation(errors));
            }
        };

        if let Some(existing) = crate::merges::find_open_duplicate(
            self.store.as_ref(),
            &customer.id,
            &new.description,
            new.order_number.as_ref(),
        )
        .await?
        {
            let mut joined = self
                .join_duplicate(
                    &existing,
                    &customer.id,
                    new.description.clone(),
                    uploads,
                    events,
                    Channel::Form,
                )
                .await?;
            if urgent && joined.priority != Priority::Urgent {
                joined = self
                    .act(
                        joined.number,
                        &Actor::System,
                        &Action::ChangePriority(Priority::Urgent),
                        None,
                        &|_| Ok(()),
                    )
                    .await?;
            }
            tracing::info!(ticket = %joined.number, "repeated question joined to an open ticket");
            notices.insert(
                0,
                Advice {
                    code: "joined_open_request",
                    message: crate::merges::joined_notice(joined.number),
                },
            );
            return Ok(Submitted {
                duplicate_of: Some(joined.number),
                ticket: joined,
                warnings,
                notices,
            });
        }

        let ticket = self
            .open_ticket(customer, &form, uploads, &FormJudgement { events, urgent })
            .await?;
        Ok(Submitted {
            ticket,
            duplicate_of: None,
            warnings,
            notices,
        })
    }
}
