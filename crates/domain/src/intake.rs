//! Turning what a customer submits into a ticket: the "Contact us" form (SPEC §3.2).
//!
//! [`open_ticket`] checks every field against the catalog and the customer's
//! own orders and collects *all* problems at once, so the form can show them
//! next to their fields. It writes nothing and decides no priority or
//! deadline: the priority rules ([`crate::priority`]) and the SLA clock
//! ([`crate::ticket::DeadlineRules::start_new`]) do that for every channel.

use jiff::Timestamp;

use crate::catalog::{Catalog, Topic};
use crate::customer::{Customer, Order};
use crate::i18n::Text;
use crate::ids::OrderNumber;
use crate::ticket::Origin;
use crate::vocab::{Channel, Priority, ProblemChoice, ReplyChannel, Requester, Status, TicketKind};

/// The problem code that means "none of the listed ones; see my words".
pub const OTHER_PROBLEM: &str = "other";
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;
pub const MAX_PROBLEM_TEXT_CHARS: usize = 200;
pub const MAX_SUBJECT_CHARS: usize = 200;

/// One problem with one field, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
    pub message: Text,
}

impl FieldError {
    pub fn new(field: &'static str, code: &'static str, ru: &str, en: &str) -> Self {
        FieldError {
            field,
            code,
            message: Text::new(ru, en),
        }
    }
}

/// What the form sends, as typed by the customer (not yet trusted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketForm {
    pub line: String,
    pub topic: String,
    pub problem: String,
    pub problem_text: Option<String>,
    pub order_number: Option<String>,
    pub description: String,
    pub urgent: bool,
    pub reply_channel: Option<String>,
}

/// A validated ticket ready to be stored, with its first message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub requester: Requester,
    pub kind: TicketKind,
    pub channel: Channel,
    /// Where the conversation runs outside (e-mail thread, messenger chat).
    pub origin: Option<Origin>,
    pub line: String,
    pub topic: String,
    pub problem: ProblemChoice,
    pub order_number: Option<OrderNumber>,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub reply_channel: ReplyChannel,
    pub due_at: Option<Timestamp>,
    /// When `due_at` becomes at risk (set with the clock).
    pub at_risk_at: Option<Timestamp>,
    /// The priority rule that chose `priority` (see [`crate::priority`]).
    pub priority_rule: Option<String>,
    /// The SLA clock, started by [`crate::ticket::DeadlineRules::start_new`].
    pub sla: Option<crate::deadline::TicketSla>,
    pub description: String,
    pub created_at: Timestamp,
}

/// Checks a form submission. On success the ticket is queued for a person.
pub fn open_ticket(
    catalog: &Catalog,
    customer: &Customer,
    orders: &[Order],
    form: &TicketForm,
    now: Timestamp,
) -> Result<NewTicket, Vec<FieldError>> {
    let mut errors = Vec::new();

    let line = catalog.line(form.line.trim());
    let topic = match line {
        None => {
            errors.push(FieldError::new(
                "line",
                "unknown_line",
                "Такого направления нет",
                "There is no such line",
            ));
            None
        }
        Some(l) if !l.serves(customer.kind) => {
            errors.push(FieldError::new(
                "line",
                "line_not_available",
                "Это направление недоступно для вашей учётной записи",
                "This line is not available for your account",
            ));
            None
        }
        Some(l) => {
            let t = l.topic(form.topic.trim());
            if t.is_none() {
                errors.push(FieldError::new(
                    "topic",
                    "unknown_topic",
                    "Такой темы нет в выбранном направлении",
                    "There is no such topic in this line",
                ));
            }
            t
        }
    };

    let problem = choose_problem(topic, form, &mut errors);
    let order_number = check_order(topic, customer, orders, form, &mut errors);

    let description = form.description.trim();
    if description.is_empty() {
        errors.push(FieldError::new(
            "description",
            "required",
            "Опишите, пожалуйста, вопрос",
            "Please describe your question",
        ));
    } else if description.chars().count() > MAX_DESCRIPTION_CHARS {
        errors.push(FieldError::new(
            "description",
            "too_long",
            "Описание длиннее 10 000 символов",
            "The description is longer than 10,000 characters",
        ));
    }

    if form.urgent
        && let Some(t) = topic
        && !t.urgent_allowed
        && !t.always_urgent
    {
        errors.push(FieldError::new(
            "urgent",
            "urgent_not_allowed",
            "Для этой темы нельзя отметить обращение как срочное",
            "Requests on this topic cannot be marked urgent",
        ));
    }

    let reply_channel = check_reply_channel(customer, form, &mut errors);

    let (Some(line), Some(topic), Some(problem), Some(reply_channel)) =
        (line, topic, problem, reply_channel)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }

    let subject = subject_for(topic, &problem);
    Ok(NewTicket {
        requester: Requester::Customer(customer.id.clone()),
        kind: TicketKind::Request,
        channel: Channel::Form,
        origin: None,
        line: line.code.clone(),
        topic: topic.code.clone(),
        problem,
        order_number,
        subject,
        status: Status::Queued,
        priority: Priority::Normal,
        reply_channel,
        due_at: None,
        at_risk_at: None,
        priority_rule: None,
        sla: None,
        description: description.to_owned(),
        created_at: now,
    })
}

