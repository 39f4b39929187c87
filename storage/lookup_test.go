package storage_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestFindByPhone(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	contacts := storage.NewContacts(pool, nil)

	petrov := mustContact(t, contacts, crm.Contact{LastName: "Петров", FirstName: "Иван",
		Phones: []crm.Phone{mustPhone(t, "+7 495 123-45-67", crm.PhoneWork)}})
	// A second contact with another number, to show the lookup picks by number.
	mustContact(t, contacts, crm.Contact{LastName: "Сидоров",
		Phones: []crm.Phone{mustPhone(t, "+7 495 123-45-68", crm.PhoneWork)}})

	t.Run("forms of one number", func(t *testing.T) {
		for _, raw := range []string{
			"+7 495 123-45-67",
			"8 (495) 123 45 67",
			"74951234567",
			"84951234567",
			"tel:+74951234567",
			"sip:+74951234567@host;user=phone",
			"<sip:84951234567@10.0.0.1>",
			`"Петров" <sip:74951234567@pbx.example.ru:5060>;tag=abc`,
			"+7 495 123-45-67 доб. 123",
			"+7 495 123-45-67 ext. 12",
			"+74951234567;ext=12",
		} {
			t.Run(raw, func(t *testing.T) {
				got, err := contacts.FindByPhone(ctx, raw)
				if err != nil {
					t.Fatalf("FindByPhone(%q): %v", raw, err)
				}
				if got.ID != petrov.ID {
					t.Errorf("FindByPhone(%q) = contact %d %q, want %d", raw, got.ID, got.FullName(), petrov.ID)
				}
				if len(got.Phones) != 1 || got.Phones[0].E164 != "+74951234567" {
					t.Errorf("FindByPhone(%q) phones = %+v", raw, got.Phones)
				}
			})
		}
	})

	t.Run("withheld numbers match no one", func(t *testing.T) {
		for _, raw := range []string{"anonymous", "Anonymous", "Restricted", "unknown", "unavailable", "", "   ",
			"sip:anonymous@anonymous.invalid"} {
			got, err := contacts.FindByPhone(ctx, raw)
			if !errors.Is(err, phone.ErrWithheld) {
				t.Errorf("FindByPhone(%q) = %+v, %v; want ErrWithheld", raw, got, err)
			}
			if got.ID != 0 {
				t.Errorf("FindByPhone(%q) returned contact %d", raw, got.ID)
			}
		}
	})

	t.Run("invalid and unknown numbers", func(t *testing.T) {
		for _, raw := range []string{"12", "abc", "1001"} {
			_, err := contacts.FindByPhone(ctx, raw)
			if !errors.Is(err, phone.ErrInvalid) || !errors.Is(err, crm.ErrNotFound) {
				t.Errorf("FindByPhone(%q) = %v, want ErrInvalid and ErrNotFound", raw, err)
			}
		}
		if _, err := contacts.FindByPhone(ctx, "+7 495 000-00-00"); !errors.Is(err, crm.ErrNotFound) || errors.Is(err, phone.ErrInvalid) {
			t.Errorf("FindByPhone(unknown number) = %v, want only ErrNotFound", err)
		}
	})

	t.Run("shared number returns the latest updated", func(t *testing.T) {
		office := mustPhone(t, "+7 343 200-00-00", crm.PhoneWork)
		first := mustContact(t, contacts, crm.Contact{LastName: "Первый", Phones: []crm.Phone{office}})
		second := mustContact(t, contacts, crm.Contact{LastName: "Второй", Phones: []crm.Phone{office}})
		got, err := contacts.FindByPhone(ctx, "8 343 200 00 00")
		if err != nil || got.ID != second.ID {
			t.Errorf("FindByPhone(shared) = %d, %v; want the newer contact %d", got.ID, err, second.ID)
		}
		all, err := contacts.FindAllByPhone(ctx, "8 343 200 00 00")
		if err != nil || len(all) != 2 || all[0].ID != second.ID || all[1].ID != first.ID {
			t.Errorf("FindAllByPhone(shared) = %+v, %v", all, err)
		}
	})

	t.Run("default region", func(t *testing.T) {
		kz, err := phone.NewNormalizer("KZ")
		if err != nil {
			t.Fatal(err)
		}
		almaty := mustContact(t, contacts, crm.Contact{LastName: "Алматы",
			Phones: []crm.Phone{mustPhone(t, "+7 727 250-00-00", crm.PhoneWork)}})
		got, err := storage.NewContacts(pool, kz).FindByPhone(ctx, "8 727 250 00 00")
		if err != nil || got.ID != almaty.ID {
			t.Errorf("FindByPhone with region KZ = %d, %v; want %d", got.ID, err, almaty.ID)
		}
	})
}

