//! The one-time code a signed-in customer sends to a messenger bot to link
//! that messenger account to their own (issue 10): eight characters from an
//! alphabet without look-alikes (no I, L, O, 0, 1), shown as `ABCD-2345`,
//! always with a digit so that an ordinary word is never read as a code.
//! Only its SHA-256 is stored.

use sha2::{Digest, Sha256};

const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a link code is eight letters and digits, like ABCD-2345")]
pub struct LinkCodeError;

#[derive(Clone, PartialEq, Eq)]
pub struct LinkCode(String);

impl std::fmt::Debug for LinkCode {
    /// Redacted: a code is a credential until it is used.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkCode(…)")
    }
}

impl LinkCode {
    /// A code from random bits (the caller supplies the randomness);
    /// `None` when they give a code without a digit: draw again.
    pub fn from_random(mut random: u64) -> Option<LinkCode> {
        let base = ALPHABET.len() as u64;
        let code: String = (0..LEN)
            .map(|_| {
                let c = ALPHABET[(random % base) as usize] as char;
                random /= base;
                c
            })
            .collect();
        code.bytes()
            .any(|b| b.is_ascii_digit())
            .then_some(LinkCode(code))
    }

    /// Reads a code as a person types it: any case, with or without the
    /// dash, spaces around.
    pub fn parse(text: &str) -> Result<LinkCode, LinkCodeError> {
        let text = text.trim();
        let joined: String = match text.split_once('-') {
            Some((a, b)) if a.len() == LEN / 2 && b.len() == LEN / 2 => format!("{a}{b}"),
            Some(_) => return Err(LinkCodeError),
            None => text.to_owned(),
        };
        let upper = joined.to_ascii_uppercase();
        let valid = upper.len() == LEN
            && upper.bytes().all(|b| ALPHABET.contains(&b))
            && upper.bytes().any(|b| b.is_ascii_digit());
        if valid {
            Ok(LinkCode(upper))
        } else {
            Err(LinkCodeError)
        }
    }

    /// The code in a message to the bot: `/start CODE` (Telegram's deep
    /// link), `/link CODE`, or the code alone.
    pub fn find_in(message: &str) -> Option<LinkCode> {
        let message = message.trim();
        let rest = ["/start", "/link"]
            .iter()
            .find_map(|cmd| message.strip_prefix(cmd))
            .map(|r| r.trim_start_matches(|c: char| c == '@' || c.is_alphanumeric() || c == '_'))
            .unwrap_or(message);
        // "/start@shop_bot CODE" names the bot first; "/start CODE" does not.
        let candidate = if rest.len() == message.len() {
            rest
        } else {
            rest.trim()
        };
        LinkCode::parse(candidate).ok()
    }

    /// As shown to the customer: `ABCD-2345`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..LEN / 2], &self.0[LEN / 2..])
    }

    /// As sent in a Telegram deep link (`?start=ABCD2345`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What is stored: the SHA-256 of the code, hex.
    pub fn hash(&self) -> String {
        Sha256::digest(self.0.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_however_it_is_typed() {
        let code = (0..100u64)
            .find_map(|r| LinkCode::from_random(r.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
            .expect("some draw has a digit");
        let shown = code.display();
        assert_eq!(shown.len(), 9);
        for typed in [
            shown.clone(),
            shown.to_lowercase(),
            code.as_str().to_owned(),
            format!("  {shown} "),
            format!("/start {}", code.as_str()),
            format!("/link {shown}"),
            format!("/start@shop_help_bot {}", code.as_str()),
        ] {
            assert_eq!(LinkCode::find_in(&typed), Some(code.clone()), "{typed:?}");
        }
        assert_eq!(LinkCode::parse(&shown).unwrap().hash(), code.hash());
        assert_eq!(code.hash().len(), 64);
        assert_eq!(format!("{code:?}"), "LinkCode(…)");
    }

    #[test]
    fn words_and_other_codes_are_not_link_codes() {
        for text in [
            "",
            "/start",
            "спасибо!",
            "THANKYOU",
            "ABCDEFGH",
            "123456",
            "ABCD-23456",
            "ABC-D2345",
            "ABCD 2345",
            "ABCD-234I",
            "привет ABCD-2345 тут",
            "/startABCD2345X",
        ] {
            assert_eq!(LinkCode::find_in(text), None, "{text:?}");
        }
    }

    #[test]
    fn drawn_codes_always_have_a_digit_and_use_the_alphabet() {
        let mut seen = 0;
        for r in 0..2000u64 {
            if let Some(c) =
                LinkCode::from_random(r.wrapping_mul(6364136223846793005).rotate_left(17))
            {
                seen += 1;
                assert!(LinkCode::parse(c.as_str()).is_ok(), "{}", c.as_str());
            }
        }
        assert!(seen > 1500, "most draws give a code: {seen}");
    }
}
