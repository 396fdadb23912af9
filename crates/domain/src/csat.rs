//! Customer satisfaction: the rating a customer gives a resolved ticket
//! (1–5, with an optional comment), the rules of when to ask, and the
//! request's text on each medium.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::conversation::{Medium, Outbound, OutboundKind, Route};
use crate::i18n::Locale;
use crate::ids::TicketNumber;

/// The longest comment kept with a rating, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// A rating from 1 (very bad) to 5 (very good).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Score(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a rating is a whole number from 1 to 5")]
pub struct ScoreError;

impl TryFrom<u8> for Score {
    type Error = ScoreError;
    fn try_from(n: u8) -> Result<Self, ScoreError> {
        (1..=5).contains(&n).then_some(Score(n)).ok_or(ScoreError)
    }
}

impl From<Score> for u8 {
    fn from(s: Score) -> u8 {
        s.0
    }
}

impl Score {
    pub fn parse(s: &str) -> Result<Self, ScoreError> {
        s.trim().parse::<u8>().map_err(|_| ScoreError)?.try_into()
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// When customers are asked and what a low rating does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsatRules {
    pub enabled: bool,
    /// Nobody is asked again sooner than this after their last request.
    pub min_interval: SignedDuration,
    /// Tickets resolved longer ago than this are not asked about any more.
    pub ask_within: SignedDuration,
    /// Ratings at or below this alert the supervisors.
    pub low_at_most: u8,
    /// A low rating also reopens the ticket.
    pub reopen_on_low: bool,
}

impl CsatRules {
    /// Whether a customer last asked at `last` may be asked at `now`.
    pub fn may_ask(&self, last: Option<Timestamp>, now: Timestamp) -> bool {
        self.enabled && last.is_none_or(|l| now.duration_since(l) >= self.min_interval)
    }

    pub fn is_low(&self, score: Score) -> bool {
        score.0 <= self.low_at_most
    }
}

/// The request's text: short for SMS and push, a letter otherwise; `link`
/// opens the rating page.
pub fn request_text(
    locale: Locale,
    number: TicketNumber,
    link: &str,
    short: bool,
) -> (String, String) {
    match (locale, short) {
        (Locale::Ru, true) => (
            format!("Оцените ответ по обращению {number}"),
            format!("Оцените, как мы помогли по обращению {number}: {link}"),
        ),
        (Locale::En, true) => (
            format!("Rate our answer to {number}"),
            format!("How did we do with request {number}? {link}"),
        ),
        (Locale::Ru, false) => (
            format!("Оцените ответ по обращению {number}"),
            format!(
                "Здравствуйте!\n\nВаше обращение {number} решено. Оцените, пожалуйста, \
                 как мы помогли — от 1 до 5, можно с комментарием:\n{link}\n\nСлужба поддержки"
            ),
        ),
        (Locale::En, false) => (
            format!("Rate our answer to {number}"),
            format!(
                "Hello,\n\nYour request {number} is resolved. Please rate how we helped, \
                 from 1 to 5, with a comment if you like:\n{link}\n\nCustomer support"
            ),
        ),
    }
}

/// The request as an outbound message by `route`.
pub fn request(route: Route, locale: Locale, number: TicketNumber, link: &str) -> Outbound {
    let short = matches!(route.medium, Medium::Sms | Medium::Push);
    let (subject, text) = request_text(locale, number, link, short);
    Outbound {
        kind: OutboundKind::CsatRequest,
        route,
        subject,
        text,
        attachments: Vec::new(),
        sensitive: false,
        buttons: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_one_to_five() {
        assert_eq!(Score::parse("5").map(Score::get), Ok(5));
        assert_eq!(Score::parse(" 1 ").map(Score::get), Ok(1));
        for bad in ["0", "6", "", "2.5", "-1", "пять", "999999999999"] {
            assert_eq!(Score::parse(bad), Err(ScoreError), "{bad}");
        }
        assert!(serde_json::from_str::<Score>("7").is_err());
    }

    #[test]
    fn nobody_is_asked_more_often_than_the_limit() {
        let rules = CsatRules {
            enabled: true,
            min_interval: SignedDuration::from_hours(24 * 7),
            ask_within: SignedDuration::from_hours(72),
            low_at_most: 2,
            reopen_on_low: true,
        };
        let now: Timestamp = "2026-12-04T10:00:00Z".parse().unwrap();
        assert!(rules.may_ask(None, now));
        assert!(!rules.may_ask(Some(now - SignedDuration::from_hours(24 * 6)), now));
        assert!(rules.may_ask(Some(now - SignedDuration::from_hours(24 * 7)), now));
        assert!(
            !CsatRules {
                enabled: false,
                ..rules.clone()
            }
            .may_ask(None, now)
        );
        assert!(rules.is_low(Score(2)) && !rules.is_low(Score(3)));
    }
}
