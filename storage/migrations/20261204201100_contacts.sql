-- The address book: companies, contacts, their phones, e-mails and tags.

-- +goose Up
-- pg_trgm serves the "search contacts by part of a name" query with a GIN index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE companies (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL,
    -- Taxpayer number (INN in Russia) or another registry id; empty when unknown.
    tax_id     text        NOT NULL DEFAULT '',
    website    text        NOT NULL DEFAULT '',
    note       text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT companies_name_valid CHECK (btrim(name) <> '' AND name = btrim(name))
);
-- One company per name, compared case-insensitively, so imports can merge on it.
CREATE UNIQUE INDEX companies_name_key ON companies (lower(name));
CREATE TRIGGER companies_set_updated_at BEFORE UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE contacts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_name  text        NOT NULL DEFAULT '',
    last_name   text        NOT NULL DEFAULT '',
    middle_name text        NOT NULL DEFAULT '',
    company_id  bigint      REFERENCES companies (id) ON DELETE SET NULL,
    position    text        NOT NULL DEFAULT '',
    vip         boolean     NOT NULL DEFAULT false,
    note        text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- Soft delete: a non-NULL deleted_at hides the contact from lookups and lists
    -- until it is restored. Interactions keep pointing at it.
    deleted_at  timestamptz,
    CONSTRAINT contacts_deleted_after_created CHECK (deleted_at IS NULL OR deleted_at >= created_at)
);
CREATE INDEX contacts_company_idx ON contacts (company_id) WHERE company_id IS NOT NULL;
-- Name search: "last first middle" lowercased, matched with LIKE '%part%'.
CREATE INDEX contacts_name_trgm_idx ON contacts
    USING gin (lower(last_name || ' ' || first_name || ' ' || middle_name) gin_trgm_ops)
    WHERE deleted_at IS NULL;
-- Alphabetical listing of live contacts.
CREATE INDEX contacts_list_idx ON contacts (last_name, first_name, id) WHERE deleted_at IS NULL;
CREATE TRIGGER contacts_set_updated_at BEFORE UPDATE ON contacts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE phones (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id bigint      NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    -- Normalised number, the key of caller lookup.
    e164       text        NOT NULL,
    -- Extension dialled after the call is answered; not part of caller lookup.
    extension  text        NOT NULL DEFAULT '',
    -- The number as a person or a file wrote it, shown back unchanged.
    raw        text        NOT NULL DEFAULT '',
    kind       text        NOT NULL DEFAULT 'mobile',
    is_primary boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT phones_e164_valid CHECK (e164 ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT phones_extension_valid CHECK (extension ~ '^[0-9]{0,10}$'),
    CONSTRAINT phones_kind_valid CHECK (kind IN ('mobile', 'work', 'home', 'fax', 'other')),
    CONSTRAINT phones_contact_number_key UNIQUE (contact_id, e164, extension)
);
-- Caller lookup: equality on e164, and the contact id comes from the index alone.
CREATE INDEX phones_e164_idx ON phones (e164) INCLUDE (contact_id);

CREATE TABLE emails (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id bigint      NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    address    text        NOT NULL,
    kind       text        NOT NULL DEFAULT 'work',
    is_primary boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT emails_address_valid CHECK (address ~ '^[^@\s]+@[^@\s]+$'),
    CONSTRAINT emails_kind_valid CHECK (kind IN ('work', 'personal', 'other'))
);
CREATE UNIQUE INDEX emails_contact_address_key ON emails (contact_id, lower(address));
CREATE INDEX emails_address_idx ON emails (lower(address));

CREATE TABLE tags (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL,
    -- Display colour as #rrggbb, or empty for the default.
    color      text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tags_name_valid CHECK (btrim(name) <> '' AND name = btrim(name) AND length(name) <= 64),
    CONSTRAINT tags_color_valid CHECK (color = '' OR color ~ '^#[0-9a-fA-F]{6}$')
);
CREATE UNIQUE INDEX tags_name_key ON tags (lower(name));

CREATE TABLE contact_tags (
    contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    tag_id     bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (contact_id, tag_id)
);
CREATE INDEX contact_tags_tag_idx ON contact_tags (tag_id);

-- +goose Down
DROP TABLE contact_tags;
DROP TABLE tags;
DROP TABLE emails;
DROP TABLE phones;
DROP TABLE contacts;
DROP TABLE companies;
-- pg_trgm stays because other objects in the database may use it; IF NOT EXISTS tolerates that.
