//! Cue forms built by rule rather than listed: the inflections of the words
//! for a message and where it came from ("смской", "эсэмэске", "вотсапа"),
//! the words for a code's digits ("циферки"), the size of a code
//! ("шестизначный"), CVV spelled out by its letter names ("сививи"), and the
//! Latin transliterations of the Russian cues ("kod podtverzhdenija").

use super::cues::Cue;

/// Case endings of a feminine noun in -ка: "смска", "смской", "смсках".
const KA_ENDINGS: &[&str] = &["а", "и", "е", "у", "ой", "ою", "ам", "ах", "ами"];
/// Case endings of a neuter noun in -ние: "сообщение", "уведомлением".
const NIE_ENDINGS: &[&str] = &["е", "я", "ю", "и", "ем", "й", "ям", "ях", "ями"];
/// Case endings of a masculine noun: "пуш", "пуша", "вотсапе".
const HARD_ENDINGS: &[&str] = &["", "а", "у", "е", "ом", "ы", "ов", "ам", "ах"];

/// Stems of the word for a message and its declension.
const MESSAGE_STEMS: &[(&str, &[&str])] = &[
    ("смск", KA_ENDINGS),
    ("смс-к", KA_ENDINGS),
    ("смсочк", KA_ENDINGS),
    ("эсэмэск", KA_ENDINGS),
    ("эсмэск", KA_ENDINGS),
    ("эсэмэс", HARD_ENDINGS),
    ("смс", &["", "е", "ом", "у", "а", "ки"]),
    ("сообщени", NIE_ENDINGS),
    ("уведомлени", NIE_ENDINGS),
    ("пуш", HARD_ENDINGS),
    ("пуш-уведомлени", NIE_ENDINGS),
    ("смс-сообщени", NIE_ENDINGS),
    ("подтверждени", NIE_ENDINGS),
];

/// Where a code comes from besides an SMS: messengers, mail, the app.
const CARRIER_STEMS: &[(&str, &[&str])] = &[
    ("вотсап", HARD_ENDINGS),
    ("ватсап", HARD_ENDINGS),
    ("вацап", HARD_ENDINGS),
    ("телеграм", HARD_ENDINGS),
    ("телеграмм", HARD_ENDINGS),
    ("вайбер", HARD_ENDINGS),
    ("мейл", HARD_ENDINGS),
    ("имейл", HARD_ENDINGS),
    ("почт", &["а", "ы", "е", "у", "ой"]),
    ("приложени", NIE_ENDINGS),
    ("банк", HARD_ENDINGS),
];

/// Latin words for a message or its carrier.
const LATIN_MESSAGE_WORDS: &[&str] = &[
    "smsku", "smsk", "smski", "smsom", "text", "texts", "message", "msg", "whatsapp", "telegram",
    "viber", "email", "e-mail", "mail",
];

/// The words for a code's digits: a code when its number follows with only
/// linking words between ("вот цифры которые пришли 4821").
const DIGIT_WORDS: &[&str] = &[
    "цифры",
    "цифрами",
    "цифр",
    "циферки",
    "циферками",
    "циферок",
    "цифорки",
    "циферки",
    "цыфры",
    "cifry",
    "tsifry",
    "digits",
];

/// "четырехзначный код", "6-значный код": a one-time code by its size.
const SIZES: &[&str] = &[
    "четырех",
    "пяти",
    "шести",
    "восьми",
    "4",
    "4-",
    "4х",
    "4-х",
    "5",
    "5-",
    "6",
    "6-",
    "6ти",
    "6-ти",
    "8",
    "8-",
];
const SIZE_ENDINGS: &[&str] = &["значный", "значного", "значным", "значн"];

/// The Russian names of the letters of "CVV" and "CVC" as people spell them.
const C_NAMES: &[&str] = &["си", "сы", "цэ"];
const V_NAMES: &[&str] = &["ви", "вэ"];

/// The message words in every form, as `Cue::Sms`.
pub(super) fn message_words() -> Vec<(String, Cue)> {
    let mut out = Vec::new();
    // Carriers ("вотсап", "почта") only link a cue to its number (see
    // [`links`]): as cues of their own they would cost a walk of the
    // automaton at every word starting like them ("по…").
    for (stem, endings) in MESSAGE_STEMS {
        for ending in *endings {
            out.push((format!("{stem}{ending}"), Cue::Sms));
        }
    }
    out.extend(
        LATIN_MESSAGE_WORDS
            .iter()
            .chain(DIGIT_WORDS)
            .map(|w| ((*w).to_owned(), Cue::Sms)),
    );
    out
}

