//! Mail is outside input (issue 16): raw bytes and near-valid messages —
//! headers with stray bytes, unknown or lying charsets, broken encodings,
//! multiparts cut anywhere — go through parsing, loop judgement and the
//! inbound contract without a panic, and what comes out is something the
//! core can store: a bounded text, not blank unless files came with it. Bounded: a few hundred cases
//! per property, run by the normal test command.

use proptest::prelude::*;
use switchboard_channels::{EmailConfig, Intake, ParsedMail, classify, demo_mailboxes};
use switchboard_domain::attachment::AttachmentPolicy;
use switchboard_domain::bot::MAX_MESSAGE_CHARS;

fn intake() -> Intake {
    Intake::new(EmailConfig::default(), AttachmentPolicy::default())
}

/// Whatever parses becomes an inbound message the core can store.
fn through_the_intake(raw: &[u8]) {
    let Ok(mail) = ParsedMail::parse(raw) else {
        return;
    };
    let intake = intake();
    let _ = classify(&mail, &intake.config().own_addresses());
    let mailbox = &demo_mailboxes()[0];
    let inbound = intake.inbound(mailbox, mail);
    let chars = inbound.text.chars().count();
    assert!(chars <= MAX_MESSAGE_CHARS, "{chars} characters");
    assert!(
        !inbound.text.trim().is_empty() || !inbound.files.is_empty(),
        "neither text nor files"
    );
}

/// A header value: plain, encoded words (valid and broken), or stray bytes.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "[ -~]{0,60}".prop_map(String::into_bytes),
        "[а-яА-Я ёЁ0-9]{0,30}".prop_map(String::into_bytes),
        (
            "(utf-8|koi8-r|windows-1251|x-unknown|utf-7|)",
            "[QqBb]",
            "[A-Za-z0-9=+/_?]{0,40}"
        )
            .prop_map(|(cs, enc, body)| format!("=?{cs}?{enc}?{body}?=").into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ]
}

fn header() -> impl Strategy<Value = Vec<u8>> {
    let name = prop_oneof![
        Just("From"),
        Just("To"),
        Just("Subject"),
        Just("Message-ID"),
        Just("In-Reply-To"),
        Just("References"),
        Just("Auto-Submitted"),
        Just("Precedence"),
        Just("Return-Path"),
        Just("Content-Type"),
        Just("Content-Transfer-Encoding"),
        Just("X-Autoreply"),
    ];
    (name, header_value()).prop_map(|(n, v)| {
        let mut line = format!("{n}: ").into_bytes();
        line.extend(v);
        line.extend(b"\r\n");
        line
    })
}

/// A body part with a charset and a transfer encoding, either of which may lie.
fn part() -> impl Strategy<Value = Vec<u8>> {
    (
        "(text/plain|text/html|application/octet-stream|image/png|message/rfc822)",
        "(utf-8|koi8-r|windows-1251|iso-8859-5|x-nonsense)",
        "(7bit|8bit|base64|quoted-printable|x-uue)",
        proptest::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(ty, cs, enc, body)| {
            let mut p = format!(
                "Content-Type: {ty}; charset={cs}; name=\"f.bin\"\r\n\
                 Content-Transfer-Encoding: {enc}\r\n\
                 Content-Disposition: attachment; filename=\"файл.txt\"\r\n\r\n"
            )
            .into_bytes();
            p.extend(body);
            p
        })
}

/// A mail built from such parts, possibly multipart, cut at any point.
fn near_mail() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec(header(), 0..8),
        "[A-Za-z0-9'()+_,./:=?-]{1,30}",
        proptest::collection::vec(part(), 0..4),
        any::<bool>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(headers, boundary, parts, multipart, cut)| {
            let mut raw = "From: Покупатель <buyer@example.com>\r\nTo: help@demo.example\r\n"
                .as_bytes()
                .to_vec();
            for h in headers {
                raw.extend(h);
            }
            if multipart {
                raw.extend(
                    format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n")
                        .as_bytes(),
                );
                for p in parts {
                    raw.extend(format!("--{boundary}\r\n").as_bytes());
                    raw.extend(p);
                    raw.extend(b"\r\n");
                }
                raw.extend(format!("--{boundary}--\r\n").as_bytes());
            } else {
                raw.extend(b"\r\n");
                for p in parts {
                    raw.extend(p);
                }
            }
            let keep = cut.index(raw.len() + 1);
            raw.truncate(keep.max(raw.len() / 2));
            raw
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn raw_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..600)) {
        through_the_intake(&raw);
    }

    #[test]
    fn near_valid_mails_never_panic_and_give_storable_text(raw in near_mail()) {
        through_the_intake(&raw);
    }
}
