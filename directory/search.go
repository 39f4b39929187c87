package directory

import (
	"context"
	"fmt"
	"strconv"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
)

// Search returns one page of the live contacts that q selects, in the store's order: with a
// query, whole-word matches first, then by last name, first name and id. It requests one contact more than the page holds from storage, so
// that More needs no second count query.
func (d *Directory) Search(ctx context.Context, q protocol.SearchContacts) (protocol.ContactList, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = protocol.DefaultSearchLimit
	}

	found, err := d.contacts.List(ctx, storage.ContactFilter{
		Query: q.Query,
		Tag:   q.Tag,
		Page:  storage.Page{Limit: limit + 1, Offset: q.Offset},
	})
	if err != nil {
		return protocol.ContactList{}, apiError(fmt.Errorf("search contacts for %q: %w", q.Query, err))
	}

	list := protocol.ContactList{Contacts: make([]protocol.ContactSummary, 0, min(len(found), limit))}
	if len(found) > limit {
		list.More = true
		found = found[:limit]
	}

	companies, err := d.companyNames(ctx, found)
	if err != nil {
		return protocol.ContactList{}, err
	}
	for _, c := range found {
		list.Contacts = append(list.Contacts, toSummary(c, companies[c.CompanyID]))
	}
	return list, nil
}

// companyNames returns the names of the contacts' companies by id, in one query. A company
// deleted since the contacts were read has no name.
func (d *Directory) companyNames(ctx context.Context, contacts []crm.Contact) (map[int64]string, error) {
	var ids []int64
	seen := make(map[int64]bool)
	for _, c := range contacts {
		if c.CompanyID != 0 && !seen[c.CompanyID] {
			seen[c.CompanyID] = true
			ids = append(ids, c.CompanyID)
		}
	}
	names, err := d.companies.Names(ctx, ids)
	if err != nil {
		return nil, apiError(fmt.Errorf("read the companies of %d contacts: %w", len(contacts), err))
	}
	return names, nil
}

func toSummary(c crm.Contact, company string) protocol.ContactSummary {
	s := protocol.ContactSummary{
		ContactID:  strconv.FormatInt(c.ID, 10),
		Name:       fullName(c),
		FirstName:  c.FirstName,
		LastName:   c.LastName,
		MiddleName: c.MiddleName,
		Company:    company,
		VIP:        c.VIP,
		Phones:     make([]protocol.ContactPhone, 0, len(c.Phones)),
		Emails:     make([]string, 0, len(c.Emails)),
		Tags:       append([]string{}, c.Tags...),
	}
	for _, p := range c.Phones {
		s.Phones = append(s.Phones, protocol.ContactPhone{
			Number: p.E164, Entered: p.Raw, Extension: p.Extension, Label: string(p.Kind), Primary: p.Primary,
		})
	}
	for _, e := range c.Emails {
		s.Emails = append(s.Emails, e.Address)
	}
	return s
}
