package storage

import (
	"context"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
)

// Tags stores the tag vocabulary. Contacts.AddTag and contact writes create missing
// tags by name.
type Tags struct {
	db DBTX
}

// NewTags returns the tag repository on db.
func NewTags(db DBTX) *Tags { return &Tags{db: db} }

var colorPattern = regexp.MustCompile(`^(#[0-9a-fA-F]{6})?$`)

// Create stores a new tag. A taken name (any case) gives crm.ErrConflict.
func (s *Tags) Create(ctx context.Context, t crm.Tag) (crm.Tag, error) {
	if err := crm.ValidateTagName(t.Name); err != nil {
		return crm.Tag{}, err
	}
	if !colorPattern.MatchString(t.Color) {
		return crm.Tag{}, fmt.Errorf("%w tag %q colour %q: use #rrggbb or leave it empty", crm.ErrInvalid, t.Name, t.Color)
	}
	err := s.db.QueryRow(ctx, `INSERT INTO tags (name, color) VALUES ($1, $2) RETURNING id`, t.Name, t.Color).Scan(&t.ID)
	if err != nil {
		return crm.Tag{}, dbError(fmt.Sprintf("create tag %q", t.Name), err)
	}
	return t, nil
}

// ensureTag returns the id of the tag named name, creating it when missing.
func ensureTag(ctx context.Context, db DBTX, name string) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `
		INSERT INTO tags (name) VALUES ($1)
		ON CONFLICT ((lower(name))) DO UPDATE SET name = tags.name
		RETURNING id`, name).Scan(&id)
	if err != nil {
		return 0, dbError(fmt.Sprintf("ensure tag %q", name), err)
	}
	return id, nil
}

// Get returns the tag with id, or an error wrapping crm.ErrNotFound.
func (s *Tags) Get(ctx context.Context, id int64) (crm.Tag, error) {
	t := crm.Tag{ID: id}
	if err := s.db.QueryRow(ctx, `SELECT name, color FROM tags WHERE id = $1`, id).Scan(&t.Name, &t.Color); err != nil {
		return crm.Tag{}, dbError(fmt.Sprintf("get tag %d", id), err)
	}
	return t, nil
}

// List returns every tag ordered by name.
func (s *Tags) List(ctx context.Context) ([]crm.Tag, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name, color FROM tags ORDER BY lower(name)`)
	if err != nil {
		return nil, dbError("list tags", err)
	}
	tags, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Tag, error) {
		var t crm.Tag
		err := row.Scan(&t.ID, &t.Name, &t.Color)
		return t, err
	})
	if err != nil {
		return nil, dbError("list tags", err)
	}
	return tags, nil
}

// Delete removes the tag with id from the vocabulary and from every contact.
func (s *Tags) Delete(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM tags WHERE id = $1`, id)
	if err != nil {
		return dbError(fmt.Sprintf("delete tag %d", id), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete tag %d: %w", id, crm.ErrNotFound)
	}
	return nil
}
