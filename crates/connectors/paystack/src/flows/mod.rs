//! The operations Paystack implements.

mod create_customer;
