//! The words that announce a secret, folded (lower case, ё → е).
//!
//! [`CUES`] lists them as written; [`all`] adds the forms built from parts
//! rather than listed: a code noun in any of its forms, typos and
//! transliterations joined with what makes it a one-time code ("кодом из
//! смс", "kod podtverzhdeniya", "пароль для входа"), a PIN word joined with
//! a code noun ("пин-кодом", "pin-kod"), and every Latin cue with the
//! Cyrillic letters of the same shape a keyboard switch leaves in it ("сvv").

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    Cvv,
    Otp,
    /// "код" alone: a code only when the number follows it directly.
    BareCode,
    /// A message that carried a code ("пришло смс", "в смске", "пуш"): a code
    /// only when the number follows with nothing but "пришло", "с кодом" and
    /// the like between.
    Sms,
    Pin,
    Password,
    /// "логин и пароль": the next one or two tokens are credentials.
    Credentials,
}

pub(crate) const CUES: &[(&str, Cue)] = &[
    ("cvv", Cue::Cvv),
    ("свв", Cue::Cvv),
    ("цвв", Cue::Cvv),
    ("свс", Cue::Cvv),
    ("сзади", Cue::Cvv),
    ("на оборот", Cue::Cvv),
    ("cvv2", Cue::Cvv),
    ("cvc", Cue::Cvv),
    ("cvc2", Cue::Cvv),
    ("cvn", Cue::Cvv),
    ("cvv/cvc", Cue::Cvv),
    ("код на обороте", Cue::Cvv),
    ("код с обратной стороны", Cue::Cvv),
    ("код с оборота", Cue::Cvv),
    ("на обороте", Cue::Cvv),
    ("на обратной стороне", Cue::Cvv),
    ("с обратной стороны", Cue::Cvv),
    ("три цифры", Cue::Cvv),
    ("3 цифры", Cue::Cvv),
    ("трехзначный код", Cue::Cvv),
    ("код безопасности", Cue::Cvv),
    ("security code", Cue::Cvv),
    ("card verification", Cue::Cvv),
    ("back of the card", Cue::Cvv),
    ("back of my card", Cue::Cvv),
    ("three digits", Cue::Cvv),
    ("3 digits", Cue::Cvv),
    ("код из смс", Cue::Otp),
    ("код из sms", Cue::Otp),
    ("код из сообщения", Cue::Otp),
    ("код из пуша", Cue::Otp),
    ("код из push", Cue::Otp),
    ("код из приложения", Cue::Otp),
    ("код смс", Cue::Otp),
    ("код по смс", Cue::Otp),
    ("код в смс", Cue::Otp),
    ("смс-код", Cue::Otp),
    ("смс код", Cue::Otp),
    ("sms-код", Cue::Otp),
    ("sms код", Cue::Otp),
    ("пуш-код", Cue::Otp),
    ("код подтверждения", Cue::Otp),
    ("кодом подтверждения", Cue::Otp),
    ("проверочный код", Cue::Otp),
    ("проверочные цифры", Cue::Otp),
    ("одноразовый код", Cue::Otp),
    ("одноразовый пароль", Cue::Otp),
    ("пароль из смс", Cue::Otp),
    ("код для входа", Cue::Otp),
    ("код 3ds", Cue::Otp),
    ("3ds код", Cue::Otp),
    ("3-d secure", Cue::Otp),
    ("пришел код", Cue::Otp),
    ("пришел такой код", Cue::Otp),
    ("код пришел", Cue::Otp),
    ("прислали код", Cue::Otp),
    ("sms code", Cue::Otp),
    ("sms-code", Cue::Otp),
    ("text code", Cue::Otp),
    ("otp", Cue::Otp),
    ("one-time code", Cue::Otp),
    ("one time code", Cue::Otp),
    ("one-time password", Cue::Otp),
    ("verification code", Cue::Otp),
    ("confirmation code", Cue::Otp),
    ("login code", Cue::Otp),
    ("code from the sms", Cue::Otp),
    ("code from sms", Cue::Otp),
    ("code from the text", Cue::Otp),
    ("2fa code", Cue::Otp),
    ("код", Cue::BareCode),
    ("code", Cue::BareCode),
    // Inflected, diminutive, transliterated and mistyped forms of "код".
    ("кодом", Cue::BareCode),
    ("кодик", Cue::BareCode),
    ("кот", Cue::BareCode),
    ("kod", Cue::BareCode),
    ("коды", Cue::BareCode),
    ("codes", Cue::BareCode),
    ("kodom", Cue::BareCode),
    ("code:", Cue::BareCode),
    ("код подтв", Cue::Otp),
    ("код подв", Cue::Otp),
    ("код потв", Cue::Otp),
    ("код для подтв", Cue::Otp),
    ("кодом подтв", Cue::Otp),
    ("кот из смс", Cue::Otp),
    ("код с смс", Cue::Otp),
    ("код из смски", Cue::Otp),
    ("код с смски", Cue::Otp),
    ("кодик из смс", Cue::Otp),
    ("с кодом", Cue::Otp),
    ("с паролем", Cue::Otp),
    ("пароль из сообщения", Cue::Otp),
    ("пароль из смски", Cue::Otp),
    ("kod iz sms", Cue::Otp),
    ("kod iz smski", Cue::Otp),
    ("sms kod", Cue::Otp),
    ("sms-kod", Cue::Otp),
    ("s kodom", Cue::Otp),
    ("смс", Cue::Sms),
    ("смска", Cue::Sms),
    ("смски", Cue::Sms),
    ("смске", Cue::Sms),
    ("смску", Cue::Sms),
    ("смс-ка", Cue::Sms),
    ("смс-ке", Cue::Sms),
    ("sms", Cue::Sms),
    ("smska", Cue::Sms),
    ("smske", Cue::Sms),
    ("сообщение", Cue::Sms),
    ("сообщении", Cue::Sms),
    ("сообщения", Cue::Sms),
    ("пуш", Cue::Sms),
    ("пуше", Cue::Sms),
    ("push", Cue::Sms),
    ("a text", Cue::Sms),
    ("texted me", Cue::Sms),
    ("пин-код", Cue::Pin),
    ("пин код", Cue::Pin),
    ("пинкод", Cue::Pin),
    ("пин", Cue::Pin),
    ("pin kod", Cue::Pin),
    ("pin", Cue::Pin),
    ("pin-code", Cue::Pin),
    ("pin code", Cue::Pin),
    ("pin number", Cue::Pin),
    // Diminutives, as people write them in a hurry.
    ("пинчик", Cue::Pin),
    ("пинчиком", Cue::Pin),
    ("пароль", Cue::Password),
    ("пароля", Cue::Password),
    // Transliterated and mistyped: whole words only.
    ("парол", Cue::Password),
    ("пороль", Cue::Password),
    ("паролль", Cue::Password),
    ("пасворд", Cue::Password),
    ("пассворд", Cue::Password),
    ("parol", Cue::Password),
    ("parol:", Cue::Password),
    ("password", Cue::Password),
    ("passwd", Cue::Password),
    ("pwd", Cue::Password),
    ("pass:", Cue::Password),
    ("pass", Cue::Password),
    ("пасс", Cue::Password),
    ("pw", Cue::Password),
    ("pw:", Cue::Password),
    ("логин и пароль", Cue::Credentials),
    ("логин/пароль", Cue::Credentials),
    ("логин, пароль", Cue::Credentials),
    ("login and password", Cue::Credentials),
    ("username and password", Cue::Credentials),
    ("login/password", Cue::Credentials),
];

