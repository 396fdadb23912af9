//! The one rule for control characters in text from outside, on every
//! channel and both databases: tab, line feed and carriage return are text;
//! every other control character (C0 — NUL included —, DEL and C1) is
//! refused with a clear error, never stored and never stripped silently.
//! (PostgreSQL cannot store NUL in text and SQLite can: one rule, at the edge,
//! keeps the two backends answering alike.)

/// Whether `c` is a control character the rule refuses.
pub fn is_refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether `text` holds a character the rule refuses.
pub fn refuses(text: &str) -> bool {
    text.chars().any(is_refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_and_tabs_are_text_other_controls_are_not() {
        assert!(!refuses("Строка 1\r\nстрока 2\tконец"));
        assert!(!refuses("emoji 🙂 and ё"));
        for bad in [
            "a\u{0}b",
            "\u{7}",
            "\u{1b}[31m",
            "x\u{7f}",
            "\u{85}",
            "\u{9f}",
        ] {
            assert!(refuses(bad), "{bad:?} accepted");
        }
    }
}