/// Size adjectives ("шестизначный") and spelled-out CVVs ("сививи").
pub(super) fn other_forms() -> Vec<(String, Cue)> {
    let mut out = Vec::new();
    for size in SIZES {
        for ending in SIZE_ENDINGS {
            out.push((format!("{size}{ending}"), Cue::Otp));
        }
    }
    for c in C_NAMES {
        for v in V_NAMES {
            out.push((format!("{c}{v}"), Cue::Cvv));
            for last in V_NAMES.iter().chain(C_NAMES) {
                out.push((format!("{c}{v}{last}"), Cue::Cvv));
                out.push((format!("{c} {v} {last}"), Cue::Cvv));
                out.push((format!("{c}-{v}-{last}"), Cue::Cvv));
            }
        }
    }
    // "цвц", "квв", "свс": CVV and CVC typed by sound in Russian letters
    // (C is heard as "с", "ц" or "к"; whole three-letter words only).
    for c in ["с", "ц", "к"] {
        for last in ["в", "с", "ц", "к"] {
            out.push((format!("{c}в{last}"), Cue::Cvv));
        }
    }
    // The back of the card, in the words people use for it.
    for side in [
        "обороте",
        "оборота",
        "обратной стороне",
        "обратной стороны",
        "оборотной стороне",
        "оборотной стороны",
        "тыльной стороне",
        "тыльной стороны",
        "задней стороне",
        "задней стороны",
        "обратке",
        "обратки",
    ] {
        for preposition in ["на", "с", "со"] {
            out.push((format!("{preposition} {side}"), Cue::Cvv));
        }
    }
    // What a one-time code is for: "код активации", "код доступа".
    for purpose in [
        "активации",
        "авторизации",
        "верификации",
        "доступа",
        "входа",
        "подтверждения",
        "aktivacii",
        "avtorizacii",
        "dostupa",
        "vhoda",
    ] {
        for code in ["код", "кода", "кодом", "kod"] {
            out.push((format!("{code} {purpose}"), Cue::Otp));
        }
    }
    // The CVV by where it stands or what it does.
    for phrase in [
        "защитный код",
        "защитного кода",
        "на полосе для подписи",
        "на полосе подписи",
        "возле подписи",
        "рядом с подписью",
        "у подписи",
    ] {
        out.push((phrase.to_owned(), Cue::Cvv));
    }
    for phrase in [
        "пароль подтверждения",
        "проверочный пароль",
        "пароль для подтверждения",
    ] {
        out.push((phrase.to_owned(), Cue::Otp));
    }
    for adjective in ["одноразовый", "одноразовым", "одноразового", "одноразовое"]
    {
        out.push((adjective.to_owned(), Cue::Otp));
    }
    out
}

/// Whether a word between a cue and a number only says how the code came:
/// a form of a message word, its carrier, or a verb of arrival
/// ("прилетела", "выслали", "prishel", "sent").
pub(super) fn links(word: &str) -> bool {
    const STEMS: &[&str] = &[
        "приш",
        "прилет",
        "присл",
        "высл",
        "отправ",
        "дош",
        "поступ",
        "которы",
        "prish",
        "prisl",
        "prilet",
        "otprav",
        "came",
        "arriv",
        "says",
        "said",
        "read",
        "смс",
        "sms",
        "эсэмэс",
        "сообщени",
        "уведомлени",
        "пуш",
        "push",
        "подтверждени",
    ];
    const PREPOSITIONS: &[&str] = &[
        "из", "с", "со", "от", "на", "по", "в", "во", "iz", "from", "via", "in",
    ];
    if PREPOSITIONS.contains(&word) {
        return true;
    }
    // Every Russian stem and carrier is two letters (four bytes) or more.
    if word.len() < 4 {
        return LATIN_MESSAGE_WORDS.contains(&word) || word == "sms" || word == "in";
    }
    STEMS.iter().any(|s| word.starts_with(s))
        || DIGIT_WORDS.contains(&word)
        || CARRIER_STEMS.iter().any(|(stem, endings)| {
            word.strip_prefix(stem)
                .is_some_and(|rest| endings.contains(&rest))
        })
        || LATIN_MESSAGE_WORDS.contains(&word)
}

