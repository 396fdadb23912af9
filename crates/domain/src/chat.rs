//! The chat's rules (SPEC §3.1), pure: what a customer must choose before
//! free text is accepted, how a chat becomes a ticket, what the bot offers,
//! the one-time SMS code of bank topics, and who gets a queued conversation.
//!
//! The server holds the per-connection intake state and the store persists the
//! step-up state; every decision about them is made here. Nothing in this
//! module reads a clock, generates randomness or does IO: the time, the code
//! digits and the HMAC key are parameters.

use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::catalog::{Catalog, Topic};
use crate::customer::{Customer, Order};
use crate::i18n::{Locale, Text};
use crate::ids::{OperatorId, OrderNumber, TicketId};
use crate::intake::{self, NewTicket};
use crate::ticket::{Channel, ProblemChoice, ReplyChannel, Status, TicketKind};

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

/// Where a customer is before their conversation exists. Free text is only
/// accepted in [`Intake::Ready`]: the customer chose a topic and, for topics
/// about a purchase, one of their orders or "not about an order".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Intake {
    #[default]
    NeedTopic,
    NeedOrder {
        line: String,
        topic: String,
    },
    Ready {
        line: String,
        topic: String,
        order: Option<OrderNumber>,
    },
}

/// What happened when a topic was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicChosen {
    /// Pick one of your orders, or say the question is not about an order.
    OrderRequired,
    Ready,
}

impl Intake {
    /// Chooses (or re-chooses) the topic; only lines that serve the customer's kind.
    pub fn choose_topic(
        &mut self,
        catalog: &Catalog,
        customer: &Customer,
        line: &str,
        topic: &str,
    ) -> Result<TopicChosen, ChatRefusal> {
        let (line, topic) = find_topic(catalog, customer, line, topic)?;
        if topic.order_expected {
            *self = Intake::NeedOrder {
                line: line.to_owned(),
                topic: topic.code.clone(),
            };
            Ok(TopicChosen::OrderRequired)
        } else {
            *self = Intake::Ready {
                line: line.to_owned(),
                topic: topic.code.clone(),
                order: None,
            };
            Ok(TopicChosen::Ready)
        }
    }

    /// `None` is "Question not about an order". An order must be the customer's own.
    pub fn choose_order(
        &mut self,
        customer: &Customer,
        orders: &[Order],
        order: Option<&str>,
    ) -> Result<(), ChatRefusal> {
        let (line, topic) = match self {
            Intake::NeedTopic => return Err(topic_required()),
            Intake::NeedOrder { line, topic } | Intake::Ready { line, topic, .. } => {
                (line.clone(), topic.clone())
            }
        };
        let order = match order.map(str::trim).filter(|o| !o.is_empty()) {
            None => None,
            Some(raw) => Some(own_order(customer, orders, raw)?),
        };
        *self = Intake::Ready { line, topic, order };
        Ok(())
    }

    /// The error to show when free text arrives in this state, if any.
    pub fn text_allowed(&self) -> Result<(), ChatRefusal> {
        match self {
            Intake::NeedTopic => Err(topic_required()),
            Intake::NeedOrder { .. } => Err(ChatRefusal::new(
                "order_required",
                "Выберите заказ или нажмите «Вопрос не по заказу»",
                "Pick one of your orders, or \"Question not about an order\"",
            )),
            Intake::Ready { .. } => Ok(()),
        }
    }
}

pub fn topic_required() -> ChatRefusal {
    ChatRefusal::new(
        "topic_required",
        "Сначала выберите тему обращения",
        "Choose a topic first",
    )
}

fn find_topic<'c>(
    catalog: &'c Catalog,
    customer: &Customer,
    line: &str,
    topic: &str,
) -> Result<(&'c str, &'c Topic), ChatRefusal> {
    let l = catalog.line(line.trim()).ok_or_else(|| {
        ChatRefusal::new("unknown_topic", "Такой темы нет", "There is no such topic")
    })?;
    if !l.serves(customer.kind) {
        return Err(ChatRefusal::new(
            "line_not_available",
            "Это направление недоступно для вашей учётной записи",
            "This line is not available for your account",
        ));
    }
    let t = l.topic(topic.trim()).ok_or_else(|| {
        ChatRefusal::new("unknown_topic", "Такой темы нет", "There is no such topic")
    })?;
    Ok((&l.code, t))
}

fn own_order(customer: &Customer, orders: &[Order], raw: &str) -> Result<OrderNumber, ChatRefusal> {
    let not_yours = || {
        ChatRefusal::new(
            "not_your_order",
            "Среди ваших заказов нет заказа с таким номером",
            "None of your orders has this number",
        )
    };
    let number = OrderNumber::parse(raw).map_err(|_| not_yours())?;
    let own = orders
        .iter()
        .any(|o| o.number == number && o.customer_id == customer.id)
        || customer.bookings.iter().any(|b| b.reference == number);
    if own { Ok(number) } else { Err(not_yours()) }
}

