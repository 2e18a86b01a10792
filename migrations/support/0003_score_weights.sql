-- The smart-score weights the stored `tickets.smart_score` values were
-- computed with ("urgency,value,churn"). The inbox reads tickets in stored-
-- score order and stops early; when the configured weights differ from
-- these, it recomputes every stored score first.
CREATE TABLE IF NOT EXISTS score_weights (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    weights TEXT    NOT NULL
);
INSERT OR IGNORE INTO score_weights (id, weights) VALUES (1, '1,1,1');

