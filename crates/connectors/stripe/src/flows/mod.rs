mod create_customer;
mod find_customer;
