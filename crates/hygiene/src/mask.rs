//! Applying findings to text: the stored copy and the operator's copy.

use std::ops::Range;

use crate::{SensitiveFinding, SensitiveKind};

/// Characters kept inside a masked span so the shape stays readable.
fn keeps_shape(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2011}' | '\u{2013}')
}

/// Byte ranges of `text` to hide for each finding: a card keeps its last four
/// digits ("**** **** **** 1234"), everything else is hidden whole.
fn hidden_ranges(text: &str, findings: &[SensitiveFinding]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = findings
        .iter()
        .map(|f| match f.kind {
            SensitiveKind::CardNumber => {
                let span = &text.as_bytes()[f.span.clone()];
                let mut seen = 0;
                let mut cut = f.span.end;
                for (i, b) in span.iter().enumerate().rev() {
                    if b.is_ascii_digit() {
                        seen += 1;
                        if seen == 4 {
                            cut = f.span.start + i;
                            break;
                        }
                    }
                }
                f.span.start..cut
            }
            _ => f.span.clone(),
        })
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// `text` with every hidden character replaced by `*` and, when `words` is
/// given, each of those spans replaced by its first letter and `***`.
pub(crate) fn render(text: &str, sensitive: &[SensitiveFinding], words: &[Range<usize>]) -> String {
    if sensitive.is_empty() && words.is_empty() {
        return text.to_owned();
    }
    let hidden = hidden_ranges(text, sensitive);
    let mut words: Vec<&Range<usize>> = words.iter().collect();
    words.sort_by_key(|r| r.start);
    let is_hidden = |at: usize| hidden.iter().any(|r| r.contains(&at));
    let mut out = String::with_capacity(text.len());
    let mut next_word = words.into_iter().peekable();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if let Some(word) = next_word.next_if(|w| w.start <= at) {
            if word.end > at {
                out.push(if is_hidden(at) { '*' } else { c });
                out.push_str("***");
                while chars.next_if(|(i, _)| *i < word.end).is_some() {}
            }
            continue;
        }
        if is_hidden(at) && !keeps_shape(c) {
            out.push('*');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_keeps_last_four() {
        let text = "карта 4276 3800 1234 5679!";
        let f = SensitiveFinding {
            kind: SensitiveKind::CardNumber,
            span: 11..30,
        };
        assert_eq!(render(text, &[f], &[]), "карта **** **** **** 5679!");
    }

    #[test]
    fn words_get_first_letter() {
        let text = "ну ты сука, а";
        assert_eq!(render(text, &[], &[std::ops::Range { start: 10, end: 18 }]), "ну ты с***, а");
    }
}
