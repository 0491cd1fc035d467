//! The Braintree emulator's own wire: XML both ways, the merchant in the path, the documented
//! reply shape, `<params>` echoed on refusals (what every connector shares: prism-conformance's
//! behaviour suite; the request mapping: the conformance snapshots).
#![cfg(feature = "braintree")]
#![allow(clippy::unwrap_used)]

use prism::Connector;
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::document;
use prism_testkit::sandbox::*;

const C: Connector = Connector::Braintree;

fn path(rest: &str) -> String {
    let merchant = credential(C, "PRISM_BRAINTREE_MERCHANT_ID");
    format!("/merchants/{merchant}/customers{rest}")
}

fn keys() -> (&'static str, &'static str) {
    let public = credential(C, "PRISM_BRAINTREE_PUBLIC_KEY");
    (public, credential(C, "PRISM_BRAINTREE_PRIVATE_KEY"))
}

/// `(status, body)` of a raw create with the SDK's headers.
async fn create(sb: &Sandbox, at: &str, auth: (&str, &str), body: &str) -> (u16, String) {
    let req = post(sb, C, at).basic_auth(auth.0, Some(auth.1));
    let req = req
        .header("Content-Type", "application/xml")
        .header("X-ApiVersion", "6");
    let resp = respond(req.body(body.to_owned())).await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// The element names of an XML text, in order (`<a>`, `<a/>`, `<a x="1">`; not end tags).
fn elements(xml: &str) -> Vec<&str> {
    xml.split('<')
        .skip(1)
        .filter(|t| !t.starts_with(['/', '?']))
        .map(|t| t.split([' ', '>', '/']).next().unwrap())
        .collect()
}

#[tokio::test]
async fn the_reply_has_the_documented_shape_and_the_id_is_unique() {
    let sb = Sandbox::start().await.unwrap();
    let sent = "<customer><id>c-1</id><first_name>Zo&#235; &amp; Co</first_name><email>z@example.com</email></customer>";
    let (status, body) = create(&sb, &path(""), keys(), sent).await;
    assert_eq!(status, 201, "{body}");
    let documented = document("braintree", "created")["body_text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(elements(&body), elements(&documented));
    assert!(
        body.contains("<first-name>Zoë &amp; Co</first-name>"),
        "{body}"
    );
    assert!(
        body.contains("<global-id>Y3VzdG9tZXJfYy0x</global-id>"),
        "{body}"
    );

    let (status, again) = create(&sb, &path(""), keys(), sent).await;
    assert_eq!(status, 422);
    let echoed = "<params><customer><id>c-1</id><first_name>Zoë &amp; Co</first_name>";
    assert!(
        again.contains("<code>91609</code>") && again.contains(echoed),
        "{again}"
    );

    let find =
        |id: &str| get(&sb, C, &path(&format!("/{id}"))).basic_auth(keys().0, Some(keys().1));
    let found = respond(find("c-1")).await;
    assert_eq!(found.status().as_u16(), 200);
    assert_eq!(
        elements(&found.text().await.unwrap()),
        elements(&documented)
    );
    let missing = respond(find("c-2")).await;
    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(missing.text().await.unwrap(), "");
}

#[tokio::test]
async fn credentials_and_the_merchant_path() {
    let sb = Sandbox::start().await.unwrap();
    let sent = "<customer><id>c-9</id></customer>";
    let (public, private) = keys();
    let wrong = wrong_value(private);
    for (at, auth) in [
        (path(""), (public, wrong.as_str())),
        ("/merchants/other_merchant/customers".to_owned(), keys()),
    ] {
        assert_eq!(
            create(&sb, &at, auth, sent).await,
            (401, String::new()),
            "{at}"
        );
    }
    let (status, body) = create(&sb, &path(""), keys(), "{\"customer\":{}}").await;
    assert_eq!(status, 422);
    assert!(
        body.starts_with("<?xml") && body.contains("<api-error-response>"),
        "{body}"
    );
    assert_eq!(sb.customers(C).len(), 0);
}
