//! The operations Authorize.net implements.

mod create_customer;
