//! The bot's conversation flow as a state machine, the same on every live
//! channel: topic menu → an order or "not about an order" → the question
//! (which opens the conversation, and the bot answers with ready answers) →
//! "helped" (resolved) or "call an operator" → the SMS code for bank topics →
//! a person.
//!
//! [`Stage::next`] takes where the customer is and what they did, and says
//! where they are now and what the caller must do ([`Step`]). It decides
//! only; opening the ticket, sending the code, handing over are the caller's
//! (the use-case layer), which makes the web chat, Telegram and VK drive one
//! flow with their own buttons.

use serde::{Deserialize, Serialize};

use super::{ChatRefusal, Intake, TopicChosen};
use crate::catalog::Catalog;
use crate::customer::{Customer, Order};
use crate::ids::TicketId;
use crate::vocab::Status;

/// Where a customer is in a live conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stage")]
pub enum Stage {
    /// Before the conversation exists: choosing the topic and the order.
    Intake { intake: Intake },
    /// The bot has the conversation: ready answers were offered.
    Bot { ticket: TicketId },
    /// A bank topic: the one-time code was sent and is awaited.
    Code { ticket: TicketId },
    /// A person has it, or it waits for one.
    Person { ticket: TicketId },
    /// Resolved or closed: the next question starts over.
    Done { ticket: TicketId },
}

impl Default for Stage {
    fn default() -> Self {
        Stage::Intake {
            intake: Intake::default(),
        }
    }
}

/// What the customer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Show me the topics (start over).
    Menu,
    Topic {
        line: String,
        topic: String,
    },
    /// An order number, or `None` for "Question not about an order".
    Order(Option<String>),
    /// Free text.
    Text,
    /// A ready answer helped.
    Helped,
    CallOperator,
    /// The one-time code was entered.
    Code,
}

/// What the caller must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Show the topic menu.
    ShowTopics,
    /// Show the customer's orders and "Question not about an order".
    AskOrder,
    /// The message box may appear: the next text opens the conversation.
    Ready,
    /// Open the conversation with the text (the bot answers it).
    Open,
    /// Append the text to the conversation (the bot answers while it has it).
    Continue,
    /// The bot resolves the conversation.
    Resolve,
    /// Send the one-time code before a person takes it.
    SendCode,
    /// Check the entered code; a right one hands over.
    CheckCode,
    /// Hand the conversation to a person.
    HandOver,
}

/// What the flow needs to know beyond the stage.
pub struct FlowContext<'a> {
    pub catalog: &'a Catalog,
    /// `None` for a contact not linked to an account.
    pub customer: Option<&'a Customer>,
    pub orders: &'a [Order],
    /// The conversation's topic asks for the code before a person (bank topics).
    pub needs_code: bool,
    /// The code was already confirmed in this conversation.
    pub code_verified: bool,
}

impl Stage {
    /// Where an open conversation is, from its ticket's status and whether a
    /// code is awaited.
    pub fn of(ticket: TicketId, status: Status, code_pending: bool) -> Stage {
        match status {
            Status::New | Status::WithBot if code_pending => Stage::Code { ticket },
            Status::New | Status::WithBot => Stage::Bot { ticket },
            Status::Queued | Status::Assigned | Status::WaitingForCustomer => {
                Stage::Person { ticket }
            }
            Status::Resolved | Status::Closed => Stage::Done { ticket },
        }
    }

    /// The conversation this stage is about, once there is one.
    pub fn ticket(&self) -> Option<TicketId> {
        match self {
            Stage::Intake { .. } => None,
            Stage::Bot { ticket }
            | Stage::Code { ticket }
            | Stage::Person { ticket }
            | Stage::Done { ticket } => Some(*ticket),
        }
    }

    /// The next stage and what to do, or why the input is refused here.
    pub fn next(&self, input: &Input, ctx: &FlowContext<'_>) -> Result<(Stage, Step), ChatRefusal> {
        use Stage::*;
        let mut intake = match self {
            Intake { intake } => intake.clone(),
            _ => super::Intake::default(),
        };
        let keep = |step| Ok((self.clone(), step));
        match (self, input) {
            (_, Input::Menu) => Ok((Stage::default(), Step::ShowTopics)),
            (Intake { .. } | Done { .. }, Input::Topic { line, topic }) => {
                let step = match intake.choose_topic(ctx.catalog, ctx.customer, line, topic)? {
                    TopicChosen::OrderRequired => Step::AskOrder,
                    TopicChosen::Ready => Step::Ready,
                };
                Ok((Intake { intake }, step))
            }
            (Intake { .. }, Input::Order(number)) => {
                intake.choose_order(ctx.customer, ctx.orders, number.as_deref())?;
                Ok((Intake { intake }, Step::Ready))
            }
            (Intake { intake }, Input::Text) => {
                intake.text_allowed()?;
                keep(Step::Open)
            }
            (Bot { .. } | Code { .. } | Person { .. }, Input::Text) => keep(Step::Continue),
            (Bot { ticket } | Code { ticket }, Input::Helped) => {
                Ok((Done { ticket: *ticket }, Step::Resolve))
            }
            (Bot { ticket } | Code { ticket }, Input::CallOperator) => {
                if ctx.needs_code && !ctx.code_verified {
                    Ok((Code { ticket: *ticket }, Step::SendCode))
                } else {
                    Ok((Person { ticket: *ticket }, Step::HandOver))
                }
            }
            (Code { .. }, Input::Code) => keep(Step::CheckCode),
            (Done { .. }, Input::Text) => Err(closed()),
            (Intake { .. }, _) => Err(super::topic_required()),
            (Person { .. } | Done { .. }, _) | (Bot { .. }, _) | (Code { .. }, _) => {
                Err(not_with_bot())
            }
        }
    }
}

