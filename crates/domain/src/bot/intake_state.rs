//! Where a customer is before their conversation exists: free text is only
//! accepted once a topic is chosen and, for purchase topics, an order (or
//! "not about an order").

use serde::{Deserialize, Serialize};

use super::{ChatRefusal, MAX_MESSAGE_CHARS};
use crate::catalog::{Catalog, Topic};
use crate::customer::{Customer, Order};
use crate::ids::OrderNumber;

/// Where a customer is before their conversation exists. Free text is only
/// accepted in [`Intake::Ready`]: the customer chose a topic and, for topics
/// about a purchase, one of their orders or "not about an order".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stage")]
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
    /// Chooses (or re-chooses) the topic; only lines that serve the customer's
    /// kind (any line for a contact not linked to an account).
    pub fn choose_topic(
        &mut self,
        catalog: &Catalog,
        customer: Option<&Customer>,
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

    /// `None` is "Question not about an order". An order must be the
    /// customer's own; a contact without an account has none.
    pub fn choose_order(
        &mut self,
        customer: Option<&Customer>,
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

pub(super) fn find_topic<'c>(
    catalog: &'c Catalog,
    customer: Option<&Customer>,
    line: &str,
    topic: &str,
) -> Result<(&'c str, &'c Topic), ChatRefusal> {
    let l = catalog.line(line.trim()).ok_or_else(|| {
        ChatRefusal::new("unknown_topic", "Такой темы нет", "There is no such topic")
    })?;
    if customer.is_some_and(|c| !l.serves(c.kind)) {
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

fn own_order(
    customer: Option<&Customer>,
    orders: &[Order],
    raw: &str,
) -> Result<OrderNumber, ChatRefusal> {
    let not_yours = || {
        ChatRefusal::new(
            "not_your_order",
            "Среди ваших заказов нет заказа с таким номером",
            "None of your orders has this number",
        )
    };
    let number = OrderNumber::parse(raw).map_err(|_| not_yours())?;
    let Some(customer) = customer else {
        return Err(not_yours());
    };
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
