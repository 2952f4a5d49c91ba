-- The dashboard (issue 13 item 5). cofactor_prime: the primality verdict of the current cofactor as the submission
-- that set it computed it (outside any transaction): TRUE, FALSE, or NULL when not known (the check ran out of time,
-- or the row predates this column). A fully factored composite's cofactor is 1 or a prime.
ALTER TABLE composites ADD COLUMN cofactor_prime BOOLEAN;
UPDATE composites SET cofactor_prime = TRUE WHERE status = 'fully_factored' AND cofactor <> '1';

-- Pages in SQL, in a stable order (id), filtered by project and/or status: each filter with id as its index tail.
CREATE INDEX composites_project_id ON composites (project, id);
CREATE INDEX composites_status_id ON composites (status, id);
CREATE INDEX composites_project_status_id ON composites (project, status, id);
DROP INDEX composites_project;
DROP INDEX composites_status;
-- Hosts seen lately (attempts by time), active leases by expiry, and recent factors.
CREATE INDEX attempts_created ON attempts (created_at);
CREATE INDEX work_leases_active ON work_leases (status, expires_at);
CREATE INDEX factors_found ON factors (found_at, id);
-- A composite's attempts, newest first, a page at a time.
CREATE INDEX attempts_composite_id ON attempts (composite_id, id);
