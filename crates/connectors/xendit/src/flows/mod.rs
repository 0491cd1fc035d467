//! The operations Xendit implements.

mod create_customer;
