//! The case file (SPEC §5): the customer and staff download one ZIP per
//! ticket; its PDF's text, as `pdftotext` extracts it, holds the number,
//! the public dialogue of the ticket and of the ticket merged into it, the
//! claim and the files' checksums, and never an internal note or a secret.

use std::io::Read;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::*;

const CARD: &str = "4276 1600 1234 5675";
const NOTE: &str = "Внутренняя пометка: клиент склочный";

/// The archive's entries by name.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().into_owned(), data)
        })
        .collect()
}

/// The PDF's text as a reader's tool extracts it (poppler's pdftotext).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("sb-case-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("case.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by .ci/run");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn download(app: &TestApp, path: &str, token: &str) -> Vec<(String, Vec<u8>)> {
    let r = app.get(path, token).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert_eq!(r.headers()["content-type"], "application/zip");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    unzip(&r.bytes().await.unwrap())
}

#[tokio::test]
async fn the_customer_and_staff_get_the_public_dialogue_with_files_and_checksums() {
    let app = TestApp::spawn().await;
    let token = app.customer_token("buyer-1001");
    let mut form = delivery_form();
    form["description"] = json!(format!("Оплатил картой {CARD}, посылки нет"));
    let r = app
        .client
        .post(app.url("/api/v1/customer/tickets"))
        .bearer_auth(&token)
        .multipart(multipart(&form, &[("чек.pdf", PDF), ("screen.png", PNG)]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let t: Value = r.json().await.unwrap();
    let number = t["number"].as_str().unwrap().to_owned();

    // A second request of the same customer, merged into the first.
    let mut other = delivery_form();
    other["order_number"] = json!("MP-10003");
    other["description"] = json!("Коробка пришла помятой");
    let source = app.open_ticket("buyer-1001", other).await;
    let source = source["number"].as_str().unwrap().to_owned();
    let op = app.login("operator").await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{source}/merge"),
            &op,
            json!({"into": number}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/notes"),
            &op,
            json!({"body": NOTE}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let r = app
        .post(
            &format!("/api/v1/tickets/{number}/replies"),
            &op,
            json!({"body": "Проверяем доставку, ответим завтра"}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let r = app
        .post(
            &format!("/api/v1/customer/tickets/{number}/claim"),
            &token,
            json!({"body": "Требую вернуть деньги"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let files = download(
        &app,
        &format!("/api/v1/customer/tickets/{number}/case-file"),
        &token,
    )
    .await;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let pdf_name = format!("{number}.pdf");
    assert!(names.contains(&pdf_name.as_str()), "{names:?}");
    assert!(names.contains(&"SHA256SUMS"), "{names:?}");
    assert_eq!(names.len(), 4, "the PDF, two files, the sums: {names:?}");
    let stored: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(n, _)| n.starts_with("files/"))
        .collect();
    assert!(
        stored
            .iter()
            .any(|(n, b)| n.ends_with("чек.pdf") && b == PDF)
    );
    assert!(
        stored
            .iter()
            .any(|(n, b)| n.ends_with("screen.png") && b == PNG)
    );

    // Every entry's checksum is right, in `sha256sum -c` form.
    let sums = files.iter().find(|(n, _)| n == "SHA256SUMS").unwrap();
    let sums = String::from_utf8(sums.1.clone()).unwrap();
    assert_eq!(sums.lines().count(), 3, "{sums}");
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").unwrap();
        let (_, bytes) = files.iter().find(|(n, _)| n == name).expect(name);
        assert_eq!(hash, hex::encode(Sha256::digest(bytes)), "{name}");
    }

    let pdf = &files.iter().find(|(n, _)| *n == pdf_name).unwrap().1;
    let text = pdf_text(pdf);
    for expected in [
        number.as_str(),
        "Клиент / Customer",
        "посылки нет",
        "**** **** **** 5675",
        "Коробка пришла помятой",
        source.as_str(),
        "Проверяем доставку, ответим завтра",
        "Требую вернуть деньги",
        "Претензия / Claim",
        "Срок ответа / Deadline",
        "чек.pdf",
        &hex::encode(Sha256::digest(PDF)),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(!text.contains(CARD), "the raw card number:\n{text}");
    assert!(!text.contains("склочный"), "the internal note:\n{text}");

    // Staff in scope get the same document: no notes either.
    let staff = download(&app, &format!("/api/v1/tickets/{number}/case-file"), &op).await;
    let pdf = &staff.iter().find(|(n, _)| *n == pdf_name).unwrap().1;
    let text = pdf_text(pdf);
    assert!(text.contains("Коробка пришла помятой"));
    assert!(!text.contains("склочный"), "the internal note:\n{text}");
}

#[tokio::test]
async fn another_customers_case_file_is_not_found() {
    let app = TestApp::spawn().await;
    let t = app.open_ticket("buyer-1001", delivery_form()).await;
    let number = t["number"].as_str().unwrap();
    let stranger = app.customer_token("buyer-1002");
    for path in [
        format!("/api/v1/customer/tickets/{number}/case-file"),
        "/api/v1/customer/tickets/SB-999999/case-file".to_owned(),
        "/api/v1/customer/tickets/not-a-number/case-file".to_owned(),
    ] {
        let (status, _) = problem(app.get(&path, &stranger).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = app
        .client
        .get(app.url(&format!("/api/v1/customer/tickets/{number}/case-file")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
