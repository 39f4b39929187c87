package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
)

// Companies stores companies. Names are unique without regard to case.
type Companies struct {
	db DBTX
}

// NewCompanies returns the company repository on db.
func NewCompanies(db DBTX) *Companies { return &Companies{db: db} }

const companyColumns = `id, name, tax_id, website, note, created_at, updated_at`

func scanCompany(row pgx.Row) (crm.Company, error) {
	var c crm.Company
	err := row.Scan(&c.ID, &c.Name, &c.TaxID, &c.Website, &c.Note, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

// Create stores a new company. A taken name gives crm.ErrConflict.
func (s *Companies) Create(ctx context.Context, c crm.Company) (crm.Company, error) {
	if err := c.Validate(); err != nil {
		return crm.Company{}, err
	}
	got, err := scanCompany(s.db.QueryRow(ctx, `
		INSERT INTO companies (name, tax_id, website, note) VALUES ($1, $2, $3, $4)
		RETURNING `+companyColumns, c.Name, c.TaxID, c.Website, c.Note))
	if err != nil {
		return crm.Company{}, dbError(fmt.Sprintf("create company %q", c.Name), err)
	}
	return got, nil
}

// Ensure returns the company named name, compared without case, creating it when missing.
// Imports use it to attach contacts to companies by name.
func (s *Companies) Ensure(ctx context.Context, name string) (crm.Company, error) {
	name = strings.TrimSpace(name)
	if err := (crm.Company{Name: name}).Validate(); err != nil {
		return crm.Company{}, err
	}
	// DO UPDATE with a no-op assignment makes RETURNING produce the existing row too.
	got, err := scanCompany(s.db.QueryRow(ctx, `
		INSERT INTO companies (name) VALUES ($1)
		ON CONFLICT ((lower(name))) DO UPDATE SET name = companies.name
		RETURNING `+companyColumns, name))
	if err != nil {
		return crm.Company{}, dbError(fmt.Sprintf("ensure company %q", name), err)
	}
	return got, nil
}

// Get returns the company with id, or an error wrapping crm.ErrNotFound.
func (s *Companies) Get(ctx context.Context, id int64) (crm.Company, error) {
	c, err := scanCompany(s.db.QueryRow(ctx, `SELECT `+companyColumns+` FROM companies WHERE id = $1`, id))
	if err != nil {
		return crm.Company{}, dbError(fmt.Sprintf("get company %d", id), err)
	}
	return c, nil
}

// Names returns the names of the companies with the given ids, by id, in one query. Ids of
// companies that do not exist are missing from the map.
func (s *Companies) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	names := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return names, nil
	}
	rows, err := s.db.Query(ctx, `SELECT id, name FROM companies WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, dbError(fmt.Sprintf("read names of %d companies", len(ids)), err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, dbError("read company name", err)
		}
		names[id] = name
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(fmt.Sprintf("read names of %d companies", len(ids)), err)
	}
	return names, nil
}

// Update replaces the fields of the company with c.ID.
func (s *Companies) Update(ctx context.Context, c crm.Company) (crm.Company, error) {
	if err := c.Validate(); err != nil {
		return crm.Company{}, err
	}
	got, err := scanCompany(s.db.QueryRow(ctx, `
		UPDATE companies SET name = $2, tax_id = $3, website = $4, note = $5 WHERE id = $1
		RETURNING `+companyColumns, c.ID, c.Name, c.TaxID, c.Website, c.Note))
	if err != nil {
		return crm.Company{}, dbError(fmt.Sprintf("update company %d", c.ID), err)
	}
	return got, nil
}

// Delete removes the company with id. Its contacts stay, without a company.
func (s *Companies) Delete(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM companies WHERE id = $1`, id)
	if err != nil {
		return dbError(fmt.Sprintf("delete company %d", id), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete company %d: %w", id, crm.ErrNotFound)
	}
	return nil
}

// List returns companies whose name contains query (any case; empty matches all),
// ordered by name.
func (s *Companies) List(ctx context.Context, query string, page Page) ([]crm.Company, error) {
	rows, err := s.db.Query(ctx, `
		SELECT `+companyColumns+` FROM companies
		WHERE $1 = '' OR lower(name) LIKE $2
		ORDER BY lower(name), id
		LIMIT $3 OFFSET $4`, query, likePattern(query), page.limit(), page.offset())
	if err != nil {
		return nil, dbError("list companies", err)
	}
	companies, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Company, error) {
		return scanCompany(row)
	})
	if err != nil {
		return nil, dbError("list companies", err)
	}
	return companies, nil
}
