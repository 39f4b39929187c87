package crm_test

import (
	"errors"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
)

func TestContactValidate(t *testing.T) {
	n, err := phone.NewNormalizer("RU")
	if err != nil {
		t.Fatal(err)
	}
	mobile, err := crm.NewPhone(n, "8 (916) 123-45-67", crm.PhoneMobile)
	if err != nil {
		t.Fatal(err)
	}
	if mobile.E164 != "+79161234567" || mobile.Raw != "8 (916) 123-45-67" {
		t.Fatalf("NewPhone = %+v", mobile)
	}

	valid := crm.Contact{LastName: "Петров", FirstName: "Иван", Phones: []crm.Phone{mobile},
		Emails: []crm.Email{{Address: "ivan@example.ru", Kind: crm.EmailWork}}, Tags: []string{"опт"}}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid contact: %v", err)
	}

	tests := map[string]func(c *crm.Contact){
		"no name and no company": func(c *crm.Contact) { c.LastName, c.FirstName = "", " " },
		"phone not normalised":   func(c *crm.Contact) { c.Phones[0].E164 = "8 916 123-45-67" },
		"phone repeated":         func(c *crm.Contact) { c.Phones = append(c.Phones, c.Phones[0]) },
		"unknown phone kind":     func(c *crm.Contact) { c.Phones[0].Kind = "pager" },
		"e-mail without domain":  func(c *crm.Contact) { c.Emails[0].Address = "ivan" },
		"e-mail display name":    func(c *crm.Contact) { c.Emails[0].Address = "Ivan <ivan@example.ru>" },
		"e-mail repeated by case": func(c *crm.Contact) {
			c.Emails = append(c.Emails, crm.Email{Address: "IVAN@example.ru", Kind: crm.EmailWork})
		},
		"tag with spaces": func(c *crm.Contact) { c.Tags = []string{" опт"} },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			c := valid
			c.Phones = append([]crm.Phone(nil), valid.Phones...)
			c.Emails = append([]crm.Email(nil), valid.Emails...)
			mutate(&c)
			if err := c.Validate(); !errors.Is(err, crm.ErrInvalid) {
				t.Errorf("Validate = %v, want ErrInvalid", err)
			}
		})
	}

	companyOnly := crm.Contact{CompanyID: 7}
	if err := companyOnly.Validate(); err != nil {
		t.Errorf("contact with a company and no name: %v", err)
	}
}

func TestContactFullName(t *testing.T) {
	c := crm.Contact{FirstName: "Иван", LastName: "Петров", MiddleName: "Сергеевич"}
	if got := c.FullName(); got != "Петров Иван Сергеевич" {
		t.Errorf("FullName = %q", got)
	}
	if got := (crm.Contact{FirstName: "Ann"}).FullName(); got != "Ann" {
		t.Errorf("FullName with only a first name = %q", got)
	}
}

func TestUserValidate(t *testing.T) {
	valid := crm.User{Login: "ivanov", DisplayName: "Иванов И.", Roles: []crm.Role{crm.RoleAgent},
		Locale: crm.LocaleRU, Skills: []crm.Skill{{Name: "english", Level: 7}}, Queues: []string{"support", "sales"}}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid user: %v", err)
	}
	for name, u := range map[string]crm.User{
		"empty login":      {DisplayName: "x", Roles: valid.Roles, Locale: crm.LocaleRU},
		"spaced login":     {Login: " ivanov", DisplayName: "x", Roles: valid.Roles, Locale: crm.LocaleRU},
		"no roles":         {Login: "a", DisplayName: "x", Locale: crm.LocaleRU},
		"unknown role":     {Login: "a", DisplayName: "x", Roles: []crm.Role{"root"}, Locale: crm.LocaleRU},
		"unknown locale":   {Login: "a", DisplayName: "x", Roles: valid.Roles, Locale: "de"},
		"skill level zero": {Login: "a", DisplayName: "x", Roles: valid.Roles, Locale: crm.LocaleEN, Skills: []crm.Skill{{Name: "x", Level: 0}}},
		"skill twice": {Login: "a", DisplayName: "x", Roles: valid.Roles, Locale: crm.LocaleEN,
			Skills: []crm.Skill{{Name: "x", Level: 1}, {Name: "x", Level: 2}}},
		"empty queue":  {Login: "a", DisplayName: "x", Roles: valid.Roles, Locale: crm.LocaleEN, Queues: []string{""}},
		"spaced queue": {Login: "a", DisplayName: "x", Roles: valid.Roles, Locale: crm.LocaleEN, Queues: []string{"sales "}},
		"queue twice":  {Login: "a", DisplayName: "x", Roles: valid.Roles, Locale: crm.LocaleEN, Queues: []string{"sales", "sales"}},
	} {
		if err := u.Validate(); !errors.Is(err, crm.ErrInvalid) {
			t.Errorf("%s: Validate = %v, want ErrInvalid", name, err)
		}
	}
}

