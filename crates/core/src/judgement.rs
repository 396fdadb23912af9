//! The judgement every message gets before it is stored or shown (SPEC §6),
//! on every channel: a thin layer over `switchboard-hygiene` that turns its
//! verdicts into what the server stores (the text), logs (audit events) and
//! says (warnings, refusals, the polite out-of-scope answer).
//!
//! Invariant: the text a caller gets back is the only form of the message
//! that may go further — into the database, a log line, the search, a
//! notification. Card numbers, CVV, one-time codes and passwords are masked
//! in it; obscene words are masked too, and their wording (secrets still
//! masked) survives only in an `ObscenityMasked` audit event, which only
//! staff can read. Nothing here logs the text.

use serde::Serialize;
use switchboard_domain::i18n::Text;
use switchboard_domain::ticket::TicketEvent;
use switchboard_hygiene::{
    Bilingual, CustomerMessageReport, OutOfScope, ScopeCategory, SensitiveFinding,
};

use crate::{CoreError, Refusal, RefusalKind};

/// Something the sender should read next to the answer: a warning about
/// data they should not have sent, the note that a repeated question was
/// joined to an open request, the polite answer to an out-of-scope one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// `sensitive_data_masked`, `joined_open_request`, `out_of_scope_trade_secret`,
    /// `out_of_scope_fraud`, `out_of_scope_dispute`.
    pub code: &'static str,
    pub message: Text,
}

impl Advice {
    pub fn new(code: &'static str, text: Bilingual) -> Self {
        Advice {
            code,
            message: Text::new(text.ru, text.en),
        }
    }
}

/// A message as it may be kept, with what the judgement found.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// Secrets and obscene words masked: what is stored, shown and sent.
    pub text: String,
    /// Audit events that belong with the message.
    pub events: Vec<TicketEvent>,
    /// The warning for a customer who sent secrets.
    pub warning: Option<Advice>,
    /// Set when the question is one support does not handle.
    pub scope: Option<OutOfScope>,
}

impl Judged {
    /// Whether anything was masked or found (the text differs, or there is advice).
    pub fn is_clean(&self) -> bool {
        self.events.is_empty() && self.warning.is_none() && self.scope.is_none()
    }
}

fn kinds(findings: &[SensitiveFinding]) -> Vec<String> {
    let mut kinds: Vec<String> = findings
        .iter()
        .map(|f| f.kind.as_str().to_owned())
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

fn events_of(report: &CustomerMessageReport) -> Vec<TicketEvent> {
    let mut events = Vec::new();
    if !report.findings.is_empty() {
        events.push(TicketEvent::SensitiveDataMasked {
            kinds: kinds(&report.findings),
        });
    }
    if !report.obscene.is_empty() {
        events.push(TicketEvent::ObscenityMasked {
            original: report.masked_text.clone(),
        });
    }
    if let Some(scope) = &report.out_of_scope {
        events.push(TicketEvent::OutOfScope {
            category: scope.category.as_str().to_owned(),
        });
    }
    events
}

/// A customer's message (form description, reply, chat message).
pub fn customer_message(raw: &str) -> Judged {
    let report = switchboard_hygiene::inspect_customer_message(raw);
    Judged {
        events: events_of(&report),
        warning: report
            .warning()
            .map(|w| Advice::new("sensitive_data_masked", w)),
        scope: report.out_of_scope,
        text: report.display_text,
    }
}

/// The advice that carries the polite answer to an out-of-scope question.
pub fn scope_advice(scope: &OutOfScope) -> Advice {
    let code = match scope.category {
        ScopeCategory::TradeSecret => "out_of_scope_trade_secret",
        ScopeCategory::Fraud => "out_of_scope_fraud",
        ScopeCategory::ExternalDispute => "out_of_scope_dispute",
    };
    Advice::new(code, scope.answer)
}

/// Why an operator's message was not sent.
pub fn operator_blocked(explanation: Bilingual) -> CoreError {
    CoreError::Refused(Refusal {
        kind: RefusalKind::Invalid,
        code: OPERATOR_REQUEST_BLOCKED,
        message: Text::new(explanation.ru, explanation.en),
        tries_left: None,
    })
}

/// The stable code of a blocked operator message (API and chat).
pub const OPERATOR_REQUEST_BLOCKED: &str = "operator_request_blocked";

/// A message from support. A request for the customer's secrets is refused
/// (and nothing is stored); otherwise secrets an operator pasted are masked
/// and obscene words masked, their wording kept for the audit log.
pub fn operator_message(raw: &str) -> Result<Judged, CoreError> {
    let report = switchboard_hygiene::inspect_operator_message(raw);
    if let Some(block) = report.blocked {
        return Err(operator_blocked(block.explanation));
    }
    let mut events = Vec::new();
    if !report.findings.is_empty() {
        events.push(TicketEvent::SensitiveDataMasked {
            kinds: kinds(&report.findings),
        });
    }
    if !report.obscene.is_empty() {
        events.push(TicketEvent::ObscenityMasked {
            original: report.masked_text,
        });
    }
    Ok(Judged {
        text: report.display_text,
        events,
        warning: None,
        scope: None,
    })
}

/// An internal note: never sent to the customer, so a note that quotes a
/// request is not blocked; secrets and obscene words are masked all the same.
pub fn note(raw: &str) -> Judged {
    let report = switchboard_hygiene::inspect_operator_message(raw);
    let mut events = Vec::new();
    if !report.findings.is_empty() {
        events.push(TicketEvent::SensitiveDataMasked {
            kinds: kinds(&report.findings),
        });
    }
    if !report.obscene.is_empty() {
        events.push(TicketEvent::ObscenityMasked {
            original: report.masked_text,
        });
    }
    Judged {
        text: report.display_text,
        events,
        warning: None,
        scope: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_number_is_masked_and_the_customer_warned() {
        let j = customer_message("Списали деньги с карты 4111 1111 1111 1111, что делать?");
        assert!(!j.text.contains("4111 1111 1111 1111"), "{}", j.text);
        assert!(j.text.contains("1111"));
        assert_eq!(
            j.warning.as_ref().map(|w| w.code),
            Some("sensitive_data_masked")
        );
        assert!(matches!(
            &j.events[..],
            [TicketEvent::SensitiveDataMasked { kinds }] if kinds == &["card"]
        ));
    }

    #[test]
    fn obscene_wording_is_kept_only_in_the_audit_event() {
        let j = customer_message("Где мой заказ, блядь? Карта 4111 1111 1111 1111");
        assert!(!j.text.contains("блядь"), "{}", j.text);
        let original = j
            .events
            .iter()
            .find_map(|e| match e {
                TicketEvent::ObscenityMasked { original } => Some(original.clone()),
                _ => None,
            })
            .expect("obscenity event");
        assert!(original.contains("блядь"));
        assert!(
            !original.contains("4111 1111 1111 1111"),
            "secrets stay masked"
        );
    }

    #[test]
    fn fraud_is_out_of_scope_and_an_operator_asking_for_a_code_is_blocked() {
        let j = customer_message("Мошенники позвонили и списали все деньги с карты!");
        let scope = j.scope.expect("out of scope");
        assert!(scope.urgent && scope.offer_block);
        assert_eq!(scope_advice(&scope).code, "out_of_scope_fraud");
        assert!(operator_message("Назовите, пожалуйста, код из СМС").is_err());
        assert!(operator_message("Никогда не сообщайте код из СМС").is_ok());
        assert!(note("Клиент сказал: «назовите код из СМС» — это мошенники").is_clean());
    }
}
