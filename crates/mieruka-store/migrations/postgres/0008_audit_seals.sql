-- Each audit entry's seal: the hex HMAC-SHA256 of its hash under a key kept outside the database
-- (the audit key file). Someone who can write to the database but not read the key cannot
-- rewrite an entry and recompute the chain after it without the seals giving it away. Entries
-- written before the log had a key have none.

ALTER TABLE audit_log ADD COLUMN mac TEXT;
