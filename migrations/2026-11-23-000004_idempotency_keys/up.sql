-- Results of mutations sent with an idempotency key: a retry with the same key returns the first
-- result without writing again. The row is inserted in the mutation's own transaction, so two
-- concurrent retries serialize on the primary key and the second sees the first's result.
CREATE TABLE idempotency_keys (
    merchant_id   bigint NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    operation     text NOT NULL,
    -- Digest of the mutation's input: the same key with another input is refused.
    request_hash  text NOT NULL,
    result        jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
