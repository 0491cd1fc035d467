//! The operations Mollie implements.

mod create_customer;
