//! The operations Authorize.net implements.

mod create_customer;
mod find_customer;
