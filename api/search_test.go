package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/directory"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// newSearchHarness starts the API over the real directory on a fresh PostgreSQL database
// holding six live contacts and a deleted one.
func newSearchHarness(t *testing.T) *harness {
	t.Helper()
	ctx := context.Background()

	numbers, err := phone.NewNormalizer("RU")
	if err != nil {
		t.Fatal(err)
	}
	pool := pgtest.New(t)
	store := storage.NewContacts(pool, numbers)
	company, err := storage.NewCompanies(pool).Ensure(ctx, "ООО «Ромашка»")
	if err != nil {
		t.Fatalf("create company: %v", err)
	}

	seed := []struct {
		last, first string
		phone       string
		tags        []string
		companyID   int64
		deleted     bool
	}{
		{"Иванов", "Пётр", "+7 916 123-45-67", []string{"vip-клиент"}, company.ID, false},
		{"Ивашкина", "Алёна", "+7 903 000-11-22", []string{"VIP-клиент"}, 0, false},
		{"Иволгина", "Дарья", "", nil, company.ID, false},
		{"Ивченко", "Олег", "", nil, 0, false},
		{"Сидоров", "Иван", "", nil, 0, false},
		{"Петров", "Антон", "", nil, 0, false},
		{"Ивахненко", "Роман", "+7 903 555-00-01", nil, 0, true},
	}
	for _, sc := range seed {
		c := crm.Contact{LastName: sc.last, FirstName: sc.first, CompanyID: sc.companyID, Tags: sc.tags}
		if sc.phone != "" {
			p, err := crm.NewPhone(numbers, sc.phone, crm.PhoneMobile)
			if err != nil {
				t.Fatalf("phone %q: %v", sc.phone, err)
			}
			c.Phones = []crm.Phone{p}
		}
		stored, err := store.Create(ctx, c)
		if err != nil {
			t.Fatalf("create contact %s: %v", sc.last, err)
		}
		if sc.deleted {
			if err := store.Delete(ctx, stored.ID); err != nil {
				t.Fatalf("delete contact %s: %v", sc.last, err)
			}
		}
	}

	return newHarnessWithContacts(t, testOptions(), directory.New(pool, numbers))
}

// searchREST sends GET /api/v1/contacts with the query and returns the status and body.
func (h *harness) searchREST(t *testing.T, cookie *http.Cookie, query url.Values) (int, []byte) {
	t.Helper()
	resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/contacts?" + query.Encode(), cookie: cookie})
	return resp.StatusCode, body
}

func decodeContactList(t *testing.T, body []byte) protocol.ContactList {
	t.Helper()
	var list protocol.ContactList
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("decode contact list %s: %v", body, err)
	}
	return list
}

func summaryNames(list protocol.ContactList) []string {
	names := []string{}
	for _, c := range list.Contacts {
		names = append(names, c.Name)
	}
	return names
}

func TestSearchContactsREST(t *testing.T) {
	h := newSearchHarness(t)
	cookie := h.login(t, "agent1")

	tests := []struct {
		name  string
		query url.Values
		want  []string
		more  bool
	}{
		// Сидоров matches through his first name, Иван.
		{"name prefix", url.Values{"q": {"ива"}}, []string{"Иванов Пётр", "Ивашкина Алёна", "Сидоров Иван"}, false},
		{"ё as е", url.Values{"q": {"алена"}}, []string{"Ивашкина Алёна"}, false},
		{"national phone form", url.Values{"q": {"8 (916) 123-45-67"}}, []string{"Иванов Пётр"}, false},
		{"deleted contact's phone", url.Values{"q": {"+79035550001"}}, []string{}, false},
		{"tag any case", url.Values{"tag": {"VIP-КЛИЕНТ"}}, []string{"Иванов Пётр", "Ивашкина Алёна"}, false},
		{"query and tag", url.Values{"q": {"алёна"}, "tag": {"vip-клиент"}}, []string{"Ивашкина Алёна"}, false},
		{"first page", url.Values{"q": {"ив"}, "limit": {"2"}}, []string{"Иванов Пётр", "Ивашкина Алёна"}, true},
		{"middle page", url.Values{"q": {"ив"}, "limit": {"2"}, "offset": {"2"}}, []string{"Иволгина Дарья", "Ивченко Олег"}, true},
		{"last page", url.Values{"q": {"ив"}, "limit": {"2"}, "offset": {"4"}}, []string{"Сидоров Иван"}, false},
		{"past the end", url.Values{"q": {"ив"}, "offset": {"50"}}, []string{}, false},
		{"everyone", url.Values{}, []string{
			"Иванов Пётр", "Ивашкина Алёна", "Иволгина Дарья", "Ивченко Олег", "Петров Антон", "Сидоров Иван"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := h.searchREST(t, cookie, tt.query)
			if status != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", status, body)
			}
			list := decodeContactList(t, body)
			if got := summaryNames(list); !slices.Equal(got, tt.want) {
				t.Errorf("contacts = %q, want %q", got, tt.want)
			}
			if list.More != tt.more {
				t.Errorf("more = %v, want %v", list.More, tt.more)
			}
			if !strings.Contains(string(body), `"contacts":[`) {
				t.Errorf("body %s has no contacts array; an empty result must be [] for clients", body)
			}
		})
	}
}

