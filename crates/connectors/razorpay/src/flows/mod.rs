//! The operations Razorpay implements.

mod create_customer;
