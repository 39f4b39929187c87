package directory_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/calllog"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/directory"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func newDirectory(t *testing.T) (*directory.Directory, context.Context) {
	d, _ := newDirectoryPool(t)
	return d, context.Background()
}

func newDirectoryPool(t *testing.T) (*directory.Directory, *pgxpool.Pool) {
	t.Helper()
	numbers, err := phone.NewNormalizer("RU")
	if err != nil {
		t.Fatal(err)
	}
	pool := pgtest.New(t)
	return directory.New(pool, numbers), pool
}

func TestCreateLookupAndHistory(t *testing.T) {
	d, ctx := newDirectory(t)

	card, err := d.Create(ctx, "1", protocol.CreateContact{
		Name: "Петров Иван Сергеевич", Company: "ООО «Ромашка»", Phones: []protocol.Phone{{Number: "8 (916) 123-45-67", Label: "mobile"}},
	})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if card.Name != "Петров Иван Сергеевич" || card.Company != "ООО «Ромашка»" {
		t.Errorf("card = %q at %q, want the name in Russian order and the company", card.Name, card.Company)
	}
	if len(card.Phones) != 1 || card.Phones[0].Number != "+79161234567" {
		t.Errorf("card phones = %+v, want +79161234567", card.Phones)
	}

	found, ok, err := d.LookupCaller(ctx, "79161234567")
	if err != nil || !ok || found.ContactID != card.ContactID {
		t.Fatalf("LookupCaller = %q, %v, %v; want contact %s", found.ContactID, ok, err, card.ContactID)
	}
	for _, withheld := range []string{"anonymous", "", "Restricted"} {
		if _, ok, err := d.LookupCaller(ctx, withheld); ok || err != nil {
			t.Errorf("LookupCaller(%q) = %v, %v; want no match and no error", withheld, ok, err)
		}
	}

	var contactID int64
	fmt.Sscan(card.ContactID, &contactID)
	base := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	for i := range 5 {
		at := base.Add(time.Duration(i) * time.Hour)
		if err := d.InsertInteraction(ctx, crm.Interaction{
			CallID: fmt.Sprintf("h-%d", i), Direction: crm.Inbound, Queue: "support", ContactID: contactID,
			CallerNumber: "+79161234567", ArrivedAt: at, EndedAt: at.Add(time.Minute), Outcome: crm.OutcomeAnswered, HangupCause: 16,
		}); err != nil {
			t.Fatalf("InsertInteraction %d: %v", i, err)
		}
	}

	newest, err := d.History(ctx, protocol.GetHistory{ContactID: card.ContactID, Limit: 2})
	if err != nil || len(newest) != 2 || !newest[0].At.Equal(base.Add(4*time.Hour)) {
		t.Fatalf("History newest 2 = %+v, %v; want the calls at 14:00 and 13:00", newest, err)
	}
	before := newest[1].At
	older, err := d.History(ctx, protocol.GetHistory{ContactID: card.ContactID, Limit: 10, Before: &before})
	if err != nil || len(older) != 3 || !older[0].At.Equal(base.Add(2*time.Hour)) {
		t.Fatalf("History before %v = %+v, %v; want the 3 older calls", before, older, err)
	}
}

func TestCreateRejectsInvalidPhone(t *testing.T) {
	d, ctx := newDirectory(t)
	_, err := d.Create(ctx, "1", protocol.CreateContact{Name: "Анна", Phones: []protocol.Phone{{Number: "12"}}})
	if !errors.Is(err, api.ErrInvalid) {
		t.Fatalf("Create with phone 12: %v, want api.ErrInvalid", err)
	}
}

func TestDispositionSchedulesOneCallback(t *testing.T) {
	d, pool := newDirectoryPool(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := d.InsertInteraction(ctx, crm.Interaction{
		CallID: "cb-1", Direction: crm.Inbound, Queue: "sales", CallerNumber: "+74951234567",
		ArrivedAt: at, EndedAt: at.Add(time.Minute), Outcome: crm.OutcomeAnswered, HangupCause: 16,
	}); err != nil {
		t.Fatal(err)
	}

	disp := calllog.Disposition{CallID: "cb-1", Code: "callback", Note: "перезвонить после обеда", CallbackAt: at.Add(5 * time.Hour)}
	// A replayed spool batch applies the same disposition twice.
	for range 2 {
		if err := d.SetDisposition(ctx, disp); err != nil {
			t.Fatalf("SetDisposition: %v", err)
		}
	}
	var callbacks int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE kind = 'callback' AND phone_e164 = '+74951234567'`).Scan(&callbacks); err != nil {
		t.Fatal(err)
	}
	if callbacks != 1 {
		t.Errorf("%d callback tasks after a replayed disposition, want 1", callbacks)
	}
	if err := d.SetDisposition(ctx, calllog.Disposition{CallID: "missing", Code: "resolved"}); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("SetDisposition of an unknown call: %v, want crm.ErrNotFound", err)
	}
}
