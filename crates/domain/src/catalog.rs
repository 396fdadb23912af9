//! The line → topic → problem catalog everything a customer raises is classified by.
//!
//! It is loaded from a readable TOML file (the demo profile ships one) and
//! validated once: codes are unique within their parent and well-formed, every
//! name has Russian text. After loading, a topic carries all that the rest of
//! the system needs to know about it: routing skill, SLA class, whether an
//! order is expected, whether "urgent" may be chosen, and the bot's ready answers.

use serde::{Deserialize, Serialize};

use crate::customer::CustomerKind;
use crate::i18n::Text;

/// How long the reply deadline of a topic is, before priority is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaClass {
    /// Reply within 24 hours.
    #[default]
    Standard,
    /// Needs investigation: 3 business days.
    Complex,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    pub code: String,
    pub name: Text,
}

/// A ready answer the bot may offer for a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadyAnswer {
    pub title: Text,
    pub body: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub code: String,
    pub name: Text,
    /// Routing skill; operators with it may take the topic's tickets.
    #[serde(default)]
    pub skill: String,
    #[serde(default)]
    pub sla: SlaClass,
    /// The question is about a purchase or booking: an order number is required.
    #[serde(default)]
    pub order_expected: bool,
    /// The customer may mark the request urgent (2-hour deadline).
    #[serde(default)]
    pub urgent_allowed: bool,
    /// Every request on this topic is urgent (suspicious operations, hijacked accounts).
    #[serde(default)]
    pub always_urgent: bool,
    /// Bank topics: chat asks for a one-time SMS code before a person takes over.
    #[serde(default)]
    pub step_up: bool,
    #[serde(default, rename = "problem")]
    pub problems: Vec<Problem>,
    #[serde(default, rename = "answer")]
    pub answers: Vec<ReadyAnswer>,
}

