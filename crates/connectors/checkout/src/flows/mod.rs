//! The operations Checkout.com implements.

mod create_customer;
