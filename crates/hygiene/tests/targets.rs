//! The quality targets, checked on the labelled sets in `data/`, so a
//! change that breaks a detector fails CI. `hygiene-eval` prints the same
//! figures in full.

use switchboard_hygiene::SensitiveKind;
use switchboard_hygiene::eval::{self, data};

const MIN_EXAMPLES: usize = 200;

fn explain(report: &eval::Report) -> String {
    report.mistakes.join("\n")
}

#[test]
fn every_set_has_enough_examples() {
    for report in eval::all() {
        assert!(
            report.examples >= MIN_EXAMPLES,
            "{}: {} examples, at least {MIN_EXAMPLES} wanted",
            report.detector,
            report.examples
        );
    }
}

#[test]
fn card_numbers_all_found_without_false_positives_on_orders_phones_amounts() {
    let report = eval::sensitive(data::CARDS, "card numbers", &[SensitiveKind::CardNumber]);
    assert_eq!(report.measure("card").recall(), 1.0, "{}", explain(&report));
    let fp = report.false_positive_rate(&["order", "phone", "amount"]);
    assert!(fp < 0.01, "false positives {fp}: {}", explain(&report));
}

#[test]
fn other_secrets_are_found() {
    use SensitiveKind::*;
    let report = eval::sensitive(data::SECRETS, "secrets", &[Cvv, OneTimeCode, Pin, Password]);
    for kind in ["cvv", "otp", "pin", "password"] {
        let c = report.measure(kind);
        assert!(
            c.recall() >= 0.95 && c.precision() >= 0.9,
            "{kind}: {c:?}\n{}",
            explain(&report)
        );
    }
}

#[test]
fn obscenity_recall_and_precision_at_least_95_percent() {
    let report = eval::obscenity(data::OBSCENITY);
    let words = report.measure("words");
    assert!(
        words.recall() >= 0.95,
        "recall {words:?}\n{}",
        explain(&report)
    );
    assert!(
        words.precision() >= 0.95,
        "precision {words:?}\n{}",
        explain(&report)
    );
}

#[test]
fn duplicate_precision_at_least_95_percent() {
    let report = eval::duplicates(data::DUPLICATES);
    let same = report.measure("same");
    assert!(same.precision() >= 0.95, "{same:?}\n{}", explain(&report));
}

#[test]
fn operator_requests_are_blocked_and_warnings_pass() {
    let report = eval::operator_requests(data::OPERATOR_REQUESTS);
    let blocked = report.measure("blocked");
    assert!(
        blocked.recall() >= 0.95 && blocked.precision() >= 0.95,
        "{blocked:?}\n{}",
        explain(&report)
    );
}

#[test]
fn out_of_scope_questions_are_recognised() {
    let report = eval::scope(data::SCOPE);
    let any = report.measure("any");
    assert!(
        any.recall() >= 0.9 && any.precision() >= 0.95,
        "{any:?}\n{}",
        explain(&report)
    );
}

#[test]
fn duplicate_threshold_is_the_one_calibrated_on_the_development_pairs() {
    let calibration = eval::calibrate(data::DUPLICATES);
    assert_eq!(calibration.wrong_joins, 0, "{calibration:?}");
    assert!(
        (calibration.threshold - switchboard_hygiene::duplicates::DUPLICATE_THRESHOLD).abs() < 1e-6,
        "recalibrated: {calibration:?}"
    );
    assert!(calibration.recall >= 0.8, "{calibration:?}");
}

#[test]
fn held_out_card_numbers_all_found_without_false_positives() {
    let report = eval::sensitive(
        data::heldout::CARDS,
        "held-out cards",
        &[SensitiveKind::CardNumber],
    );
    assert_eq!(report.measure("card").recall(), 1.0, "{}", explain(&report));
    assert_eq!(report.measure("card").fp, 0, "{}", explain(&report));
}

/// The pipeline (one lexer pass, its hints for the secrets' second reading)
/// finds exactly what `find_sensitive` finds, on every labelled secret.
#[test]
fn the_pipeline_finds_what_find_sensitive_finds() {
    use switchboard_hygiene::{find_sensitive, inspect_customer_message};
    let sets = [
        eval::data::SECRETS,
        eval::data::CARDS,
        eval::data::heldout::SECRETS,
        eval::data::heldout::round2::SECRETS,
        eval::data::heldout::round3::SECRETS,
        eval::data::heldout::round4::SECRETS,
        eval::data::heldout::round5::SECRETS,
    ];
    for line in sets.iter().flat_map(|s| s.lines()) {
        let Some(text) = line.split('\t').nth(2) else {
            continue;
        };
        assert_eq!(
            inspect_customer_message(text).findings,
            find_sensitive(text),
            "{text}"
        );
    }
}
