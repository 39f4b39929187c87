package directory

import (
	"strconv"
	"strings"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
)

func toCard(c crm.ContactCard) protocol.Card {
	card := protocol.Card{
		ContactID:    strconv.FormatInt(c.Contact.ID, 10),
		Name:         fullName(c.Contact),
		VIP:          c.Contact.VIP,
		Phones:       []protocol.Phone{},
		Tags:         append([]string{}, c.Contact.Tags...),
		Interactions: []protocol.Interaction{},
		OpenTickets:  []protocol.Ticket{},
	}
	if c.Company != nil {
		card.Company = c.Company.Name
	}
	for _, p := range c.Contact.Phones {
		card.Phones = append(card.Phones, protocol.Phone{Number: p.E164, Label: string(p.Kind)})
	}
	for _, e := range c.Contact.Emails {
		card.Emails = append(card.Emails, e.Address)
	}
	for _, i := range c.Recent {
		card.Interactions = append(card.Interactions, toInteraction(i))
	}
	for _, t := range c.OpenTickets {
		card.OpenTickets = append(card.OpenTickets, protocol.Ticket{
			ID: strconv.FormatInt(t.ID, 10), Subject: t.Subject, Status: string(t.Status),
			Priority: string(t.Priority), Opened: t.CreatedAt,
		})
	}
	return card
}

func toInteraction(i crm.Interaction) protocol.Interaction {
	return protocol.Interaction{
		ID: strconv.FormatInt(i.ID, 10), At: i.ArrivedAt, Channel: "call", Direction: string(i.Direction),
		Queue: i.Queue, Disposition: i.Disposition, Note: i.Note, TalkSeconds: i.Talk.Seconds(),
	}
}

// fullName writes the name in the Russian order, last name first, as Russian contact centers
// read it: "Петров Иван Сергеевич".
func fullName(c crm.Contact) string {
	return strings.Join(strings.Fields(c.LastName+" "+c.FirstName+" "+c.MiddleName), " ")
}

func splitName(name string) (first, last, middle string) {
	words := strings.Fields(name)
	switch len(words) {
	case 0:
		return "", "", ""
	case 1:
		return words[0], "", ""
	case 2:
		return words[0], words[1], ""
	}
	return words[1], words[0], strings.Join(words[2:], " ")
}

func phoneKind(label string) crm.PhoneKind {
	switch k := crm.PhoneKind(strings.ToLower(label)); k {
	case crm.PhoneMobile, crm.PhoneWork, crm.PhoneHome, crm.PhoneFax, crm.PhoneOther:
		return k
	}
	return crm.PhoneOther
}