/// Whether `gap` has a verb of arrival ("пришел", "прислали", "came").
pub(super) fn arrived(gap: &str) -> bool {
    const ARRIVAL: &[&str] = &[
        "приш",
        "прилет",
        "присл",
        "высл",
        "поступ",
        "prish",
        "prisl",
        "came",
        "sent",
    ];
    gap.split(|c: char| !c.is_alphanumeric())
        .any(|w| ARRIVAL.iter().any(|s| w.starts_with(s)))
}

/// Latin letters for each Russian letter, the usual spelling first.
fn latin(c: char) -> &'static [&'static str] {
    match c {
        'а' => &["a"],
        'б' => &["b"],
        'в' => &["v"],
        'г' => &["g"],
        'д' => &["d"],
        'е' => &["e"],
        'ж' => &["zh", "j"],
        'з' => &["z"],
        'и' => &["i"],
        'й' => &["y", "i", "j"],
        'к' => &["k"],
        'л' => &["l"],
        'м' => &["m"],
        'н' => &["n"],
        'о' => &["o"],
        'п' => &["p"],
        'р' => &["r"],
        'с' => &["s"],
        'т' => &["t"],
        'у' => &["u"],
        'ф' => &["f"],
        'х' => &["h", "kh"],
        'ц' => &["ts", "c"],
        'ч' => &["ch"],
        'ш' => &["sh"],
        'щ' => &["sch", "shch"],
        'ъ' => &[""],
        'ы' => &["y", "i"],
        'ь' => &["", "'"],
        'э' => &["e"],
        'ю' => &["yu", "ju", "iu"],
        'я' => &["ya", "ja", "ia"],
        _ => &[],
    }
}

/// At most this many Latin spellings of one cue.
const MAX_SPELLINGS: usize = 16;

/// The Latin spellings of a Russian cue ("код подтверждения" →
/// "kod podtverzhdeniya", "kod podtverjdenija"…), or none if it has other
/// letters: each scheme applied throughout (the usual one, "j" for "ж", "й",
/// "я", "ia" for "я"), then the usual one with a single letter spelt the
/// other way.
pub(super) fn transliterations(cue: &str) -> Vec<String> {
    let mut letters: Vec<&[&str]> = Vec::new();
    for c in cue.chars() {
        if c.is_ascii() && !c.is_ascii_alphabetic() {
            letters.push(match c {
                ' ' => &[" "],
                '-' => &["-"],
                _ => return Vec::new(),
            });
            continue;
        }
        let options = latin(c);
        if options.is_empty() {
            return Vec::new();
        }
        letters.push(options);
    }
    let spell = |choice: &dyn Fn(usize, usize) -> usize| -> String {
        letters
            .iter()
            .enumerate()
            .map(|(i, options)| options[choice(i, options.len())])
            .collect()
    };
    let mut out: Vec<String> = (0..3)
        .map(|scheme| spell(&|_, n| scheme.min(n - 1)))
        .collect();
    // Single letters spelt the other way only where spellings really vary
    // ("podtverzhdenia": "ia" for "я" with "zh" for "ж").
    for (at, options) in letters.iter().enumerate() {
        for k in 1..options.len() {
            if options.len() > 2 {
                out.push(spell(&|i, _| if i == at { k } else { 0 }));
            }
        }
    }
    out.dedup();
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out.truncate(MAX_SPELLINGS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_in_latin() {
        let all = transliterations("код подтверждения");
        for spelling in ["kod podtverzhdeniya", "kod podtverzhdenija"] {
            assert!(all.iter().any(|s| s == spelling), "{spelling} in {all:?}");
        }
        assert!(transliterations("cvv").is_empty());
        assert!(all.len() <= MAX_SPELLINGS);
    }

    #[test]
    fn links_carriers_and_arrival() {
        for word in ["из", "вотсапа", "прилетела", "prishel", "циферки", "почты"]
        {
            assert!(links(word), "{word}");
        }
        for word in ["заказа", "номера", "трек", "почтамт"] {
            assert!(!links(word), "{word}");
        }
    }
}
