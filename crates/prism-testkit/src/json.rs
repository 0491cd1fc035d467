//! Comparing JSON shapes (the emulators' replies against the documented ones).

use serde_json::Value;

/// The keys of a JSON object, sorted (empty for anything else).
pub fn sorted_keys(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// Panics unless `got` and `documented` are objects with the same keys.
pub fn assert_same_keys(got: &Value, documented: &Value) {
    assert_eq!(sorted_keys(got), sorted_keys(documented), "keys of {got}");
}

/// `field` of every element of a JSON array, as an array (`null` where one has none).
pub fn pluck(array: &Value, field: &str) -> Value {
    array
        .as_array()
        .map(|a| a.iter().map(|e| e[field].clone()).collect())
        .unwrap_or_default()
}

/// `text` with every ASCII digit replaced by `9`: the shape of a timestamp or an id
/// (`"2025-01-02 03:04:05"` → `"9999-99-99 99:99:99"`).
pub fn digit_shape(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect()
}

/// Panics unless every member `want` names is in `got` with the same value (objects compared
/// member by member, recursively; `null` also matches a missing member).
pub fn assert_subset(got: &Value, want: &Value) {
    check(got, want, "$");
}

fn check(got: &Value, want: &Value, path: &str) {
    match (got, want) {
        (_, Value::Object(w)) => {
            for (k, wv) in w {
                check(
                    got.get(k).unwrap_or(&Value::Null),
                    wv,
                    &format!("{path}.{k}"),
                );
            }
        }
        _ => assert_eq!(got, want, "at {path}"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn subset_checks_can_fail() {
        let got = json!({"a": 1, "b": {"c": "x", "d": 2}});
        super::assert_subset(&got, &json!({"b": {"c": "x"}, "e": null}));
        let wrong =
            std::panic::catch_unwind(|| super::assert_subset(&got, &json!({"b": {"d": 3}})));
        assert!(wrong.is_err());
        assert_eq!(super::sorted_keys(&got), ["a", "b"]);
        assert_eq!(
            super::pluck(&json!([{"id": 1}, {}]), "id"),
            json!([1, null])
        );
        assert_eq!(super::digit_shape("2025-01-02"), "9999-99-99");
    }
}
