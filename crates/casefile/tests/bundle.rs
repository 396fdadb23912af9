//! A long case file: pages break, every message and file survives the round
//! trip through the archive and `pdftotext`, and the sums check.

use std::io::Read;

use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use switchboard_casefile::{Attachment, CaseFile, Entry, Fact, bundle};

fn case(messages: usize) -> CaseFile {
    let start: Timestamp = "2026-12-01T09:00:00Z".parse().unwrap();
    let receipt = Attachment {
        file_name: "../чек оплаты.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: b"%PDF-1.4 receipt".to_vec(),
    };
    let receipt_sha = hex::encode(Sha256::digest(&receipt.bytes));
    let entries = (0..messages)
        .map(|i| Entry {
            at: start + SignedDuration::from_mins(i as i64 * 7),
            author: if i % 2 == 0 {
                "Клиент / Customer"
            } else {
                "Поддержка / Support"
            }
            .into(),
            channel: "Telegram".into(),
            merged_from: (i == 3).then(|| "SB-000042".into()),
            body: format!(
                "Сообщение номер {i}. Длинный текст о посылке, которая так и не пришла, \
                 с подробностями о трек-номере, пункте выдачи и сроках доставки."
            ),
            files: if i == 0 {
                vec![receipt_sha.clone()]
            } else {
                Vec::new()
            },
        })
        .collect();
    CaseFile {
        number: "SB-000007".into(),
        subject: "Не пришла посылка".into(),
        zone: jiff::tz::TimeZone::get("Europe/Moscow").unwrap(),
        generated_at: start + SignedDuration::from_hours(30),
        facts: vec![Fact::new("Номер / Number", "SB-000007")],
        parties: vec![Fact::new(
            "Клиент / Customer",
            "Анна Смирнова (ID buyer-1001)",
        )],
        claim: None,
        entries,
        // The same file twice (sent in two messages) is stored once.
        attachments: vec![receipt.clone(), receipt],
    }
}

#[test]
fn a_long_dialogue_spans_pages_and_every_part_checks() {
    let out = bundle(&case(60)).unwrap();
    assert_eq!(out.file_name, "case-SB-000007.zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(out.bytes)).unwrap();
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        entries.push((f.name().unwrap().into_owned(), data));
    }
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(names[0], "SB-000007.pdf");
    assert!(
        names[1].starts_with("files/") && names[1].ends_with("-_чек оплаты.pdf"),
        "{names:?}"
    );
    let sums = String::from_utf8(entries[2].1.clone()).unwrap();
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").unwrap();
        let (_, data) = entries.iter().find(|(n, _)| n == name).unwrap();
        assert_eq!(hash, hex::encode(Sha256::digest(data)));
    }

    let dir = std::env::temp_dir().join(format!("sb-casefile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("case.pdf");
    std::fs::write(&path, &entries[0].1).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by .ci/run");
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Дело по обращению SB-000007"), "{text}");
    assert!(text.contains("стр. 1 из"), "{text}");
    assert!(
        !text.contains("стр. 1 из 1 /"),
        "60 messages need more than a page"
    );
    for i in 0..60 {
        assert!(
            text.contains(&format!("Сообщение номер {i}.")),
            "message {i}"
        );
    }
    assert!(text.contains("01.12.2026 12:00:00"), "Moscow time: {text}");
    assert!(text.contains("Europe/Moscow (UTC+03:00)"));
    assert!(text.contains("SB-000042"), "the merged ticket");
    assert!(text.contains("Претензия не подавалась"));
}
