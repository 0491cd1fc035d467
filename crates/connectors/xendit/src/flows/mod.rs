//! The operations Xendit implements.

mod create_customer;
mod find_customer;
