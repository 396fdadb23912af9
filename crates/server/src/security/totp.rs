//! The TOTP second factor (RFC 6238) as every authenticator app computes
//! it: HMAC-SHA-1, 6 digits, 30-second steps, one step of clock skew either
//! way (`totp-rs`). A code is good once: the store keeps the last step
//! accepted. Recovery codes are ten random one-time codes, shown once and
//! kept as SHA-256 hashes (they carry 50 random bits each, so a fast hash
//! is enough; the lockout bounds guessing).

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
pub const DIGITS: u8 = 6;
pub const PERIOD_SECS: u64 = 30;
pub const RECOVERY_CODES: usize = 10;

fn random<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut raw = [0u8; N];
    getrandom::fill(&mut raw).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(raw)
}

pub fn new_secret() -> anyhow::Result<Vec<u8>> {
    Ok(random::<SECRET_BYTES>()?.to_vec())
}

fn totp(secret: &[u8]) -> anyhow::Result<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(1)
        .with_step_duration(PERIOD_SECS)
        .with_secret(secret.to_vec())
        .build()
        .map_err(|e| anyhow::anyhow!("TOTP secret: {e}"))
}

/// The secret as authenticator apps take it (base32, no padding).
pub fn base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec())
        .to_base32()
        .trim_end_matches('=')
        .to_owned()
}

/// The `otpauth://` URI an authenticator app scans (from a QR code).
pub fn otpauth_uri(issuer: &str, login: &str, secret: &[u8]) -> String {
    let issuer = percent(issuer);
    format!(
        "otpauth://totp/{issuer}:{}?secret={}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={PERIOD_SECS}",
        percent(login),
        base32(secret)
    )
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether `code` is shaped like a TOTP code (six digits, spaces allowed).
pub fn is_totp_code(code: &str) -> bool {
    let digits: Vec<char> = code.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == usize::from(DIGITS) && digits.iter().all(|c| c.is_ascii_digit())
}

/// The time step `code` belongs to at `now`, if it is right.
pub fn matching_step(secret: &[u8], code: &str, now: Timestamp) -> anyhow::Result<Option<i64>> {
    if !is_totp_code(code) {
        return Ok(None);
    }
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let Ok(time) = u64::try_from(now.as_second()) else {
        return Ok(None);
    };
    Ok(totp(secret)?
        .check(&code, time)
        .and_then(|step| i64::try_from(step).ok()))
}

/// Ten new recovery codes, `xxxxx-xxxxx` in lower-case base32.
pub fn new_recovery_codes() -> anyhow::Result<Vec<String>> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw = random::<10>()?;
            let text = Secret::from(raw.to_vec()).to_base32().to_lowercase();
            Ok(format!("{}-{}", &text[..5], &text[5..10]))
        })
        .collect()
}

/// The hash a recovery code is kept as; case, spaces and dashes do not matter.
pub fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 vectors (8 digits there; the last six
    /// digits are what a 6-digit code shows).
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code8) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            let now = Timestamp::from_second(time).unwrap();
            let code = &code8[2..];
            let step = matching_step(secret, code, now).unwrap();
            assert_eq!(step, Some(time / 30), "at {time}");
            let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
            assert_eq!(matching_step(secret, &wrong, now).unwrap(), None);
        }
        // One step of skew either way, no more.
        let now = Timestamp::from_second(59 + 30).unwrap();
        assert_eq!(matching_step(secret, "287082", now).unwrap(), Some(1));
        let now = Timestamp::from_second(59 + 60).unwrap();
        assert_eq!(matching_step(secret, "287082", now).unwrap(), None);
    }

    #[test]
    fn the_uri_carries_the_base32_secret_and_escapes_names() {
        let uri = otpauth_uri("Switchboard Bank", "bank-op@x", b"12345678901234567890");
        assert_eq!(
            uri,
            "otpauth://totp/Switchboard%20Bank:bank-op%40x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Switchboard%20Bank&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_whatever_the_spelling() {
        let codes = new_recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 11);
        assert_eq!(
            recovery_hash(code),
            recovery_hash(&format!(" {} ", code.to_uppercase().replace('-', " ")))
        );
        assert!(!is_totp_code(code));
        assert!(is_totp_code("123 456"));
        assert!(!is_totp_code("12345"));
        assert!(
            !is_totp_code("١٢٣٤٥٦"),
            "Arabic-Indic digits are not ASCII digits"
        );
    }
}
