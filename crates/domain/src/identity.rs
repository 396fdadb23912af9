//! The customer identity token the host site or app signs (SPEC §3.1).
//!
//! Format: `<account id>.<expiry, unix seconds>.<signature>`, where the
//! signature is HMAC-SHA256 over `<account id>.<expiry>` with the shared
//! secret, base64url without padding. The account id alphabet has no `.`
//! ambiguity problem because the last two dot-separated fields are fixed-form.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;

use crate::ids::CustomerId;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("the identity token is malformed")]
    Malformed,
    #[error("the identity token's signature is not valid")]
    BadSignature,
    #[error("the identity token has expired")]
    Expired,
    #[error("the identity token expires too far in the future")]
    TooLong,
}

/// Signs and verifies identity tokens with one shared secret.
#[derive(Clone)]
pub struct IdentitySigner {
    secret: Vec<u8>,
    /// Tokens valid for longer than this are refused, so a leaked token cannot live for years.
    max_lifetime_secs: i64,
}

impl std::fmt::Debug for IdentitySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentitySigner")
            .field("secret", &"<redacted>")
            .field("max_lifetime_secs", &self.max_lifetime_secs)
            .finish()
    }
}

impl IdentitySigner {
    pub fn new(secret: &[u8], max_lifetime_secs: i64) -> Self {
        IdentitySigner {
            secret: secret.to_vec(),
            max_lifetime_secs,
        }
    }

    fn mac(&self, payload: &str) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = HmacSha256::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(payload.as_bytes());
        mac
    }

    pub fn sign(&self, customer: &CustomerId, expires_at: Timestamp) -> String {
        let payload = format!("{}.{}", customer.as_str(), expires_at.as_second());
        let sig = URL_SAFE_NO_PAD.encode(self.mac(&payload).finalize().into_bytes());
        format!("{payload}.{sig}")
    }

    pub fn verify(&self, token: &str, now: Timestamp) -> Result<CustomerId, IdentityError> {
        let (payload, sig) = token.rsplit_once('.').ok_or(IdentityError::Malformed)?;
        let (account, expiry) = payload.rsplit_once('.').ok_or(IdentityError::Malformed)?;
        let customer = CustomerId::parse(account).map_err(|_| IdentityError::Malformed)?;
        let expiry: i64 = expiry.parse().map_err(|_| IdentityError::Malformed)?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| IdentityError::Malformed)?;
        self.mac(payload)
            .verify_slice(&sig)
            .map_err(|_| IdentityError::BadSignature)?;
        let now = now.as_second();
        if expiry <= now {
            return Err(IdentityError::Expired);
        }
        if expiry - now > self.max_lifetime_secs {
            return Err(IdentityError::TooLong);
        }
        Ok(customer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn signed_token_verifies_until_it_expires() {
        let signer = IdentitySigner::new(b"secret", 86_400);
        let who = CustomerId::parse("buyer-1001").unwrap();
        let token = signer.sign(&who, at(10_003_600));
        assert_eq!(signer.verify(&token, at(10_000_000)), Ok(who));
        assert_eq!(
            signer.verify(&token, at(10_003_600)),
            Err(IdentityError::Expired)
        );
    }

    #[test]
    fn forged_and_malformed_tokens_are_refused() {
        let signer = IdentitySigner::new(b"secret", 86_400);
        let other = IdentitySigner::new(b"another", 86_400);
        let who = CustomerId::parse("buyer-1001").unwrap();
        let token = other.sign(&who, at(2000));
        assert_eq!(
            signer.verify(&token, at(1000)),
            Err(IdentityError::BadSignature)
        );
        let swapped = signer
            .sign(&who, at(2000))
            .replace("buyer-1001", "buyer-1002");
        assert_eq!(
            signer.verify(&swapped, at(1000)),
            Err(IdentityError::BadSignature)
        );
        for junk in ["", "abc", "a.b", "a.b.c", "buyer.12x.AAAA", "bad id.1.AAAA"] {
            assert_eq!(
                signer.verify(junk, at(1000)),
                Err(IdentityError::Malformed),
                "{junk}"
            );
        }
    }

    #[test]
    fn lifetime_is_capped() {
        let signer = IdentitySigner::new(b"secret", 3600);
        let who = CustomerId::parse("c1").unwrap();
        let token = signer.sign(&who, at(1000 + 7200));
        assert_eq!(signer.verify(&token, at(1000)), Err(IdentityError::TooLong));
    }
}
