//! The demo knowledge base: it loads, it tags only real catalog topics, and
//! it answers the labelled questions (≥ 90% in the top 3) — CI's guard
//! against search-quality regressions.

use std::collections::BTreeSet;

use switchboard_domain::catalog::Catalog;
use switchboard_search::eval;
use switchboard_search::{KnowledgeBase, SearchConfig, SearchIndex};

fn demo_kb() -> KnowledgeBase {
    KnowledgeBase::load_dir(&eval::demo_kb_dir()).expect("demo knowledge base loads")
}

#[test]
fn demo_articles_are_tagged_with_catalog_topics() {
    let kb = demo_kb();
    let source = std::fs::read_to_string(eval::demo_kb_dir().join("../catalog.toml"))
        .expect("demo catalog readable");
    let catalog = Catalog::from_toml(&source).expect("demo catalog parses");
    for section in &kb.sections {
        assert!(
            catalog.line(&section.line).is_some(),
            "section {} has unknown line {}",
            section.code,
            section.line
        );
    }
    for article in &kb.articles {
        assert!(!article.topics.is_empty(), "{} has no topic", article.id);
        assert!(
            !article.title.en.is_empty() && !article.body.en.is_empty(),
            "{} lacks English",
            article.id
        );
        for topic in &article.topics {
            assert!(
                catalog.topic(&topic.line, &topic.topic).is_some(),
                "{} is tagged with unknown topic {topic}",
                article.id
            );
        }
    }
}

#[test]
fn every_support_line_and_travel_subject_has_a_section() {
    let kb = demo_kb();
    let lines: BTreeSet<&str> = kb.sections.iter().map(|s| s.line.as_str()).collect();
    for line in [
        "marketplace",
        "sellers",
        "bank_retail",
        "bank_business",
        "travel",
        "delivery",
        "crossborder",
    ] {
        assert!(lines.contains(line), "no section for line {line}");
    }
    for code in ["hotels", "flights", "rail"] {
        assert!(kb.section(code).is_some(), "no section {code}");
    }
    assert!(
        kb.articles.len() >= 80,
        "only {} articles",
        kb.articles.len()
    );
}

#[test]
fn demo_questions_are_answered_in_the_top_three() {
    let kb = demo_kb();
    let cases = eval::load_cases(&eval::demo_eval_file()).expect("eval set loads");
    assert!(cases.len() >= 100, "only {} questions", cases.len());
    let ids: BTreeSet<_> = kb.articles.iter().map(|a| &a.id).collect();
    for case in &cases {
        assert!(
            ids.contains(&case.expected),
            "eval names unknown article {}",
            case.expected
        );
    }
    let index = SearchIndex::build(&kb, SearchConfig::default()).expect("index builds");
    let report = eval::evaluate(&index, &cases).expect("evaluation runs");
    let misses: Vec<String> = report
        .misses
        .iter()
        .map(|m| {
            format!(
                "{:?} → expected {}, got {:?}",
                m.case.question, m.case.expected, m.got
            )
        })
        .collect();
    assert!(
        report.top3_share() >= 0.90,
        "top-3 {:.1}% < 90%; misses:\n{}",
        100.0 * report.top3_share(),
        misses.join("\n")
    );
}
