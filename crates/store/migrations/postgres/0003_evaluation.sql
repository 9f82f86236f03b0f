-- Year-end evaluation scores entered per unit, year and criterion. Kept in step with ../sqlite/0003_evaluation.sql.
CREATE TABLE evaluation_scores (
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    year       BIGINT NOT NULL,
    criterion  TEXT NOT NULL,
    score      DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (unit_id, year, criterion)
);
