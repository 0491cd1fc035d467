//! The operations Square implements.

mod create_customer;