/// A code in any form a customer writes it.
const CODE_WORDS: &[&str] = &[
    "код",
    "кода",
    "коду",
    "кодом",
    "коды",
    "кодами",
    "кодик",
    "кот",
    "kod",
    "koda",
    "kodom",
    "kody",
    "code",
    "codes",
];

/// What, after a code noun, makes it a one-time code.
const OTP_AFTER: &[&str] = &[
    "подтв",
    "подв",
    "потв",
    "для подтв",
    "из смс",
    "из sms",
    "с смс",
    "со смс",
    "из смски",
    "из смс-ки",
    "из сообщения",
    "из пуша",
    "из push",
    "из приложения",
    "по смс",
    "в смс",
    "для входа",
    "для оплаты",
    "для авторизации",
    "iz sms",
    "iz smski",
    "iz soobshcheniya",
    "podtv",
    "dlya vhoda",
    "dlya vkhoda",
    "dlya oplaty",
    "from sms",
    "from the sms",
];

/// What, before a code noun, makes it a one-time code.
const OTP_BEFORE: &[&str] = &[
    "смс",
    "смс-",
    "sms",
    "sms-",
    "пуш",
    "пуш-",
    "проверочный",
    "проверочные",
    "одноразовый",
    "подтверждающий",
    "proverochnyi",
    "proverochnyj",
    "proverochniy",
    "odnorazovyi",
    "odnorazovyj",
];

/// Passwords that are one-time codes when they came by message.
const PASSWORD_WORDS: &[&str] = &["пароль", "паролем", "parol", "password"];

/// What, after a password word, says it came by message ("пароль для
/// входа" alone may be the customer's own).
const PASSWORD_BY_MESSAGE: &[&str] = &[
    "из смс",
    "из sms",
    "с смс",
    "из смски",
    "из сообщения",
    "из пуша",
    "из push",
    "по смс",
    "в смс",
    "iz sms",
    "from sms",
    "from the sms",
];

