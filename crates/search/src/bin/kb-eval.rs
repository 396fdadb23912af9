//! `kb-eval`: how well the demo knowledge base answers the labelled questions.
//!
//! Prints the share answered in the top 3 with the shipped configuration,
//! the same with each part switched off (so every part's worth is measured),
//! and the questions missed.

use std::process::ExitCode;

use switchboard_search::eval::{self, Report};
use switchboard_search::{KnowledgeBase, SearchConfig, SearchIndex, SearchQuery};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kb-eval: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> switchboard_search::Result<()> {
    let kb = KnowledgeBase::load_dir(&eval::demo_kb_dir())?;
    let cases = eval::load_cases(&eval::demo_eval_file())?;
    println!(
        "knowledge base: {} sections, {} articles, {} synonym groups; {} questions",
        kb.sections.len(),
        kb.articles.len(),
        kb.synonyms.len(),
        cases.len()
    );

    let shipped = SearchConfig::default();
    let variants = [
        (
            "shipped (dis-max, boosts, typos, synonyms)",
            shipped.clone(),
        ),
        (
            "without typo correction",
            SearchConfig {
                typo_tolerance: false,
                ..shipped.clone()
            },
        ),
        (
            "without synonyms",
            SearchConfig {
                synonyms: false,
                ..shipped.clone()
            },
        ),
        (
            "fields summed instead of dis-max",
            SearchConfig {
                field_tie_breaker: None,
                ..shipped.clone()
            },
        ),
        (
            "without title and keyword boosts",
            SearchConfig {
                title_boost: 1.0,
                keywords_boost: 1.0,
                ..shipped.clone()
            },
        ),
        (
            "plain BM25 + stemming only",
            SearchConfig {
                field_tie_breaker: None,
                typo_tolerance: false,
                synonyms: false,
                title_boost: 1.0,
                keywords_boost: 1.0,
                ..shipped.clone()
            },
        ),
    ];
    let mut shipped_report = None;
    println!(
        "\n{:<46} {:>8} {:>8} {:>6}",
        "configuration", "top-1", "top-3", "MRR"
    );
    for (name, config) in variants {
        let index = SearchIndex::build(&kb, config)?;
        let report = eval::evaluate(&index, &cases)?;
        println!(
            "{:<46} {:>7.1}% {:>7.1}% {:>6.3}",
            name,
            100.0 * report.top1_share(),
            100.0 * report.top3_share(),
            report.mrr
        );
        shipped_report.get_or_insert(report);
    }
    // The chat bot searches within the topic the customer chose: ask each
    // question within the first topic of the article that answers it.
    let index = SearchIndex::build(&kb, shipped)?;
    let in_topic = eval::evaluate_with(&index, &cases, |case| {
        let query = SearchQuery::new(&case.question, case.locale).with_limit(10);
        match kb
            .articles
            .iter()
            .find(|a| a.id == case.expected)
            .and_then(|a| a.topics.first())
        {
            Some(topic) => query.with_topic(topic.clone()),
            None => query,
        }
    })?;
    println!(
        "{:<46} {:>7.1}% {:>7.1}% {:>6.3}",
        "chat bot: shipped, within the article's topic",
        100.0 * in_topic.top1_share(),
        100.0 * in_topic.top3_share(),
        in_topic.mrr
    );
    if let Some(report) = shipped_report {
        print_misses(&kb, &report);
        println!(
            "\nTOP-3: {}/{} = {:.1}% (target ≥ 90%)",
            report.top3,
            report.total,
            100.0 * report.top3_share()
        );
    }
    Ok(())
}

fn print_misses(kb: &KnowledgeBase, report: &Report) {
    println!(
        "\nmisses of the shipped configuration ({}):",
        report.misses.len()
    );
    let title = |id: &switchboard_search::ArticleId| {
        kb.articles
            .iter()
            .find(|a| &a.id == id)
            .map(|a| a.title.ru.clone())
            .unwrap_or_default()
    };
    for miss in &report.misses {
        let rank = miss
            .rank
            .map(|r| format!("rank {r}"))
            .unwrap_or_else(|| "not in top 10".to_owned());
        println!(
            "- [{}] {:?}: expected {} «{}» ({rank})",
            miss.case.locale.as_str(),
            miss.case.question,
            miss.case.expected,
            title(&miss.case.expected)
        );
        for id in &miss.got {
            println!("    got {id} «{}»", title(id));
        }
    }
}
