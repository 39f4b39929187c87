// Package crm holds Switchboard's CRM domain types: users and roles, contacts and companies
// with their phones, e-mails and tags, interactions (the call log), tickets, tasks and
// callbacks, and audit entries. Validate methods state the rules each value must satisfy,
// and the sentinel errors here are shared by every layer.
//
// The types are plain values with no behaviour tied to a database; package storage reads
// and writes them in PostgreSQL. Identifiers are int64 database ids, and 0 means "none"
// in optional references such as Contact.CompanyID. Phone numbers are stored in E.164
// form, normalised by package crm/phone.
package crm

import "errors"

// Sentinel errors. Storage and service code wrap them with the operation and value, so
// callers test with errors.Is and map them to HTTP or WebSocket codes at the edge.
var (
	// ErrNotFound means the requested record does not exist, or is soft-deleted where the
	// operation skips deleted records.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write would duplicate a unique value (a login, a company name,
	// a tag name).
	ErrConflict = errors.New("conflict")
	// ErrInvalid means a value breaks a rule of the domain; the wrapped message names the
	// field, the value and the rule.
	ErrInvalid = errors.New("invalid")
	// ErrInvalidCredentials means the login and password do not match an enabled user.
	// It does not say which part was wrong.
	ErrInvalidCredentials = errors.New("invalid login or password")
	// ErrUnavailable means the store could not be reached or refused the connection for
	// now (down, restarting, out of connections); the same request may succeed later.
	ErrUnavailable = errors.New("store unavailable")
)