/// A chat message's text, trimmed; empty and over-long texts are refused.
pub fn check_text(body: &str) -> Result<String, ChatRefusal> {
    let body = body.trim();
    if body.is_empty() {
        return Err(ChatRefusal::new(
            "empty_message",
            "Напишите сообщение",
            "Write a message",
        ));
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ChatRefusal::new(
            "message_too_long",
            "Сообщение длиннее 10 000 символов",
            "The message is longer than 10,000 characters",
        ));
    }
    Ok(body.to_owned())
}

/// The ticket a chat becomes on its first message: channel `chat`, with the
/// bot, the question as the problem in the customer's words. No reply
/// deadline runs while the bot has the conversation.
pub fn open_conversation(
    catalog: &Catalog,
    customer: &Customer,
    intake: &Intake,
    question: &str,
    now: Timestamp,
) -> Result<NewTicket, ChatRefusal> {
    intake.text_allowed()?;
    let Intake::Ready { line, topic, order } = intake else {
        return Err(topic_required());
    };
    let (line, topic) = find_topic(catalog, customer, line, topic)?;
    let question = check_text(question)?;
    let first_line = question.lines().next().unwrap_or_default();
    let problem_text: String = first_line
        .chars()
        .take(intake::MAX_PROBLEM_TEXT_CHARS)
        .collect();
    let problem = ProblemChoice::Other(problem_text);
    Ok(NewTicket {
        customer_id: customer.id.clone(),
        kind: TicketKind::Request,
        channel: Channel::Chat,
        line: line.to_owned(),
        topic: topic.code.clone(),
        subject: intake::subject_for(topic, &problem),
        problem,
        order_number: order.clone(),
        status: Status::WithBot,
        priority: intake::initial_priority(topic, customer, false, now),
        reply_channel: ReplyChannel::Push,
        due_at: None,
        at_risk_at: None,
        priority_rule: None,
        sla: None,
        description: question,
        created_at: now,
    })
}

// ─── The bot ────────────────────────────────────────────────────────────────

/// A ready answer the bot offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Stable within the topic: `<topic>#<index>` for configured answers.
    pub id: String,
    pub title: String,
    pub body: String,
}

/// Where the bot's ready answers come from: knowledge-base search filtered by
/// the topic (the server's), or the topic's configured answers. `line` is the
/// code of the topic's line. Implementations are lookups with no side effects.
pub trait BotAnswers: Send + Sync {
    fn suggest(
        &self,
        line: &str,
        topic: &Topic,
        question: &str,
        locale: Locale,
        limit: usize,
    ) -> Vec<Suggestion>;
}

/// The topic's configured answers, those sharing most words with the question first.
#[derive(Debug, Default, Clone, Copy)]
pub struct TopicAnswers;

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(|w| w.to_lowercase().replace('ё', "е"))
        .collect()
}

/// Crude stemming: Russian words agree on their first five letters often enough.
fn stem(w: &str) -> String {
    w.chars().take(5).collect()
}

impl BotAnswers for TopicAnswers {
    fn suggest(
        &self,
        _line: &str,
        topic: &Topic,
        question: &str,
        locale: Locale,
        limit: usize,
    ) -> Vec<Suggestion> {
        let mut asked: Vec<String> = words(question).iter().map(|w| stem(w)).collect();
        asked.sort();
        asked.dedup();
        let mut scored: Vec<(usize, usize, Suggestion)> = topic
            .answers
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let title: Vec<String> =
                    words(a.title.get(locale)).iter().map(|w| stem(w)).collect();
                let body: Vec<String> = words(a.body.get(locale)).iter().map(|w| stem(w)).collect();
                // Each word of the question counts once: twice in the title, once in the body.
                let score = asked
                    .iter()
                    .map(|w| 2 * usize::from(title.contains(w)) + usize::from(body.contains(w)))
                    .sum();
                (
                    score,
                    i,
                    Suggestion {
                        id: format!("{}#{i}", topic.code),
                        title: a.title.get(locale).to_owned(),
                        body: a.body.get(locale).to_owned(),
                    },
                )
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(limit).map(|(_, _, s)| s).collect()
    }
}

/// What the bot says, in the customer's language.
pub mod bot_text {
    use super::*;

