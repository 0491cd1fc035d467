//! The operations Braintree implements.

mod create_customer;
