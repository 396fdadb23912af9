//! Applying findings to text: the stored copy and the operator's copy.

use std::ops::Range;

use crate::normalize::{ceil_boundary, floor_boundary};
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
/// given, each of those spans replaced by its first letter and `***`. Text
/// between spans is copied in slices: most of a message is untouched.
pub(crate) fn render(text: &str, sensitive: &[SensitiveFinding], words: &[Range<usize>]) -> String {
    if sensitive.is_empty() && words.is_empty() {
        return text.to_owned();
    }
    let clamp = |r: &Range<usize>| floor_boundary(text, r.start)..ceil_boundary(text, r.end);
    let hidden: Vec<Range<usize>> = hidden_ranges(text, sensitive).iter().map(clamp).collect();
    let mut words: Vec<Range<usize>> = words.iter().map(clamp).collect();
    words.sort_by_key(|r| r.start);
    let is_hidden = |at: usize| hidden.iter().any(|r| r.contains(&at));
    let mut out = String::with_capacity(text.len());
    let (mut cursor, mut h, mut w) = (0, 0, 0);
    loop {
        while hidden.get(h).is_some_and(|r| r.end <= cursor) {
            h += 1;
        }
        while words.get(w).is_some_and(|r| r.end <= cursor) {
            w += 1;
        }
        let next_hidden = hidden.get(h).map(|r| r.start.max(cursor));
        let next_word = words.get(w).map(|r| r.start.max(cursor));
        let Some(next) = next_hidden.into_iter().chain(next_word).min() else {
            break;
        };
        out.push_str(&text[cursor..next]);
        cursor = next;
        if next_word == Some(next) {
            let first = text[cursor..].chars().next().unwrap_or('*');
            out.push(if is_hidden(cursor) { '*' } else { first });
            out.push_str("***");
            cursor = words[w].end;
            w += 1;
        } else {
            let end = hidden[h].end.min(next_word.unwrap_or(usize::MAX));
            out.extend(
                text[cursor..end]
                    .chars()
                    .map(|c| if keeps_shape(c) { c } else { '*' }),
            );
            cursor = end;
        }
    }
    out.push_str(&text[cursor..]);
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
        assert_eq!(
            render(text, &[], &[std::ops::Range { start: 10, end: 18 }]),
            "ну ты с***, а"
        );
    }
}
