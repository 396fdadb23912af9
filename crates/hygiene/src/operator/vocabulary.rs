//! The words operator requests are made of, over folded text (ё → е).

use super::RequestedData::{self, *};

/// (kind, pattern, the phrase carries its own request verb)
pub(super) const OBJECTS: &[(RequestedData, &str, bool)] = &[
    (
        SmsCode,
        r"код[а-я]*\s+(?:из|с|в|по)\s+(?:смс|sms|сообщени|пуш|push|уведомлени|приложени)",
        false,
    ),
    (SmsCode, r"(?:смс|sms)[\s-]?код", false),
    (
        SmsCode,
        r"код[а-я]*\s+(?:подтверждени|верификаци|для входа|доступа)",
        false,
    ),
    (
        SmsCode,
        r"(?:одноразов|проверочн)[а-я]*\s+(?:код|пароль)",
        false,
    ),
    (SmsCode, r"пароль\s+из\s+(?:смс|sms)", false),
    (
        SmsCode,
        r"код[а-я]*,?\s+(?:который|что)\s+(?:вам\s+|вы\s+)?(?:при|пол)",
        false,
    ),
    (
        SmsCode,
        r"код[а-я]*\s+(?:вам\s+)?(?:пришел|пришло|прислали)",
        false,
    ),
    (
        SmsCode,
        r"(?:пришел|пришло|прислали)\s+(?:ли\s+)?(?:вам\s+)?код",
        false,
    ),
    (SmsCode, r"цифр[а-я]*\s+из\s+(?:смс|sms|сообщени)", false),
    (
        SmsCode,
        r"\b(?:sms|text|verification|confirmation|one[\s-]?time|otp|login|2fa|authentication|security|access)\s+code",
        false,
    ),
    (SmsCode, r"\botp\b", false),
    (
        SmsCode,
        r"\bcode\s+(?:from|in)\s+(?:the\s+|that\s+|your\s+)?(?:sms|text|message)",
        false,
    ),
    (
        SmsCode,
        r"\bcode\s+(?:we|that\s+we|that\s+was|you|i)\s+(?:just\s+)?(?:sent|received|got)",
        false,
    ),
    (Cvv, r"\b(?:cvv2?|cvc2?|cvn|cid)\b", false),
    (
        Cvv,
        r"код[а-я]*\s+(?:на\s+оборот|с\s+обратной|с\s+оборот|на\s+обратной|безопасности)",
        false,
    ),
    (Cvv, r"цифр[а-я]*\s+(?:на|с)\s+(?:оборот|обратн)", false),
    (Cvv, r"\b(?:three|3)\s+digits\s+on\s+the\s+back", false),
    (
        CardNumber,
        r"номер[а-я]*\s+(?:у\s+)?(?:вашей\s+|своей\s+|банковской\s+|платежной\s+)*карт",
        false,
    ),
    (
        CardNumber,
        r"(?:реквизит|данны)[а-я]*\s+(?:вашей\s+|своей\s+|банковской\s+)*карт",
        false,
    ),
    (
        CardNumber,
        r"цифр[а-я]*\s+(?:вашей\s+|своей\s+)*карт",
        false,
    ),
    (CardNumber, r"\b(?:16|шестнадцать)\s+цифр", false),
    (CardNumber, r"срок[а-я]*\s+действия", false),
    (
        CardNumber,
        r"\b(?:card|credit\s+card|debit\s+card)\s+(?:number|details|info|data)",
        false,
    ),
    (
        CardNumber,
        r"\bfull\s+card|\bexpir(?:y|ation)\s+date|\b(?:16|sixteen)\s+digits|\blong\s+number\s+on",
        false,
    ),
    (
        CardPhoto,
        r"(?:фото|фотографи|снимок|снимк|скан|скриншот)[а-я]*\s+(?:вашей\s+|своей\s+|банковской\s+|лицевой\s+|обратной\s+|стороны\s+|сторон\s+)*карт",
        false,
    ),
    (
        CardPhoto,
        r"карт[а-я]*\s+с\s+(?:двух|обеих)\s+сторон",
        false,
    ),
    (CardPhoto, r"(?:обе|обеих)\s+сторон[а-я]*\s+карт", false),
    (
        CardPhoto,
        r"(?:сфотографиру|сфоткай|отсканиру)[а-я]*\s+(?:вашу\s+|свою\s+|банковскую\s+)*карт",
        true,
    ),
    (
        CardPhoto,
        r"\b(?:photo|picture|scan|image|pic|photograph)s?\s+of\s+(?:both\s+sides\s+of\s+)?(?:your|the)\s+(?:bank\s+|credit\s+|debit\s+)?card",
        false,
    ),
    (
        CardPhoto,
        r"\bboth\s+sides\s+of\s+(?:your|the)\s+card",
        false,
    ),
    (
        CardPhoto,
        r"\b(?:photograph|scan)\s+(?:your|the)\s+(?:bank\s+|credit\s+|debit\s+)?card",
        true,
    ),
    (Password, r"парол", false),
    (Password, r"\b(?:password|passcode|passwd)", false),
    (Password, r"пин[\s-]?код|\bпин\b|\bpin\b", false),
    (
        Login,
        r"логин|\blogin\b|\busername\b|имя\s+пользователя",
        false,
    ),
];

