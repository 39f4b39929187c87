-- Audit log: who did what to which record. Rows are only ever appended.

-- +goose Up
CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor_id  bigint      REFERENCES users (id) ON DELETE SET NULL,
    -- Login of the actor at the time, or "system"; kept when the user is deleted.
    actor     text        NOT NULL,
    action    text        NOT NULL,
    entity    text        NOT NULL,
    entity_id text        NOT NULL DEFAULT '',
    details   jsonb       NOT NULL DEFAULT '{}',
    CONSTRAINT audit_log_actor_valid CHECK (actor <> ''),
    CONSTRAINT audit_log_action_valid CHECK (action <> ''),
    CONSTRAINT audit_log_entity_valid CHECK (entity <> ''),
    CONSTRAINT audit_log_details_object CHECK (jsonb_typeof(details) = 'object')
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- +goose StatementBegin
CREATE FUNCTION audit_log_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

-- UPDATE and DELETE are rejected; retention uses TRUNCATE or partition drops by an operator.
-- The one exception is ON DELETE SET NULL of actor_id, which runs as an UPDATE, so the
-- trigger lets a change of actor_id alone through.
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_reject_change();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW
    WHEN ((OLD.at, OLD.actor, OLD.action, OLD.entity, OLD.entity_id, OLD.details)
          IS DISTINCT FROM (NEW.at, NEW.actor, NEW.action, NEW.entity, NEW.entity_id, NEW.details))
    EXECUTE FUNCTION audit_log_reject_change();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_reject_change();
