//! Texts shown to customers and operators: Russian first, English available.

use serde::{Deserialize, Serialize};

/// A language a customer or operator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Ru,
    En,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Ru => "ru",
            Locale::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ru" | "ru-ru" => Some(Locale::Ru),
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            _ => None,
        }
    }
}

/// A name in both languages. Russian is mandatory; English falls back to Russian.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub ru: String,
    #[serde(default)]
    pub en: String,
}

impl Text {
    pub fn new(ru: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            ru: ru.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::En if !self.en.is_empty() => &self.en,
            _ => &self.ru,
        }
    }
}
