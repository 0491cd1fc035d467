//! The product page's example request (SPEC §1).

use prism_connector::types::{Address, CustomerCreateRequest};

/// The product page's example address (one street line).
pub fn example_address() -> Address {
    Address::new()
        .with_line1("1 Main St")
        .with_city("Springfield")
        .with_state("IL")
        .with_postal_code("62701")
        .with_country("US")
}

/// The product page's request for `reference`: email, name, phone, description.
pub fn product_request(reference: &str) -> CustomerCreateRequest {
    CustomerCreateRequest::new(reference)
        .email("john.doe@example.com")
        .name("John Doe")
        .phone("+1-555-123-4567")
        .description("Premium plan subscriber")
}

/// A request for `reference` with email, name, phone, metadata (`plan`) and the example address
/// — no description (which several processors cannot store).
pub fn request_with_address(reference: &str) -> CustomerCreateRequest {
    CustomerCreateRequest::new(reference)
        .email("john.doe@example.com")
        .name("John Doe")
        .phone("+1-555-123-4567")
        .metadata("plan", "premium")
        .address(example_address())
}

/// The field paths an error names (`email`, `address.country`, …), in its order.
pub fn field_paths(e: &prism_connector::types::Error) -> Vec<&str> {
    e.field_errors().iter().map(|f| f.field.as_str()).collect()
}

/// The example address with a second street line (`Apt 4`).
pub fn full_address() -> Address {
    example_address().with_line2("Apt 4")
}
