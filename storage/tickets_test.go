package storage_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestTicketsRoundTrip(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	tickets := storage.NewTickets(pool)
	agent := mustUser(t, pool, "agent")
	contact := mustContact(t, storage.NewContacts(pool, nil), crm.Contact{LastName: "Зайцева"})
	call, _, err := storage.NewInteractions(pool).Record(ctx, crm.Interaction{CallID: "t1", Direction: crm.Inbound,
		ArrivedAt: time.Now(), Outcome: crm.OutcomeAnswered})
	if err != nil {
		t.Fatal(err)
	}

	due := time.Date(2026, 6, 1, 18, 0, 0, 0, time.UTC)
	in := crm.Ticket{Subject: "Возврат товара", Description: "Заказ 1234, брак", Priority: crm.PriorityHigh,
		SLADueAt: due, ContactID: contact.ID, AssigneeID: agent.ID, CreatedBy: agent.ID, InteractionID: call.ID}
	created, err := tickets.Create(ctx, in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if created.Status != crm.TicketOpen || !created.ResolvedAt.IsZero() {
		t.Errorf("new ticket status %q resolved %v, want open and unresolved", created.Status, created.ResolvedAt)
	}
	got, err := tickets.Get(ctx, created.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !reflect.DeepEqual(got, created) {
		t.Errorf("Get = %+v\nCreate returned %+v", got, created)
	}
	if got.Subject != in.Subject || got.Description != in.Description || got.Priority != in.Priority ||
		!got.SLADueAt.Equal(due) || got.ContactID != contact.ID || got.AssigneeID != agent.ID ||
		got.CreatedBy != agent.ID || got.InteractionID != call.ID {
		t.Errorf("Get = %+v, want fields of %+v", got, in)
	}

	got.Status = crm.TicketResolved
	resolved, err := tickets.Update(ctx, got)
	if err != nil || resolved.ResolvedAt.IsZero() {
		t.Fatalf("resolve: %+v, %v; want ResolvedAt set", resolved, err)
	}
	resolved.Status = crm.TicketClosed
	closed, err := tickets.Update(ctx, resolved)
	if err != nil || !closed.ResolvedAt.Equal(resolved.ResolvedAt) {
		t.Errorf("close after resolve: ResolvedAt %v, want it kept at %v (%v)", closed.ResolvedAt, resolved.ResolvedAt, err)
	}
	closed.Status = crm.TicketOpen
	reopened, err := tickets.Update(ctx, closed)
	if err != nil || !reopened.ResolvedAt.IsZero() {
		t.Errorf("reopen: ResolvedAt %v, want cleared (%v)", reopened.ResolvedAt, err)
	}

	reopened.Priority = "whenever"
	if _, err := tickets.Update(ctx, reopened); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("Update with unknown priority = %v, want ErrInvalid", err)
	}
	if _, err := tickets.Create(ctx, crm.Ticket{Subject: " "}); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("Create with blank subject = %v, want ErrInvalid", err)
	}
	if _, err := tickets.Get(ctx, created.ID+1000); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Get(unknown) = %v, want ErrNotFound", err)
	}
}

func TestTicketsLists(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	tickets := storage.NewTickets(pool)
	agent := mustUser(t, pool, "agent")
	contact := mustContact(t, storage.NewContacts(pool, nil), crm.Contact{LastName: "Волков"})
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

	create := func(subject string, p crm.TicketPriority, s crm.TicketStatus, due time.Time) crm.Ticket {
		t.Helper()
		tk, err := tickets.Create(ctx, crm.Ticket{Subject: subject, Priority: p, Status: s, SLADueAt: due,
			ContactID: contact.ID, AssigneeID: agent.ID})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	late := create("late", crm.PriorityLow, crm.TicketOpen, now.Add(-2*time.Hour))
	later := create("later", crm.PriorityUrgent, crm.TicketWaiting, now.Add(-time.Hour))
	future := create("future", crm.PriorityNormal, crm.TicketInProgress, now.Add(time.Hour))
	create("done late", crm.PriorityHigh, crm.TicketResolved, now.Add(-3*time.Hour))

	subjects := func(ts []crm.Ticket) []string {
		out := []string{}
		for _, tk := range ts {
			out = append(out, tk.Subject)
		}
		return out
	}

	overdue, err := tickets.ListOverdue(ctx, now, storage.Page{})
	if err != nil || !reflect.DeepEqual(subjects(overdue), []string{late.Subject, later.Subject}) {
		t.Errorf("ListOverdue = %v, %v; want [late later]", subjects(overdue), err)
	}
	mine, err := tickets.ListOpenByAssignee(ctx, agent.ID, storage.Page{})
	if err != nil || !reflect.DeepEqual(subjects(mine), []string{late.Subject, later.Subject, future.Subject}) {
		t.Errorf("ListOpenByAssignee = %v, %v", subjects(mine), err)
	}
	byContact, err := tickets.ListOpenByContact(ctx, contact.ID)
	if err != nil || !reflect.DeepEqual(subjects(byContact), []string{later.Subject, future.Subject, late.Subject}) {
		t.Errorf("ListOpenByContact = %v, %v; want urgent first", subjects(byContact), err)
	}
}
