//! Identifiers and small value types that can only hold valid values.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a value was refused; the message is safe to show to the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

fn invalid(msg: impl Into<String>) -> InvalidValue {
    InvalidValue(msg.into())
}

macro_rules! string_newtype_serde {
    ($t:ident) => {
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                $t::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $t {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $t::parse(s)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

/// The account id the host site vouches for (`buyer-1001`, `7700123`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomerId(String);

impl CustomerId {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'@')
            });
        if ok {
            Ok(CustomerId(raw.to_owned()))
        } else {
            Err(invalid(
                "an account id is 1–64 characters: Latin letters, digits, '-', '_', '.', ':' or '@'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_newtype_serde!(CustomerId);

/// An order or booking number in the order system (`MP-20260001`, `4410023`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrderNumber(String);

impl OrderNumber {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let raw = raw.trim();
        let ok = !raw.is_empty()
            && raw.len() <= 32
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && raw.bytes().any(|b| b.is_ascii_digit());
        if ok {
            Ok(OrderNumber(raw.to_ascii_uppercase()))
        } else {
            Err(invalid(
                "an order number is up to 32 Latin letters, digits and dashes, with at least one digit",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_newtype_serde!(OrderNumber);

/// An e-mail address, checked for shape (local@domain.tld), lower-cased domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let raw = raw.trim();
        let err = || invalid("not an e-mail address (expected name@example.com)");
        let (local, domain) = raw.rsplit_once('@').ok_or_else(err)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains(char::is_whitespace)
            && !local.contains('@');
        let domain_ok = domain.len() <= 253
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if local_ok && domain_ok {
            Ok(EmailAddress(format!(
                "{local}@{}",
                domain.to_ascii_lowercase()
            )))
        } else {
            Err(err())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_newtype_serde!(EmailAddress);

/// A phone number in E.164 form (`+79161234567`); spaces, dashes and brackets are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let cleaned: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
            .collect();
        let digits = cleaned.strip_prefix('+').unwrap_or("");
        if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(PhoneNumber(cleaned))
        } else {
            Err(invalid(
                "a phone number is '+' and 8–15 digits, e.g. +79161234567",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_newtype_serde!(PhoneNumber);

/// An operator's login name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Login(String);

impl Login {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let raw = raw.trim();
        let ok = (2..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@'));
        if ok {
            Ok(Login(raw.to_ascii_lowercase()))
        } else {
            Err(invalid(
                "a login is 2–64 Latin letters, digits, '-', '_', '.' or '@'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_newtype_serde!(Login);

/// Database id of a ticket. Internal: customers and operators see [`TicketNumber`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketId(pub i64);

/// Database id of an operator (any staff role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OperatorId(pub i64);

impl fmt::Display for OperatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Database id of a contact: someone known only by an address on a channel
/// (an e-mail sender, a Telegram or VK user, a caller) until linked to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContactId(pub i64);

/// The number a customer quotes: `SB-000123`. It is derived from the ticket id,
/// so it is unique and never reused; `123` and `sb-123` are accepted on input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketNumber(i64);

impl TicketNumber {
    pub const PREFIX: &'static str = "SB-";
    /// What `parse` takes, as the API document states it (a regular
    /// expression): `SB-000123` or `123`, any case, up to 15 digits, blanks
    /// around. Zero has the shape but is no ticket.
    pub const PATTERN: &'static str = r"^\s*([Ss][Bb]-)?[0-9]{1,15}\s*$";

    pub fn from_id(id: TicketId) -> Self {
        TicketNumber(id.0)
    }

    pub fn id(self) -> TicketId {
        TicketId(self.0)
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let raw = raw.trim();
        // `get` rather than slicing: outside input may put a multi-byte
        // character across byte 3, where a slice would panic.
        let digits = match (raw.get(..3), raw.get(3..)) {
            (Some(head), Some(rest)) if head.eq_ignore_ascii_case(Self::PREFIX) => rest,
            _ => raw,
        };
        let err = || invalid("a ticket number looks like SB-000123");
        if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        match digits.parse::<i64>() {
            Ok(n) if n > 0 => Ok(TicketNumber(n)),
            _ => Err(err()),
        }
    }

    /// The first ticket number written in free text (a mail subject such as
    /// `Re: [SB-000123] Заказ`): the prefix is required here, so an order
    /// number or a date is never taken for one.
    pub fn find_in(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        // ASCII upper-casing keeps every byte where it was.
        let upper = text.to_ascii_uppercase();
        let mut from = 0;
        while let Some(at) = upper[from..].find(Self::PREFIX) {
            let start = from + at;
            let digits_at = start + Self::PREFIX.len();
            let end = digits_at
                + bytes[digits_at..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
            let word_start = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            let word_end = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
            if end > digits_at
                && word_start
                && word_end
                && let Ok(n) = Self::parse(&text[digits_at..end])
            {
                return Some(n);
            }
            from = digits_at;
        }
        None
    }

    fn render(self) -> String {
        format!("{}{:06}", Self::PREFIX, self.0)
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl FromStr for TicketNumber {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TicketNumber::parse(s)
    }
}

impl Serialize for TicketNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.render())
    }
}

impl<'de> Deserialize<'de> for TicketNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        TicketNumber::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The content address of a stored file: the SHA-256 of its bytes, lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash(String);

impl ContentHash {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        if raw.len() == 64 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(ContentHash(raw.to_owned()))
        } else {
            Err(invalid("an attachment id is 64 lower-case hex digits"))
        }
    }

    pub fn of(bytes: &[u8]) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(bytes);
        let mut hex = String::with_capacity(64);
        for b in digest {
            hex.push_str(&format!("{b:02x}"));
        }
        ContentHash(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_newtype_serde!(ContentHash);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_number_is_found_in_a_subject_only_with_its_prefix() {
        let find = |s: &str| TicketNumber::find_in(s).map(|n| n.to_string());
        assert_eq!(find("Re: [SB-000123] Заказ").as_deref(), Some("SB-000123"));
        assert_eq!(find("RE: обращение sb-77").as_deref(), Some("SB-000077"));
        assert_eq!(find("Заказ 123456 от 01.02"), None);
        assert_eq!(find("USB-123 не работает"), None);
        assert_eq!(find("SB-12x"), None);
        assert_eq!(find("SB-0 и SB-5").as_deref(), Some("SB-000005"));
        assert_eq!(find("Вопрос SB-"), None);
    }

    #[test]
    fn ticket_numbers_round_trip_and_reject_junk() {
        let n = TicketNumber::parse("SB-000042").unwrap();
        assert_eq!(n.to_string(), "SB-000042");
        assert_eq!(TicketNumber::parse("42").unwrap(), n);
        assert_eq!(TicketNumber::parse("sb-42").unwrap(), n);
        assert_eq!(
            TicketNumber::parse("SB-1234567").unwrap().to_string(),
            "SB-1234567"
        );
        for bad in [
            "",
            "SB-",
            "SB-0",
            "-5",
            "SB-12a",
            "12 3",
            "99999999999999999999",
            "SБ-1",
            "ЖЖ",
            "S\u{0301}B-12",
            "SB\u{00a0}12",
            "１２",
            "\u{0000}",
        ] {
            assert!(TicketNumber::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn emails_and_phones_are_checked() {
        assert_eq!(
            EmailAddress::parse(" Anna@Example.RU ").unwrap().as_str(),
            "Anna@example.ru"
        );
        for bad in [
            "anna", "anna@", "@x.ru", "a b@x.ru", "a@x", "a@.ru", "a@x.ru.",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            PhoneNumber::parse("+7 (916) 123-45-67").unwrap().as_str(),
            "+79161234567"
        );
        assert!(PhoneNumber::parse("89161234567").is_err());
        assert!(PhoneNumber::parse("+7916abc").is_err());
    }

    #[test]
    fn order_numbers_are_normalised() {
        assert_eq!(OrderNumber::parse(" mp-1001 ").unwrap().as_str(), "MP-1001");
        assert!(OrderNumber::parse("ORDER").is_err());
        assert!(OrderNumber::parse("12 34").is_err());
        assert!(OrderNumber::parse(&"1".repeat(33)).is_err());
    }

    #[test]
    fn content_hash_is_sha256_hex() {
        let h = ContentHash::of(b"abc");
        assert_eq!(
            h.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(ContentHash::parse(h.as_str()).is_ok());
        assert!(ContentHash::parse("../etc/passwd").is_err());
    }
}
