ALTER TABLE merchants
    DROP COLUMN mail_from_address,
    DROP COLUMN customer_support_email,
    DROP COLUMN new_order_notifications_email,
    DROP COLUMN send_consumer_transactional_emails;
