//! The numbers a secret can be: standalone runs of digits, and digits typed
//! one or two at a time with spaces between ("пин 1 2 3 4", "код 90 12").

use std::ops::Range;

/// A candidate number: its span and how many digits it has.
pub(super) struct Number {
    pub span: Range<usize>,
    pub digits: usize,
}

/// Every candidate number of `folded`, in order.
pub(super) fn numbers(folded: &str) -> Vec<Number> {
    let mut out: Vec<Number> = digit_tokens(folded)
        .map(|span| Number {
            digits: span.len(),
            span,
        })
        .collect();
    out.extend(spaced_tokens(folded));
    out.sort_by_key(|n| n.span.start);
    out
}

/// The 3–8 digits right after `at` when they stand glued to the word before
/// them and end the token: "код2471", "пин4802".
pub(super) fn glued(folded: &str, at: usize) -> Option<Number> {
    let b = folded.as_bytes();
    let len = b
        .get(at..)?
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let end = at + len;
    let clean = b.get(end).is_none_or(|&c| {
        !(c.is_ascii_alphanumeric() || c >= 0x80 || matches!(c, b'.' | b',' | b':' | b'/' | b'-'))
            || (matches!(c, b'.' | b',') && b.get(end + 1).is_none_or(|d| !d.is_ascii_digit()))
    });
    ((3..=8).contains(&len) && clean).then_some(Number {
        span: at..end,
        digits: len,
    })
}

/// Groups of one or two digits joined by single spaces or by single dashes
/// (one separator throughout), 3–8 digits in all, with no other digits,
/// decimal or date separators next to them: a phone or an amount has longer
/// groups ("8 916 123", "1 500"). A six-digit code read out in halves
/// ("662 014", "318-846") is the one shape with groups of three.
fn spaced_tokens(folded: &str) -> Vec<Number> {
    let b = folded.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && !edge(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        let (mut groups, mut digits, mut end) = (0, 0, i);
        let mut lens = Vec::new();
        let mut sep = None;
        loop {
            let g = end;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            lens.push(end - g);
            groups += 1;
            digits += end - g;
            let next = b.get(end).copied().filter(|c| matches!(c, b' ' | b'-'));
            if next.is_some()
                && sep.is_none_or(|s| Some(s) == next)
                && b.get(end + 1).is_some_and(u8::is_ascii_digit)
            {
                sep = next;
                end += 1;
            } else {
                break;
            }
        }
        let ok = lens.iter().all(|&l| l <= 2) || lens == [3, 3];
        let clean_end = b.get(end).is_none_or(|&c| {
            edge(c) && !matches!(c, b'.' | b',' | b':' | b'/') && !(c == b'-' && sep == Some(b' '))
        });
        if ok && groups >= 2 && (3..=8).contains(&digits) && clean_end {
            out.push(Number {
                span: start..end,
                digits,
            });
        }
        i = end.max(start + 1);
    }
    out
}

/// A byte that may stand next to a number: not a digit, letter or `+`.
fn edge(c: u8) -> bool {
    !(c.is_ascii_alphanumeric() || c == b'+' || c >= 0x80 && c != 0xC2)
}

/// Standalone runs of 3–8 ASCII digits that are not part of a longer number,
/// a decimal, a time, a date, a phone or an identifier.
fn digit_tokens(folded: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let b = folded.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let skip = b[i..].iter().position(u8::is_ascii_digit)?;
            let start = i + skip;
            let mut end = start;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            i = end;
            if !(3..=8).contains(&(end - start)) || !standalone(folded, start, end) {
                continue;
            }
            return Some(start..end);
        }
        None
    })
}

fn standalone(folded: &str, start: usize, end: usize) -> bool {
    let b = folded.as_bytes();
    let prev = |k: usize| start.checked_sub(k).and_then(|p| b.get(p)).copied();
    let next = |k: usize| b.get(end + k - 1).copied();
    let glued = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'+');
    let joins = |sep: Option<u8>, digit: Option<u8>| {
        matches!(sep, Some(b'.' | b',' | b':' | b'/' | b'-' | b' '))
            && digit.is_some_and(|d| d.is_ascii_digit())
    };
    // The digits before a separator end a word with letters ("cvv2 845",
    // "3ds 1234"), not a number the one after continues.
    let ends_a_word = {
        let head = &b[..start.saturating_sub(1)];
        let digits = head.iter().rev().take_while(|c| c.is_ascii_digit()).count();
        head.len() > digits && head[head.len() - digits - 1].is_ascii_alphabetic()
    };
    let letter_after = folded
        .get(end..)
        .and_then(|t| t.chars().next())
        .is_some_and(crate::normalize::is_letter);
    let identifier = |sep: Option<u8>, other: Option<u8>| {
        matches!(sep, Some(b'-' | b'_' | b'/')) && other.is_some_and(|c| c.is_ascii_alphabetic())
    };
    !glued(prev(1))
        && !identifier(prev(1), prev(2))
        && !identifier(next(1), next(2))
        && !glued(next(1))
        && !letter_after
        && !crate::normalize::before(folded, start, 4)
            .chars()
            .next_back()
            .is_some_and(crate::normalize::is_letter)
        && !(joins(prev(1), prev(2)) && !(prev(1) == Some(b' ') && ends_a_word))
        && !joins(next(1), next(2))
}