/// The bot no longer has (or never had) the conversation.
pub fn not_with_bot() -> ChatRefusal {
    ChatRefusal::new(
        "not_with_bot",
        "Разговор уже не у бота",
        "The bot no longer has this conversation",
    )
}

fn closed() -> ChatRefusal {
    ChatRefusal::new(
        "conversation_closed",
        "Разговор завершён: начните новый",
        "The conversation is over: start a new one",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::{CustomerFlags, CustomerKind};
    use crate::ids::CustomerId;

    fn catalog() -> Catalog {
        Catalog::from_toml(include_str!("../../../../profiles/demo/catalog.toml")).unwrap()
    }

    fn buyer() -> Customer {
        Customer {
            id: CustomerId::parse("buyer-1").unwrap(),
            kind: CustomerKind::BankRetail,
            name: "Анна".into(),
            email: None,
            phone: None,
            locale: Default::default(),
            flags: CustomerFlags::default(),
            bookings: Vec::new(),
        }
    }

    #[test]
    fn a_bank_question_goes_from_the_menu_through_the_code_to_a_person() {
        let catalog = catalog();
        let customer = buyer();
        let bank = catalog.line("bank_retail").unwrap();
        let topic = bank
            .topics
            .iter()
            .find(|t| t.step_up && !t.order_expected)
            .unwrap();
        let mut ctx = FlowContext {
            catalog: &catalog,
            customer: Some(&customer),
            orders: &[],
            needs_code: true,
            code_verified: false,
        };
        let start = Stage::default();
        assert_eq!(
            start.next(&Input::Text, &ctx).unwrap_err().code,
            "topic_required"
        );
        let (ready, step) = start
            .next(
                &Input::Topic {
                    line: "bank_retail".into(),
                    topic: topic.code.clone(),
                },
                &ctx,
            )
            .unwrap();
        assert_eq!(step, Step::Ready);
        assert_eq!(ready.next(&Input::Text, &ctx).unwrap().1, Step::Open);
        let bot = Stage::of(TicketId(9), Status::WithBot, false);
        assert_eq!(bot.next(&Input::Text, &ctx).unwrap().1, Step::Continue);
        let (code, step) = bot.next(&Input::CallOperator, &ctx).unwrap();
        assert_eq!(
            (code.clone(), step),
            (
                Stage::Code {
                    ticket: TicketId(9)
                },
                Step::SendCode
            )
        );
        assert_eq!(code.next(&Input::Code, &ctx).unwrap().1, Step::CheckCode);
        ctx.code_verified = true;
        let (person, step) = code.next(&Input::CallOperator, &ctx).unwrap();
        assert_eq!(
            (person.clone(), step),
            (
                Stage::Person {
                    ticket: TicketId(9)
                },
                Step::HandOver
            )
        );
        assert_eq!(
            person.next(&Input::Helped, &ctx).unwrap_err().code,
            "not_with_bot"
        );
        assert_eq!(person.next(&Input::Text, &ctx).unwrap().1, Step::Continue);
    }

    #[test]
    fn purchase_topics_ask_for_an_order_and_help_resolves() {
        let catalog = catalog();
        let ctx = FlowContext {
            catalog: &catalog,
            customer: None,
            orders: &[],
            needs_code: false,
            code_verified: false,
        };
        let line = catalog.line("marketplace").unwrap();
        let topic = line.topics.iter().find(|t| t.order_expected).unwrap();
        let (stage, step) = Stage::default()
            .next(
                &Input::Topic {
                    line: "marketplace".into(),
                    topic: topic.code.clone(),
                },
                &ctx,
            )
            .unwrap();
        assert_eq!(step, Step::AskOrder);
        assert_eq!(
            stage.next(&Input::Text, &ctx).unwrap_err().code,
            "order_required"
        );
        // A contact has no orders of their own, but may ask about no order.
        assert_eq!(
            stage
                .next(&Input::Order(Some("100500".into())), &ctx)
                .unwrap_err()
                .code,
            "not_your_order"
        );
        let (ready, _) = stage.next(&Input::Order(None), &ctx).unwrap();
        assert_eq!(ready.next(&Input::Text, &ctx).unwrap().1, Step::Open);
        let bot = Stage::of(TicketId(3), Status::WithBot, false);
        let (done, step) = bot.next(&Input::Helped, &ctx).unwrap();
        assert_eq!(
            (done.clone(), step),
            (
                Stage::Done {
                    ticket: TicketId(3)
                },
                Step::Resolve
            )
        );
        assert_eq!(
            done.next(&Input::Text, &ctx).unwrap_err().code,
            "conversation_closed"
        );
        assert_eq!(done.next(&Input::Menu, &ctx).unwrap().1, Step::ShowTopics);
    }
}
