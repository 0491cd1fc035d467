//! The operations Finix implements.

mod create_customer;
mod find_customer;
