//! Password rules for staff accounts, after NIST SP 800-63B: a minimum
//! length, no composition rules, and a refusal of passwords that are easy to
//! guess (a common password, the login itself, one repeated character or a
//! plain run such as `1234567890`). A maximum length keeps argon2's work
//! bounded for a request anyone can send.

use crate::i18n::Text;

/// Longest password accepted, in characters.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Passwords attackers try first (lower-cased); a password made of one of
/// these with digits or punctuation around it is refused too.
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "qwerty",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "letmein",
    "welcome",
    "admin",
    "administrator",
    "iloveyou",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "master",
    "superman",
    "trustno1",
    "changeme",
    "secret",
    "support",
    "operator",
    "switchboard",
    "пароль",
    "йцукен",
    "йцукенгшщз",
    "qazwsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "zaq12wsx",
    "abc123",
    "abcdef",
    "default",
    "summer",
    "winter",
    "spring",
    "autumn",
];

/// Why a password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("the password must be at least {0} characters")]
    TooShort(usize),
    #[error("the password must be at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("the password must not contain the login")]
    ContainsLogin,
    #[error("the password is too easy to guess")]
    Guessable,
}

impl PasswordProblem {
    /// A stable code for API answers.
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::TooShort(_) => "password_too_short",
            PasswordProblem::TooLong => "password_too_long",
            PasswordProblem::ContainsLogin => "password_contains_login",
            PasswordProblem::Guessable => "password_guessable",
        }
    }

    /// What to tell the person choosing it.
    pub fn message(self) -> Text {
        match self {
            PasswordProblem::TooShort(n) => Text::new(
                format!("Пароль должен быть не короче {n} символов"),
                self.to_string(),
            ),
            PasswordProblem::TooLong => Text::new(
                format!("Пароль должен быть не длиннее {MAX_PASSWORD_CHARS} символов"),
                self.to_string(),
            ),
            PasswordProblem::ContainsLogin => {
                Text::new("Пароль не должен содержать логин", self.to_string())
            }
            PasswordProblem::Guessable => Text::new(
                "Пароль слишком простой: его легко подобрать",
                self.to_string(),
            ),
        }
    }
}

/// The rules in force (from configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_chars: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy { min_chars: 12 }
    }
}

impl PasswordPolicy {
    /// Checks a new password for the account `login`.
    pub fn check(&self, password: &str, login: &str) -> Result<(), PasswordProblem> {
        let chars = password.chars().count();
        if chars < self.min_chars {
            return Err(PasswordProblem::TooShort(self.min_chars));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(PasswordProblem::TooLong);
        }
        let lower = password.to_lowercase();
        let login = login.trim().to_lowercase();
        if login.chars().count() >= 3 && lower.contains(&login) {
            return Err(PasswordProblem::ContainsLogin);
        }
        if guessable(&lower) {
            return Err(PasswordProblem::Guessable);
        }
        Ok(())
    }
}

fn guessable(lower: &str) -> bool {
    let core: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    if !core.is_empty() && COMMON.contains(&core.as_str()) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    let distinct = {
        let mut seen = chars.clone();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    if distinct <= 2 {
        return true;
    }
    // A run that only climbs or falls by one (`1234567890ab`, `abcdefghijkl`).
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| i64::from(u32::from(w[1])) - i64::from(u32::from(w[0])))
        .collect();
    let monotone = steps.iter().filter(|&&s| s == 1 || s == -1).count();
    monotone * 4 >= steps.len() * 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(p: &str) -> Result<(), PasswordProblem> {
        PasswordPolicy::default().check(p, "bank-op")
    }

    #[test]
    fn a_long_unusual_passphrase_is_accepted() {
        assert_eq!(check("тёплый чайник на окне"), Ok(()));
        assert_eq!(check("correct horse battery"), Ok(()));
    }

    #[test]
    fn short_long_and_guessable_passwords_are_refused_with_the_reason() {
        assert_eq!(check("short-1"), Err(PasswordProblem::TooShort(12)));
        assert_eq!(
            check(&"x".repeat(MAX_PASSWORD_CHARS + 1)),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(
            check("my-BANK-OP-password-2026"),
            Err(PasswordProblem::ContainsLogin)
        );
        assert_eq!(check("Password123!!"), Err(PasswordProblem::Guessable));
        assert_eq!(check("1234567890ab"), Err(PasswordProblem::Guessable));
        assert_eq!(check("aaaaaaaaaaaaaaaa"), Err(PasswordProblem::Guessable));
        assert_eq!(check("abababababababab"), Err(PasswordProblem::Guessable));
        assert_eq!(check("Пароль!2026-2027"), Err(PasswordProblem::Guessable));
    }

    #[test]
    fn the_minimum_length_is_configurable() {
        let policy = PasswordPolicy { min_chars: 20 };
        assert_eq!(
            policy.check("correct horse battery", "x"),
            Ok(()),
            "21 characters"
        );
        assert_eq!(
            policy.check("correct horse", "x"),
            Err(PasswordProblem::TooShort(20))
        );
    }
}
