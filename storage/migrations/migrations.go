// Package migrations embeds the SQL schema migrations of the Switchboard database.
//
// Each file is a goose migration named YYYYMMDDHHMMSS_name.sql with an Up and a Down
// section. Migrations are append-only: a released file is never edited; a change to the
// schema is a new file. Files from different packages may interleave in time, so the
// runner in package storage applies a missing older version out of order.
package migrations

import "embed"

// FS contains every *.sql migration of this directory.
//
//go:embed *.sql
var FS embed.FS
