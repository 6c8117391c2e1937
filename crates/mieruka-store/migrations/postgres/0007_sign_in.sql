-- Sign-in under attack: API tokens may expire, and failed sign-ins are counted per account, per
-- address and per account from one address, in rows updated under a lock, so that attempts
-- made in parallel (or through several instances) are counted before any password is checked.

-- When the token stops working (RFC 3339, UTC); none: it works until revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;

-- scope: 'pair' (subject: username, a newline, address), 'account' (username) or 'address'.
-- failures: attempts not followed by a success, including those being checked right now;
-- last_unix: when the last attempt was let through.
CREATE TABLE login_throttle (
    scope     TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    failures  BIGINT NOT NULL,
    last_unix BIGINT NOT NULL,
    PRIMARY KEY (scope, subject)
);
