//! The operations Stax implements.

mod create_customer;