impl Topic {
    pub fn problem(&self, code: &str) -> Option<&Problem> {
        self.problems.iter().find(|p| p.code == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub code: String,
    pub name: Text,
    /// Customer kinds this line serves; empty means every kind.
    #[serde(default)]
    pub customer_kinds: Vec<CustomerKind>,
    /// False for non-support teams (investors, press, partnerships): no customer form.
    #[serde(default = "yes")]
    pub support: bool,
    /// Banking secrecy: the line's tickets, chats and customers' profiles are
    /// shown only to staff holding one of its skills (and to admins).
    #[serde(default)]
    pub secrecy: bool,
    #[serde(default, rename = "topic")]
    pub topics: Vec<Topic>,
}

fn yes() -> bool {
    true
}

impl Line {
    pub fn topic(&self, code: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.code == code)
    }

    pub fn serves(&self, kind: CustomerKind) -> bool {
        self.support && (self.customer_kinds.is_empty() || self.customer_kinds.contains(&kind))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(rename = "line")]
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog is not valid TOML: {0}")]
    Syntax(String),
    #[error("catalog: {0}")]
    Invalid(String),
}

fn valid_code(code: &str) -> bool {
    (1..=48).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

impl Catalog {
    pub fn from_toml(source: &str) -> Result<Self, CatalogError> {
        let mut catalog: Catalog =
            toml::from_str(source).map_err(|e| CatalogError::Syntax(e.to_string()))?;
        catalog.validate()?;
        Ok(catalog)
    }

    fn validate(&mut self) -> Result<(), CatalogError> {
        let bad = |m: String| Err(CatalogError::Invalid(m));
        if self.lines.is_empty() {
            return bad("at least one line is required".into());
        }
        let mut line_codes = std::collections::HashSet::new();
        for line in &mut self.lines {
            if !valid_code(&line.code) {
                return bad(format!(
                    "line code {:?} must be 1–48 of a-z 0-9 _ -",
                    line.code
                ));
            }
            if !line_codes.insert(line.code.clone()) {
                return bad(format!("line {:?} is defined twice", line.code));
            }
            if line.name.ru.trim().is_empty() {
                return bad(format!("line {:?} has no Russian name", line.code));
            }
            let mut topic_codes = std::collections::HashSet::new();
            for topic in &mut line.topics {
                let at = format!("{}/{}", line.code, topic.code);
                if !valid_code(&topic.code) {
                    return bad(format!("topic code {at:?} must be 1–48 of a-z 0-9 _ -"));
                }
                if !topic_codes.insert(topic.code.clone()) {
                    return bad(format!("topic {at:?} is defined twice"));
                }
                if topic.name.ru.trim().is_empty() {
                    return bad(format!("topic {at:?} has no Russian name"));
                }
                if topic.skill.is_empty() {
                    topic.skill = line.code.clone();
                }
                let mut problem_codes = std::collections::HashSet::new();
                for p in &topic.problems {
                    if !valid_code(&p.code) || p.code == crate::intake::OTHER_PROBLEM {
                        return bad(format!(
                            "problem code {:?} in {at:?} must be 1–48 of a-z 0-9 _ - and not \"other\"",
                            p.code
                        ));
                    }
                    if !problem_codes.insert(p.code.clone()) {
                        return bad(format!("problem {:?} in {at:?} is defined twice", p.code));
                    }
                    if p.name.ru.trim().is_empty() {
                        return bad(format!(
                            "problem {:?} in {at:?} has no Russian name",
                            p.code
                        ));
                    }
                }
                if topic.always_urgent && topic.sla == SlaClass::Complex {
                    return bad(format!(
                        "topic {at:?} cannot be both always urgent and complex"
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn line(&self, code: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.code == code)
    }

    pub fn topic(&self, line: &str, topic: &str) -> Option<(&Line, &Topic)> {
        let l = self.line(line)?;
        Some((l, l.topic(topic)?))
    }

    /// Every routing skill the catalog mentions, sorted and unique.
    pub fn skills(&self) -> Vec<String> {
        let mut skills: Vec<String> = self
            .lines
            .iter()
            .flat_map(|l| l.topics.iter().map(|t| t.skill.clone()))
            .collect();
        skills.sort();
        skills.dedup();
        skills
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
[[line]]
code = "bank"
name = { ru = "Банк", en = "Bank" }
customer_kinds = ["bank_retail"]

[[line.topic]]
code = "cards"
name = { ru = "Карты", en = "Cards" }
urgent_allowed = true
[[line.topic.problem]]
code = "block"
name = { ru = "Заблокировать карту", en = "Block a card" }
"#;

    #[test]
    fn loads_and_fills_default_skill() {
        let c = Catalog::from_toml(SMALL).unwrap();
        let (line, topic) = c.topic("bank", "cards").unwrap();
        assert_eq!(topic.skill, "bank");
        assert!(topic.problem("block").is_some());
        assert!(line.serves(CustomerKind::BankRetail));
        assert!(!line.serves(CustomerKind::Buyer));
        assert_eq!(c.skills(), vec!["bank".to_string()]);
    }

    #[test]
    fn rejects_duplicates_bad_codes_and_unknown_keys() {
        let dup = format!("{SMALL}\n{SMALL}");
        assert!(matches!(
            Catalog::from_toml(&dup),
            Err(CatalogError::Invalid(_))
        ));
        let bad_code = SMALL.replace("code = \"cards\"", "code = \"Cards!\"");
        assert!(matches!(
            Catalog::from_toml(&bad_code),
            Err(CatalogError::Invalid(_))
        ));
        let other = SMALL.replace("code = \"block\"", "code = \"other\"");
        assert!(matches!(
            Catalog::from_toml(&other),
            Err(CatalogError::Invalid(_))
        ));
        let unknown = SMALL.replace("urgent_allowed", "urgnt_allowed");
        assert!(matches!(
            Catalog::from_toml(&unknown),
            Err(CatalogError::Syntax(_))
        ));
        assert!(matches!(
            Catalog::from_toml("line = 5"),
            Err(CatalogError::Syntax(_))
        ));
    }
}
