//! Typo tolerance: a word the index has never seen is replaced by the
//! index's nearest words.
//!
//! tantivy's Levenshtein automaton (from `FuzzyTermQuery`) is run over the
//! term dictionaries, so the candidates are real index terms: they score
//! like any other word and snippets can highlight them. The cost is paid
//! only for unknown words, never for correctly spelt ones.

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::error::Result;

/// How many edits a word may carry and still be corrected: none for short
/// words (too many neighbours), one from four letters, two from eight.
pub(crate) fn max_typos(term: &str) -> u8 {
    match term.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The index's words nearest to `term`: those at the smallest edit distance,
/// the two most frequent of them.
pub(crate) fn corrections(
    searcher: &Searcher,
    fields: &[Field],
    term: &str,
    distance: u8,
) -> Result<Vec<String>> {
    let mut found: Vec<(u32, u64, String)> = Vec::new();
    for &field in fields {
        let automaton =
            FuzzyTermQuery::new(Term::from_field_text(field, term), distance, true).automaton()?;
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let doc_freq = u64::from(stream.value().doc_freq);
                match found.iter_mut().find(|(_, _, t)| t == candidate) {
                    Some(entry) => entry.1 += doc_freq,
                    None => found.push((
                        edit_distance(term, candidate),
                        doc_freq,
                        candidate.to_owned(),
                    )),
                }
            }
        }
    }
    let Some(best) = found.iter().map(|(d, _, _)| *d).min() else {
        return Ok(Vec::new());
    };
    found.retain(|(d, _, _)| *d == best);
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
    Ok(found.into_iter().take(2).map(|(_, _, t)| t).collect())
}

/// Levenshtein distance with adjacent transpositions costing one (the
/// automaton's metric), over characters.
fn edit_distance(a: &str, b: &str) -> u32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0u32; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                (i + j) as u32
            } else {
                let cost = u32::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * width + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("заказл", "заказ"), 1);
        assert_eq!(edit_distance("доставкк", "доставк"), 1);
        assert_eq!(edit_distance("карат", "карта"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn short_words_are_not_corrected() {
        assert_eq!(max_typos("ок"), 0);
        assert_eq!(max_typos("заказ"), 1);
        assert_eq!(max_typos("доставкк"), 2);
    }
}
