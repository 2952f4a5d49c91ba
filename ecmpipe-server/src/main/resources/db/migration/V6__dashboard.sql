-- The dashboard (issue 13 item 5). cofactor_prime: the primality verdict of the current cofactor as the submission
-- that set it computed it (outside any transaction): TRUE, FALSE, or NULL when not known (the check ran out of time,
-- or the row predates this column). A fully factored composite's cofactor is 1 or a prime.
ALTER TABLE composites ADD COLUMN cofactor_prime BOOLEAN;
UPDATE composites SET cofactor_prime = TRUE WHERE status = 'fully_factored' AND cofactor <> '1';

-- number_prime: the number itself is prime (fully factored without a factor); set once, when the composite is added.
ALTER TABLE composites ADD COLUMN number_prime BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE composites SET number_prime = TRUE WHERE status = 'fully_factored' AND number_sha256 = cofactor_sha256;

-- Pages in SQL, in a stable order (id), filtered by project and/or status (composite; fully factored, split into
-- primes and the rest by number_prime): each filter's columns with id as the index's tail, so a page is an index
-- range and the counts (by status and number_prime) read an index, not the wide rows.
CREATE INDEX composites_project_id ON composites (project, id);
CREATE INDEX composites_status_id ON composites (status, number_prime, id);
CREATE INDEX composites_project_status_id ON composites (project, status, number_prime, id);
DROP INDEX composites_project;
DROP INDEX composites_status;
-- Hosts seen lately (attempts by time), active leases by expiry, and recent factors.
CREATE INDEX attempts_created ON attempts (created_at);
CREATE INDEX work_leases_active ON work_leases (status, expires_at);
CREATE INDEX factors_found ON factors (found_at, id);
-- A composite's attempts, newest first, a page at a time.
CREATE INDEX attempts_composite_id ON attempts (composite_id, id);
