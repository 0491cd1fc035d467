//! What a client says for connectors that are not compiled in or have no create operation.
//! CI runs this file twice: with every connector (`--all-features`) and with `stripe` only
//! (`cargo test -p prism --no-default-features --features stripe --test features`).

use prism::{Connector, CustomerClient, Environment, ErrorKind};

fn unsupported(c: Connector) -> String {
    let e = CustomerClient::new(c, "sk_test_x", Environment::Sandbox).expect_err("unsupported");
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{c}: {e}");
    assert_eq!(e.status_code(), Some(501));
    e.to_string()
}

#[test]
fn processors_without_a_create_operation_say_why() {
    assert!(unsupported(Connector::Adyen).contains("shopperReference"));
    assert!(unsupported(Connector::PayPal).contains("vault"));
    assert!(unsupported(Connector::Rapyd).contains("no connector for Rapyd yet"));
}

#[test]
fn a_connector_whose_feature_is_off_names_the_feature() {
    if cfg!(feature = "shift4") {
        assert!(CustomerClient::new(Connector::Shift4, "sk_test_x", Environment::Sandbox).is_ok());
    } else {
        let msg = unsupported(Connector::Shift4);
        assert!(msg.contains("cargo feature `shift4`"), "{msg}");
        assert!(!prism::compiled_connectors().contains(&Connector::Shift4));
    }
    assert!(prism::compiled_connectors().contains(&Connector::Stripe));
}
