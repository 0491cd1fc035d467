//! The suites' personal test values, and leak checks over any text.

/// Personal test values → the placeholders snapshots show instead, longest first so a value
/// containing another is replaced whole.
pub const PERSONAL: &[(&str, &str)] = &[
    ("john.doe@example.com", "{{email}}"),
    ("Premium plan subscriber", "{{description}}"),
    ("+1-555-123-4567", "{{phone}}"),
    ("+15551234567", "{{phone_e164}}"),
    ("15551234567", "{{phone_digits}}"),
    ("5551234567", "{{phone_national}}"),
    ("John Doe", "{{name}}"),
    ("John", "{{first_name}}"),
    ("Doe", "{{last_name}}"),
    ("1 Main St", "{{address.line1}}"),
    ("Apt 4", "{{address.line2}}"),
    ("Springfield", "{{address.city}}"),
    ("62701", "{{address.postal_code}}"),
];

/// The personal values long enough to be searched for in free text (short ones such as `Doe`
/// occur in ordinary words).
pub fn personal_values() -> impl Iterator<Item = &'static str> {
    PERSONAL.iter().map(|(v, _)| *v).filter(|v| v.len() >= 8)
}

/// Panics when any of `secrets` or a personal test value appears in `text`; `what` names the
/// text (e.g. `"stripe error Debug"`).
pub fn assert_clean<'a>(what: &str, text: &str, secrets: impl IntoIterator<Item = &'a str>) {
    for secret in secrets {
        assert!(
            secret.is_empty() || !text.contains(secret),
            "credential leaked in {what}: {text}"
        );
    }
    for value in personal_values() {
        assert!(
            !text.contains(value),
            "personal data {value:?} leaked in {what}: {text}"
        );
    }
}

/// Panics when any of `secrets` shows in `req`'s `Debug` or its redacted form: a connector marks
/// the headers carrying credentials (or tokens) sensitive. The body is not checked (it holds the
/// request's data).
pub fn assert_request_hides<'a>(
    req: &prism_connector::HttpRequest,
    secrets: impl IntoIterator<Item = &'a str>,
) {
    let shown = format!("{req:?} {:?}", req.redacted());
    for secret in secrets {
        assert!(
            !shown.contains(secret),
            "credential shown by the request: {shown}"
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_check_can_fail() {
        let leaked = std::panic::catch_unwind(|| super::assert_clean("t", "key sk_1", ["sk_1"]));
        assert!(leaked.is_err());
        let personal =
            std::panic::catch_unwind(|| super::assert_clean("t", "john.doe@example.com", []));
        assert!(personal.is_err());
        super::assert_clean("t", "nothing here", ["sk_1"]);
        let req = prism_connector::HttpRequest::get("/x").header("Authorization", "Bearer sk_1");
        let shown = std::panic::catch_unwind(|| super::assert_request_hides(&req, ["sk_1"]));
        assert!(shown.is_err());
        let hidden =
            prism_connector::HttpRequest::get("/x").sensitive_header("Authorization", "sk_1");
        super::assert_request_hides(&hidden, ["sk_1"]);
    }
}
