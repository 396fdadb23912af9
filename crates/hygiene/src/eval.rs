//! Scoring the detectors against the labelled example sets in `data/`.
//!
//! Pure functions over the TSV text, shared by the `hygiene-eval` command and
//! the integration test that holds the targets. Formats (one example a line,
//! `#` starts a comment):
//! - `cards.tsv`, `secrets.tsv`: `category<TAB>expected<TAB>message`, where
//!   `expected` is `-` or `kind=exact substring` items joined by ` ;; `;
//! - `obscenity.tsv`: `expected<TAB>message`, expected words joined by ` ;; `;
//! - `operator_requests.tsv`: `kinds<TAB>message` (`-` or `sms_code,cvv…`);
//! - `scope.tsv`: `category<TAB>message` (`-`, `fraud`, `dispute`, `trade_secret`);
//! - `duplicates.tsv`: `same|diff<TAB>first question<TAB>second question`, with
//!   an optional fourth column of signals (see `eval/duplicates.rs`).

use std::collections::BTreeMap;

use crate::{SensitiveKind, find_sensitive, obscenity, operator, scope};

mod duplicates;
pub use duplicates::{Calibration, calibrate, duplicates, duplicates_at};

/// The labelled sets, compiled in so the command and the test need no paths.
pub mod data {
    pub const CARDS: &str = include_str!("../data/cards.tsv");
    pub const SECRETS: &str = include_str!("../data/secrets.tsv");
    pub const OBSCENITY: &str = include_str!("../data/obscenity.tsv");
    pub const OPERATOR_REQUESTS: &str = include_str!("../data/operator_requests.tsv");
    pub const SCOPE: &str = include_str!("../data/scope.tsv");
    pub const DUPLICATES: &str = include_str!("../data/duplicates.tsv");

    /// Smaller sets written after the rules were frozen, never used to tune
    /// them: an estimate of how the figures above generalise.
    pub mod heldout {
        pub const CARDS: &str = include_str!("../data/heldout/cards.tsv");
        pub const OBSCENITY: &str = include_str!("../data/heldout/obscenity.tsv");
        pub const DUPLICATES: &str = include_str!("../data/heldout/duplicates.tsv");
        pub const SECRETS: &str = include_str!("../data/heldout/secrets.tsv");
        pub const SCOPE: &str = include_str!("../data/heldout/scope.tsv");

        /// Round 2 (issue 15, second pass): written as customers write
        /// before any rule of that pass was changed.
        pub mod round2 {
            pub const OBSCENITY: &str = include_str!("../data/heldout/round2/obscenity.tsv");
            pub const SECRETS: &str = include_str!("../data/heldout/round2/secrets.tsv");
            pub const DUPLICATES: &str = include_str!("../data/heldout/round2/duplicates.tsv");
        }

        /// Round 3 (issue 15, third pass): fresh phrasings written before
        /// any rule of that pass was changed.
        pub mod round3 {
            pub const OBSCENITY: &str = include_str!("../data/heldout/round3/obscenity.tsv");
            pub const SECRETS: &str = include_str!("../data/heldout/round3/secrets.tsv");
            pub const DUPLICATES: &str = include_str!("../data/heldout/round3/duplicates.tsv");
        }

        /// Round 4 (issue 15, fourth pass): fresh phrasings written before
        /// any rule of that pass was changed.
        pub mod round4 {
            pub const OBSCENITY: &str = include_str!("../data/heldout/round4/obscenity.tsv");
            pub const SECRETS: &str = include_str!("../data/heldout/round4/secrets.tsv");
            pub const DUPLICATES: &str = include_str!("../data/heldout/round4/duplicates.tsv");
        }

        /// Round 5 (issue 15, fifth pass): fresh phrasings written before
        /// any rule of that pass was changed.
        pub mod round5 {
            pub const OBSCENITY: &str = include_str!("../data/heldout/round5/obscenity.tsv");
            pub const SECRETS: &str = include_str!("../data/heldout/round5/secrets.tsv");
            pub const DUPLICATES: &str = include_str!("../data/heldout/round5/duplicates.tsv");
        }

        /// Round 6 (issue 15, sixth pass): duplicate pairs only, written
        /// before any rule of that pass was changed.
        pub mod round6 {
            pub const DUPLICATES: &str = include_str!("../data/heldout/round6/duplicates.tsv");
        }
    }
}

/// True and false positives and false negatives of one measure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The score of one detector on its set.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub detector: &'static str,
    /// Messages (or pairs) in the set.
    pub examples: usize,
    /// Precision and recall per label.
    pub measures: BTreeMap<String, Counts>,
    /// For negative categories: (messages, messages with a false finding).
    pub false_positive_rates: BTreeMap<String, (usize, usize)>,
    /// Human-readable descriptions of every error, for tuning.
    pub mistakes: Vec<String>,
}

