//! JSON request bodies: the byte-order mark some clients send, "a JSON object or nothing", and
//! (for processors that validate element order against a schema, as Authorize.net does against
//! its XSD) an object's members in the order they were sent, values left raw for later parsing.

use serde_json::{Map, Value};

/// `body` without a leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// The body as a JSON object (a byte-order mark allowed); `None` for anything else.
pub(crate) fn object(body: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice(strip_bom(body)) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

#[cfg(feature = "authorizedotnet")]
pub(crate) use ordered::Members;

#[cfg(feature = "authorizedotnet")]
mod ordered {
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use serde_json::value::RawValue;

    /// An object's members in the order sent, repeated names kept, each value raw JSON
    /// (parse it with `serde_json::from_str(raw.get())` when needed).
    #[derive(Debug)]
    pub(crate) struct Members<'a>(pub(crate) Vec<(String, &'a RawValue)>);

    impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Members<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let mut members = Vec::new();
                    while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                        members.push(entry);
                    }
                    Ok(Members(members))
                }
            }
            d.deserialize_map(V)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_only() {
        assert!(object(b"\xEF\xBB\xBF{\"a\":1}").is_some());
        for odd in [&b""[..], b"null", b"[]", b"{", b"<html>", b"\xEF\xBB\xBF"] {
            assert!(object(odd).is_none(), "{odd:?}");
        }
    }

    #[cfg(feature = "authorizedotnet")]
    #[test]
    fn members_keep_order_and_repeats() {
        let m: Members<'_> =
            serde_json::from_str(r#"{"b":1,"a":[true,null],"b":{"z":1}}"#).expect("object");
        let names: Vec<&str> = m.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["b", "a", "b"]);
        assert_eq!(m.0[2].1.get(), r#"{"z":1}"#);
        assert!(serde_json::from_str::<Members<'_>>("[1]").is_err());
    }
}
