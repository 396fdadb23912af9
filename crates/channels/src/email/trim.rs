//! What the sender wrote themselves: a reply's text without the quoted
//! history below it and without the signature.
//!
//! The history starts at the first of: a separator line (`-----Original
//! Message-----`, `-----Исходное сообщение-----`, a forward's `Пересылаемое
//! сообщение`/`Forwarded message`, Outlook's line of underscores before a
//! header block), a header block (`From:`/`От:` with a date and a subject
//! line below it), an attribution line ("On … wrote:", "… написал(а):",
//! "… пишет:", or a date and an address ending in a colon — Gmail, Apple
//! Mail, Yandex, Mail.ru, Thunderbird; Gmail's may wrap over two lines), or
//! a block of `>` lines that runs to the end. Quoted lines answered in
//! between (inline replies) stay. The signature is what follows a `--` line
//! (if short), and the "Sent from my iPhone"/"Отправлено с iPhone" lines at
//! the end. When nothing of the sender's own would be left, the text stays
//! whole: a forward without a comment is its content.

/// Lines after a `--` delimiter that still count as a signature.
const MAX_SIGNATURE_LINES: usize = 12;

/// The sender's own text of `text` (a slice of it), see the module doc.
pub fn own_text(text: &str) -> &str {
    let own = without_signature(without_quote(text));
    if own.trim().is_empty() {
        text.trim_end()
    } else {
        own
    }
}

/// `text` up to where the quoted history starts, trailing blank lines removed;
/// the whole text when the history would be all of it.
pub fn without_quote(text: &str) -> &str {
    let lines: Vec<(usize, &str)> = line_starts(text);
    let cut = (0..lines.len()).find(|&i| starts_history(&lines, i));
    let cut = match (cut, trailing_quote(&lines)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let own = match cut {
        Some(i) => text[..lines[i].0].trim_end(),
        None => text.trim_end(),
    };
    if own.trim().is_empty() {
        text.trim_end()
    } else {
        own
    }
}

/// `text` without a short signature after `--` and without the mobile
/// clients' "sent from" lines at its end.
pub fn without_signature(text: &str) -> &str {
    let lines = line_starts(text);
    let delimiter = lines
        .iter()
        .enumerate()
        .rev()
        .find(|(_, (_, l))| l.trim_end() == "--")
        .filter(|(i, _)| lines.len() - i - 1 <= MAX_SIGNATURE_LINES)
        .map(|(_, (at, _))| *at);
    let mut own = text[..delimiter.unwrap_or(text.len())].trim_end();
    while let Some(last) = own.lines().last() {
        if !is_sent_from(last.trim()) {
            break;
        }
        own = own[..own.len() - last.len()].trim_end();
    }
    own
}

/// Each line with the byte offset it starts at.
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut at = 0;
    text.split_inclusive('\n')
        .map(|l| {
            let start = at;
            at += l.len();
            (start, l.trim_end_matches(['\n', '\r']))
        })
        .collect()
}

fn starts_history(lines: &[(usize, &str)], i: usize) -> bool {
    let line = lines[i].1.trim();
    if is_separator(line) || is_header_block(lines, i) {
        return true;
    }
    if line.chars().count() >= 10 && line.chars().all(|c| c == '_') {
        return (i + 1..lines.len().min(i + 3)).any(|j| is_header_block(lines, j));
    }
    if is_attribution(line) {
        return true;
    }
    // Gmail wraps a long attribution after the address's `<`.
    match lines.get(i + 1) {
        Some((_, next)) if !line.is_empty() && !line.ends_with(':') && !is_attribution(next) => {
            is_attribution(&format!("{line} {}", next.trim())) && has_time_or_year(line)
        }
        _ => false,
    }
}

fn is_separator(line: &str) -> bool {
    const NAMES: &[&str] = &[
        "original message",
        "forwarded message",
        "исходное сообщение",
        "пересылаемое сообщение",
        "перенаправленное сообщение",
        "пересланное сообщение",
    ];
    let lower = line.to_lowercase();
    let named = NAMES.iter().any(|n| lower.contains(n));
    (named && line.starts_with("--")) || lower == "begin forwarded message:"
}