impl Report {
    fn new(detector: &'static str) -> Self {
        Report {
            detector,
            ..Default::default()
        }
    }
    pub fn measure(&self, label: &str) -> Counts {
        self.measures.get(label).copied().unwrap_or_default()
    }
    /// False-positive share over the given negative categories together.
    pub fn false_positive_rate(&self, categories: &[&str]) -> f64 {
        let (total, flagged) = categories
            .iter()
            .filter_map(|c| self.false_positive_rates.get(*c))
            .fold((0, 0), |(t, f), (a, b)| (t + a, f + b));
        if total == 0 {
            0.0
        } else {
            flagged as f64 / total as f64
        }
    }
}

/// Non-empty, non-comment lines split on tabs.
fn rows(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

fn items(field: &str) -> Vec<&str> {
    if field.trim() == "-" {
        Vec::new()
    } else {
        field.split(" ;; ").map(str::trim).collect()
    }
}

/// Card numbers (`cards.tsv`) or the other secrets (`secrets.tsv`): a
/// finding counts when its kind matches and it covers the expected text.
pub fn sensitive(tsv: &str, detector: &'static str, kinds: &[SensitiveKind]) -> Report {
    let mut report = Report::new(detector);
    for row in rows(tsv) {
        let [category, expected, text] = row[..] else {
            continue;
        };
        report.examples += 1;
        let findings: Vec<_> = find_sensitive(text)
            .into_iter()
            .filter(|f| kinds.contains(&f.kind))
            .collect();
        let mut claimed = vec![false; findings.len()];
        for item in items(expected) {
            let Some((kind, value)) = item.split_once('=') else {
                continue;
            };
            let counts = report.measures.entry(kind.to_owned()).or_default();
            let hit = findings.iter().enumerate().find(|(i, f)| {
                !claimed[*i] && f.kind.as_str() == kind && text[f.span.clone()].contains(value)
            });
            match hit {
                Some((i, _)) => {
                    claimed[i] = true;
                    counts.tp += 1;
                }
                None => {
                    counts.fn_ += 1;
                    report
                        .mistakes
                        .push(format!("missed {kind}={value}: {text}"));
                }
            }
        }
        let mut false_found = false;
        for (f, _) in findings.iter().zip(&claimed).filter(|(_, c)| !**c) {
            false_found = true;
            report
                .measures
                .entry(f.kind.as_str().to_owned())
                .or_default()
                .fp += 1;
            report.mistakes.push(format!(
                "false {}={}: {text}",
                f.kind.as_str(),
                &text[f.span.clone()]
            ));
        }
        let rate = report
            .false_positive_rates
            .entry(category.to_owned())
            .or_default();
        rate.0 += 1;
        rate.1 += usize::from(false_found);
    }
    report
}

/// Obscene words: word-level precision and recall.
pub fn obscenity(tsv: &str) -> Report {
    let mut report = Report::new("obscenity");
    let mut counts = Counts::default();
    let mut messages = Counts::default();
    for row in rows(tsv) {
        let [expected, text] = row[..] else { continue };
        report.examples += 1;
        let found: Vec<&str> = obscenity::find(text)
            .into_iter()
            .map(|f| &text[f.span])
            .collect();
        let expected = items(expected);
        let mut claimed = vec![false; found.len()];
        for word in &expected {
            match found
                .iter()
                .enumerate()
                .find(|(i, f)| !claimed[*i] && (f.contains(word) || word.contains(**f)))
            {
                Some((i, _)) => {
                    claimed[i] = true;
                    counts.tp += 1;
                }
                None => {
                    counts.fn_ += 1;
                    report.mistakes.push(format!("missed «{word}»: {text}"));
                }
            }
        }
        for (word, _) in found.iter().zip(&claimed).filter(|(_, c)| !**c) {
            counts.fp += 1;
            report.mistakes.push(format!("false «{word}»: {text}"));
        }
        match (expected.is_empty(), found.is_empty()) {
            (false, false) => messages.tp += 1,
            (true, false) => messages.fp += 1,
            (false, true) => messages.fn_ += 1,
            (true, true) => {}
        }
    }
    report.measures.insert("words".into(), counts);
    report.measures.insert("messages".into(), messages);
    report
}

/// Operator requests: message-level "blocked" plus per-kind recall.
pub fn operator_requests(tsv: &str) -> Report {
    let mut report = Report::new("operator requests");
    let mut blocked = Counts::default();
    for row in rows(tsv) {
        let [expected, text] = row[..] else { continue };
        report.examples += 1;
        let verdict = operator::check(text);
        let expected: Vec<&str> = if expected.trim() == "-" {
            Vec::new()
        } else {
            expected.split(',').map(str::trim).collect()
        };
        match (expected.is_empty(), &verdict) {
            (false, Some(_)) => blocked.tp += 1,
            (true, Some(b)) => {
                blocked.fp += 1;
                report
                    .mistakes
                    .push(format!("false block {:?}: {text}", b.requested));
            }
            (false, None) => {
                blocked.fn_ += 1;
                report.mistakes.push(format!("missed {expected:?}: {text}"));
            }
            (true, None) => {}
        }
    }
    report.measures.insert("blocked".into(), blocked);
    report
}

/// Out-of-scope questions: precision and recall per category.
pub fn scope(tsv: &str) -> Report {
    let mut report = Report::new("out of scope");
    for name in ["fraud", "dispute", "trade_secret", "any"] {
        report.measures.insert(name.into(), Counts::default());
    }
    for row in rows(tsv) {
        let [expected, text] = row[..] else { continue };
        report.examples += 1;
        let got = scope::classify(text).map(|o| o.category.as_str());
        let expected = (expected.trim() != "-").then_some(expected.trim());
        if got != expected {
            report
                .mistakes
                .push(format!("expected {expected:?}, got {got:?}: {text}"));
        }
        if let Some(e) = expected {
            let c = report.measures.entry(e.to_owned()).or_default();
            if got == Some(e) {
                c.tp += 1
            } else {
                c.fn_ += 1
            }
        }
        if let Some(g) = got.filter(|g| Some(*g) != expected) {
            report.measures.entry(g.to_owned()).or_default().fp += 1;
        }
        let any = report.measures.entry("any".into()).or_default();
        match (expected.is_some(), got.is_some()) {
            (true, true) => any.tp += 1,
            (false, true) => any.fp += 1,
            (true, false) => any.fn_ += 1,
            (false, false) => {}
        }
    }
    report
}

/// The held-out sets, scored the same way.
pub fn heldout() -> Vec<Report> {
    vec![
        sensitive(
            data::heldout::CARDS,
            "held-out card numbers",
            &[SensitiveKind::CardNumber],
        ),
        sensitive(
            data::heldout::SECRETS,
            "held-out cvv, codes, pins, passwords",
            &[
                SensitiveKind::Cvv,
                SensitiveKind::OneTimeCode,
                SensitiveKind::Pin,
                SensitiveKind::Password,
            ],
        ),
        obscenity(data::heldout::OBSCENITY),
        scope(data::heldout::SCOPE),
        duplicates(data::heldout::DUPLICATES),
    ]
}

/// The second round of held-out sets, scored the same way.
pub fn heldout_round2() -> Vec<Report> {
    use data::heldout::round2::*;
    later_round(
        "held-out round 2: cvv, codes, pins, passwords",
        SECRETS,
        OBSCENITY,
        DUPLICATES,
    )
}

/// The third round of held-out sets, scored the same way.
pub fn heldout_round3() -> Vec<Report> {
    use data::heldout::round3::*;
    later_round(
        "held-out round 3: cvv, codes, pins, passwords",
        SECRETS,
        OBSCENITY,
        DUPLICATES,
    )
}

/// The fourth round of held-out sets, scored the same way.
pub fn heldout_round4() -> Vec<Report> {
    use data::heldout::round4::*;
    later_round(
        "held-out round 4: cvv, codes, pins, passwords",
        SECRETS,
        OBSCENITY,
        DUPLICATES,
    )
}

/// The fifth round of held-out sets, scored the same way.
pub fn heldout_round5() -> Vec<Report> {
    use data::heldout::round5::*;
    later_round(
        "held-out round 5: cvv, codes, pins, passwords",
        SECRETS,
        OBSCENITY,
        DUPLICATES,
    )
}

/// The sixth round: duplicate pairs only.
pub fn heldout_round6() -> Vec<Report> {
    vec![duplicates(data::heldout::round6::DUPLICATES)]
}

fn later_round(name: &'static str, secrets: &str, obscene: &str, duplicate: &str) -> Vec<Report> {
    use SensitiveKind::*;
    vec![
        sensitive(secrets, name, &[Cvv, OneTimeCode, Pin, Password]),
        obscenity(obscene),
        duplicates(duplicate),
    ]
}

/// Every detector on its own set, in a fixed order.
pub fn all() -> Vec<Report> {
    use SensitiveKind::*;
    vec![
        sensitive(data::CARDS, "card numbers", &[CardNumber]),
        sensitive(
            data::SECRETS,
            "cvv, codes, pins, passwords",
            &[Cvv, OneTimeCode, Pin, Password],
        ),
        obscenity(data::OBSCENITY),
        operator_requests(data::OPERATOR_REQUESTS),
        scope(data::SCOPE),
        duplicates(data::DUPLICATES),
    ]
}
