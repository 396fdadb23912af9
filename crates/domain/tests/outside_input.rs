//! Every parser of outside input, fed raw bytes (and near-misses of valid
//! values): none panics, and what they accept is well-formed. Bounded
//! property tests, part of the normal test run (issue 16).

use jiff::Timestamp;
use proptest::prelude::*;
use switchboard_domain::attachment::{AttachmentPolicy, check_file, clean_file_name};
use switchboard_domain::control;
use switchboard_domain::identity::IdentitySigner;
use switchboard_domain::ids::{
    ContentHash, CustomerId, EmailAddress, Login, OrderNumber, PhoneNumber, TicketNumber,
};

/// Bytes as a server would receive them in a header, a path or a frame.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Strings near valid ticket numbers and ids: prefixes, digits and the
/// characters that broke byte slicing (multi-byte letters, combining marks).
fn near_miss() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("SB-".to_owned()),
            Just("sb".to_owned()),
            Just("Б".to_owned()),
            Just("\u{301}".to_owned()),
            Just("\u{0}".to_owned()),
            Just("🙂".to_owned()),
            Just(".".to_owned()),
            Just("-".to_owned()),
            "[0-9]{1,20}",
            "\\PC{0,3}",
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn check_ids(raw: &str) {
    if let Ok(n) = TicketNumber::parse(raw) {
        assert_eq!(TicketNumber::parse(&n.to_string()), Ok(n));
    }
    if let Ok(id) = CustomerId::parse(raw) {
        assert!(id.as_str().is_ascii());
    }
    let _ = OrderNumber::parse(raw);
    let _ = EmailAddress::parse(raw);
    let _ = PhoneNumber::parse(raw);
    let _ = Login::parse(raw);
    let _ = ContentHash::parse(raw);
    let cleaned = clean_file_name(raw);
    assert!(!cleaned.is_empty() && !control::refuses(&cleaned));
    assert!(!cleaned.contains('/') && !cleaned.contains('\\'));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn identifiers_from_raw_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        check_ids(&text(&bytes));
    }

    #[test]
    fn identifiers_near_valid_ones_never_panic(raw in near_miss()) {
        check_ids(&raw);
    }

    #[test]
    fn identity_tokens_from_raw_bytes_are_refused_without_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..120),
        now in any::<i32>(),
    ) {
        let signer = IdentitySigner::new(b"property-test-secret", 86_400);
        let now = Timestamp::from_second(i64::from(now)).unwrap_or(Timestamp::UNIX_EPOCH);
        prop_assert!(signer.verify(&text(&bytes), now).is_err());
    }

    #[test]
    fn tampered_identity_tokens_are_refused(
        id in "[a-z0-9-]{1,20}",
        at in 0usize..200,
        with in any::<char>(),
    ) {
        let signer = IdentitySigner::new(b"property-test-secret", 86_400);
        let now = Timestamp::from_second(1_000_000).unwrap();
        let customer = CustomerId::parse(&id).unwrap();
        let token = signer.sign(&customer, Timestamp::from_second(1_003_600).unwrap());
        let mut chars: Vec<char> = token.chars().collect();
        let at = at % chars.len();
        if chars[at] != with {
            chars[at] = with;
            let tampered: String = chars.into_iter().collect();
            prop_assert!(signer.verify(&tampered, now).is_err(), "{tampered:?} accepted");
        }
    }

    #[test]
    fn uploaded_files_are_sniffed_without_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        name in "\\PC{0,40}",
        magic in prop_oneof![
            Just(&b""[..]),
            Just(&b"\x89PNG\r\n\x1a\n"[..]),
            Just(&b"%PDF-"[..]),
            Just(&b"\xff\xd8\xff"[..]),
            Just(&b"MZ"[..]),
            Just(&b"GIF89a"[..]),
            Just(&b"<svg"[..]),
        ],
    ) {
        let mut file = magic.to_vec();
        file.extend_from_slice(&bytes);
        let policy = AttachmentPolicy::default();
        if let Ok(checked) = check_file(&policy, &name, &file) {
            prop_assert_eq!(checked.size, file.len());
            prop_assert!(!checked.file_name.is_empty());
        }
    }

    /// The pattern the API document gives for a ticket number describes
    /// what `parse` takes: every string of that shape parses unless it is zero.
    #[test]
    fn ticket_numbers_of_the_documented_shape_parse(
        raw in proptest::string::string_regex(
            TicketNumber::PATTERN.trim_start_matches('^').trim_end_matches('$'),
        ).unwrap()
    ) {
        let zero = !raw.bytes().any(|b| (b'1'..=b'9').contains(&b));
        prop_assert_eq!(TicketNumber::parse(&raw).is_ok(), !zero, "{:?}", raw);
    }
}