/// `From:`/`От:` with a date line and a subject line within the next lines.
fn is_header_block(lines: &[(usize, &str)], i: usize) -> bool {
    let header = |l: &str, names: &[&str]| {
        let l = l.trim_start().to_lowercase();
        names.iter().any(|n| l.starts_with(n))
    };
    if !header(lines[i].1, &["from:", "от:", "от кого:"]) {
        return false;
    }
    let next = &lines[i + 1..lines.len().min(i + 6)];
    let dated = next
        .iter()
        .any(|(_, l)| header(l, &["sent:", "date:", "отправлено:", "дата:"]));
    let subject = next.iter().any(|(_, l)| header(l, &["subject:", "тема:"]));
    dated && subject
}

/// "On … wrote:", "… написал(а):", "… пишет:", or a date or time with an
/// address, ending in a colon; a leading `>` is allowed (Apple Mail).
fn is_attribution(line: &str) -> bool {
    let line = line.trim_start_matches(['>', ' ']).trim();
    if !line.ends_with(':') || line.chars().count() > 250 || !has_time_or_year(line) {
        return false;
    }
    let lower = line.to_lowercase();
    let wrote = ["wrote:", "написал:", "написала:", "написал(а):", "пишет:"]
        .iter()
        .any(|w| lower.ends_with(w));
    wrote || line.contains('@')
}

/// A time (`10:15`) or a year (`2026`) somewhere in the line.
fn has_time_or_year(line: &str) -> bool {
    let b = line.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    (0..b.len()).any(|i| {
        let time = digit(i) && b.get(i + 1) == Some(&b':') && digit(i + 2) && digit(i + 3);
        let year = (b[i] == b'1' && b.get(i + 1) == Some(&b'9')
            || b[i] == b'2' && b.get(i + 1) == Some(&b'0'))
            && digit(i + 2)
            && digit(i + 3)
            && !digit(i + 4)
            && (i == 0 || !digit(i - 1));
        time || year
    })
}

/// Where a block of `>` lines (blank lines allowed) that runs to the end starts.
fn trailing_quote(lines: &[(usize, &str)]) -> Option<usize> {
    let mut start = None;
    for (i, (_, l)) in lines.iter().enumerate().rev() {
        let l = l.trim();
        if l.starts_with('>') {
            start = Some(i);
        } else if !l.is_empty() {
            break;
        }
    }
    start
}

/// The line a mobile client adds under the text.
fn is_sent_from(line: &str) -> bool {
    const STARTS: &[&str] = &[
        "sent from my ",
        "sent from mail for",
        "sent from yandex",
        "sent from outlook",
        "get outlook for",
        "отправлено с iphone",
        "отправлено с ipad",
        "отправлено с моего",
        "отправлено из мобильн",
        "отправлено из яндекс",
        "отправлено из почты",
        "отправлено из приложения",
        "получить outlook для",
        "скачайте outlook для",
    ];
    let lower = line.to_lowercase();
    line.chars().count() <= 80 && STARTS.iter().any(|s| lower.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_loses_its_history_and_signature() {
        let text = "Спасибо!\n-- \nАнна\n\nOn Mon, Dec 1, 2026 at 10:15 AM Support <help@x.example> wrote:\n> Hi\n";
        assert_eq!(own_text(text), "Спасибо!");
    }

    #[test]
    fn own_lines_that_look_like_headers_or_colons_stay() {
        let travel = "From: Moscow\nTo: Kazan\nDate: 5 December\nPlease book two seats.";
        assert_eq!(own_text(travel), travel);
        let error = "Сайт пишет ошибку 500:\nне могу оплатить";
        assert_eq!(own_text(error), error);
        let dashes = "Итог -- всё хорошо";
        assert_eq!(own_text(dashes), dashes);
    }

    #[test]
    fn nothing_but_history_stays_whole() {
        let text = "> Уточните номер заказа\n>\n> Поддержка\n";
        assert_eq!(own_text(text), text.trim_end());
        assert_eq!(own_text(""), "");
        assert_eq!(own_text("\n\n"), "");
    }

    #[test]
    fn a_long_signature_is_not_one() {
        let mut text = String::from("Текст\n--\n");
        for i in 0..20 {
            text.push_str(&format!("строка {i}\n"));
        }
        assert_eq!(own_text(&text), text.trim_end());
    }
}
