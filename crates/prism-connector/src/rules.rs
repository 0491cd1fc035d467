//! Request rules that connectors check again before sending, so that a connector used on its
//! own (without the facade's validation) never sends what its processor would misread.

use prism_types::{CustomerCreateRequest, FieldError};

/// The error for caller metadata holding `key`, where the connector stores the merchant
/// reference (`brand` names the processor in the message); `None` when the key is free.
/// Validation refuses it first; repeating it keeps the reference from being overwritten.
pub fn reserved_reference_key(
    req: &CustomerCreateRequest,
    key: &str,
    brand: &str,
) -> Option<FieldError> {
    req.metadata.contains_key(key).then(|| {
        FieldError::new(
            format!("metadata.{key}"),
            "reserved_key",
            format!("key is reserved: {brand} stores merchant_customer_id there"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_key_is_reserved() {
        let free = CustomerCreateRequest::new("r1").metadata("plan", "pro");
        assert_eq!(
            reserved_reference_key(&free, "merchant_customer_id", "X"),
            None
        );
        let taken = free.metadata("merchant_customer_id", "other");
        let e = reserved_reference_key(&taken, "merchant_customer_id", "Shift4").expect("taken");
        assert_eq!(
            (e.field.as_str(), e.rule.as_str(), e.message.as_str()),
            (
                "metadata.merchant_customer_id",
                "reserved_key",
                "key is reserved: Shift4 stores merchant_customer_id there"
            )
        );
    }
}
