//! A configuration value that must not end up in logs.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// A password or token. `Debug` and `Display` print `<redacted>`; the value is only
/// reachable through [`Secret::expose`], so every use is greppable.
///
/// `Serialize` writes the real value on purpose: the server layers its config as
/// defaults → file → environment by serialising the defaults, and a redacted
/// placeholder would be read back as the secret. Never serialise a loaded config
/// for display; print its `Debug` instead.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

// Hand-written only for the error message: environment layers (figment) parse
// `SWITCHBOARD__SMTP__PASSWORD=007123` as the number 7123, and silently accepting
// it would turn into a wrong password, so refuse and say how to quote it.
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecretVisitor;

        impl Visitor<'_> for SecretVisitor {
            type Value = Secret;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string (quote secrets that look like numbers, e.g. '\"007123\"')")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Secret, E> {
                Ok(Secret(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Secret, E> {
                Ok(Secret(v))
            }
        }

        deserializer.deserialize_string(SecretVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(s.to_string(), "<redacted>");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn deserializes_from_a_string_and_round_trips() {
        let s: Secret = serde_json::from_str("\"p@ss\"").unwrap();
        assert_eq!(s.expose(), "p@ss");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"p@ss\"");
    }

    #[test]
    fn refuses_a_number_instead_of_guessing_its_spelling() {
        let err = serde_json::from_str::<Secret>("7123").unwrap_err();
        assert!(err.to_string().contains("quote"), "{err}");
    }
}
