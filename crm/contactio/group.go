package contactio

import "strings"

// contactGroup is one contact to write: the merge of the file's rows that share
// a phone number (or, for rows without phones, an e-mail address).
type contactGroup struct {
	contact contactRow
	// members are the indexes of the group's rows among the valid rows, in
	// file order; the first one is the row whose fields win.
	members []int
	// byEmail marks a group without phones, which is matched against existing
	// contacts by e-mail instead of phone.
	byEmail bool
}

// groupRows merges rows that share a phone number, transitively: when row 1 and
// row 2 share one number and row 2 and row 3 another, all three are one contact.
// Rows without any phone merge with each other by e-mail address, but never with
// rows that have phones, because a shared address such as info@company.ru does
// not make two people with different phones one contact. Groups keep the order
// of their first rows, and each group's first row wins every single-valued
// field it has (see mergeInto).
func groupRows(rows []contactRow) []contactGroup {
	parent := make([]int, len(rows))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		// The earlier row becomes the root, so the group is ordered by its first row.
		if ra < rb {
			parent[rb] = ra
		} else if rb < ra {
			parent[ra] = rb
		}
	}

	firstRowOf := make(map[string]int, len(rows))
	for i, row := range rows {
		for _, key := range mergeKeys(row) {
			if first, ok := firstRowOf[key]; ok {
				union(first, i)
			} else {
				firstRowOf[key] = i
			}
		}
	}

	groupOf := make(map[int]int, len(rows))
	groups := make([]contactGroup, 0, len(rows))
	for i, row := range rows {
		root := find(i)
		index, ok := groupOf[root]
		if !ok {
			index = len(groups)
			groupOf[root] = index
			groups = append(groups, contactGroup{contact: row, members: []int{i}, byEmail: len(row.phones) == 0})
			continue
		}
		mergeInto(&groups[index].contact, row)
		groups[index].members = append(groups[index].members, i)
	}
	return groups
}

// mergeKeys returns the keys by which row merges with other rows: its phone
// numbers, or its e-mail addresses when it has no phone.
func mergeKeys(row contactRow) []string {
	if len(row.phones) > 0 {
		keys := make([]string, len(row.phones))
		for i, p := range row.phones {
			keys[i] = phoneMergeKey(p)
		}
		return keys
	}
	keys := make([]string, len(row.emails))
	for i, e := range row.emails {
		keys[i] = emailMergeKey(e)
	}
	return keys
}

func phoneMergeKey(p phoneEntry) string { return "phone:" + p.key() }

func emailMergeKey(address string) string { return "email:" + strings.ToLower(address) }

// mergeInto adds row to contact with the rule used for existing contacts too:
// names, company and position are filled only where empty, phones, e-mails and
// tags are added, a new note is appended, and VIP is kept once set.
func mergeInto(contact *contactRow, row contactRow) {
	fillEmpty(&contact.lastName, row.lastName)
	fillEmpty(&contact.firstName, row.firstName)
	fillEmpty(&contact.middleName, row.middleName)
	fillEmpty(&contact.company, row.company)
	fillEmpty(&contact.position, row.position)
	contact.note = appendNote(contact.note, row.note)
	contact.vip = contact.vip || row.vip
	for _, p := range row.phones {
		contact.phones = appendPhone(contact.phones, p)
	}
	for _, e := range row.emails {
		contact.emails = appendFolded(contact.emails, e)
	}
	for _, t := range row.tags {
		contact.tags = appendFolded(contact.tags, t)
	}
}

func fillEmpty(dst *string, value string) {
	if *dst == "" {
		*dst = value
	}
}

// appendNote appends note on a new line unless existing already contains it, so
// importing the same file twice does not repeat notes.
func appendNote(existing, note string) string {
	switch {
	case note == "" || strings.Contains(existing, note):
		return existing
	case existing == "":
		return note
	}
	return existing + "\n" + note
}
