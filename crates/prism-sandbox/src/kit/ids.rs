//! Random ids in processors' shapes: letters and digits, lowercase, hex, UUID v4, JWT-shaped
//! tokens. Not secrets: the sandbox recognises what it issued by lookup.

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

fn random(charset: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| char::from(charset[fastrand::usize(..charset.len())]))
        .collect()
}

/// `n` random ASCII letters and digits (e.g. Stripe's `cus_NffrFeUfNV2Hib`).
pub(crate) fn alnum(n: usize) -> String {
    random(ALNUM, n)
}

/// `n` random lowercase ASCII letters and digits.
pub(crate) fn lower_alnum(n: usize) -> String {
    random(LOWER_ALNUM, n)
}

/// `n` random lowercase hex digits.
pub(crate) fn hex(n: usize) -> String {
    random(HEX, n)
}

/// A random lowercase UUID v4 (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`).
pub(crate) fn uuid_v4() -> String {
    let variant = char::from(b"89ab"[fastrand::usize(..4)]);
    format!(
        "{}-{}-4{}-{variant}{}-{}",
        hex(8),
        hex(4),
        hex(3),
        hex(3),
        hex(12)
    )
}

/// Unpadded base64url.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A JWT-shaped string (`header.payload.signature`, base64url) with a random signature.
pub(crate) fn jwt_like(payload: &serde_json::Value) -> String {
    let header = base64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = base64url(payload.to_string().as_bytes());
    let sig: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
    format!("{header}.{payload}.{}", base64url(&sig))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let a = alnum(14);
        assert!(a.len() == 14 && a.bytes().all(|b| b.is_ascii_alphanumeric()));
        let l = lower_alnum(17);
        assert!(
            l.len() == 17
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert!(hex(32).bytes().all(|b| HEX.contains(&b)));
        let id = uuid_v4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        assert!(id.chars().all(|c| c == '-' || HEX.contains(&(c as u8))));
    }

    #[test]
    fn base64url_and_jwt() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        let t = jwt_like(&serde_json::json!({"exp": 1}));
        assert_eq!(t.split('.').count(), 3);
        assert!(t.starts_with("eyJ"));
    }
}
