//! Codes given together: "коды пришли 3301 и 4410", "пин 1234 или 4321".

use super::UNIT_AFTER;
use super::numbers::Number;
use crate::normalize::after;
use crate::{SensitiveFinding, SensitiveKind};

/// "коды пришли 3301 и 4410", "пин 1234 или 4321": a number joined to a
/// code by "и", "или" or a comma is a code of the same kind and size.
pub(super) fn and_the_next(folded: &str, candidates: &[Number], out: &mut Vec<SensitiveFinding>) {
    let mut i = 0;
    while i < out.len() {
        let (kind, end) = (out[i].kind, out[i].span.end);
        let len = out[i].span.len();
        i += 1;
        if !matches!(
            kind,
            SensitiveKind::OneTimeCode | SensitiveKind::Pin | SensitiveKind::Cvv
        ) {
            continue;
        }
        let Some(next) = candidates.iter().find(|n| n.span.start > end) else {
            continue;
        };
        let gap = folded.get(end..next.span.start).unwrap_or(".");
        let joined = matches!(
            gap.trim_matches(|c: char| c == ' '),
            "и" | "или" | "and" | "or" | "," | "/" | "либо"
        );
        let taken = out
            .iter()
            .any(|f| f.span.start < next.span.end && next.span.start < f.span.end);
        if joined
            && !taken
            && next.span.len() == len
            && !UNIT_AFTER.is_match(after(folded, next.span.end, 12))
        {
            out.push(SensitiveFinding {
                kind,
                span: next.span.clone(),
            });
        }
    }
}
