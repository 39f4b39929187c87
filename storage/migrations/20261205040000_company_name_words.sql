-- Contact search also finds a company's contacts by the beginning of a word of the company's
-- name ("рога" finds the contacts of «Рога и копыта»), with ё and е treated as one letter,
-- as for contact names. This index finds the companies; contacts_company_idx then finds
-- their contacts, so the search never reads the whole contacts table.

-- +goose Up
CREATE INDEX companies_name_words_idx ON companies
    USING gin (to_tsvector('simple', translate(name, 'Ёё', 'Ее')));

-- +goose Down
DROP INDEX companies_name_words_idx;
