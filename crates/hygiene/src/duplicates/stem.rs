//! Light stemming and stop words for comparing questions.

const STOP_WORDS: &[&str] = &[
    // Russian greetings, politeness, fillers, pronouns, prepositions.
    "здравствуйте",
    "добрый",
    "доброе",
    "день",
    "вечер",
    "утро",
    "привет",
    "приветствую",
    "пожалуйста",
    "подскажите",
    "помогите",
    "скажите",
    "спасибо",
    "заранее",
    "хочу",
    "хотел",
    "хотела",
    "хотелось",
    "бы",
    "можно",
    "могу",
    "могли",
    "можете",
    "что",
    "делать",
    "мне",
    "мой",
    "моя",
    "мое",
    "мои",
    "моего",
    "моей",
    "моим",
    "моему",
    "я",
    "у",
    "меня",
    "вы",
    "вас",
    "вам",
    "ваш",
    "ваша",
    "ваше",
    "и",
    "в",
    "во",
    "на",
    "с",
    "со",
    "по",
    "за",
    "к",
    "ко",
    "о",
    "об",
    "а",
    "но",
    "это",
    "этот",
    "эта",
    "уже",
    "еще",
    "все",
    "всё",
    "так",
    "же",
    "ли",
    "вот",
    "там",
    "тут",
    "как",
    "быть",
    "был",
    "была",
    "было",
    "есть",
    "из",
    "от",
    "до",
    "для",
    "при",
    "то",
    "ну",
    "очень",
    "просто",
    "снова",
    "опять",
    "раз",
    "ситуация",
    "вопрос",
    "такой",
    "такая",
    "кто",
    "нибудь",
    "сейчас",
    "прошу",
    "он",
    "она",
    "оно",
    "они",
    "его",
    "ее",
    "их",
    "им",
    "ему",
    "ей",
    "тот",
    "та",
    "те",
    "срочно",
    "почему",
    "зачем",
    // English.
    "the",
    "a",
    "an",
    "i",
    "my",
    "me",
    "please",
    "hello",
    "hi",
    "hey",
    "can",
    "could",
    "would",
    "you",
    "your",
    "is",
    "are",
    "was",
    "were",
    "be",
    "to",
    "for",
    "of",
    "and",
    "it",
    "what",
    "do",
    "does",
    "did",
    "how",
    "help",
    "want",
    "like",
    "thanks",
    "thank",
    "on",
    "in",
    "at",
    "with",
    "this",
    "that",
    "there",
    "again",
    "just",
    "some",
    "any",
    "get",
    "have",
    "has",
    "had",
    "am",
    "should",
    "will",
    "tell",
    "yet",
    "still",
    "already",
    "why",
    "urgent",
    "urgently",
    "he",
    "she",
    "they",
    "it's",
];

const NEGATIONS: &[&str] = &[
    "не", "нет", "ни", "not", "no", "never", "dont", "don", "cannot", "cant",
];

/// Irregular forms of frequent support words, mapped to one stem.
const CANONICAL: &[(&str, &str)] = &[
    ("денег", "деньг"),
    ("деньги", "деньг"),
    ("средства", "деньг"),
    ("средств", "деньг"),
    ("возврат", "верн"),
    ("возврата", "верн"),
    ("возвратом", "верн"),
    ("вернуть", "верн"),
    ("пришли", "приш"),
    ("пришел", "приш"),
    ("пришла", "приш"),
    ("пришло", "приш"),
    ("приходит", "приш"),
    ("придет", "приш"),
    ("refund", "refund"),
    ("refunded", "refund"),
    ("money", "money"),
];

const RUSSIAN_ENDINGS: &[&str] = &[
    "ться", "тся", "ите", "ете", "ить", "ать", "ять", "еть", "уть", "ого", "его", "ому", "ему",
    "ыми", "ими", "ешь", "ишь", "ся", "сь", "ла", "ли", "ло", "ет", "ут", "ют", "ит", "ат", "ят",
    "ой", "ый", "ий", "ая", "яя", "ое", "ее", "ые", "ие", "ом", "ем", "ам", "ям", "ах", "ях", "ов",
    "ев", "ей", "ую", "юю", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й", "л",
];

const ENGLISH_ENDINGS: &[&str] = &["ing", "ed", "es", "s", "ly"];

pub(super) fn is_negation(word: &str) -> bool {
    NEGATIONS.contains(&word)
}

/// Stems of words that mean the same in support questions.
const SYNONYM_STEMS: &[(&str, &str)] = &[("помен", "смен"), ("измен", "смен"), ("поменя", "смен")];

/// The stem of a content word, or `None` for a stop word.
pub(super) fn content_stem(word: &str) -> Option<String> {
    if STOP_WORDS.contains(&word) {
        return None;
    }
    if let Some(&(_, stem)) = CANONICAL.iter().find(|(w, _)| *w == word) {
        return Some(stem.to_owned());
    }
    let cyrillic = word.chars().any(crate::normalize::is_cyrillic);
    let endings = if cyrillic {
        RUSSIAN_ENDINGS
    } else {
        ENGLISH_ENDINGS
    };
    let mut stem = word;
    // Two rounds: "вернули" → "верну" → "верн".
    for _ in 0..2 {
        if let Some(cut) = endings
            .iter()
            .filter_map(|e| stem.strip_suffix(e))
            .find(|s| s.chars().count() >= 3)
        {
            stem = cut;
        }
    }
    let stem = SYNONYM_STEMS
        .iter()
        .find(|(s, _)| *s == stem)
        .map_or(stem, |(_, to)| to);
    Some(stem.to_owned())
}

/// Two stems that differ by one edit (typo), when long enough to tell.
pub(super) fn close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().min(b.len()) < 4 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let max_edits = if a.len().min(b.len()) >= 8 { 2 } else { 1 };
    edit_distance(&a, &b) <= max_edits
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}
