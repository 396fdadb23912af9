//! Prints precision and recall of every hygiene detector on its labelled set.
//!
//! `cargo run --release -p switchboard-hygiene --bin hygiene-eval [-- --mistakes]`

use switchboard_hygiene::eval::{self, Counts, Report};

fn main() {
    let show_mistakes = std::env::args().any(|a| a == "--mistakes");
    let reports = eval::all();
    for report in &reports {
        print_report(report);
        if show_mistakes {
            for m in &report.mistakes {
                println!("    ! {m}");
            }
        }
        println!();
    }
    let calibration = eval::calibrate(eval::data::DUPLICATES);
    println!(
        "duplicate threshold calibrated on the development pairs: {:.2} (recall {:.1}%, wrong joins {}); shipped: {:.2}",
        calibration.threshold,
        calibration.recall * 100.0,
        calibration.wrong_joins,
        switchboard_hygiene::duplicates::DUPLICATE_THRESHOLD
    );
    println!();
    println!("held-out sets (written after the rules were frozen; not used for tuning)");
    // Held-out mistakes are printed only on request: tuning must not look at them.
    let show_heldout_mistakes = std::env::args().any(|a| a == "--heldout-mistakes");
    let rounds = [
        (None, eval::heldout()),
        (
            Some("held-out round 2 (written before the second pass of issue 15 changed any rule)"),
            eval::heldout_round2(),
        ),
        (
            Some("held-out round 3 (written before the third pass of issue 15 changed any rule)"),
            eval::heldout_round3(),
        ),
        (
            Some("held-out round 4 (written before the fourth pass of issue 15 changed any rule)"),
            eval::heldout_round4(),
        ),
        (
            Some("held-out round 5 (written before the fifth pass of issue 15 changed any rule)"),
            eval::heldout_round5(),
        ),
        (
            Some(
                "held-out round 6 (duplicates; written before the sixth pass of issue 15 changed any rule)",
            ),
            eval::heldout_round6(),
        ),
    ];
    for (title, reports) in rounds {
        if let Some(title) = title {
            println!("{title}");
        }
        for report in reports {
            print_report(&report);
            if show_heldout_mistakes {
                for m in &report.mistakes {
                    println!("    ! {m}");
                }
            }
            println!();
        }
    }
    println!("targets (on the development sets above)");
    let cards = &reports[0];
    let card = cards.measure("card");
    let fp = cards.false_positive_rate(&["order", "phone", "amount"]);
    let obscenity = reports[2].measure("words");
    let duplicates = reports[5].measure("same");
    target(
        "card-number recall on Luhn-valid numbers = 100%",
        card.recall(),
        card.recall() >= 1.0,
    );
    target(
        "card false positives on orders, phones, amounts < 1%",
        fp,
        fp < 0.01,
    );
    target(
        "obscenity recall >= 95%",
        obscenity.recall(),
        obscenity.recall() >= 0.95,
    );
    target(
        "obscenity precision >= 95%",
        obscenity.precision(),
        obscenity.precision() >= 0.95,
    );
    target(
        "duplicate precision >= 95%",
        duplicates.precision(),
        duplicates.precision() >= 0.95,
    );
}

fn print_report(report: &Report) {
    println!("{} ({} examples)", report.detector, report.examples);
    for (label, counts) in &report.measures {
        print_counts(label, counts);
    }
    for (category, (total, flagged)) in &report.false_positive_rates {
        let share = if *total == 0 {
            0.0
        } else {
            *flagged as f64 / *total as f64
        };
        println!(
            "  {category:<14} false findings in {flagged:>3} of {total:>3} messages ({:.1}%)",
            share * 100.0
        );
    }
}

fn print_counts(label: &str, c: &Counts) {
    println!(
        "  {label:<14} precision {:>6.1}%  recall {:>6.1}%  (tp {}, fp {}, fn {})",
        c.precision() * 100.0,
        c.recall() * 100.0,
        c.tp,
        c.fp,
        c.fn_
    );
}

fn target(name: &str, value: f64, met: bool) {
    println!(
        "  [{}] {name}: {:.1}%",
        if met { "met" } else { "MISSED" },
        value * 100.0
    );
}
