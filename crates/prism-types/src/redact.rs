//! Scrubbing of secrets and personal data from text that Prism shows: error messages, processor
//! messages and body excerpts.
//!
//! Two layers: the exact values a call knows to be sensitive (credentials, the request's email,
//! phone, name, address and description) are replaced wherever they occur, and anything shaped
//! like an email address or a processor secret key is replaced even when nobody declared it.

/// What replaces a scrubbed value.
pub const MASK: &str = "[redacted]";

/// A set of sensitive values to scrub from text.
#[derive(Clone, Default)]
pub struct Redactor {
    values: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("values", &self.values.len())
            .finish()
    }
}

impl Redactor {
    /// An empty redactor (still masks email- and key-shaped tokens).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value to scrub. Values shorter than 4 characters are ignored: masking them would
    /// destroy unrelated text and they identify nobody.
    pub fn add(&mut self, value: impl AsRef<str>) {
        let v = value.as_ref().trim();
        if v.chars().count() >= 4 && !self.values.iter().any(|x| x == v) {
            self.values.push(v.to_owned());
        }
    }

    /// Adds every value of an iterator.
    pub fn extend<I, S>(&mut self, values: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for v in values {
            self.add(v);
        }
    }

    /// Returns `text` with every known value and every email- or key-shaped token masked.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        // Longest first, so a value containing another is masked whole. Sorted here, not in
        // `add`: every call fills a redactor, few ever scrub.
        let mut values: Vec<&String> = self.values.iter().collect();
        values.sort_by_key(|x| std::cmp::Reverse(x.len()));
        for v in values {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), MASK);
            }
        }
        scrub_patterns(&out)
    }
}

/// Masks tokens that look like an email address or a processor secret key, whoever declared them.
pub fn scrub_patterns(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if looks_sensitive(token) {
            out.push_str(MASK);
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for ch in text.chars() {
        if ch.is_alphanumeric() || matches!(ch, '@' | '.' | '_' | '-' | '+' | '%') {
            token.push(ch);
        } else {
            flush(&mut token, &mut out);
            out.push(ch);
        }
    }
    flush(&mut token, &mut out);
    out
}

fn looks_sensitive(token: &str) -> bool {
    const KEY_PREFIXES: &[&str] = &[
        "sk_live_", "sk_test_", "rk_live_", "rk_test_", "sk_sbox_", "pk_live_", "live_", "test_",
    ];
    if let Some((local, domain)) = token.split_once('@') {
        return !local.is_empty() && domain.contains('.') && !domain.starts_with('.');
    }
    KEY_PREFIXES
        .iter()
        .any(|p| token.starts_with(p) && token.len() >= p.len() + 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_declared_values_and_shapes() {
        let mut r = Redactor::new();
        r.add("John Doe");
        r.add("ab"); // too short, ignored
        let s =
            r.scrub("Invalid email jo.hn+x@example.com for John Doe, key sk_test_abcdefgh1234; ab");
        assert_eq!(
            s,
            "Invalid email [redacted] for [redacted], key [redacted]; ab"
        );
    }

    #[test]
    fn leaves_ordinary_text() {
        let s = scrub_patterns("No such customer: 'cus_123'; status=400 (test mode)");
        assert_eq!(s, "No such customer: 'cus_123'; status=400 (test mode)");
    }
}
