//! User-facing texts: Russian first, English alongside.

/// A text in both languages the platform speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bilingual {
    pub ru: &'static str,
    pub en: &'static str,
}

/// A reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Bilingual {
    pub const fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ru => self.ru,
            Lang::En => self.en,
        }
    }
}

/// Shown to a customer whose message carried card data, codes or passwords.
pub const SENSITIVE_DATA_WARNING: Bilingual = Bilingual {
    ru: "Мы скрыли в вашем сообщении данные карты, коды или пароли. Сотрудники \
         поддержки никогда не просят номер карты целиком, CVV/CVC, коды из СМС, \
         логины и пароли — никому их не сообщайте. Если вы уже передали их кому-то, \
         заблокируйте карту и смените пароль.",
    en: "We have hidden card data, codes or passwords in your message. Support \
         staff never ask for a full card number, CVV/CVC, SMS codes, logins or \
         passwords — do not share them with anyone. If you have already given them \
         to someone, block the card and change your password.",
};

/// Shown to an operator whose message asking for such data was not sent.
pub const OPERATOR_REQUEST_BLOCKED: Bilingual = Bilingual {
    ru: "Сообщение не отправлено: сотрудники поддержки не запрашивают коды из СМС, \
         CVV/CVC, полный номер или фото карты, PIN-код, логины и пароли. Клиент \
         уже идентифицирован — его профиль и заказы открыты в карточке обращения. \
         Если нужно подтверждение операции, попросите клиента ввести код в \
         приложении, а не в чате.",
    en: "Message not sent: support staff do not ask for SMS codes, CVV/CVC, a full \
         card number or a photo of the card, a PIN, logins or passwords. The \
         customer is already identified — their profile and orders are in the \
         conversation panel. If an operation needs confirmation, ask the customer \
         to enter the code in the app, not in the chat.",
};

/// The answer to a question about the company's trade secrets.
pub const SCOPE_TRADE_SECRET: Bilingual = Bilingual {
    ru: "К сожалению, мы не можем раскрывать внутреннюю и коммерческую информацию \
         компании, а также данные других клиентов и продавцов. Официальные сведения \
         о компании публикуются в разделе для прессы и инвесторов. Если у вас \
         вопрос о вашем заказе, счёте или бронировании — мы с радостью поможем.",
    en: "Unfortunately, we cannot disclose the company's internal or commercial \
         information, nor data about other customers and sellers. Official company \
         information is published in the press and investor sections. If your \
         question is about your own order, account or booking, we are glad to help.",
};

/// The answer to a report of fraud or theft.
pub const SCOPE_FRAUD: Bilingual = Bilingual {
    ru: "Нам очень жаль, что так случилось. Расследованием мошенничества и краж \
         занимается полиция: подайте заявление в ближайшее отделение или на сайте \
         МВД, приложив выписку и переписку с мошенниками. Мы можем прямо сейчас \
         заблокировать вашу карту или аккаунт, чтобы остановить новые списания, — \
         ответьте «Заблокировать». Обращение отмечено как срочное.",
    en: "We are very sorry this happened. Fraud and theft are investigated by the \
         police: file a report at the nearest police station or online, attaching \
         your statement and any messages from the fraudsters. We can block your \
         card or account right now to stop further charges — reply \"Block\". \
         This conversation has been marked urgent.",
};

/// The answer to a personal legal or financial dispute outside the platform.
pub const SCOPE_EXTERNAL_DISPUTE: Bilingual = Bilingual {
    ru: "К сожалению, мы не можем помочь в личных юридических и финансовых спорах, \
         не связанных с нашими сервисами. Обратитесь к юристу, в бесплатную \
         юридическую консультацию или в суд. Если спор касается заказа, платежа \
         или бронирования у нас — опишите его, и мы разберёмся.",
    en: "Unfortunately, we cannot help with personal legal or financial disputes \
         that do not involve our services. Please contact a lawyer, a free legal \
         aid service or the court. If the dispute concerns an order, payment or \
         booking with us, describe it and we will look into it.",
};
