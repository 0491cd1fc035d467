//! Reading processor answers: JSON that survives odd bodies, the created-customer value, and the
//! parts of error mapping every connector fills the same way (kind by status, request id,
//! `Retry-After`).

use std::time::Duration;

use prism_types::{Connector, Error, ErrorKind};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::HttpResponse;

/// Parses a JSON body into `T`, tolerating a byte-order mark; anything else (empty body, HTML,
/// truncated JSON, wrong shape) becomes `UnexpectedResponse` with the status and an excerpt.
pub fn parse_json<T: DeserializeOwned>(resp: &HttpResponse) -> Result<T, Error> {
    let body = resp.body_without_bom();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::unexpected_response(resp.status, body, "empty body"));
    }
    serde_json::from_slice(body).map_err(|e| {
        let why = if body.first() == Some(&b'<') {
            "an HTML or XML page instead of JSON".to_owned()
        } else {
            format!("invalid JSON ({})", e.classify_name())
        };
        Error::unexpected_response(resp.status, body, why)
    })
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

/// A fresh creation (not a replay) named by `id`; an empty or blank id is an
/// `UnexpectedResponse`, since nothing could later refer to that customer.
pub fn created(resp: &HttpResponse, id: String) -> Result<crate::CreatedCustomer, Error> {
    if id.trim().is_empty() {
        return Err(Error::unexpected_response(
            resp.status,
            &resp.body,
            "the customer has an empty id",
        ));
    }
    Ok(crate::CreatedCustomer {
        connector_customer_id: id,
        replayed: false,
    })
}

/// The created customer `id` of a 2xx answer that may replay the stored answer of a reused
/// idempotency key (`replayed`, from the processor's replay header). A replay for a
/// reference-derived key that nothing this call sent before can have caused was created by an
/// earlier call with the same reference: `AlreadyExists` naming it (SPEC §4), with the request id
/// from `request_id_header`. Any other replay (a key the caller chose and reused, or after an
/// attempt of this call that may have been applied) is this call's own result, flagged.
pub fn created_or_replayed(
    connector: Connector,
    resp: &HttpResponse,
    ctx: &crate::FlowContext<'_>,
    id: String,
    replayed: bool,
    request_id_header: Option<&str>,
) -> Result<crate::CreatedCustomer, Error> {
    if replayed && ctx.key_from_reference && !ctx.earlier_attempt_may_have_applied {
        let text = format!(
            "a customer with this merchant_customer_id was already created at this {} account (idempotent replay)",
            connector.display_name()
        );
        return Err(Error::new(ErrorKind::AlreadyExists, text)
            .with_http_status(resp.status)
            .with_request_id(
                request_id_header
                    .and_then(|h| resp.header(h))
                    .map(str::to_owned),
            )
            .with_existing_customer_id(Some(id)));
    }
    Ok(crate::CreatedCustomer {
        connector_customer_id: id,
        replayed,
    })
}

/// Reads a lookup's list answer: the JSON body as `L` ([`parse_json`]), then each of the
/// customers `items` takes from it as a [`FoundCustomer`](crate::FoundCustomer) through `found`.
///
/// ```
/// # use prism_connector::{parse::found_customers, FoundCustomer, HttpResponse};
/// #[derive(serde::Deserialize)]
/// struct List { data: Vec<Item> }
/// #[derive(serde::Deserialize)]
/// struct Item { id: String, reference: Option<String> }
/// let resp = HttpResponse::new(200, vec![], r#"{"data":[{"id":"c1","reference":"r1"}]}"#);
/// let found = found_customers(&resp, |l: List| l.data, |c| FoundCustomer::new(c.id, c.reference));
/// assert_eq!(found.ok(), Some(vec![FoundCustomer::new("c1".into(), Some("r1".into()))]));
/// ```
pub fn found_customers<L, I>(
    resp: &HttpResponse,
    items: impl FnOnce(L) -> I,
    found: impl FnMut(I::Item) -> crate::FoundCustomer,
) -> Result<Vec<crate::FoundCustomer>, Error>
where
    L: DeserializeOwned,
    I: IntoIterator,
{
    Ok(items(parse_json(resp)?).into_iter().map(found).collect())
}

