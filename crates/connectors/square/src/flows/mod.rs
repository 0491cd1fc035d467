//! The operations Square implements: create, and the lookup by merchant reference (search).

mod create_customer;
mod find_customer;
