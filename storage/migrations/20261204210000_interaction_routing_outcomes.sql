-- The routing engine ends inbound calls in three more ways than the first call-log schema
-- allowed: overflowed to voicemail or a callback offer, no agent before the maximum wait, and
-- closed outside business hours.

-- +goose Up
ALTER TABLE interactions DROP CONSTRAINT interactions_outcome_valid;
ALTER TABLE interactions ADD CONSTRAINT interactions_outcome_valid CHECK (outcome IN (
    'answered', 'abandoned', 'no_answer', 'busy', 'failed', 'rejected',
    'voicemail', 'machine', 'transferred', 'timeout',
    'overflowed', 'no_agent', 'closed'));

-- +goose Down
-- Rows with the new outcomes would violate the old constraint, so they are kept as 'failed'.
UPDATE interactions SET outcome = 'failed' WHERE outcome IN ('overflowed', 'no_agent', 'closed');
ALTER TABLE interactions DROP CONSTRAINT interactions_outcome_valid;
ALTER TABLE interactions ADD CONSTRAINT interactions_outcome_valid CHECK (outcome IN (
    'answered', 'abandoned', 'no_answer', 'busy', 'failed', 'rejected',
    'voicemail', 'machine', 'transferred', 'timeout'));
