//! What the API returns. Customer views and staff views are separate types, so
//! a field meant for staff (priority, assignee, internal notes) cannot leak to
//! a customer by accident.

use serde::Serialize;
use switchboard_domain::catalog::Catalog;
use switchboard_domain::i18n::Text;
use switchboard_domain::ticket::{Actor, ProblemChoice, Ticket};
use switchboard_store::{AttachmentMeta, StoredMessage};
use utoipa::ToSchema;

mod staff;
pub use staff::*;

/// Something the sender should read next to the answer: a warning about
/// data they should not have sent, the note that a repeated question was
/// joined to an open request, the polite answer to an out-of-scope one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdviceView {
    /// `sensitive_data_masked`, `joined_open_request`, `out_of_scope_trade_secret`,
    /// `out_of_scope_fraud`, `out_of_scope_dispute`.
    pub code: &'static str,
    pub message: Names,
}

impl From<&switchboard_core::judgement::Advice> for AdviceView {
    fn from(a: &switchboard_core::judgement::Advice) -> Self {
        AdviceView {
            code: a.code,
            message: Names::from(&a.message),
        }
    }
}

/// A name in Russian and English.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Names {
    pub ru: String,
    pub en: String,
}

impl From<&Text> for Names {
    fn from(t: &Text) -> Self {
        Names {
            ru: t.ru.clone(),
            en: if t.en.is_empty() {
                t.ru.clone()
            } else {
                t.en.clone()
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Coded {
    pub code: String,
    pub name: Names,
}

pub(crate) fn coded(code: &str, name: Option<&Text>) -> Coded {
    Coded {
        code: code.to_owned(),
        name: name.map(Names::from).unwrap_or_else(|| Names {
            ru: code.to_owned(),
            en: code.to_owned(),
        }),
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemView {
    /// A problem code from the topic's list, or `other`.
    pub code: String,
    pub name: Names,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Classification {
    pub line: Coded,
    pub topic: Coded,
    pub problem: ProblemView,
}

pub fn classification(catalog: &Catalog, t: &Ticket) -> Classification {
    let line = catalog.line(&t.line);
    let topic = line.and_then(|l| l.topic(&t.topic));
    let problem = match &t.problem {
        ProblemChoice::Listed(code) => ProblemView {
            code: code.clone(),
            name: topic
                .and_then(|tp| tp.problem(code))
                .map(|p| Names::from(&p.name))
                .unwrap_or(Names {
                    ru: code.clone(),
                    en: code.clone(),
                }),
        },
        ProblemChoice::Other(text) => ProblemView {
            code: "other".into(),
            name: Names {
                ru: text.clone(),
                en: text.clone(),
            },
        },
    };
    Classification {
        line: coded(&t.line, line.map(|l| &l.name)),
        topic: coded(&t.topic, topic.map(|tp| &tp.name)),
        problem,
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    /// The file's SHA-256; also its download id.
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub url: String,
}

pub(super) fn attachments(list: &[AttachmentMeta], base: &str) -> Vec<AttachmentView> {
    list.iter()
        .map(|a| AttachmentView {
            id: a.hash.as_str().to_owned(),
            file_name: a.file_name.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            url: format!("{base}/attachments/{}", a.hash.as_str()),
        })
        .collect()
}

pub(super) fn time(t: Option<jiff::Timestamp>) -> Option<String> {
    t.map(|t| t.to_string())
}

/// A message as the customer sees it: from them, from support or from the bot.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerMessageView {
    pub id: i64,
    /// `customer`, `support` or `bot`.
    pub author: String,
    pub body: String,
    pub attachments: Vec<AttachmentView>,
    pub created_at: String,
    /// Set on messages of another ticket merged into this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<String>,
}

/// The ticket a message belongs to, when it is not the one shown (a merge).
pub(super) fn merged_from(t: &Ticket, m: &StoredMessage) -> Option<String> {
    (m.ticket_id != t.id)
        .then(|| switchboard_domain::ids::TicketNumber::from_id(m.ticket_id).to_string())
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerTicketView {
    pub number: String,
    pub status: String,
    /// `request` or `claim`.
    pub kind: String,
    #[serde(flatten)]
    pub classification: Classification,
    pub order_number: Option<String>,
    pub subject: String,
    pub reply_channel: String,
    /// When support's next reply is due; absent while support waits for the customer.
    pub reply_due_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<CustomerMessageView>>,
    /// Set when the submitted question repeated this open ticket and was joined to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// E.g. `sensitive_data_masked`: support never asks for card data, codes or passwords.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<AdviceView>,
    /// E.g. `joined_open_request`, or the answer to an out-of-scope question.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<AdviceView>,
}

impl CustomerTicketView {
    /// When support's next reply is due by the SLA clock (first or next
    /// response; the resolution target is not a reply).
    pub fn with_reply_due(mut self, rules: &switchboard_core::rules::Rules, t: &Ticket) -> Self {
        let now = t.updated_at;
        self.reply_due_at = rules
            .sla_view(t, now)
            .map_or(time(t.due_at), |s| time(s.reply_due));
        self
    }

    pub fn new(catalog: &Catalog, t: &Ticket, messages: Option<&[StoredMessage]>) -> Self {
        let base = format!("/api/v1/customer/tickets/{}", t.number);
        CustomerTicketView {
            number: t.number.to_string(),
            status: t.status.as_str().into(),
            kind: t.kind.as_str().into(),
            classification: classification(catalog, t),
            order_number: t.order_number.as_ref().map(|o| o.to_string()),
            subject: t.subject.clone(),
            reply_channel: t.reply_channel.as_str().into(),
            reply_due_at: time(t.due_at),
            created_at: t.created_at.to_string(),
            updated_at: t.updated_at.to_string(),
            messages: messages.map(|ms| {
                ms.iter()
                    .map(|m| CustomerMessageView {
                        id: m.id,
                        author: match m.author {
                            Actor::Customer(_) | Actor::Contact(_) => "customer",
                            Actor::Bot => "bot",
                            Actor::Operator(_) | Actor::System => "support",
                        }
                        .into(),
                        body: m.body.clone(),
                        attachments: attachments(&m.attachments, &base),
                        created_at: m.created_at.to_string(),
                        merged_from: merged_from(t, m),
                    })
                    .collect()
            }),
            duplicate_of: None,
            warnings: Vec::new(),
            notices: Vec::new(),
        }
    }
}
