-- A product's publication on a channel has a window (Spree's `published_at` /
-- `unpublished_at`): it goes live at `published_at` (now, or a future time: scheduled) and
-- comes down at `unpublished_at` (NULL: never). A publication is listed from the moment it is
-- written; `live` says whether its window holds now.
ALTER TABLE product_publications
    ADD COLUMN unpublished_at timestamptz,
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT product_publications_window
        CHECK (unpublished_at IS NULL OR unpublished_at > published_at);
-- Rows published before this migration were created when they went live.
UPDATE product_publications SET created_at = published_at, updated_at = published_at;