func TestSearchContactsResultFields(t *testing.T) {
	h := newSearchHarness(t)
	status, body := h.searchREST(t, h.login(t, "super1"), url.Values{"q": {"иванов"}})
	if status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", status, body)
	}
	list := decodeContactList(t, body)
	if len(list.Contacts) != 1 {
		t.Fatalf("contacts = %q, want only Иванов", summaryNames(list))
	}
	c := list.Contacts[0]
	if c.Company != "ООО «Ромашка»" || c.FirstName != "Пётр" || c.LastName != "Иванов" {
		t.Errorf("contact = %+v, want Пётр Иванов of ООО «Ромашка»", c)
	}
	want := []protocol.ContactPhone{{Number: "+79161234567", Entered: "+7 916 123-45-67", Label: "mobile", Primary: true}}
	if !slices.Equal(c.Phones, want) {
		t.Errorf("phones = %+v, want %+v", c.Phones, want)
	}
	if !slices.Equal(c.Tags, []string{"vip-клиент"}) {
		t.Errorf("tags = %q, want vip-клиент", c.Tags)
	}
}

func TestSearchContactsValidation(t *testing.T) {
	h := newSearchHarness(t)
	cookie := h.login(t, "agent2")

	tests := []struct {
		name       string
		rawQuery   string
		wantDetail string
	}{
		{"text over the limit", "q=" + url.QueryEscape(strings.Repeat("я", protocol.MaxSearchLength+1)), "invalid q: 201 characters long, the maximum is 200"},
		{"limit above 100", "limit=101", "invalid limit 101: send 1 to 100"},
		{"negative limit", "limit=-3", "invalid limit -3"},
		{"limit not a number", "limit=ten", `invalid limit "ten": send a whole number`},
		{"negative offset", "offset=-1", "invalid offset -1"},
		{"offset too deep", "offset=10001", "invalid offset 10001: send 0 to 10000"},
		{"unknown parameter", "query=ива", `unknown parameter "query": send q, tag, limit or offset`},
		{"repeated parameter", "q=ив&q=пе", "parameter q is given 2 times"},
		{"control character", "q=%D0%B8%00", "control characters"},
		{"tag too long", "tag=" + strings.Repeat("t", 65), "invalid tag: 65 bytes long, the maximum is 64"},
		{"broken escape", "q=%zz", "invalid query string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/contacts?" + tt.rawQuery, cookie: cookie})
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", resp.StatusCode, body)
			}
			e := decodeErrorBody(t, body)
			if e.Code != protocol.CodeInvalidRequest {
				t.Errorf("code = %q, want %q", e.Code, protocol.CodeInvalidRequest)
			}
			if !strings.Contains(e.Detail, tt.wantDetail) {
				t.Errorf("detail = %q, want it to contain %q", e.Detail, tt.wantDetail)
			}
			if e.Message == "" {
				t.Error("message is empty, want a message for the user")
			}
		})
	}

	// The text at the limit is accepted.
	status, body := h.searchREST(t, cookie, url.Values{"q": {strings.Repeat("я", protocol.MaxSearchLength)}})
	if status != http.StatusOK {
		t.Errorf("text of %d characters: status %d, want 200; body %s", protocol.MaxSearchLength, status, body)
	}
}

func TestSearchContactsRoles(t *testing.T) {
	h := newSearchHarness(t)

	for _, user := range []string{"agent1", "super1"} {
		status, body := h.searchREST(t, h.login(t, user), url.Values{"q": {"ива"}})
		if status != http.StatusOK {
			t.Errorf("%s: status = %d, want 200; body %s", user, status, body)
		}
	}

	// Marketers and admins have no desk, and the contact routes serve the desk.
	for _, user := range []string{"market1", "admin1"} {
		status, body := h.searchREST(t, h.login(t, user), url.Values{"q": {"ива"}})
		if status != http.StatusForbidden {
			t.Errorf("%s: status = %d, want 403; body %s", user, status, body)
			continue
		}
		if e := decodeErrorBody(t, body); e.Code != protocol.CodeForbidden {
			t.Errorf("%s: code = %q, want %q", user, e.Code, protocol.CodeForbidden)
		}
	}

	status, body := h.searchREST(t, nil, url.Values{"q": {"ива"}})
	if status != http.StatusUnauthorized {
		t.Errorf("anonymous: status = %d, want 401; body %s", status, body)
	}
}

func TestSearchContactsWebSocket(t *testing.T) {
	h := newSearchHarness(t)
	conn, _ := h.dial(t, h.login(t, "super1"))

	send(t, conn, `{"v":1,"type":"contact.search","id":"s-1","data":{"q":"ива","limit":2}}`)
	env := readFrame(t, conn)
	if env.Type != protocol.TypeAck || env.ID != "s-1" {
		t.Fatalf("reply = %s %q (data %s), want ack s-1", env.Type, env.ID, env.Data)
	}
	var list protocol.ContactList
	if err := protocol.DecodeData(env.Data, &list); err != nil {
		t.Fatalf("decode ack data %s: %v", env.Data, err)
	}
	if got, want := summaryNames(list), []string{"Иванов Пётр", "Ивашкина Алёна"}; !slices.Equal(got, want) {
		t.Errorf("contacts = %q, want %q", got, want)
	}
	if !list.More {
		t.Error("more = false, want true: three contacts match")
	}

	send(t, conn, fmt.Sprintf(`{"v":1,"type":"contact.search","id":"s-2","data":{"q":%q}}`, strings.Repeat("ё", protocol.MaxSearchLength+1)))
	e := readError(t, conn, protocol.CodeInvalidRequest, "s-2")
	if !strings.Contains(e.Detail, "the maximum is 200") {
		t.Errorf("detail = %q, want it to name the maximum of 200", e.Detail)
	}

	send(t, conn, `{"v":1,"type":"contact.search","id":"s-3","data":{"limit":500}}`)
	e = readError(t, conn, protocol.CodeInvalidRequest, "s-3")
	if !strings.Contains(e.Detail, "invalid limit 500: send 1 to 100") {
		t.Errorf("detail = %q, want it to name the limit range", e.Detail)
	}
}
