//! The operations Braintree implements.

mod create_customer;
mod find_customer;