    pub fn suggestions(locale: Locale, answers: &[Suggestion]) -> String {
        if answers.is_empty() {
            return match locale {
                Locale::Ru => "Готовых ответов по этой теме нет. Нажмите «Позвать оператора» — вам ответит специалист.".into(),
                Locale::En => "There are no ready answers on this topic. Press \"Call an operator\" and a specialist will answer.".into(),
            };
        }
        let mut s = match locale {
            Locale::Ru => String::from("Возможно, это поможет:\n"),
            Locale::En => String::from("This may help:\n"),
        };
        for (i, a) in answers.iter().enumerate() {
            s.push_str(&format!("{}. {}\n", i + 1, a.title));
        }
        s.push_str(match locale {
            Locale::Ru => "Если ответ помог — нажмите «Помогло». Если нет — «Позвать оператора».",
            Locale::En => "If an answer helped, press \"Helped\". If not, \"Call an operator\".",
        });
        s
    }

    pub fn resolved(locale: Locale) -> String {
        match locale {
            Locale::Ru => "Рады, что смогли помочь! Если появятся вопросы — пишите.".into(),
            Locale::En => "Glad we could help! Write to us if anything else comes up.".into(),
        }
    }

    pub fn handed_over(locale: Locale) -> String {
        match locale {
            Locale::Ru => {
                "Передаю разговор оператору. Он подключится, как только освободится.".into()
            }
            Locale::En => {
                "Handing the conversation to an operator; they will join as soon as they are free."
                    .into()
            }
        }
    }

    pub fn code_sent(locale: Locale, masked_phone: &str) -> String {
        match locale {
            Locale::Ru => format!(
                "Для вопросов по банку нужно подтверждение. Мы отправили код в SMS на номер {masked_phone}. Введите его здесь."
            ),
            Locale::En => format!(
                "Bank questions need confirmation. We have sent a code by SMS to {masked_phone}. Enter it here."
            ),
        }
    }

    pub fn code_accepted(locale: Locale) -> String {
        match locale {
            Locale::Ru => "Код подтверждён.".into(),
            Locale::En => "The code is confirmed.".into(),
        }
    }

    pub fn operator_joined(locale: Locale, name: &str) -> String {
        match locale {
            Locale::Ru => format!("Оператор {name} подключился к разговору."),
            Locale::En => format!("Operator {name} has joined the conversation."),
        }
    }

    /// The SMS itself. The code appears here and nowhere else.
    pub fn code_sms(locale: Locale, code: &str) -> (String, String) {
        match locale {
            Locale::Ru => (
                "Код подтверждения".into(),
                format!(
                    "Код для чата поддержки: {code}. Никому его не сообщайте, даже сотрудникам поддержки."
                ),
            ),
            Locale::En => (
                "Confirmation code".into(),
                format!(
                    "Your support chat code: {code}. Never share it, not even with support staff."
                ),
            ),
        }
    }
}

// ─── Step-up: a one-time SMS code before a person takes a bank conversation ──

/// Limits of the one-time code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepUpPolicy {
    pub code_ttl: SignedDuration,
    pub max_tries: u32,
    pub cool_down: SignedDuration,
    /// A new code is not sent sooner than this after the previous one.
    pub resend_after: SignedDuration,
}

impl Default for StepUpPolicy {
    fn default() -> Self {
        StepUpPolicy {
            code_ttl: SignedDuration::from_mins(5),
            max_tries: 5,
            cool_down: SignedDuration::from_mins(15),
            resend_after: SignedDuration::from_secs(30),
        }
    }
}

/// The stored state of one conversation's confirmation. It holds the code's
/// keyed hash, never the code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUp {
    pub code_hash: Option<String>,
    pub issued_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    /// Wrong tries since the last success or cool-down.
    pub attempts: u32,
    pub locked_until: Option<Timestamp>,
    pub verified_at: Option<Timestamp>,
}

/// What a step-up action led to; recorded in the audit log (never with the code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepUpOutcome {
    CodeSent,
    Passed,
    WrongCode,
    LockedOut,
    Expired,
}

/// Why a code was not sent or not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepUpRefusal {
    /// Too many wrong tries: wait until then.
    Locked {
        until: Timestamp,
    },
    /// A code was sent moments ago.
    TooSoon {
        retry_at: Timestamp,
    },
    /// No code is waiting to be entered.
    NoCode,
    AlreadyVerified,
}

impl StepUpRefusal {
    pub fn refusal(&self) -> ChatRefusal {
        match self {
            StepUpRefusal::Locked { until } => ChatRefusal::new(
                "step_up_locked",
                format!("Слишком много неверных попыток. Повторите после {until}"),
                format!("Too many wrong tries. Try again after {until}"),
            ),
            StepUpRefusal::TooSoon { retry_at } => ChatRefusal::new(
                "step_up_too_soon",
                format!("Код уже отправлен. Новый можно запросить после {retry_at}"),
                format!("A code has just been sent. Ask for a new one after {retry_at}"),
            ),
            StepUpRefusal::NoCode => ChatRefusal::new(
                "step_up_no_code",
                "Код не запрошен или уже недействителен: нажмите «Позвать оператора», чтобы получить новый",
                "No code is pending: press \"Call an operator\" to get a new one",
            ),
            StepUpRefusal::AlreadyVerified => ChatRefusal::new(
                "step_up_already_verified",
                "Подтверждение уже пройдено",
                "Already confirmed",
            ),
        }
    }
}

