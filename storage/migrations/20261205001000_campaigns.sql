-- Outbound campaigns: the campaigns, their call lists (leads), the attempts the dialer
-- placed, and the do-not-call list.

-- +goose Up
CREATE TABLE campaigns (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             text        NOT NULL,
    -- The routing queue whose agents take the campaign's answered calls.
    queue            text        NOT NULL,
    policy           text        NOT NULL DEFAULT 'progressive',
    -- Target share of live answers abandoned, in percent, for the predictive policy.
    abandon_target   double precision NOT NULL DEFAULT 3,
    -- Maximum dials in flight at once (trunk lines the campaign may use).
    max_lines        integer     NOT NULL DEFAULT 10,
    -- Calling window as minutes after local midnight in time_zone; start = end means all day.
    window_start_min integer     NOT NULL DEFAULT 540,
    window_end_min   integer     NOT NULL DEFAULT 1260,
    time_zone        text        NOT NULL DEFAULT 'UTC',
    -- Retries of a number that was busy or did not answer, and the pause before each.
    max_attempts     integer     NOT NULL DEFAULT 3,
    retry_delay_s    integer     NOT NULL DEFAULT 1800,
    status           text        NOT NULL DEFAULT 'draft',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT campaigns_name_key UNIQUE (name),
    CONSTRAINT campaigns_name_valid CHECK (btrim(name) <> '' AND name !~ '[,[:space:]]'),
    CONSTRAINT campaigns_queue_valid CHECK (btrim(queue) <> ''),
    CONSTRAINT campaigns_policy_valid CHECK (policy IN ('progressive', 'predictive')),
    CONSTRAINT campaigns_abandon_target_valid CHECK (abandon_target > 0 AND abandon_target <= 100),
    CONSTRAINT campaigns_max_lines_valid CHECK (max_lines BETWEEN 1 AND 1000),
    CONSTRAINT campaigns_window_valid CHECK (window_start_min BETWEEN 0 AND 1439 AND window_end_min BETWEEN 0 AND 1440),
    CONSTRAINT campaigns_retries_valid CHECK (max_attempts BETWEEN 1 AND 20 AND retry_delay_s >= 0),
    CONSTRAINT campaigns_status_valid CHECK (status IN ('draft', 'running', 'paused', 'done'))
);
CREATE TRIGGER campaigns_set_updated_at BEFORE UPDATE ON campaigns
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE campaign_leads (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id     bigint      NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    phone_e164      text        NOT NULL,
    -- The number as the imported file wrote it.
    phone_raw       text        NOT NULL DEFAULT '',
    contact_id      bigint      REFERENCES contacts (id) ON DELETE SET NULL,
    name            text        NOT NULL DEFAULT '',
    status          text        NOT NULL DEFAULT 'new',
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_outcome    text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT campaign_leads_phone_key UNIQUE (campaign_id, phone_e164),
    CONSTRAINT campaign_leads_phone_valid CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT campaign_leads_status_valid CHECK (status IN (
        'new', 'dialing', 'answered', 'abandoned', 'no_answer', 'busy', 'failed', 'dnc', 'done')),
    CONSTRAINT campaign_leads_attempts_valid CHECK (attempts >= 0)
);
-- The dialer's pick of due leads.
CREATE INDEX campaign_leads_due_idx ON campaign_leads (campaign_id, next_attempt_at)
    WHERE status IN ('new', 'busy', 'no_answer');
CREATE TRIGGER campaign_leads_set_updated_at BEFORE UPDATE ON campaign_leads
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One row per dial. call_id is the id of the originated channel, which is also the call id
-- of the interaction when the call was answered, so the call log joins to its lead here.
CREATE TABLE campaign_attempts (
    call_id     text        PRIMARY KEY,
    campaign_id bigint      NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    lead_id     bigint      NOT NULL REFERENCES campaign_leads (id) ON DELETE CASCADE,
    dialed_at   timestamptz NOT NULL,
    outcome     text        NOT NULL DEFAULT '',
    ended_at    timestamptz
);
CREATE INDEX campaign_attempts_lead_idx ON campaign_attempts (lead_id, dialed_at);

CREATE TABLE dnc_numbers (
    phone_e164 text        PRIMARY KEY,
    reason     text        NOT NULL DEFAULT '',
    added_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dnc_numbers_phone_valid CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$')
);

-- +goose Down
DROP TABLE dnc_numbers;
DROP TABLE campaign_attempts;
DROP TABLE campaign_leads;
DROP TABLE campaigns;