func TestContactCard(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	contacts := storage.NewContacts(pool, nil)
	agent := mustUser(t, pool, "agent1")
	company, err := storage.NewCompanies(pool).Create(ctx, crm.Company{Name: "ООО «Север»"})
	if err != nil {
		t.Fatal(err)
	}
	c := mustContact(t, contacts, crm.Contact{LastName: "Орлова", FirstName: "Вера", VIP: true, CompanyID: company.ID,
		Phones: []crm.Phone{mustPhone(t, "+7 495 111-11-11", crm.PhoneWork)},
		Emails: []crm.Email{{Address: "orlova@sever.example.ru", Kind: crm.EmailWork}}, Tags: []string{"ключевой"}})
	other := mustContact(t, contacts, crm.Contact{LastName: "Чужой"})

	calls := storage.NewInteractions(pool)
	base := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		at := base.Add(time.Duration(i) * time.Hour)
		if _, _, err := calls.Record(ctx, crm.Interaction{CallID: "card-" + string(rune('a'+i)), Direction: crm.Inbound,
			ContactID: c.ID, AgentID: agent.ID, ArrivedAt: at, Outcome: crm.OutcomeAnswered,
			Disposition: "sale", Note: "заметка " + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := calls.Record(ctx, crm.Interaction{CallID: "card-other", Direction: crm.Inbound, ContactID: other.ID,
		ArrivedAt: base.Add(10 * time.Hour), Outcome: crm.OutcomeAbandoned}); err != nil {
		t.Fatal(err)
	}

	tickets := storage.NewTickets(pool)
	open, err := tickets.Create(ctx, crm.Ticket{Subject: "Не работает доставка", ContactID: c.ID, Priority: crm.PriorityNormal})
	if err != nil {
		t.Fatal(err)
	}
	urgent, err := tickets.Create(ctx, crm.Ticket{Subject: "Двойное списание", ContactID: c.ID, Priority: crm.PriorityUrgent})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tickets.Create(ctx, crm.Ticket{Subject: "Старый вопрос", ContactID: c.ID, Status: crm.TicketClosed}); err != nil {
		t.Fatal(err)
	}
	callback, err := storage.NewTasks(pool).Create(ctx, crm.Task{Kind: crm.KindCallback, Phone: "+74951111111",
		DueAt: base.Add(48 * time.Hour), ContactID: c.ID})
	if err != nil {
		t.Fatal(err)
	}

	card, err := contacts.Card(ctx, c.ID, 3)
	if err != nil {
		t.Fatalf("Card: %v", err)
	}
	if card.Contact.ID != c.ID || !card.Contact.VIP || len(card.Contact.Phones) != 1 || len(card.Contact.Emails) != 1 ||
		len(card.Contact.Tags) != 1 {
		t.Errorf("card contact = %+v", card.Contact)
	}
	if card.Company == nil || card.Company.Name != "ООО «Север»" {
		t.Errorf("card company = %+v", card.Company)
	}
	if len(card.Recent) != 3 {
		t.Fatalf("card history has %d calls, want 3", len(card.Recent))
	}
	for i, want := range []string{"card-e", "card-d", "card-c"} {
		if card.Recent[i].CallID != want {
			t.Errorf("history[%d] = %s, want %s (newest first)", i, card.Recent[i].CallID, want)
		}
	}
	if card.Recent[0].Disposition != "sale" || card.Recent[0].Note != "заметка e" {
		t.Errorf("history[0] disposition and note = %q, %q", card.Recent[0].Disposition, card.Recent[0].Note)
	}
	if len(card.OpenTickets) != 2 || card.OpenTickets[0].ID != urgent.ID || card.OpenTickets[1].ID != open.ID {
		t.Errorf("open tickets = %+v, want urgent then normal, closed left out", card.OpenTickets)
	}
	if len(card.OpenTasks) != 1 || card.OpenTasks[0].ID != callback.ID {
		t.Errorf("open tasks = %+v", card.OpenTasks)
	}

	bare, err := contacts.Card(ctx, other.ID, 10)
	if err != nil || bare.Company != nil || len(bare.Recent) != 1 || len(bare.OpenTickets) != 0 {
		t.Errorf("card of a contact without company = %+v, %v", bare, err)
	}
	if _, err := contacts.Card(ctx, c.ID+1000, 10); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Card(unknown) = %v, want ErrNotFound", err)
	}

	byPhone, err := contacts.CardByPhone(ctx, "<sip:84951111111@10.0.0.1>", 3)
	if err != nil {
		t.Fatalf("CardByPhone: %v", err)
	}
	if !reflect.DeepEqual(byPhone, card) {
		t.Errorf("CardByPhone = %+v\nCard = %+v", byPhone, card)
	}
	if _, err := contacts.CardByPhone(ctx, "Anonymous", 3); !errors.Is(err, phone.ErrWithheld) {
		t.Errorf("CardByPhone(Anonymous) = %v, want ErrWithheld", err)
	}
	if _, err := contacts.CardByPhone(ctx, "+7 495 999-99-99", 3); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("CardByPhone(unknown number) = %v, want ErrNotFound", err)
	}
	if err := contacts.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := contacts.CardByPhone(ctx, "+7 495 111-11-11", 3); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("CardByPhone of a deleted contact = %v, want ErrNotFound", err)
	}
	deleted, err := contacts.Card(ctx, c.ID, 3)
	if err != nil || !deleted.Contact.Deleted() {
		t.Errorf("Card of a deleted contact = %+v, %v; want it, marked deleted", deleted.Contact, err)
	}
}
