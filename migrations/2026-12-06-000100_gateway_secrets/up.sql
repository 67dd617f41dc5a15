-- Secrets every gateway of a deployment must share (issue 14, "two nodes"): when no JWT_SECRET
-- is configured, the first gateway to start stores a random signing secret here and every
-- other gateway on the same database reads the same one, so a token or a signed page cursor
-- issued by one node is accepted by the others and survives restarts. Not per merchant.
CREATE TABLE gateway_secrets (
    name       text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    value      text NOT NULL CHECK (length(value) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
