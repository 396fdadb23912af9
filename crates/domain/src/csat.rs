//! Customer satisfaction: the rating a customer gives a resolved ticket
//! (1–5, with an optional comment), the rules of when to ask, and the
//! request's text on each medium.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::conversation::{Button, Medium, Outbound, OutboundKind, Route};
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

/// The 1–5 buttons under a messenger's request (Telegram, VK): each sends
/// back `r:<score>:<token>`, the rating link's secret, so a press rates only
/// the ticket the request was about and cannot be forged for another.
pub fn rating_buttons(token: &str) -> Vec<Vec<Button>> {
    vec![
        (1..=5)
            .map(|n| Button::new(n.to_string(), format!("r:{n}:{token}")))
            .collect(),
    ]
}

/// A pressed rating button's score and token; `None` for anything else.
pub fn parse_rating_press(data: &str) -> Option<(Score, String)> {
    let (score, token) = data.trim().strip_prefix("r:")?.split_once(':')?;
    let score = Score::parse(score).ok()?;
    let token_ok = (16..=Button::MAX_DATA).contains(&token.len())
        && token.bytes().all(|b| b.is_ascii_hexdigit());
    token_ok.then(|| (score, token.to_owned()))
}

/// What a customer who pressed a rating button is told.
pub fn thanks_text(locale: crate::i18n::Locale, score: Score) -> String {
    match locale {
        crate::i18n::Locale::Ru => format!(
            "Спасибо за оценку {}! Если хотите добавить комментарий, откройте ссылку из сообщения выше.",
            score.0
        ),
        crate::i18n::Locale::En => format!(
            "Thank you for rating us {}! To add a comment, open the link in the message above.",
            score.0
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rating_buttons_fit_telegram_and_parse_back_only_when_well_formed() {
        let token = "ab".repeat(24);
        let rows = rating_buttons(&token);
        assert_eq!(rows[0].len(), 5);
        for (i, b) in rows[0].iter().enumerate() {
            assert!(b.data.len() <= Button::MAX_DATA, "{}", b.data);
            let (score, back) = parse_rating_press(&b.data).unwrap();
            assert_eq!(
                (score.get() as usize, back.as_str()),
                (i + 1, token.as_str())
            );
        }
        for bad in [
            "r:6:abababababababababab",
            "r:3:",
            "r:3:zz",
            "r:x:abababababababab",
            "h",
            "r:3",
        ] {
            assert_eq!(parse_rating_press(bad), None, "{bad}");
        }
    }

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
