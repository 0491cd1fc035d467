mod create_customer;
