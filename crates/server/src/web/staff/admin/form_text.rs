//! The words of the configuration documents' forms, Russian and English.

use switchboard_domain::i18n::Locale;

pub struct FormWords {
    pub add_topic: &'static str,
    pub add_topic_hint: &'static str,
    pub line: &'static str,
    pub code: &'static str,
    pub code_hint: &'static str,
    pub name_ru: &'static str,
    pub name_en: &'static str,
    pub skill: &'static str,
    pub skill_hint: &'static str,
    pub sla: &'static str,
    pub sla_standard: &'static str,
    pub sla_complex: &'static str,
    pub order_expected: &'static str,
    pub urgent_allowed: &'static str,
    pub problems: &'static str,
    pub problems_hint: &'static str,
    pub add_holiday: &'static str,
    pub add_holiday_hint: &'static str,
    pub holiday_set: &'static str,
    pub date: &'static str,
    pub add: &'static str,
    pub added: &'static str,
}

const RU: FormWords = FormWords {
    add_topic: "Добавить тему",
    add_topic_hint: "Тема встанет последней в своей линии; её проверят так же, как правку текста, и она сразу появится в форме и в чате.",
    line: "Линия",
    code: "Код темы",
    code_hint: "Латиница в нижнем регистре, цифры, «_» и «-»; новый в этой линии.",
    name_ru: "Название по-русски",
    name_en: "Название по-английски",
    skill: "Навык",
    skill_hint: "Обращения по теме возьмут операторы с этим навыком; пусто — код линии.",
    sla: "Срок ответа",
    sla_standard: "Обычный: ответ в течение суток",
    sla_complex: "Сложный: 3 рабочих дня",
    order_expected: "Вопрос о заказе или брони: форма попросит выбрать заказ",
    urgent_allowed: "Клиент может отметить обращение срочным",
    problems: "Проблемы",
    problems_hint: "По одной в строке: код | название по-русски | название по-английски.",
    add_holiday: "Добавить праздник",
    add_holiday_hint: "Нерабочий день для всех календарей, которые следуют этому набору праздников.",
    holiday_set: "Набор праздников",
    date: "Дата",
    add: "Добавить",
    added: "Сохранено как версия",
};

const EN: FormWords = FormWords {
    add_topic: "Add a topic",
    add_topic_hint: "The topic goes last in its line; it is checked like a text edit and shows in the form and the chat at once.",
    line: "Line",
    code: "Topic code",
    code_hint: "Lowercase Latin letters, digits, “_” and “-”; new in this line.",
    name_ru: "Name in Russian",
    name_en: "Name in English",
    skill: "Skill",
    skill_hint: "Operators with this skill take the topic's requests; empty: the line's code.",
    sla: "Reply deadline",
    sla_standard: "Standard: a reply within a day",
    sla_complex: "Complex: 3 business days",
    order_expected: "About an order or booking: the form asks to pick one",
    urgent_allowed: "The customer may mark the request urgent",
    problems: "Problems",
    problems_hint: "One a line: code | name in Russian | name in English.",
    add_holiday: "Add a holiday",
    add_holiday_hint: "A day off for every calendar that follows this holiday set.",
    holiday_set: "Holiday set",
    date: "Date",
    add: "Add",
    added: "Saved as version",
};

pub fn form_words(locale: Locale) -> &'static FormWords {
    match locale {
        Locale::Ru => &RU,
        Locale::En => &EN,
    }
}
