-- The store's mail settings (Spree's `mail_from_address`, `customer_support_email`,
-- `new_order_notifications_email` and `preferred_send_consumer_transactional_emails`). The
-- gateway sends no email itself: these are kept for the systems that do and read them back.
ALTER TABLE merchants
    ADD COLUMN mail_from_address text
        CHECK (mail_from_address IS NULL OR length(mail_from_address) BETWEEN 3 AND 254),
    ADD COLUMN customer_support_email text
        CHECK (customer_support_email IS NULL OR length(customer_support_email) BETWEEN 3 AND 254),
    ADD COLUMN new_order_notifications_email text
        CHECK (new_order_notifications_email IS NULL
               OR length(new_order_notifications_email) BETWEEN 3 AND 254),
    ADD COLUMN send_consumer_transactional_emails boolean NOT NULL DEFAULT false;
