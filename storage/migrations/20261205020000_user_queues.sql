-- The call queues each agent serves. Queues are the [[queue]] tables of the configuration,
-- not rows of a table, so a membership stores the queue's name and no foreign key can check
-- it: "switchboard user" checks names against the configuration when it writes them. A user
-- with no rows here serves every queue of the node, as every agent did before this table.

-- +goose Up
CREATE TABLE user_queues (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    queue   text   NOT NULL,
    PRIMARY KEY (user_id, queue),
    CONSTRAINT user_queues_queue_valid CHECK (queue <> '' AND queue = btrim(queue))
);

-- +goose Down
DROP TABLE user_queues;
