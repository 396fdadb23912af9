//! Duplicate pairs: scoring and calibrating the threshold.
//!
//! A row is `same|diff<TAB>open question<TAB>new question[<TAB>signals]`,
//! where signals are space-separated `order=A|B`, `topic=A|B`,
//! `channel=A|B` (`-` for none on a side) and `age_h=N` (hours since the
//! customer last wrote in the open ticket). Rows with signals are judged by
//! the signal-aware decision, the others by the text alone.
//!
//! Calibration: every pair is judged at every candidate threshold (each
//! score a pair could be joined at); the threshold chosen is the lowest one
//! with no wrong join on the development pairs, which gives the largest
//! recall a wrong join allows. The held-out pairs are then judged at the
//! shipped threshold, never used to choose it.

use super::{Counts, Report, rows};
use crate::duplicates::{
    DUPLICATE_THRESHOLD, DuplicateCandidate, DuplicateContext, DuplicateDecision,
    judge_duplicate_at,
};

/// One labelled pair, with its signals.
struct Pair<'a> {
    label: &'a str,
    open: DuplicateCandidate<'a>,
    new: DuplicateCandidate<'a>,
    context: DuplicateContext,
}

fn pairs(tsv: &str) -> Vec<Pair<'_>> {
    rows(tsv)
        .filter_map(|row| {
            let (label, a, b, signals) = match row[..] {
                [label, a, b] => (label, a, b, ""),
                [label, a, b, s] => (label, a, b, s),
                _ => return None,
            };
            let mut pair = Pair {
                label: label.trim(),
                open: DuplicateCandidate::text(a),
                new: DuplicateCandidate::text(b),
                context: DuplicateContext::default(),
            };
            for item in signals.split_whitespace() {
                let Some((key, value)) = item.split_once('=') else {
                    continue;
                };
                let (x, y) = value.split_once('|').unwrap_or((value, value));
                let side = |v| if v == "-" { None } else { Some(v) };
                let (x, y) = (side(x), side(y));
                match key {
                    "order" => (pair.open.order, pair.new.order) = (x, y),
                    "topic" => (pair.open.topic, pair.new.topic) = (x, y),
                    "channel" => (pair.open.channel, pair.new.channel) = (x, y),
                    "age_h" => pair.context.hours_since_last_customer_message = value.parse().ok(),
                    _ => {}
                }
            }
            Some(pair)
        })
        .collect()
}

fn judge(pair: &Pair<'_>, threshold: f32) -> DuplicateDecision {
    judge_duplicate_at(&pair.open, &pair.new, &pair.context, threshold)
}

/// Precision and recall of "same" at the shipped threshold.
pub fn duplicates(tsv: &str) -> Report {
    duplicates_at(tsv, DUPLICATE_THRESHOLD)
}

/// Precision and recall of "same" at `threshold`.
pub fn duplicates_at(tsv: &str, threshold: f32) -> Report {
    let mut report = Report::new("duplicates");
    let mut counts = Counts::default();
    for pair in pairs(tsv) {
        report.examples += 1;
        let same = pair.label == "same";
        let decision = judge(&pair, threshold);
        match (same, decision.duplicate) {
            (true, true) => counts.tp += 1,
            (false, true) => counts.fp += 1,
            (true, false) => counts.fn_ += 1,
            (false, false) => {}
        }
        if same != decision.duplicate {
            report.mistakes.push(format!(
                "{} judged {} ({:.2} vs {:.2}, {:?}): {} | {}",
                pair.label,
                decision.duplicate,
                decision.score,
                decision.threshold,
                decision.reason,
                pair.open.text,
                pair.new.text
            ));
        }
    }
    report.measures.insert("same".into(), counts);
    report
}

/// The threshold chosen on a set and what it gives there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    pub threshold: f32,
    pub recall: f64,
    pub wrong_joins: usize,
}

/// The lowest threshold with no wrong join on `tsv` (see the module docs).
pub fn calibrate(tsv: &str) -> Calibration {
    let pairs = pairs(tsv);
    // A pair is joined at threshold t when score >= t - offset, where the
    // offset comes from its signals: its own break-even threshold is
    // t = score + (t - threshold after signals), measured at t = 1.
    let break_even: Vec<(bool, Option<f32>)> = pairs
        .iter()
        .map(|p| {
            let d = judge(p, 1.0);
            let vetoed = d.reason != crate::duplicates::DuplicateReason::SameQuestion
                && d.reason != crate::duplicates::DuplicateReason::TooDifferent;
            let at = (!vetoed).then_some(d.score + (1.0 - d.threshold));
            (p.label == "same", at)
        })
        .collect();
    let wrong_floor = break_even
        .iter()
        .filter(|(same, _)| !same)
        .filter_map(|(_, at)| *at)
        .fold(0.0f32, f32::max);
    // Just above the best-scoring different pair, rounded up to 0.01.
    let threshold = ((wrong_floor + 1e-4) * 100.0).ceil() / 100.0;
    let report = duplicates_at(tsv, threshold);
    let counts = report.measure("same");
    Calibration {
        threshold,
        recall: counts.recall(),
        wrong_joins: counts.fp,
    }
}
