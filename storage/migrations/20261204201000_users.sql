-- Users of the product (agents, supervisors, marketers, administrators) and their skills.

-- +goose Up
-- +goose StatementBegin
-- set_updated_at keeps updated_at true for every writer, including COPY-based imports that
-- bypass the repository code.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text        NOT NULL,
    display_name  text        NOT NULL,
    -- argon2id hash in PHC string form: $argon2id$v=19$m=...,t=...,p=...$salt$hash
    password_hash text        NOT NULL,
    roles         text[]      NOT NULL DEFAULT '{agent}',
    locale        text        NOT NULL DEFAULT 'ru',
    -- Fixed phone endpoint in Asterisk dial-string form, for example PJSIP/1001.
    -- NULL means the agent picks a phone at login.
    endpoint      text,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_login_valid CHECK (login <> '' AND login = btrim(login) AND length(login) <= 64),
    CONSTRAINT users_display_name_valid CHECK (btrim(display_name) <> ''),
    CONSTRAINT users_password_hash_phc CHECK (password_hash LIKE '$argon2id$%'),
    CONSTRAINT users_roles_valid CHECK (
        cardinality(roles) > 0
        AND roles <@ ARRAY['agent', 'supervisor', 'marketer', 'admin']::text[]),
    CONSTRAINT users_locale_valid CHECK (locale IN ('ru', 'en')),
    CONSTRAINT users_endpoint_valid CHECK (endpoint IS NULL OR btrim(endpoint) <> '')
);
-- Logins are case-insensitive: "Ivanov" and "ivanov" are the same person.
CREATE UNIQUE INDEX users_login_key ON users (lower(login));
-- One fixed endpoint rings one agent only.
CREATE UNIQUE INDEX users_endpoint_key ON users (endpoint) WHERE endpoint IS NOT NULL;
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Skills for skills-based routing: level 1 (basic) to 10 (expert).
CREATE TABLE user_skills (
    user_id bigint   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    skill   text     NOT NULL,
    level   smallint NOT NULL,
    PRIMARY KEY (user_id, skill),
    CONSTRAINT user_skills_skill_valid CHECK (skill <> '' AND skill = btrim(skill)),
    CONSTRAINT user_skills_level_valid CHECK (level BETWEEN 1 AND 10)
);
-- Routing asks "who has skill X": the primary key serves only "skills of user Y".
CREATE INDEX user_skills_skill_idx ON user_skills (skill, level DESC);

-- +goose Down
DROP TABLE user_skills;
DROP TABLE users;
DROP FUNCTION set_updated_at();