/// The kind a bare HTTP status means when the processor's body says nothing more specific.
pub fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        401 => ErrorKind::Authentication,
        403 => ErrorKind::PermissionDenied,
        422 => ErrorKind::InvalidRequest,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::ProcessorUnavailable,
        _ => ErrorKind::ProcessorError,
    }
}

/// An error for a processor's non-2xx (or error-in-2xx) answer, with the parts every connector
/// fills the same way: connector, HTTP status, request id (from `request_id_header`),
/// `Retry-After`, and retryability by kind (429 and 5xx).
pub fn processor_error(
    connector: Connector,
    resp: &HttpResponse,
    request_id_header: Option<&str>,
    kind: ErrorKind,
    code: Option<&str>,
    message: Option<&str>,
) -> Error {
    let text = match (code, message) {
        (_, Some(m)) => format!(
            "{} answered HTTP {}: {m}",
            connector.display_name(),
            resp.status
        ),
        (Some(c), None) => format!(
            "{} answered HTTP {} ({c})",
            connector.display_name(),
            resp.status
        ),
        (None, None) => format!("{} answered HTTP {}", connector.display_name(), resp.status),
    };
    let mut e = Error::new(kind, text)
        .with_connector(connector)
        .with_http_status(resp.status)
        .with_request_id(
            request_id_header
                .and_then(|h| resp.header(h))
                .map(str::to_owned),
        )
        .with_retry_after(retry_after(resp));
    if let Some(c) = code {
        e = e.with_connector_code(c);
    }
    if let Some(m) = message {
        e = e.with_connector_message(m);
    }
    e
}

/// How many of a processor's messages go into an error's text.
pub const MESSAGES_KEPT: usize = 5;
/// The longest part of one message kept (a processor's huge message never makes a huge error).
pub const MESSAGE_CHARS_KEPT: usize = 500;

/// A processor's messages as one text for [`processor_error`]: the first [`MESSAGES_KEPT`]
/// non-blank ones, trimmed, each cut to [`MESSAGE_CHARS_KEPT`] characters, joined with `"; "`;
/// `None` when there is none.
pub fn join_messages<'a>(messages: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let kept: Vec<&str> = messages
        .into_iter()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .take(MESSAGES_KEPT)
        .map(|m| {
            m.char_indices()
                .nth(MESSAGE_CHARS_KEPT)
                .map_or(m, |(i, _)| &m[..i])
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join("; "))
}

/// `deserialize_with` for an optional text member of an answer: a string, or a number as its
/// text (`"527262"` and `527262`); any other value is `None`, never a parse failure. Use with
/// `#[serde(default)]`.
pub fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// `deserialize_with` for a list that some answers render as a single object (XML-to-JSON
/// renderings); `null` is empty. Use with `#[serde(default)]`.
pub fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match Option::<OneOrMany<T>>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::Many(v)) => v,
        Some(OneOrMany::One(one)) => vec![one],
    })
}

