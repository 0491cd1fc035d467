//! Encoding requests: bracket form bodies, query values, HTTP Basic auth, base64url.

use base64::Engine as _;

/// Builds an `application/x-www-form-urlencoded` body with bracket notation for nested keys
/// (`metadata[plan]=premium`, `address[line1]=…`), as Stripe-style APIs expect.
#[derive(Debug, Default, Clone)]
pub struct FormEncoder {
    out: String,
}

impl FormEncoder {
    /// An empty body.
    #[inline]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty body with room for `bytes` (saves the reallocations of a growing body).
    #[inline]
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            out: String::with_capacity(bytes),
        }
    }

    /// Appends `key=value`.
    #[inline]
    pub fn push(&mut self, key: &str, value: &str) -> &mut Self {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        encode_into(&mut self.out, key);
        self.out.push('=');
        encode_into(&mut self.out, value);
        self
    }

    /// Appends `key=value` when `value` is set.
    #[inline]
    pub fn push_opt(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.push(key, v);
        }
        self
    }

    /// Appends `parent[child]=value`.
    #[inline]
    pub fn push_nested(&mut self, parent: &str, child: &str, value: &str) -> &mut Self {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        encode_into(&mut self.out, parent);
        self.out.push_str("%5B");
        encode_into(&mut self.out, child);
        self.out.push_str("%5D=");
        encode_into(&mut self.out, value);
        self
    }

    /// The encoded body.
    #[inline]
    pub fn finish(self) -> String {
        self.out
    }
}

fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    // Runs of unreserved bytes are copied whole; only the others are escaped one by one.
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*') {
            continue;
        }
        // `start < i` only over unreserved ASCII, so both ends are char boundaries.
        if start < i {
            out.push_str(&s[start..i]);
        }
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        start = i + 1;
    }
    if start < bytes.len() {
        out.push_str(&s[start..]);
    }
}

/// Percent-encodes `s` for a URL query value (`application/x-www-form-urlencoded` rules).
pub fn query_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(&mut out, s);
    out
}

/// The `Authorization` value of HTTP Basic auth (RFC 7617): `Basic base64(user:password)`.
pub fn basic_auth(user: &str, password: &str) -> String {
    let raw = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
    )
}

/// Decodes unpadded base64url (JWT segments); `None` when malformed.
pub fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_uses_brackets_and_escapes() {
        let mut f = FormEncoder::new();
        f.push("email", "a+b@example.com")
            .push_nested("metadata", "plan", "pro & co")
            .push("name", "John Doe");
        assert_eq!(
            f.finish(),
            "email=a%2Bb%40example.com&metadata%5Bplan%5D=pro+%26+co&name=John+Doe"
        );
    }

    #[test]
    fn encoding_handles_any_text() {
        assert_eq!(query_encode("é ü+ü"), "%C3%A9+%C3%BC%2B%C3%BC");
        assert_eq!(query_encode("ab"), "ab");
        assert_eq!(query_encode(""), "");
        assert_eq!(query_encode("日本"), "%E6%97%A5%E6%9C%AC");
        assert_eq!(query_encode("x日"), "x%E6%97%A5");
    }

    #[test]
    fn basic_auth_and_base64url() {
        // RFC 7617 §2 example.
        assert_eq!(
            basic_auth("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(basic_auth("sk_test_x", ""), "Basic c2tfdGVzdF94Og==");
        assert_eq!(base64url_decode("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(base64url_decode("Zm9v"), Some(b"foo".to_vec()));
        assert_eq!(base64url_decode("!!"), None);
    }

    proptest::proptest! {
        #[test]
        fn form_encoding_round_trips(k in "\\PC{0,20}", v in "\\PC{0,40}") {
            let mut f = FormEncoder::new();
            f.push(&k, &v).push_nested("metadata", &k, &v);
            let decoded: Vec<(String, String)> = serde_urlencoded::from_str(&f.finish()).expect("decodes");
            proptest::prop_assert_eq!(decoded, vec![(k.clone(), v.clone()), (format!("metadata[{k}]"), v)]);
        }
    }
}
