ALTER TABLE product_publications
    DROP CONSTRAINT product_publications_window,
    DROP COLUMN updated_at,
    DROP COLUMN created_at,
    DROP COLUMN unpublished_at;
