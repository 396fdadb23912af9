//! A member of staff's authenticator app, written here independently of the
//! server's implementation (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits),
//! and the sign-in the product asks of staff who must use a second factor:
//! the password, enrolment on first sign-in, then a code. Shared by the API
//! and chat test suites (`#[path]` module).

use hmac::{Hmac, Mac};
use serde_json::{Value, json};

pub fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut out) = (0u32, 0u64, Vec::new());
    for c in text.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base32") as u64;
        value = (value << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((value >> bits) as u8);
        }
    }
    out
}

/// What an authenticator app shows for `secret` at unix time `secs`.
pub fn app_code(secret: &str, secs: i64) -> String {
    let key = base32_decode(secret);
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
    mac.update(&((secs / 30) as u64).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let number = u32::from_be_bytes(digest[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    format!("{:06}", number % 1_000_000)
}

async fn post(http: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut req = http.post(url).json(&body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{status} {v}");
    v
}

/// Signs in at `base` (the service's clock reads `now_secs`): with the
/// password alone where no factor is required; otherwise enrols a TOTP factor
/// with the restricted session the password gives (its first code from the
/// app), and signs in again with one of the recovery codes it handed out.
pub async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    login: &str,
    password: &str,
    now_secs: i64,
) -> String {
    let url = format!("{base}/api/v1/auth/login");
    let session = post(
        http,
        url.clone(),
        None,
        json!({"login": login, "password": password}),
    )
    .await;
    let token = session["token"].as_str().expect("a session").to_owned();
    if session["second_factor_enrolment_required"] != json!(true) {
        return token;
    }
    let begun = post(
        http,
        format!("{base}/api/v1/auth/totp"),
        Some(&token),
        json!({}),
    )
    .await;
    let code = app_code(begun["secret"].as_str().expect("a secret"), now_secs);
    let confirmed = post(
        http,
        format!("{base}/api/v1/auth/totp/confirm"),
        Some(&token),
        json!({"code": code}),
    )
    .await;
    let recovery = confirmed["recovery_codes"][0]
        .as_str()
        .expect("recovery codes");
    let session = post(
        http,
        url,
        None,
        json!({"login": login, "password": password, "code": recovery}),
    )
    .await;
    assert_eq!(session["second_factor_enrolment_required"], json!(false));
    session["token"].as_str().expect("a session").to_owned()
}
