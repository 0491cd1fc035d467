//! The operations Finix implements.

mod create_customer;