/// The result of entering a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Wrong {
        tries_left: u32,
    },
    /// The last try was wrong: locked until then.
    LockedOut {
        until: Timestamp,
    },
    Expired,
}

impl Verdict {
    pub fn outcome(&self) -> StepUpOutcome {
        match self {
            Verdict::Passed => StepUpOutcome::Passed,
            Verdict::Wrong { .. } => StepUpOutcome::WrongCode,
            Verdict::LockedOut { .. } => StepUpOutcome::LockedOut,
            Verdict::Expired => StepUpOutcome::Expired,
        }
    }
}

impl StepUp {
    pub fn verified(&self) -> bool {
        self.verified_at.is_some()
    }

    fn locked(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|until| *until > now)
    }

    /// A new code (its keyed hash) sent at `now`. Wrong tries are not forgiven
    /// by asking for another code; only a success or the cool-down clears them.
    pub fn issue(
        &self,
        policy: &StepUpPolicy,
        code_hash: String,
        now: Timestamp,
    ) -> Result<StepUp, StepUpRefusal> {
        if self.verified() {
            return Err(StepUpRefusal::AlreadyVerified);
        }
        if let Some(until) = self.locked(now) {
            return Err(StepUpRefusal::Locked { until });
        }
        if let (Some(issued), Some(expires)) = (self.issued_at, self.expires_at) {
            let retry_at = issued + policy.resend_after;
            if retry_at > now && expires > now && self.code_hash.is_some() {
                return Err(StepUpRefusal::TooSoon { retry_at });
            }
        }
        let cooled_down = self.locked_until.is_some_and(|until| until <= now);
        Ok(StepUp {
            code_hash: Some(code_hash),
            issued_at: Some(now),
            expires_at: Some(now + policy.code_ttl),
            attempts: if cooled_down { 0 } else { self.attempts },
            locked_until: None,
            verified_at: None,
        })
    }

    /// Checks an entered code; `matches` says whether its hash equals the stored one.
    pub fn verify(
        &self,
        policy: &StepUpPolicy,
        matches: bool,
        now: Timestamp,
    ) -> Result<(StepUp, Verdict), StepUpRefusal> {
        if self.verified() {
            return Err(StepUpRefusal::AlreadyVerified);
        }
        if let Some(until) = self.locked(now) {
            return Err(StepUpRefusal::Locked { until });
        }
        let (Some(_), Some(expires)) = (&self.code_hash, self.expires_at) else {
            return Err(StepUpRefusal::NoCode);
        };
        let mut next = self.clone();
        if expires <= now {
            next.code_hash = None;
            return Ok((next, Verdict::Expired));
        }
        if matches {
            next.code_hash = None;
            next.attempts = 0;
            next.verified_at = Some(now);
            return Ok((next, Verdict::Passed));
        }
        next.attempts += 1;
        if next.attempts >= policy.max_tries {
            let until = now + policy.cool_down;
            next.code_hash = None;
            next.locked_until = Some(until);
            return Ok((next, Verdict::LockedOut { until }));
        }
        let tries_left = policy.max_tries - next.attempts;
        Ok((next, Verdict::Wrong { tries_left }))
    }
}

/// A well-formed code is exactly six ASCII digits.
pub fn code_well_formed(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Six digits from random bytes (the caller supplies the randomness).
pub fn code_from_random(random: u64) -> String {
    format!("{:06}", random % 1_000_000)
}

/// The keyed hash kept instead of the code: HMAC-SHA256 over the ticket and
/// the code, so a copy of the database does not give the codes away even
/// though there are only a million of them.
pub fn hash_code(key: &[u8], ticket: TicketId, code: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(format!("step-up:{}:{code}", ticket.0).as_bytes());
    let bytes = mac.finalize().into_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `+79161234567` → `+7••••••4567`, for telling the customer where the code went.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 6 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "•".repeat(chars.len() - 6))
}

// ─── Who takes a queued conversation ────────────────────────────────────────

/// An online operator as assignment sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub operator: OperatorId,
    pub skills: Vec<String>,
    pub capacity: u32,
    /// Open conversations assigned now.
    pub load: u32,
}

/// The least-loaded operator with the skill and a free place; ties go to the
/// one with the most free places, then the lowest id (deterministic).
pub fn least_loaded(skill: &str, candidates: &[Candidate]) -> Option<OperatorId> {
    candidates
        .iter()
        .filter(|c| c.load < c.capacity && c.skills.iter().any(|s| s == skill))
        .min_by_key(|c| (c.load, std::cmp::Reverse(c.capacity - c.load), c.operator))
        .map(|c| c.operator)
}

#[cfg(test)]
mod tests;
