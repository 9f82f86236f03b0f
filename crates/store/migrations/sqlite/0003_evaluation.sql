-- Year-end evaluation scores entered per unit, year and criterion. Kept in step with ../postgres/0003_evaluation.sql.
CREATE TABLE evaluation_scores (
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    year       INTEGER NOT NULL,
    criterion  TEXT NOT NULL,
    score      REAL NOT NULL,
    PRIMARY KEY (unit_id, year, criterion)
);
