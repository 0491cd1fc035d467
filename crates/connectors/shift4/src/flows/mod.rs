//! The operations Shift4 implements.

mod create_customer;
