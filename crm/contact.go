package crm

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

// Company is an organisation contacts work for. Names are unique, compared without case.
type Company struct {
	ID   int64
	Name string
	// TaxID is the taxpayer number (INN in Russia) or another registry id.
	TaxID     string
	Website   string
	Note      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the company's fields; the error wraps ErrInvalid.
func (c Company) Validate() error {
	if strings.TrimSpace(c.Name) == "" {
		return fmt.Errorf("%w company: name is empty; set the company name", ErrInvalid)
	}
	if strings.TrimSpace(c.Name) != c.Name {
		return fmt.Errorf("%w company name %q: remove the leading or trailing spaces", ErrInvalid, c.Name)
	}
	return nil
}

// PhoneKind is the purpose of a phone number.
type PhoneKind string

// Phone kinds.
const (
	PhoneMobile PhoneKind = "mobile"
	PhoneWork   PhoneKind = "work"
	PhoneHome   PhoneKind = "home"
	PhoneFax    PhoneKind = "fax"
	PhoneOther  PhoneKind = "other"
)

// Valid reports whether k is a known phone kind.
func (k PhoneKind) Valid() bool {
	switch k {
	case PhoneMobile, PhoneWork, PhoneHome, PhoneFax, PhoneOther:
		return true
	}
	return false
}

// Phone is a telephone number of a contact.
type Phone struct {
	ID int64
	// E164 is the normalised number, the key of caller lookup.
	E164 string
	// Extension is dialled after the call is answered; caller lookup ignores it.
	Extension string
	// Raw is the number as it was entered, shown back unchanged.
	Raw     string
	Kind    PhoneKind
	Primary bool
}

// NewPhone normalises raw with n (nil means phone.DefaultRegion) and returns a phone of
// the given kind that keeps raw as entered. The error wraps phone.ErrInvalid or
// phone.ErrWithheld.
func NewPhone(n *phone.Normalizer, raw string, kind PhoneKind) (Phone, error) {
	num, err := n.Parse(raw)
	if err != nil {
		return Phone{}, err
	}
	return Phone{E164: num.E164, Extension: num.Extension, Raw: strings.TrimSpace(raw), Kind: kind}, nil
}

var (
	e164Pattern      = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	extensionPattern = regexp.MustCompile(`^[0-9]{0,10}$`)
)

// Validate checks that the phone is already normalised; the error wraps ErrInvalid.
func (p Phone) Validate() error {
	if !e164Pattern.MatchString(p.E164) {
		return fmt.Errorf("%w phone %q (entered as %q): not in E.164 form; normalise it with crm.NewPhone", ErrInvalid, p.E164, p.Raw)
	}
	if !extensionPattern.MatchString(p.Extension) {
		return fmt.Errorf("%w phone %s extension %q: use up to 10 digits", ErrInvalid, p.E164, p.Extension)
	}
	if !p.Kind.Valid() {
		return fmt.Errorf("%w phone %s kind %q: use mobile, work, home, fax or other", ErrInvalid, p.E164, p.Kind)
	}
	return nil
}

// EmailKind is the purpose of an e-mail address.
type EmailKind string

// E-mail kinds.
const (
	EmailWork     EmailKind = "work"
	EmailPersonal EmailKind = "personal"
	EmailOther    EmailKind = "other"
)

// Email is an e-mail address of a contact.
type Email struct {
	ID      int64
	Address string
	Kind    EmailKind
	Primary bool
}

// Validate checks the address syntax (RFC 5322 addr-spec, no display name) and the kind;
// the error wraps ErrInvalid.
func (e Email) Validate() error {
	addr, err := mail.ParseAddress(e.Address)
	if err != nil || addr.Address != e.Address || addr.Name != "" {
		return fmt.Errorf("%w e-mail address %q: write it as name@example.ru, without a display name", ErrInvalid, e.Address)
	}
	switch e.Kind {
	case EmailWork, EmailPersonal, EmailOther:
		return nil
	}
	return fmt.Errorf("%w e-mail %s kind %q: use work, personal or other", ErrInvalid, e.Address, e.Kind)
}

// Tag is a label attached to contacts, such as "wholesale" or "complained".
type Tag struct {
	ID   int64
	Name string
	// Color is #rrggbb, or empty for the default colour.
	Color string
}

// Contact is a person the contact center talks to.
type Contact struct {
	ID         int64
	FirstName  string
	LastName   string
	MiddleName string
	// CompanyID is 0 when the contact belongs to no company.
	CompanyID int64
	Position  string
	// VIP contacts are queued with a higher priority.
	VIP    bool
	Note   string
	Phones []Phone
	Emails []Email
	// Tags are tag names; storage creates missing tags on write.
	Tags      []string
	CreatedAt time.Time
	UpdatedAt time.Time
	// DeletedAt is set while the contact is soft-deleted; nil for a live contact.
	DeletedAt *time.Time
}

// FullName returns the name in Russian order: last, first, middle, skipping empty parts.
func (c Contact) FullName() string {
	return strings.Join(strings.Fields(c.LastName+" "+c.FirstName+" "+c.MiddleName), " ")
}

// Deleted reports whether the contact is soft-deleted.
func (c Contact) Deleted() bool { return c.DeletedAt != nil }

// Validate checks that the contact has a name or a company. Its phones, e-mails and tags
// must be valid and not repeated. The error wraps ErrInvalid.
func (c Contact) Validate() error {
	if c.FullName() == "" && c.CompanyID == 0 {
		return fmt.Errorf("%w contact: no name and no company; set a first or last name, or a company", ErrInvalid)
	}

	phones := make(map[string]bool, len(c.Phones))
	for _, p := range c.Phones {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("contact %q: %w", c.FullName(), err)
		}
		key := p.E164 + ";" + p.Extension
		if phones[key] {
			return fmt.Errorf("%w contact %q: phone %s is listed twice", ErrInvalid, c.FullName(), p.E164)
		}
		phones[key] = true
	}

	emails := make(map[string]bool, len(c.Emails))
	for _, e := range c.Emails {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("contact %q: %w", c.FullName(), err)
		}
		key := strings.ToLower(e.Address)
		if emails[key] {
			return fmt.Errorf("%w contact %q: e-mail %s is listed twice", ErrInvalid, c.FullName(), e.Address)
		}
		emails[key] = true
	}

	for _, t := range c.Tags {
		if err := ValidateTagName(t); err != nil {
			return fmt.Errorf("contact %q: %w", c.FullName(), err)
		}
	}
	return nil
}

// MaxTagLength is the longest tag name, in bytes.
const MaxTagLength = 64

// ValidateTagName checks a tag name; the error wraps ErrInvalid.
func ValidateTagName(name string) error {
	if strings.TrimSpace(name) == "" || strings.TrimSpace(name) != name || len(name) > MaxTagLength {
		return fmt.Errorf("%w tag %q: use 1 to %d bytes without leading or trailing spaces", ErrInvalid, name, MaxTagLength)
	}
	return nil
}
