//! Which of a line's topics a message that just arrives (a mail) is about,
//! from its subject, else from the first lines of its body.
//!
//! The words of each topic's name and of its problems' names, in both
//! languages, are compared by stem with the subject's; a word counts for more
//! the fewer of the line's topics use it, and two words in a row that a name
//! also has in a row count again. A topic is chosen only when it clearly
//! wins; otherwise the caller keeps its default (the mailbox's topic or the
//! line's first).

use std::collections::{HashMap, HashSet};

use crate::bot::answers::{stem, words};
use crate::catalog::{Line, Topic};

/// The winner must score this many times the runner-up.
const CLEAR_MARGIN: f64 = 1.5;
/// The least score of a winner: about one word that a third of the topics use.
const MIN_SCORE: f64 = 1.0;
/// How many non-empty lines of the body are read when the subject says nothing.
const BODY_LINES: usize = 3;

/// Words that say nothing about a topic although names contain them.
const STOP_WORDS: &[&str] = &[
    "как",
    "что",
    "для",
    "при",
    "или",
    "без",
    "это",
    "нет",
    "мой",
    "моя",
    "мое",
    "мои",
    "моего",
    "моей",
    "мне",
    "меня",
    "вопрос",
    "вопросы",
    "the",
    "and",
    "for",
    "with",
    "was",
    "has",
    "have",
    "isn",
    "doesn",
    "didn",
    "can",
    "won",
    "how",
    "what",
    "why",
    "from",
    "your",
    "you",
    "not",
    "question",
    "questions",
];

/// The topic of `line` the subject (else the body's first lines) clearly
/// names, if any.
pub fn topic_for<'a>(line: &'a Line, subject: &str, body: &str) -> Option<&'a Topic> {
    if line.topics.len() < 2 {
        return None;
    }
    let index = Index::of(line);
    index.winner(subject).or_else(|| {
        let start: Vec<&str> = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('>'))
            .take(BODY_LINES)
            .collect();
        index.winner(&start.join(" "))
    })
}

fn stems(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

/// A topic's stems, and its pairs of stems in a row.
struct Named<'a> {
    topic: &'a Topic,
    single: HashSet<String>,
    pairs: HashSet<(String, String)>,
}

/// Each topic's stems and pairs, and how many topics use each stem.
struct Index<'a> {
    topics: Vec<Named<'a>>,
    used_by: HashMap<String, usize>,
}

impl<'a> Index<'a> {
    fn of(line: &'a Line) -> Self {
        let mut used_by = HashMap::new();
        let topics = line
            .topics
            .iter()
            .map(|t| {
                let mut single = HashSet::new();
                let mut pairs = HashSet::new();
                let names = std::iter::once(&t.name).chain(t.problems.iter().map(|p| &p.name));
                for name in names {
                    for text in [&name.ru, &name.en] {
                        let s = stems(text);
                        pairs.extend(s.windows(2).map(|w| (w[0].clone(), w[1].clone())));
                        single.extend(s);
                    }
                }
                for s in &single {
                    *used_by.entry(s.clone()).or_insert(0) += 1;
                }
                Named {
                    topic: t,
                    single,
                    pairs,
                }
            })
            .collect();
        Index { topics, used_by }
    }

    /// How telling a stem is: the log of the share of topics that do not use it.
    fn weight(&self, stem: &str) -> f64 {
        match self.used_by.get(stem) {
            Some(&n) if n > 0 => (self.topics.len() as f64 / n as f64).ln(),
            _ => 0.0,
        }
    }

    fn winner(&self, text: &str) -> Option<&'a Topic> {
        let asked = stems(text);
        let single: HashSet<&String> = asked.iter().collect();
        let pairs: HashSet<(&String, &String)> = asked.windows(2).map(|w| (&w[0], &w[1])).collect();
        let mut scored: Vec<(f64, &'a Topic)> = self
            .topics
            .iter()
            .map(|n| {
                let one: f64 = single
                    .iter()
                    .filter(|s| n.single.contains(s.as_str()))
                    .map(|s| self.weight(s))
                    .sum();
                let two: f64 = pairs
                    .iter()
                    .filter(|(a, b)| n.pairs.contains(&((*a).clone(), (*b).clone())))
                    .map(|(a, b)| (self.weight(a) + self.weight(b)) / 2.0)
                    .sum();
                (one + two, n.topic)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (top, topic) = *scored.first()?;
        let second = scored.get(1).map_or(0.0, |s| s.0);
        (top >= MIN_SCORE && top > second && top >= CLEAR_MARGIN * second).then_some(topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Problem;
    use crate::i18n::Text;

    fn topic(code: &str, name: (&str, &str), problems: &[(&str, &str)]) -> Topic {
        Topic {
            code: code.into(),
            name: Text::new(name.0, name.1),
            skill: String::new(),
            sla: Default::default(),
            order_expected: false,
            urgent_allowed: false,
            always_urgent: false,
            step_up: false,
            problems: problems
                .iter()
                .enumerate()
                .map(|(i, (ru, en))| Problem {
                    code: format!("p{i}"),
                    name: Text::new(*ru, *en),
                })
                .collect(),
            answers: Vec::new(),
        }
    }

    fn line() -> Line {
        Line {
            code: "shop".into(),
            name: Text::new("Магазин", "Shop"),
            customer_kinds: Vec::new(),
            support: true,
            secrecy: false,
            topics: vec![
                topic(
                    "ordering",
                    ("Оформление заказа", "Placing an order"),
                    &[("Отменить заказ", "Cancel an order")],
                ),
                topic(
                    "delivery",
                    ("Доставка", "Delivery"),
                    &[("Где мой заказ?", "Where is my order?")],
                ),
                topic(
                    "payment",
                    ("Оплата", "Payment"),
                    &[("Деньги списались дважды", "I was charged twice")],
                ),
            ],
        }
    }

    fn code(subject: &str, body: &str) -> Option<String> {
        let l = line();
        topic_for(&l, subject, body).map(|t| t.code.clone())
    }

    #[test]
    fn a_clear_subject_names_its_topic_in_either_language_and_word_form() {
        assert_eq!(code("Где мой заказ?", "").as_deref(), Some("delivery"));
        assert_eq!(
            code("Re: where is my order 123", "").as_deref(),
            Some("delivery")
        );
        assert_eq!(
            code("Списали деньги дважды", "").as_deref(),
            Some("payment")
        );
        assert_eq!(code("Отмените заказ", "").as_deref(), Some("ordering"));
    }

    #[test]
    fn a_vague_subject_picks_nothing_unless_the_body_is_clear() {
        assert_eq!(code("Вопрос", ""), None);
        assert_eq!(
            code("заказ", ""),
            None,
            "a word every order topic has is no winner"
        );
        assert_eq!(
            code(
                "Вопрос",
                "Здравствуйте!\n\nСписали деньги дважды за один заказ"
            )
            .as_deref(),
            Some("payment")
        );
        assert_eq!(
            code("Вопрос", "> Где мой заказ?\nСпасибо"),
            None,
            "quotes are not read"
        );
    }

    #[test]
    fn a_line_with_one_topic_has_nothing_to_choose() {
        let mut l = line();
        l.topics.truncate(1);
        assert!(topic_for(&l, "Отменить заказ", "").is_none());
    }
}
