-- The call log: exactly one record per call, keyed by the call id.

-- +goose Up
CREATE TABLE interactions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Call id assigned when the call entered Switchboard. Unique, so a replayed write
    -- (after a database outage or a node crash) stays one record.
    call_id           text        NOT NULL,
    direction         text        NOT NULL,
    queue             text        NOT NULL DEFAULT '',
    agent_id          bigint      REFERENCES users (id) ON DELETE SET NULL,
    contact_id        bigint      REFERENCES contacts (id) ON DELETE SET NULL,
    -- E.164 when the number could be normalised, otherwise the text received
    -- (for example "anonymous").
    caller_number     text        NOT NULL DEFAULT '',
    callee_number     text        NOT NULL DEFAULT '',
    arrived_at        timestamptz NOT NULL,
    offered_at        timestamptz,
    answered_at       timestamptz,
    ended_at          timestamptz,
    wait_seconds      double precision NOT NULL DEFAULT 0,
    talk_seconds      double precision NOT NULL DEFAULT 0,
    outcome           text        NOT NULL,
    -- Q.850 cause code as Asterisk reports it (16 normal clearing, 17 busy, ...).
    hangup_cause      smallint,
    hangup_cause_text text        NOT NULL DEFAULT '',
    disposition       text        NOT NULL DEFAULT '',
    note              text        NOT NULL DEFAULT '',
    campaign          text        NOT NULL DEFAULT '',
    -- Recording name as stored by Asterisk (ARI stored recording), or empty.
    recording         text        NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT interactions_call_id_key UNIQUE (call_id),
    CONSTRAINT interactions_call_id_valid CHECK (call_id <> ''),
    CONSTRAINT interactions_direction_valid CHECK (direction IN ('inbound', 'outbound', 'internal')),
    CONSTRAINT interactions_outcome_valid CHECK (outcome IN (
        'answered', 'abandoned', 'no_answer', 'busy', 'failed', 'rejected',
        'voicemail', 'machine', 'transferred', 'timeout')),
    CONSTRAINT interactions_hangup_cause_valid CHECK (hangup_cause IS NULL OR hangup_cause BETWEEN 0 AND 127),
    CONSTRAINT interactions_seconds_valid CHECK (wait_seconds >= 0 AND talk_seconds >= 0),
    CONSTRAINT interactions_times_ordered CHECK (
        (offered_at IS NULL OR offered_at >= arrived_at)
        AND (answered_at IS NULL OR answered_at >= arrived_at)
        AND (ended_at IS NULL OR ended_at >= arrived_at)
        AND (ended_at IS NULL OR answered_at IS NULL OR ended_at >= answered_at))
);
-- Screen-pop history of a contact, newest first.
CREATE INDEX interactions_contact_idx ON interactions (contact_id, arrived_at DESC)
    WHERE contact_id IS NOT NULL;
-- History of a number that matches no contact yet.
CREATE INDEX interactions_caller_idx ON interactions (caller_number, arrived_at DESC);
CREATE INDEX interactions_agent_idx ON interactions (agent_id, arrived_at DESC)
    WHERE agent_id IS NOT NULL;
-- Reports by period and by queue.
CREATE INDEX interactions_arrived_idx ON interactions (arrived_at);
CREATE INDEX interactions_queue_idx ON interactions (queue, arrived_at);
CREATE INDEX interactions_campaign_idx ON interactions (campaign, arrived_at) WHERE campaign <> '';
CREATE TRIGGER interactions_set_updated_at BEFORE UPDATE ON interactions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- +goose Down
DROP TABLE interactions;
