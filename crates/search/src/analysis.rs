//! Text analysis: how article text and customer questions become index terms.
//!
//! Both languages use the same chain — split on non-alphanumerics, drop
//! absurdly long tokens, lowercase, drop stop words, stem — so that
//! заказ/заказы/заказов/заказами all become `заказ`. The Russian Snowball
//! stemmer also folds ё into е, so «отменённый» and «отмененный» meet.

use switchboard_domain::i18n::Locale;
use tantivy::Index;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};

/// The languages articles are indexed in; each has its own fields and analyzer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Lang {
    Ru,
    En,
}

impl Lang {
    pub(crate) const ALL: [Lang; 2] = [Lang::Ru, Lang::En];

    pub(crate) fn tokenizer_name(self) -> &'static str {
        match self {
            Lang::Ru => "sb_ru",
            Lang::En => "sb_en",
        }
    }

    pub(crate) fn locale(self) -> Locale {
        match self {
            Lang::Ru => Locale::Ru,
            Lang::En => Locale::En,
        }
    }

    /// Which analyzer a synonym phrase belongs to: any Cyrillic letter makes it Russian.
    pub(crate) fn of_text(text: &str) -> Lang {
        if text.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
            Lang::Ru
        } else {
            Lang::En
        }
    }

    fn stemmer_language(self) -> Language {
        match self {
            Lang::Ru => Language::Russian,
            Lang::En => Language::English,
        }
    }
}

/// Builds the analyzer for one language.
pub(crate) fn analyzer(lang: Lang) -> TextAnalyzer {
    let language = lang.stemmer_language();
    // Both languages ship a stop-word list with the `stopwords` feature; an
    // empty filter keeps the chain's type the same if one ever goes missing.
    let stop_words =
        StopWordFilter::new(language).unwrap_or_else(|| StopWordFilter::remove(Vec::new()));
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(stop_words)
        .filter(Stemmer::new(language))
        .build()
}

/// Registers both analyzers under the names the schema refers to.
pub(crate) fn register(index: &Index) {
    for lang in Lang::ALL {
        index
            .tokenizers()
            .register(lang.tokenizer_name(), analyzer(lang));
    }
}

/// The terms a text produces, in order (duplicates kept: synonyms match sequences).
pub(crate) fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ru(text: &str) -> Vec<String> {
        terms(&mut analyzer(Lang::Ru), text)
    }

    #[test]
    fn russian_word_forms_share_a_stem() {
        let forms = ru("заказ заказы заказов заказами заказа");
        assert_eq!(forms.len(), 5);
        assert!(forms.iter().all(|t| t == &forms[0]), "{forms:?}");
    }

    #[test]
    fn yo_folds_into_ye() {
        assert_eq!(ru("отменённый"), ru("отмененный"));
        assert_eq!(ru("Ёлка"), ru("елка"));
    }

    #[test]
    fn stop_words_are_dropped() {
        assert_eq!(ru("где мой заказ"), ru("заказ"));
    }

    #[test]
    fn script_decides_the_language() {
        assert_eq!(Lang::of_text("вернуть деньги"), Lang::Ru);
        assert_eq!(Lang::of_text("refund"), Lang::En);
    }
}