/// The `Retry-After` header in seconds (the HTTP-date form is not used by any processor here and
/// is ignored).
pub fn retry_after(resp: &HttpResponse) -> Option<Duration> {
    let v = resp.header("retry-after")?.trim();
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_bodies_are_typed_errors() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            id: String,
        }
        for body in [
            &b""[..],
            b"<html>502</html>",
            b"{\"id\":",
            b"\xEF\xBB\xBF",
            b"[1]",
        ] {
            let r = HttpResponse::new(200, vec![], body.to_vec());
            let e = parse_json::<T>(&r).err().expect("error");
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
        let ok = HttpResponse::new(200, vec![], b"\xEF\xBB\xBF{\"id\":\"x\"}".to_vec());
        assert!(parse_json::<T>(&ok).is_ok());
    }

    #[test]
    fn replays_are_an_earlier_calls_customer_or_this_calls_own() {
        use crate::FlowContext;
        use prism_types::Environment;
        let resp = HttpResponse::new(200, vec![("request-id".into(), "req_1".into())], "{}");
        let read = |ctx: &FlowContext<'_>, replayed: bool| {
            created_or_replayed(
                Connector::Stripe,
                &resp,
                ctx,
                "cus_1".into(),
                replayed,
                Some("request-id"),
            )
        };
        let derived = FlowContext::first(Environment::Sandbox).with_idempotency_key("k", true);
        let e = read(&derived, true).expect_err("an earlier call's customer");
        assert_eq!(e.kind(), ErrorKind::AlreadyExists);
        assert_eq!(e.existing_customer_id(), Some("cus_1"));
        assert_eq!(e.request_id(), Some("req_1"));
        assert_eq!(
            e.message(),
            "a customer with this merchant_customer_id was already created at this Stripe account (idempotent replay)"
        );
        let fresh = read(&derived, false).expect("fresh");
        assert!(!fresh.replayed && fresh.connector_customer_id == "cus_1");
        let mut lost = derived;
        lost.earlier_attempt_may_have_applied = true;
        assert!(read(&lost, true).expect("own").replayed);
        let caller = FlowContext::first(Environment::Sandbox).with_idempotency_key("k", false);
        assert!(read(&caller, true).expect("caller's key").replayed);
    }

    #[test]
    fn lookup_lists() {
        use crate::{FindCustomerRequest, FoundCustomer};
        #[derive(serde::Deserialize)]
        struct List {
            items: Vec<(String, Option<String>)>,
        }
        let read = |body: &str| {
            let resp = HttpResponse::new(200, vec![], body.to_owned());
            found_customers(
                &resp,
                |l: List| l.items.into_iter().filter(|(id, _)| id != "skip"),
                |(id, r)| FoundCustomer::new(id, r),
            )
        };
        let found = read(r#"{"items":[["c1","r1"],["skip",null],["c2",null]]}"#).expect("list");
        assert_eq!(
            found,
            [
                FoundCustomer::new("c1".into(), Some("r1".into())),
                FoundCustomer::new("c2".into(), None)
            ]
        );
        assert_eq!(read(r#"{"items":[]}"#).expect("empty"), []);
        let e = read("<html>").expect_err("not JSON");
        assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);

        let req = FindCustomerRequest {
            merchant_customer_id: "a b&c".into(),
        };
        assert_eq!(
            req.get_by("/customers", "reference_id").path,
            "/customers?reference_id=a+b%26c"
        );
        let tagged = req.get_by("/identities?tags.key=k", "tags.value");
        assert_eq!(tagged.path, "/identities?tags.key=k&tags.value=a+b%26c");
        assert_eq!(tagged.method, crate::Method::Get);
    }

    #[test]
    fn messages_and_lenient_members() {
        let huge = "x".repeat(10_000);
        let many = ["", " a ", "b", &huge, "c", "d", "e", "f"];
        let joined = join_messages(many).expect("some");
        assert!(
            joined.starts_with("a; b; xxx") && joined.ends_with("; c; d"),
            "{joined}"
        );
        assert_eq!(joined.len(), "a; b; ; c; d".len() + MESSAGE_CHARS_KEPT);
        assert_eq!(join_messages(["", "  "]), None);

        #[derive(serde::Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "lenient_string")]
            id: Option<String>,
            #[serde(default, deserialize_with = "one_or_many")]
            list: Vec<u8>,
        }
        let read = |json: &str| serde_json::from_str::<T>(json).map(|t| (t.id, t.list));
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            read(r#"{"id":"7","list":[1,2]}"#).ok(),
            Some((some("7"), vec![1, 2]))
        );
        assert_eq!(
            read(r#"{"id":7,"list":3}"#).ok(),
            Some((some("7"), vec![3]))
        );
        assert_eq!(
            read(r#"{"id":true,"list":null}"#).ok(),
            Some((None, vec![]))
        );
        assert_eq!(read("{}").ok(), Some((None, vec![])));
    }
}
