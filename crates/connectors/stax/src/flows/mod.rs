//! The operations Stax implements.

mod create_customer;
mod find_customer;
