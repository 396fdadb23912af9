//! The bot's side of a live conversation (SPEC §3.1, §3.4), pure and the
//! same on every live channel (web chat, Telegram, VK): what a customer must
//! choose before free text is accepted ([`Intake`]), the flow from the topic
//! menu to a person ([`flow`]), how a conversation becomes a ticket, what the
//! bot offers ([`answers`]) and says ([`texts`]), and the one-time SMS code
//! of bank topics ([`step_up`]).
//!
//! Nothing here reads a clock, generates randomness or does IO: the time, the
//! code digits and the HMAC key are parameters. Channels render the flow's
//! steps their own way (frames, inline keyboards, VK keyboards).

use jiff::Timestamp;

use crate::catalog::Catalog;
use crate::customer::Customer;
use crate::i18n::Text;
use crate::intake::{self, NewTicket};
use crate::vocab::{Channel, Priority, ProblemChoice, ReplyChannel, Requester, Status, TicketKind};

pub mod answers;
pub mod flow;
mod intake_state;
pub mod step_up;
pub mod texts;

pub use answers::{BotAnswers, Suggestion, TopicAnswers};
pub use flow::{FlowContext, Input, Stage, Step};
pub use intake_state::{Intake, TopicChosen, check_text, topic_required};
pub use step_up::{
    StepUp, StepUpOutcome, StepUpPolicy, StepUpRefusal, Verdict, code_from_random,
    code_well_formed, hash_code, mask_phone,
};
pub use texts as bot_text;

/// Longest chat message, as for ticket messages.
pub const MAX_MESSAGE_CHARS: usize = 10_000;

/// Why the chat refused a step: a stable code and a text in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRefusal {
    pub code: &'static str,
    pub message: Text,
}

impl ChatRefusal {
    pub fn new(code: &'static str, ru: impl Into<String>, en: impl Into<String>) -> Self {
        ChatRefusal {
            code,
            message: Text::new(ru, en),
        }
    }
}

impl std::fmt::Display for ChatRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message.en)
    }
}

impl std::error::Error for ChatRefusal {}

/// The ticket a live conversation becomes on its first message: with the
/// bot, the question as the problem in the customer's words. No reply
/// deadline runs while the bot has the conversation; the priority is the
/// rules' to decide. `customer` is `None` for a contact not linked to an
/// account (any line's general topics are open to them).
pub fn open_conversation(
    catalog: &Catalog,
    requester: Requester,
    customer: Option<&Customer>,
    channel: Channel,
    intake: &Intake,
    question: &str,
    now: Timestamp,
) -> Result<NewTicket, ChatRefusal> {
    intake.text_allowed()?;
    let Intake::Ready { line, topic, order } = intake else {
        return Err(topic_required());
    };
    let (line, topic) = intake_state::find_topic(catalog, customer, line, topic)?;
    let question = check_text(question)?;
    let first_line = question.lines().next().unwrap_or_default();
    let problem_text: String = first_line
        .chars()
        .take(intake::MAX_PROBLEM_TEXT_CHARS)
        .collect();
    let problem = ProblemChoice::Other(problem_text);
    Ok(NewTicket {
        requester,
        kind: TicketKind::Request,
        channel,
        origin: None,
        line: line.to_owned(),
        topic: topic.code.clone(),
        subject: intake::subject_for(topic, &problem),
        problem,
        order_number: order.clone(),
        status: Status::WithBot,
        priority: Priority::Normal,
        reply_channel: ReplyChannel::Push,
        due_at: None,
        at_risk_at: None,
        priority_rule: None,
        sla: None,
        description: question,
        created_at: now,
    })
}

#[cfg(test)]
mod tests;