/// Request verbs: imperatives, "нужен", question words, English requests.
pub(super) const VERBS: &str = r"(?x)
    \b(?: назовите|назвать|назови|скажите|сказать|скажи|сообщите|сообщить|сообщи
        | продиктуйте|продиктовать|диктуйте|пришлите|прислать|присылайте|пришли
        | отправьте|отправить|отправляйте|отправь|напишите|написать|напиши
        | укажите|указать|укажи|предоставьте|предоставить|скиньте|скинуть|скинь
        | дайте|дать|продублируйте|повторите|уточните|уточнить|подскажите|подсказать
        | нужен|нужна|нужно|нужны|необходимо|необходим|требуется|потребуется
        | какой|какая|какие|каков|каковы|прикрепите|прикрепить|загрузите|загрузить
        | покажите|показать|прочитайте|прочитать|зачитайте|введите\s+(?:его\s+)?(?:сюда|здесь|в\s+чат|в\s+ответ)
        | tell|send|provide|give|share|type|write|read|need|what\s+is|what's|whats|what\s+was
        | confirm|forward|upload|attach|show|dictate|let\s+me\s+know|can\s+i\s+(?:get|have)
        | may\s+i\s+(?:have|get)|enter\s+(?:it\s+)?here|post|reply\s+with )\b";

/// Words that, among the last few before a verb, negate it or make it a
/// report of someone else's request.
pub(super) const NEGATIONS: &[&str] = &[
    "не",
    "ни",
    "никогда",
    "нельзя",
    "никому",
    "если",
    "просят",
    "просит",
    "попросят",
    "попросит",
    "спрашивают",
    "спрашивает",
    "требуют",
    "требует",
    "кто-то",
    "кто-нибудь",
    "мошенники",
    "never",
    "not",
    "no",
    "if",
    "asks",
    "asking",
    "someone",
    "anyone",
    "nobody",
    "scammers",
    "won't",
    "shouldn't",
];

/// "never" anywhere before the verb in the sentence negates it too.
pub(super) const NEGATION_ANYWHERE: &str =
    r"никогда|ни в коем случае|ни при каких|\bnever\b|under no circumstances";

/// Asking for the last four (or first six) digits is fine.
pub(super) const CARD_TAIL_ONLY: &str = r"последни[еx]\s+(?:4|четыре|цифр)|\blast\s+(?:4|four)\b|первые\s+(?:6|шесть)|\bfirst\s+(?:6|six)\b";

/// Right before the object: it is about resetting or changing, not telling.
pub(super) const NOT_THE_SECRET: &str = r"(?:сброс|восстановл|смен|забыл|reset|recover|change|forgot|forgotten)[а-яa-z]*\s+(?:[а-яa-z]+\s+)?\z";

/// "Приходит ли код?", "did the code arrive?": about arrival, not the value.
pub(super) const ARRIVAL_QUESTION: &str = r"(?x)
    (?:\bли\b|\bwhether\b|\bif\b) .* (?:приход|пришел|пришло|доход|дошел|arriv|receiv|came|got)
    | (?:приход|пришел|пришло|доход|дошел|arriv|receiv|came|got) .* (?:\bли\b|\bwhether\b|\bif\b)";

/// "Введите … сюда / в чат": typing it into the chat is telling it.
pub(super) const INTO_THE_CHAT: &str = r"\b(?:введите|впишите|вставьте|enter|type|paste)\b.*(?:\bсюда\b|\bздесь\b|\bв\s+чат\b|\bв\s+ответ\b|\bhere\b|\bin\s+(?:the\s+|this\s+)?chat\b)";

/// After a modal verb ("нужно", "need"): an instruction to enter the code
/// somewhere, not a request to send it.
pub(super) const ENTER_IT_YOURSELF: &str = r"\A\s*(?:будет\s+|его\s+|их\s+)?(?:ввести|вводить|указать\s+в\s+приложени|подтвердить\s+в\s+приложени|to\s+enter|enter)";

/// "Назовите его" after a sentence that named the secret.
pub(super) const PRONOUN: &str = r"\b(?:его|ее|их|it|them)\b";