/// PIN words joined with a code noun: "пин-кодом", "pin kod".
const PIN_WORDS: &[&str] = &["пин", "pin"];

/// Latin letters and the Cyrillic letters of the same shape (upper-case
/// pairs never meet a folded cue).
use super::canon::SAME_SHAPE;

/// Every cue: [`CUES`] and the forms built from parts (see the module docs).
pub(crate) fn all() -> Vec<(String, Cue)> {
    let mut out: Vec<(String, Cue)> = CUES.iter().map(|&(p, c)| (p.to_owned(), c)).collect();
    for code in CODE_WORDS {
        for after in OTP_AFTER {
            out.push((format!("{code} {after}"), Cue::Otp));
        }
        for before in OTP_BEFORE {
            let sep = if before.ends_with('-') { "" } else { " " };
            out.push((format!("{before}{sep}{code}"), Cue::Otp));
            // "смскод": the two typed as one word.
            if matches!(*before, "смс" | "sms" | "пуш") {
                out.push((format!("{before}{code}"), Cue::Otp));
            }
        }
        for pin in PIN_WORDS {
            for sep in ["", "-", " "] {
                out.push((format!("{pin}{sep}{code}"), Cue::Pin));
            }
        }
    }
    for password in PASSWORD_WORDS {
        for after in PASSWORD_BY_MESSAGE {
            out.push((format!("{password} {after}"), Cue::Otp));
        }
    }
    // What is spelt in Latin letters below: the listed cues, not the forms
    // built from parts (their Latin parts are listed) or typos.
    let spelt = CUES.len();
    // Typos of the one-word cues: a letter typed twice ("кодд", "пинн"),
    // and in words of five letters or more one dropped or two swapped past the
    // first letter ("парль", "pasword", "пароьл").
    let words: Vec<(String, Cue)> = CUES
        .iter()
        .filter(|(p, c)| {
            (matches!(c, Cue::BareCode | Cue::Pin | Cue::Password)
                || (*c == Cue::Cvv && p.chars().count() <= 4))
                && p.chars().count() >= 3
                && p.chars().all(char::is_alphabetic)
        })
        .map(|&(p, c)| (p.to_owned(), c))
        .collect();
    for (word, cue) in words {
        out.extend(typos(&word).into_iter().map(|t| (t, cue)));
    }
    // "сvv", "рin": a one-word Latin cue typed with a Cyrillic look-alike or
    // two (a keyboard switch mid-word; longer phrases are typed in one layout).
    let latin: Vec<(String, Cue)> = out
        .iter()
        .filter(|(p, _)| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':')
                && p.bytes().any(|b| b.is_ascii_alphabetic())
        })
        .cloned()
        .collect();
    for (pattern, cue) in latin {
        let positions: Vec<usize> = pattern
            .char_indices()
            .filter(|(_, c)| SAME_SHAPE.iter().any(|(l, _)| l == c))
            .map(|(i, _)| i)
            .take(4)
            .collect();
        for mask in 1..(1u32 << positions.len()) {
            let mut variant: Vec<char> = pattern.chars().collect();
            for (bit, &at) in positions.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    let c = variant[at];
                    if let Some(&(_, cyrillic)) = SAME_SHAPE.iter().find(|(l, _)| *l == c) {
                        variant[at] = cyrillic;
                    }
                }
            }
            out.push((variant.into_iter().collect(), cue));
        }
    }
    let forms_from = out.len();
    out.extend(super::forms::message_words());
    out.extend(super::forms::other_forms());
    // Forms built by rule, and Russian cues typed in Latin letters as a
    // customer would spell them. Added after the keyboard-switch variants:
    // a word typed in two layouts is read in one script by `canon.rs`.
    let russian: Vec<(String, Cue)> = out[..spelt]
        .iter()
        .chain(&out[forms_from..])
        .filter(|(p, _)| p.chars().any(crate::normalize::is_cyrillic))
        .cloned()
        .collect();
    for (pattern, cue) in russian {
        out.extend(
            super::forms::transliterations(&pattern)
                .into_iter()
                .map(|t| (t, cue)),
        );
    }
    // Stable: a listed cue keeps its meaning over a built one.
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// One-typo forms of `word` (see [`all`]).
fn typos(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    for i in 0..n {
        let mut v = chars.clone();
        v.insert(i, chars[i]);
        out.push(v.into_iter().collect());
        if n >= 5 && i >= 1 {
            let mut v = chars.clone();
            v.remove(i);
            out.push(v.into_iter().collect());
            if i + 1 < n {
                let mut v = chars.clone();
                v.swap(i, i + 1);
                out.push(v.into_iter().collect());
            }
        }
    }
    out
}
