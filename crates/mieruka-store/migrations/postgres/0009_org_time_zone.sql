-- The time zone an organisation's times written without one are counted in (an IANA name such
-- as Asia/Tokyo): a tool's export, a person's entry. Existing organisations get Asia/Tokyo, the
-- zone of the Japanese companies mieruka is made for.

ALTER TABLE organisations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Tokyo';
