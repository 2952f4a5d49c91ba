-- Idempotency as ecm-wrapper does it (work hash of composite, method, b1, b2, param, sigma, curves) plus the
-- submission's content hash (a reused submission_id with other content is refused), the cofactor's key (a
-- submission for a known cofactor attaches to its original composite), and primality that may be unknown
-- (a check that did not finish within the server's time bound).
ALTER TABLE composites ADD COLUMN cofactor_sha256 CHAR(64);
CREATE INDEX composites_cofactor ON composites (cofactor_sha256);
ALTER TABLE attempts ADD COLUMN work_hash CHAR(64);
ALTER TABLE attempts ADD COLUMN content_sha256 CHAR(64);
ALTER TABLE attempts ADD CONSTRAINT attempts_work_hash_unique UNIQUE (work_hash);
ALTER TABLE factors ALTER COLUMN prime DROP NOT NULL;
CREATE INDEX factors_composite ON factors (composite_id);
