//! The operations Razorpay implements: the create (`fail_existing: "1"`) and, after a duplicate
//! answer, the same create with `fail_existing: "0"` that names the existing customer.

mod create_customer;
