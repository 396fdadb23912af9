//! Questions support does not handle (SPEC §2): the company's trade secrets,
//! investigating fraud or theft, and personal disputes outside the platform.
//!
//! A question is out of scope when cues of the right groups meet: a fraud
//! actor ("мошенники", "scammer") with something that happened ("позвонили",
//! "списали") or a request to investigate; a third person ("сосед", "бывший
//! муж", "landlord") with a legal or money matter ("суд", "долг", "owes
//! me"); an internal matter ("выручка", "алгоритм ранжирования") with a
//! question about it. One cue alone is not enough — "как защититься от
//! мошенников" and "моя выручка за май" are ordinary questions — except for
//! unambiguous ones ("украли карту", "развод", "коммерческая тайна"). The cues
//! are found in one Aho–Corasick pass over the folded text.

use crate::keywords::{self, Hit, Keyword};
use crate::normalize::{ends_word, fold};
use crate::texts::{self, Bilingual};

/// Why a question is not for support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeCategory {
    TradeSecret,
    /// Fraud or theft: for the police; support can block the card or account.
    Fraud,
    /// A personal legal or financial dispute that does not involve the platform.
    ExternalDispute,
}

impl ScopeCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeCategory::TradeSecret => "trade_secret",
            ScopeCategory::Fraud => "fraud",
            ScopeCategory::ExternalDispute => "dispute",
        }
    }
}

/// The answer to an out-of-scope question.
#[derive(Debug, Clone, PartialEq)]
pub struct OutOfScope {
    pub category: ScopeCategory,
    /// The polite answer saying where to go instead.
    pub answer: Bilingual,
    /// Mark the conversation urgent (fraud: money may still be leaving).
    pub urgent: bool,
    /// Offer to block the customer's card or account right away.
    pub offer_block: bool,
}

impl OutOfScope {
    fn new(category: ScopeCategory) -> Self {
        let fraud = category == ScopeCategory::Fraud;
        OutOfScope {
            category,
            answer: match category {
                ScopeCategory::TradeSecret => texts::SCOPE_TRADE_SECRET,
                ScopeCategory::Fraud => texts::SCOPE_FRAUD,
                ScopeCategory::ExternalDispute => texts::SCOPE_EXTERNAL_DISPUTE,
            },
            urgent: fraud,
            offer_block: fraud,
        }
    }
}

pub(crate) mod cues;
use cues::Cue;

/// Decides whether `text` is a question support does not handle.
pub fn classify(text: &str) -> Option<OutOfScope> {
    let folded = fold(text);
    classify_hits(&folded, &keywords::scan(&folded))
}

/// The verdict from the cue words already found in the folded text.
pub(crate) fn classify_hits(folded: &str, hits: &[Hit]) -> Option<OutOfScope> {
    let mut seen = 0u32;
    for hit in hits {
        if let Keyword::Scope(cue, whole) = hit.keyword
            && (!whole || ends_word(folded, hit.span.end))
        {
            seen |= 1 << cue as u32;
        }
    }
    if seen == 0 {
        return None;
    }
    let has = |cue: Cue| seen & (1 << cue as u32) != 0;
    let fraud = has(Cue::Theft)
        || (has(Cue::FraudActor)
            && (has(Cue::Happened) || has(Cue::Investigate) || has(Cue::Find)))
        || (has(Cue::Investigate) && (has(Cue::Happened) || has(Cue::Stolen) || has(Cue::Victim)));
    let dispute = has(Cue::PersonalLegal) || (has(Cue::ThirdPerson) && has(Cue::LegalMatter));
    let secret =
        !has(Cue::InScope) && (has(Cue::Secret) || (has(Cue::Internal) && has(Cue::Asking)));
    let category = if fraud {
        ScopeCategory::Fraud
    } else if dispute {
        ScopeCategory::ExternalDispute
    } else if secret {
        ScopeCategory::TradeSecret
    } else {
        return None;
    };
    Some(OutOfScope::new(category))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(
        "Мошенники позвонили и списали все деньги с карты!",
        Some(ScopeCategory::Fraud)
    )]
    #[case("Найдите, кто украл мой телефон", Some(ScopeCategory::Fraud))]
    #[case("Как защититься от мошенников?", None)]
    #[case(
        "Сосед затопил квартиру, помогите подать в суд",
        Some(ScopeCategory::ExternalDispute)
    )]
    #[case("Продавец не вернул деньги, подам в суд", None)]
    #[case(
        "Какая выручка у вашей компании за прошлый год?",
        Some(ScopeCategory::TradeSecret)
    )]
    #[case("Где посмотреть мою выручку за май?", None)]
    #[case(
        "My landlord won't return my deposit, can you help me sue him?",
        Some(ScopeCategory::ExternalDispute)
    )]
    #[case("Where is my order?", None)]
    fn classifies(#[case] text: &str, #[case] expected: Option<ScopeCategory>) {
        assert_eq!(classify(text).map(|o| o.category), expected);
    }

    #[test]
    fn fraud_is_urgent_and_offers_block() {
        let verdict = classify("у меня украли карту").expect("fraud");
        assert!(verdict.urgent && verdict.offer_block);
    }
}
