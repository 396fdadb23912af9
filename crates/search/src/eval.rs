//! Search quality: labelled customer questions and the share answered in the top 3.
//!
//! The set lives in `crates/search/data/eval.tsv`, one question a line:
//! `article-id <TAB> locale <TAB> question`; `#` starts a comment. It is
//! shared by `kb-eval` (which prints the figures) and the integration test
//! (which fails CI when quality drops).

use std::path::{Path, PathBuf};

use switchboard_domain::i18n::Locale;

use crate::article::ArticleId;
use crate::error::{Result, SearchError};
use crate::index::SearchIndex;
use crate::query::SearchQuery;

/// How many hits a question may need before it counts as unanswered.
pub const TOP_K: usize = 3;

/// The demo knowledge base shipped with the repository.
pub fn demo_kb_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../profiles/demo/kb")
}

/// The labelled questions shipped with this crate.
pub fn demo_eval_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/eval.tsv")
}

/// One labelled question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub question: String,
    pub locale: Locale,
    pub expected: ArticleId,
}

pub fn parse_cases(source: &str) -> Result<Vec<Case>> {
    let mut cases = Vec::new();
    for (n, raw) in source.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fail = |reason: &str| SearchError::Eval {
            line: n + 1,
            reason: reason.to_owned(),
        };
        let mut parts = line.splitn(3, '\t');
        let (Some(id), Some(locale), Some(question)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(fail(
                "expected: article-id, locale, question, separated by tabs",
            ));
        };
        cases.push(Case {
            question: question.trim().to_owned(),
            locale: Locale::parse(locale).ok_or_else(|| fail("locale must be ru or en"))?,
            expected: ArticleId::parse(id.trim())?,
        });
    }
    Ok(cases)
}

pub fn load_cases(path: &Path) -> Result<Vec<Case>> {
    let source = std::fs::read_to_string(path).map_err(|source| SearchError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_cases(&source)
}

/// A question whose article was not in the top 3, with what came instead.
#[derive(Debug, Clone)]
pub struct Miss {
    pub case: Case,
    /// 1-based rank of the expected article within the top 10, if there.
    pub rank: Option<usize>,
    pub got: Vec<ArticleId>,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub total: usize,
    pub top1: usize,
    pub top3: usize,
    /// Mean reciprocal rank over the top 10.
    pub mrr: f64,
    pub misses: Vec<Miss>,
}

impl Report {
    pub fn top3_share(&self) -> f64 {
        share(self.top3, self.total)
    }

    pub fn top1_share(&self) -> f64 {
        share(self.top1, self.total)
    }
}

fn share(n: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 / total as f64
    }
}

/// Asks every question as the public help centre would (published articles,
/// no topic filter) and scores the ranks.
pub fn evaluate(index: &SearchIndex, cases: &[Case]) -> Result<Report> {
    evaluate_with(index, cases, |case| {
        SearchQuery::new(&case.question, case.locale).with_limit(10)
    })
}

/// Asks every question as `query` builds it (e.g. within a topic, as the
/// chat bot does) and scores the ranks.
pub fn evaluate_with(
    index: &SearchIndex,
    cases: &[Case],
    query: impl Fn(&Case) -> SearchQuery,
) -> Result<Report> {
    let mut report = Report {
        total: cases.len(),
        ..Report::default()
    };
    let mut reciprocal = 0.0;
    for case in cases {
        let hits = index.search(&query(case))?;
        let got: Vec<ArticleId> = hits.into_iter().map(|h| h.article_id).collect();
        let rank = got
            .iter()
            .position(|id| id == &case.expected)
            .map(|p| p + 1);
        if let Some(r) = rank {
            reciprocal += 1.0 / r as f64;
        }
        match rank {
            Some(1) => {
                report.top1 += 1;
                report.top3 += 1;
            }
            Some(r) if r <= TOP_K => report.top3 += 1,
            _ => report.misses.push(Miss {
                case: case.clone(),
                rank,
                got: got.into_iter().take(TOP_K).collect(),
            }),
        }
    }
    report.mrr = if cases.is_empty() {
        0.0
    } else {
        reciprocal / cases.len() as f64
    };
    Ok(report)
}
