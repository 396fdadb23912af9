//! How often the subject → topic match gets the demo catalog's topic right on
//! hand-labelled mail subjects (`data/subject_topics/`): the development
//! part, which the matcher was tuned on, and the held-out part, which it
//! never was. Both accuracies are printed; only the development part has a
//! floor, so the held-out figure stays an honest estimate.

use switchboard_domain::catalog::Catalog;
use switchboard_domain::intake::topic_match::topic_for;

const CATALOG: &str = include_str!("../../../profiles/demo/catalog.toml");
const DEV: &str = include_str!("data/subject_topics/dev.txt");
const HELD_OUT: &str = include_str!("data/subject_topics/heldout.txt");

/// (right, total) over one labelled part; prints each miss.
fn accuracy(catalog: &Catalog, part: &str, name: &str) -> (usize, usize) {
    let (mut right, mut total) = (0, 0);
    for row in part
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let fields: Vec<&str> = row.split(" | ").map(str::trim).collect();
        assert!(
            fields.len() >= 3,
            "{name}: a row needs line | topic | subject: {row}"
        );
        let line = catalog
            .line(fields[0])
            .unwrap_or_else(|| panic!("{name}: no line {} in the demo catalog", fields[0]));
        if fields[1] != "-" {
            assert!(line.topic(fields[1]).is_some(), "{name}: no topic {row}");
        }
        let body = fields.get(3).copied().unwrap_or_default();
        let got = topic_for(line, fields[2], body).map_or("-", |t| t.code.as_str());
        total += 1;
        if got == fields[1] {
            right += 1;
        } else {
            println!("{name} miss: {row} → {got}");
        }
    }
    (right, total)
}

#[test]
fn labelled_subjects_find_their_topics() {
    let catalog = Catalog::from_toml(CATALOG).expect("the demo catalog loads");
    let (dev_right, dev_total) = accuracy(&catalog, DEV, "development");
    let (held_right, held_total) = accuracy(&catalog, HELD_OUT, "held-out");
    let pct = |r: usize, t: usize| 100.0 * r as f64 / t as f64;
    println!(
        "subject → topic accuracy: development {dev_right}/{dev_total} ({:.1}%), held-out {held_right}/{held_total} ({:.1}%)",
        pct(dev_right, dev_total),
        pct(held_right, held_total)
    );
    assert!(
        dev_total >= 100 && held_total >= 50,
        "the labelled parts are complete"
    );
    assert!(
        pct(dev_right, dev_total) >= 85.0,
        "development accuracy fell below 85%"
    );
}
