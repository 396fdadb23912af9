//! The second factor's outside input (issue 16): whatever a sign-in sends as
//! its `code` — raw bytes, near-miss TOTP codes, recovery codes typed any
//! way — is checked without a panic, at any time the clock may read; only a
//! six-digit code can ever match, and a recovery code's hash ignores case,
//! spaces and dashes. Bounded property tests in the normal test run.

use jiff::Timestamp;
use proptest::prelude::*;
use switchboard_server::security::totp;

// Only the authenticator's arithmetic is used here, not its sign-in.
#[allow(dead_code)]
#[path = "common/authenticator.rs"]
mod authenticator;

const SECRET: &[u8] = b"12345678901234567890";
/// `SECRET` as an authenticator app is given it (RFC 4648 base32).
const SECRET_BASE32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap()
}

/// Any instant jiff can hold, before 1970 included.
fn any_time() -> impl Strategy<Value = i64> {
    -377_705_116_800i64..=253_402_207_200
}

fn near_code() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,8}",
        "[0-9 \t\u{a0}\u{2007}]{0,12}",
        "[0-9٠-٩０-９]{6}",
        "\\PC{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn codes_from_raw_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40), secs in any_time()) {
        let raw = String::from_utf8_lossy(&bytes);
        let step = totp::matching_step(SECRET, &raw, at(secs)).unwrap();
        prop_assert!(step.is_none() || totp::is_totp_code(&raw));
        prop_assert_eq!(totp::recovery_hash(&raw).len(), 64);
    }

    #[test]
    fn near_miss_codes_match_only_when_six_ascii_digits(raw in near_code(), secs in any_time()) {
        if totp::matching_step(SECRET, &raw, at(secs)).unwrap().is_some() {
            let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
            prop_assert!(digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()), "{raw:?}");
        }
    }

    #[test]
    fn the_current_code_matches_at_any_time_after_1970(secs in 0i64..=253_402_207_200) {
        // The app's code, computed independently of the server's TOTP crate.
        let code = authenticator::app_code(SECRET_BASE32, secs);
        let step = totp::matching_step(SECRET, &code, at(secs)).unwrap();
        // This step's, or (a one-in-a-million collision) a neighbour's whose code is the same.
        let step = step.expect("the current code matches");
        prop_assert!((step - secs / 30).abs() <= 1);
        prop_assert_eq!(authenticator::app_code(SECRET_BASE32, step * 30), code);
    }

    #[test]
    fn recovery_codes_match_however_they_are_typed(code in "[a-z2-7]{5}-[a-z2-7]{5}", upper in any::<bool>(), spaced in any::<bool>()) {
        let mut typed = if upper { code.to_uppercase() } else { code.clone() };
        if spaced {
            typed = format!("  {} ", typed.replace('-', " "));
        }
        prop_assert_eq!(totp::recovery_hash(&typed), totp::recovery_hash(&code));
    }
}
