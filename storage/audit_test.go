package storage_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestAuditLogRoundTrip(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	audit := storage.NewAuditLog(pool)
	admin := mustUser(t, pool, "admin", crm.RoleAdmin)

	first, err := audit.Append(ctx, crm.AuditEntry{ActorID: admin.ID, Actor: admin.Login, Action: "contact.update",
		Entity: "contact", EntityID: "42", Details: json.RawMessage(`{"field": "vip", "from": false, "to": true}`)})
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if first.ID == 0 || first.At.IsZero() {
		t.Errorf("Append returned %+v", first)
	}
	second, err := audit.Append(ctx, crm.AuditEntry{Actor: crm.ActorSystem, Action: "contact.import", Entity: "contact", EntityID: "43"})
	if err != nil {
		t.Fatalf("Append without details: %v", err)
	}
	if string(second.Details) != "{}" {
		t.Errorf("empty details stored as %s, want {}", second.Details)
	}

	for name, e := range map[string]crm.AuditEntry{
		"no actor":           {Action: "x", Entity: "y"},
		"details not JSON":   {Actor: "a", Action: "x", Entity: "y", Details: json.RawMessage(`{`)},
		"details not object": {Actor: "a", Action: "x", Entity: "y", Details: json.RawMessage(`[1]`)},
	} {
		if _, err := audit.Append(ctx, e); !errors.Is(err, crm.ErrInvalid) {
			t.Errorf("%s: Append = %v, want ErrInvalid", name, err)
		}
	}

	all, err := audit.List(ctx, storage.AuditFilter{Entity: "contact"})
	if err != nil || len(all) != 2 || all[0].ID != second.ID {
		t.Fatalf("List(contact) = %+v, %v; want newest first", all, err)
	}
	var details map[string]any
	if err := json.Unmarshal(all[1].Details, &details); err != nil || details["field"] != "vip" || details["to"] != true {
		t.Errorf("details read back = %s (%v)", all[1].Details, err)
	}
	one, err := audit.List(ctx, storage.AuditFilter{Entity: "contact", EntityID: "42"})
	if err != nil || len(one) != 1 || one[0].ActorID != admin.ID || one[0].Actor != "admin" {
		t.Errorf("List(contact 42) = %+v, %v", one, err)
	}
	byActor, err := audit.List(ctx, storage.AuditFilter{ActorID: admin.ID})
	if err != nil || len(byActor) != 1 || byActor[0].ID != first.ID {
		t.Errorf("List(actor) = %+v, %v", byActor, err)
	}

	// The log is append-only: the table rejects edits and deletes.
	if _, err := pool.Exec(ctx, `UPDATE audit_log SET action = 'forged' WHERE id = $1`, first.ID); err == nil {
		t.Error("UPDATE of an audit entry succeeded")
	}
	if _, err := pool.Exec(ctx, `DELETE FROM audit_log WHERE id = $1`, first.ID); err == nil {
		t.Error("DELETE of an audit entry succeeded")
	}

	// Deleting the actor keeps the entry and the login it recorded.
	if _, err := pool.Exec(ctx, `DELETE FROM users WHERE id = $1`, admin.ID); err != nil {
		t.Fatalf("delete the actor: %v", err)
	}
	kept, err := audit.List(ctx, storage.AuditFilter{EntityID: "42"})
	if err != nil || len(kept) != 1 || kept[0].ActorID != 0 || kept[0].Actor != "admin" {
		t.Errorf("entry after its actor was deleted = %+v, %v", kept, err)
	}
}