fn choose_problem(
    topic: Option<&Topic>,
    form: &TicketForm,
    errors: &mut Vec<FieldError>,
) -> Option<ProblemChoice> {
    let code = form.problem.trim();
    if code == OTHER_PROBLEM {
        let text = form.problem_text.as_deref().unwrap_or("").trim();
        if text.is_empty() {
            errors.push(FieldError::new(
                "problem_text",
                "required",
                "Для варианта «Другое» опишите проблему в двух словах",
                "For \"Other\", name the problem in a few words",
            ));
            return None;
        }
        if text.chars().count() > MAX_PROBLEM_TEXT_CHARS {
            errors.push(FieldError::new(
                "problem_text",
                "too_long",
                "Не длиннее 200 символов",
                "At most 200 characters",
            ));
            return None;
        }
        return Some(ProblemChoice::Other(text.to_owned()));
    }
    let topic = topic?;
    if topic.problem(code).is_some() {
        Some(ProblemChoice::Listed(code.to_owned()))
    } else {
        errors.push(FieldError::new(
            "problem",
            "unknown_problem",
            "Выберите проблему из списка темы или «Другое»",
            "Choose a problem from the topic's list, or \"Other\"",
        ));
        None
    }
}

fn check_order(
    topic: Option<&Topic>,
    customer: &Customer,
    orders: &[Order],
    form: &TicketForm,
    errors: &mut Vec<FieldError>,
) -> Option<OrderNumber> {
    let raw = form.order_number.as_deref().map(str::trim).unwrap_or("");
    if raw.is_empty() {
        if topic.is_some_and(|t| t.order_expected) {
            errors.push(FieldError::new(
                "order_number",
                "required",
                "Укажите номер заказа: вопрос по этой теме касается покупки",
                "Give the order number: this topic is about a purchase",
            ));
        }
        return None;
    }
    let Ok(number) = OrderNumber::parse(raw) else {
        errors.push(FieldError::new(
            "order_number",
            "invalid",
            "Номер заказа указан неверно",
            "The order number is not valid",
        ));
        return None;
    };
    let own_order = orders
        .iter()
        .any(|o| o.number == number && o.customer_id == customer.id);
    let own_booking = customer.bookings.iter().any(|b| b.reference == number);
    if own_order || own_booking {
        Some(number)
    } else {
        errors.push(FieldError::new(
            "order_number",
            "not_your_order",
            "Среди ваших заказов нет заказа с таким номером",
            "None of your orders has this number",
        ));
        None
    }
}

fn check_reply_channel(
    customer: &Customer,
    form: &TicketForm,
    errors: &mut Vec<FieldError>,
) -> Option<ReplyChannel> {
    let raw = form.reply_channel.as_deref().unwrap_or("email");
    let Some(channel) = ReplyChannel::parse(raw) else {
        errors.push(FieldError::new(
            "reply_channel",
            "invalid",
            "Способ ответа: email, push или sms",
            "Reply channel is one of email, push, sms",
        ));
        return None;
    };
    let missing = match channel {
        ReplyChannel::Email if customer.email.is_none() => Some((
            "В профиле нет адреса электронной почты",
            "Your profile has no e-mail address",
        )),
        ReplyChannel::Sms if customer.phone.is_none() => Some((
            "В профиле нет номера телефона",
            "Your profile has no phone number",
        )),
        _ => None,
    };
    if let Some((ru, en)) = missing {
        errors.push(FieldError::new("reply_channel", "unreachable", ru, en));
        return None;
    }
    Some(channel)
}

/// Checks a new classification chosen by support (change topic, transfer).
/// Staff may move a ticket to any support line, whatever the customer's kind.
pub fn reclassify(
    catalog: &Catalog,
    line: &str,
    topic: &str,
    problem: &str,
    problem_text: Option<&str>,
) -> Result<(String, String, ProblemChoice), Vec<FieldError>> {
    let mut errors = Vec::new();
    let t = match catalog.line(line.trim()) {
        Some(l) if l.support => {
            let t = l.topic(topic.trim());
            if t.is_none() {
                errors.push(FieldError::new(
                    "topic",
                    "unknown_topic",
                    "Такой темы нет в выбранном направлении",
                    "There is no such topic in this line",
                ));
            }
            t
        }
        _ => {
            errors.push(FieldError::new(
                "line",
                "unknown_line",
                "Такого направления поддержки нет",
                "There is no such support line",
            ));
            None
        }
    };
    let form = TicketForm {
        problem: problem.to_owned(),
        problem_text: problem_text.map(str::to_owned),
        ..TicketForm::default()
    };
    let choice = choose_problem(t, &form, &mut errors);
    match (t, choice) {
        (Some(t), Some(choice)) if errors.is_empty() => {
            Ok((line.trim().to_owned(), t.code.clone(), choice))
        }
        _ => Err(errors),
    }
}

/// The subject operators see in lists: the topic and the problem.
pub fn subject_for(topic: &Topic, problem: &ProblemChoice) -> String {
    let problem = match problem {
        ProblemChoice::Listed(code) => topic
            .problem(code)
            .map(|p| p.name.ru.clone())
            .unwrap_or_else(|| code.clone()),
        ProblemChoice::Other(text) => text.clone(),
    };
    let mut s = format!("{}: {}", topic.name.ru, problem);
    if s.chars().count() > MAX_SUBJECT_CHARS {
        s = s.chars().take(MAX_SUBJECT_CHARS).collect();
    }
    s
}

pub mod topic_match;

#[cfg(test)]
mod tests;
