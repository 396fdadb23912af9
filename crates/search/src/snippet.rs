//! Turning top documents into hits: title in the reader's language and a
//! highlighted, HTML-escaped fragment of the body.

use std::collections::BTreeMap;

use switchboard_domain::i18n::Locale;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument};

use crate::analysis::Lang;
use crate::error::Result;
use crate::index::SearchIndex;
use crate::query::Hit;

pub(crate) const MARK_OPEN: &str = "<mark>";
pub(crate) const MARK_CLOSE: &str = "</mark>";

pub(crate) fn render(
    index: &SearchIndex,
    searcher: &Searcher,
    highlight: &[BTreeMap<String, f32>; 2],
    locale: Locale,
    top: &[(Score, DocAddress)],
) -> Result<Vec<Hit>> {
    if top.is_empty() {
        return Ok(Vec::new());
    }
    // One generator per language, from the terms the query really searched
    // for (corrections and synonyms included), created only when needed.
    let mut generators: [Option<SnippetGenerator>; 2] = [None, None];
    let mut hits = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let article = index.stored_article(&doc)?;
        let body = article.body.get(locale);
        // `Text::get` falls back to Russian; highlight with the analyzer of
        // the language actually shown.
        let lang = if locale == Locale::En && body == article.body.en {
            Lang::En
        } else {
            Lang::Ru
        };
        let slot = &mut generators[lang as usize];
        if slot.is_none() {
            *slot = Some(SnippetGenerator::new(
                highlight[lang as usize].clone(),
                index.analyzers[lang as usize].clone(),
                index.fields.body[lang as usize],
                index.config.snippet_chars,
            ));
        }
        let snippet_html = match slot {
            Some(generator) => {
                let mut snippet = generator.snippet(body);
                if snippet.is_empty() {
                    lead(body, index.config.snippet_chars)
                } else {
                    snippet.set_snippet_prefix_postfix(MARK_OPEN, MARK_CLOSE);
                    snippet.to_html()
                }
            }
            None => lead(body, index.config.snippet_chars),
        };
        hits.push(Hit {
            article_id: article.id.clone(),
            section: article.section.clone(),
            title: article.title.get(locale).to_owned(),
            snippet_html,
            score: *score,
        });
    }
    Ok(hits)
}

/// The beginning of a text, cut at a word boundary, HTML-escaped: the
/// snippet when no word of the question occurs in the body.
fn lead(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    let mut end = text.len();
    if let Some((cut, _)) = text.char_indices().nth(max_chars) {
        end = text[..cut].rfind(char::is_whitespace).unwrap_or(cut);
    }
    let mut out = escape_html(text[..end].trim_end());
    if end < text.len() {
        out.push('…');
    }
    out
}

pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_cuts_at_a_word_and_escapes() {
        assert_eq!(lead("a <b> c", 100), "a &lt;b&gt; c");
        assert_eq!(lead("один два три", 6), "один…");
    }
}
