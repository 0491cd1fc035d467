//! The operations Airwallex implements: create, and the lookup by merchant reference.

mod create_customer;
mod find_customer;
