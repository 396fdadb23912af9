//! A version's changes as a unified line diff (`similar`), for the history.

use similar::{ChangeTag, TextDiff};

/// Lines of context kept around each change.
const CONTEXT: usize = 3;

/// One line of the diff: a sign (`+`, `-`, ` `, or `…` between hunks), the
/// CSS class that colours it, and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub sign: &'static str,
    pub class: &'static str,
    pub text: String,
}

/// What changed from `old` to `new`, with a little context; empty when the
/// texts are the same.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let diff = TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for (i, group) in diff.grouped_ops(CONTEXT).iter().enumerate() {
        if i > 0 {
            out.push(DiffLine {
                sign: "…",
                class: "diff-gap",
                text: String::new(),
            });
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let (sign, class) = match change.tag() {
                    ChangeTag::Delete => ("-", "diff-del"),
                    ChangeTag::Insert => ("+", "diff-ins"),
                    ChangeTag::Equal => (" ", "diff-eq"),
                };
                out.push(DiffLine {
                    sign,
                    class,
                    text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_changed_lines_and_their_context_are_shown() {
        let old: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 10\n", "line ten\n");
        let d = diff_lines(&old, &new);
        let signs: Vec<_> = d.iter().map(|l| (l.sign, l.text.as_str())).collect();
        assert_eq!(
            signs,
            vec![
                (" ", "line 7"),
                (" ", "line 8"),
                (" ", "line 9"),
                ("-", "line 10"),
                ("+", "line ten"),
                (" ", "line 11"),
                (" ", "line 12"),
                (" ", "line 13"),
            ]
        );
        assert!(diff_lines(&old, &old).is_empty());
    }
}
