-- Service requests (tickets), and tasks including scheduled callbacks.

-- +goose Up
CREATE TABLE tickets (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject        text        NOT NULL,
    description    text        NOT NULL DEFAULT '',
    priority       text        NOT NULL DEFAULT 'normal',
    status         text        NOT NULL DEFAULT 'open',
    -- Time by which the ticket must be resolved under its service level agreement.
    sla_due_at     timestamptz,
    contact_id     bigint      REFERENCES contacts (id) ON DELETE SET NULL,
    assignee_id    bigint      REFERENCES users (id) ON DELETE SET NULL,
    created_by     bigint      REFERENCES users (id) ON DELETE SET NULL,
    -- The call during which the ticket was opened, if any.
    interaction_id bigint      REFERENCES interactions (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    resolved_at    timestamptz,
    CONSTRAINT tickets_subject_valid CHECK (btrim(subject) <> ''),
    CONSTRAINT tickets_priority_valid CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    CONSTRAINT tickets_status_valid CHECK (status IN ('open', 'in_progress', 'waiting', 'resolved', 'closed')),
    -- resolved_at is set exactly when the ticket is resolved or closed.
    CONSTRAINT tickets_resolved_at_matches_status CHECK (
        (status IN ('resolved', 'closed')) = (resolved_at IS NOT NULL))
);
-- Open tickets of a contact, for the screen-pop card.
CREATE INDEX tickets_contact_open_idx ON tickets (contact_id, created_at DESC)
    WHERE status NOT IN ('resolved', 'closed');
-- An assignee's open queue, ordered by deadline; and the SLA breach scan.
CREATE INDEX tickets_assignee_open_idx ON tickets (assignee_id, sla_due_at)
    WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX tickets_sla_open_idx ON tickets (sla_due_at)
    WHERE status NOT IN ('resolved', 'closed') AND sla_due_at IS NOT NULL;
CREATE INDEX tickets_contact_idx ON tickets (contact_id) WHERE contact_id IS NOT NULL;
CREATE TRIGGER tickets_set_updated_at BEFORE UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Tasks and callbacks share one table: a callback is a task with a phone number that the
-- dialer or an agent calls at due_at.
CREATE TABLE tasks (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           text        NOT NULL,
    title          text        NOT NULL DEFAULT '',
    note           text        NOT NULL DEFAULT '',
    due_at         timestamptz,
    status         text        NOT NULL DEFAULT 'open',
    contact_id     bigint      REFERENCES contacts (id) ON DELETE SET NULL,
    assignee_id    bigint      REFERENCES users (id) ON DELETE SET NULL,
    created_by     bigint      REFERENCES users (id) ON DELETE SET NULL,
    -- Callback number; required for callbacks.
    phone_e164     text,
    -- Queue that takes the callback when no assignee is set.
    queue          text        NOT NULL DEFAULT '',
    -- Dial attempts made for a callback.
    attempts       integer     NOT NULL DEFAULT 0,
    interaction_id bigint      REFERENCES interactions (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    completed_at   timestamptz,
    CONSTRAINT tasks_kind_valid CHECK (kind IN ('task', 'callback')),
    CONSTRAINT tasks_status_valid CHECK (status IN ('open', 'in_progress', 'done', 'cancelled', 'failed')),
    CONSTRAINT tasks_phone_valid CHECK (phone_e164 IS NULL OR phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT tasks_callback_complete CHECK (kind <> 'callback' OR (phone_e164 IS NOT NULL AND due_at IS NOT NULL)),
    CONSTRAINT tasks_task_has_title CHECK (kind <> 'task' OR btrim(title) <> ''),
    CONSTRAINT tasks_attempts_valid CHECK (attempts >= 0),
    CONSTRAINT tasks_completed_at_matches_status CHECK (
        (status IN ('done', 'cancelled', 'failed')) = (completed_at IS NOT NULL))
);
-- Due work: the callback scheduler and "my tasks" both read open rows by due time.
CREATE INDEX tasks_due_open_idx ON tasks (kind, due_at) WHERE status = 'open';
CREATE INDEX tasks_assignee_open_idx ON tasks (assignee_id, due_at) WHERE status IN ('open', 'in_progress');
CREATE INDEX tasks_contact_idx ON tasks (contact_id) WHERE contact_id IS NOT NULL;
CREATE TRIGGER tasks_set_updated_at BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- +goose Down
DROP TABLE tasks;
DROP TABLE tickets;