func TestInteractionValidate(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	valid := crm.Interaction{CallID: "c1", Direction: crm.Inbound, Outcome: crm.OutcomeAnswered,
		ArrivedAt: at, AnsweredAt: at.Add(20 * time.Second), EndedAt: at.Add(time.Minute), HangupCause: 16}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid interaction: %v", err)
	}
	for name, mutate := range map[string]func(i *crm.Interaction){
		"no call id":          func(i *crm.Interaction) { i.CallID = "" },
		"unknown outcome":     func(i *crm.Interaction) { i.Outcome = "lost" },
		"answered before":     func(i *crm.Interaction) { i.AnsweredAt = at.Add(-time.Second) },
		"ended before answer": func(i *crm.Interaction) { i.EndedAt = at.Add(10 * time.Second) },
		"cause out of range":  func(i *crm.Interaction) { i.HangupCause = 200 },
		"negative wait":       func(i *crm.Interaction) { i.Wait = -time.Second },
	} {
		i := valid
		mutate(&i)
		if err := i.Validate(); !errors.Is(err, crm.ErrInvalid) {
			t.Errorf("%s: Validate = %v, want ErrInvalid", name, err)
		}
	}
}

func TestTicketOverdue(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tk := crm.Ticket{Subject: "s", Priority: crm.PriorityHigh, Status: crm.TicketOpen, SLADueAt: now.Add(-time.Minute)}
	if !tk.Overdue(now) {
		t.Error("open ticket past its deadline is not overdue")
	}
	tk.Status = crm.TicketResolved
	if tk.Overdue(now) {
		t.Error("resolved ticket is overdue")
	}
	tk.Status, tk.SLADueAt = crm.TicketOpen, time.Time{}
	if tk.Overdue(now) {
		t.Error("ticket without a deadline is overdue")
	}
}

func TestTaskValidate(t *testing.T) {
	due := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ok := []crm.Task{
		{Kind: crm.KindTask, Title: "Send the contract", Status: crm.TaskOpen},
		{Kind: crm.KindCallback, Phone: "+74951234567", DueAt: due, Status: crm.TaskOpen},
	}
	for _, task := range ok {
		if err := task.Validate(); err != nil {
			t.Errorf("%+v: %v", task, err)
		}
	}
	bad := map[string]crm.Task{
		"task without title":   {Kind: crm.KindTask, Status: crm.TaskOpen},
		"callback without due": {Kind: crm.KindCallback, Phone: "+74951234567", Status: crm.TaskOpen},
		"callback raw number":  {Kind: crm.KindCallback, Phone: "8 495 123-45-67", DueAt: due, Status: crm.TaskOpen},
		"unknown kind":         {Kind: "meeting", Title: "x", Status: crm.TaskOpen},
		"unknown status":       {Kind: crm.KindTask, Title: "x", Status: "later"},
		"negative attempts":    {Kind: crm.KindTask, Title: "x", Status: crm.TaskOpen, Attempts: -1},
	}
	for name, task := range bad {
		if err := task.Validate(); !errors.Is(err, crm.ErrInvalid) {
			t.Errorf("%s: Validate = %v, want ErrInvalid", name, err)
		}
	}
}
