-- Indexes on the links from tickets and tasks to the call they were made in: the desk
-- asks "callbacks made during this call" after wrap-up, and removing a call record sets
-- these links to NULL, which without an index scans both tables.

-- +goose Up
CREATE INDEX tasks_interaction_idx ON tasks (interaction_id) WHERE interaction_id IS NOT NULL;
CREATE INDEX tickets_interaction_idx ON tickets (interaction_id) WHERE interaction_id IS NOT NULL;

-- +goose Down
DROP INDEX tickets_interaction_idx;
DROP INDEX tasks_interaction_idx;
