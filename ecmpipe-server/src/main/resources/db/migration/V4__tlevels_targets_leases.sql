-- T-level accounting and the work queue.
-- composites: the t-level of all stored ECM work (recomputed from every attempt after each submission, outside the
-- submission's transaction; t_level_through = the highest attempt id it includes, so a slower recomputation never
-- overwrites a newer one), the admin's target (NULL: 4/13 of the cofactor's digits, or of the SNFS difficulty when
-- smaller, clamped to 10..85), the queue priority, and the next work: B1 of the standard ladder for the gap and the
-- curves at that B1 (ecm's default B2, param 1) that reach the target.
ALTER TABLE composites ADD COLUMN t_level DOUBLE PRECISION DEFAULT 0 NOT NULL;
ALTER TABLE composites ADD COLUMN t_level_through BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE composites ADD COLUMN target_t_level DOUBLE PRECISION;
ALTER TABLE composites ADD COLUMN snfs_difficulty INTEGER;
ALTER TABLE composites ADD COLUMN priority INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE composites ADD COLUMN next_b1 BIGINT;
ALTER TABLE composites ADD COLUMN curves_to_target BIGINT DEFAULT 0 NOT NULL;
CREATE INDEX composites_queue ON composites (status, priority, id);

-- attempts: what the t-level needs besides b1, b2, curves and parametrization. stage1_curves ran stage 1;
-- stage2_curves of them also ran stage 2 at b2 (the rest count at B2 = 0); b2_default: b2 was ecm's default for b1.
ALTER TABLE attempts ADD COLUMN stage1_curves INTEGER;
ALTER TABLE attempts ADD COLUMN stage2_curves INTEGER;
ALTER TABLE attempts ADD COLUMN b2_default BOOLEAN;
UPDATE attempts SET stage1_curves = GREATEST(curves_completed, COALESCE(curves_requested, 0)),
                    stage2_curves = CASE WHEN b2 = 0 THEN 0 ELSE curves_completed END,
                    b2_default = (b2 IS NULL);

-- Work leases: a client's claim on some curves of a composite's current cofactor (cofactor_sha256 as leased: a
-- factor found since makes the lease cancelled at its next heartbeat). Active and expires_at in the future = held;
-- an expired lease needs no clean-up, it simply stops counting.
CREATE TABLE work_leases (
    id               VARCHAR(36)    PRIMARY KEY,
    composite_id     BIGINT         NOT NULL REFERENCES composites (id),
    cofactor_sha256  CHAR(64)       NOT NULL,
    client_id        VARCHAR(256)   NOT NULL,
    b1               BIGINT         NOT NULL,
    b2               NUMERIC(40, 0),
    curves           INTEGER        NOT NULL,
    parametrization  INTEGER        NOT NULL,
    status           VARCHAR(16)    NOT NULL,
    leased_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    curves_completed INTEGER        DEFAULT 0 NOT NULL,
    progress_message VARCHAR(1000),
    last_progress_at TIMESTAMP WITH TIME ZONE,
    finished_at      TIMESTAMP WITH TIME ZONE,
    reason           VARCHAR(256)
);
CREATE INDEX work_leases_composite ON work_leases (composite_id, status, expires_at);
CREATE INDEX work_leases_client ON work_leases (client_id);
