package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

// Sizes of the generated data.
const (
	russianContacts = 260
	englishContacts = 60
	historyDays     = 30
	// weekdayCalls and weekendCalls are the mean calls per day.
	weekdayCalls = 45
	weekendCalls = 12
)

// moscow is Moscow time, UTC+3 all year since 2014, so a fixed zone needs no tzdata.
var moscow = time.FixedZone("MSK", 3*60*60)

// CenterNumber is the contact center's public number: the callee of inbound demo calls and
// the caller ID of outbound ones.
const CenterNumber = "+74957800000"

// generator builds a dataset from a seeded random source, so the same seed and anchor time
// give the same data.
type generator struct {
	rng        *rand.Rand
	now        time.Time
	normalizer *phone.Normalizer
	usedPhones map[string]bool
	data       dataset
}

func generate(seed uint64, now time.Time) (dataset, error) {
	normalizer, err := phone.NewNormalizer("RU")
	if err != nil {
		return dataset{}, err
	}
	g := &generator{
		rng:        rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		now:        now,
		normalizer: normalizer,
		usedPhones: map[string]bool{},
		data:       dataset{now: now},
	}

	g.addUsers()
	g.addCompanies()
	for range russianContacts {
		if err := g.addRussianContact(); err != nil {
			return dataset{}, err
		}
	}
	for range englishContacts {
		if err := g.addEnglishContact(); err != nil {
			return dataset{}, err
		}
	}
	g.addCalls()
	g.addTicketsAndCallbacks()
	g.addTasks()
	return g.data, nil
}

// Indexes of the users addUsers creates.
const (
	userAdmin = iota
	userSupervisor
	userMarketer
	firstAgent
)

func (g *generator) addUsers() {
	g.addUsersTo(&g.data.users)
}

// DemoSupervisorPhone is the demo supervisor's phone.
const DemoSupervisorPhone = "PJSIP/2001"

// addUsersTo sets the demo users, one or more per role. It draws no random numbers, so
// ResetPasswords finds the same logins. The agents' queues are the node's default queues,
// support and sales, which the demo serves. agent5 has none and so serves every queue.
func (g *generator) addUsersTo(users *[]userRow) {
	*users = []userRow{
		{login: "admin", role: "admin", displayName: "Ирина Соколова", locale: "ru"},
		// The supervisor's phone answers by itself in the demo's simulator, so that listening
		// in from the wallboard works without a real phone.
		{login: "supervisor", role: "supervisor", displayName: "Дмитрий Орлов", locale: "ru", endpoint: DemoSupervisorPhone},
		{login: "marketer", role: "marketer", displayName: "Алина Захарова", locale: "ru"},
		{login: "agent1", role: "agent", displayName: "Анна Петрова", locale: "ru", endpoint: "PJSIP/1001",
			skills: []skill{{"support", 8}, {"sales", 3}}, queues: []string{"support"}},
		{login: "agent2", role: "agent", displayName: "Сергей Волков", locale: "ru", endpoint: "PJSIP/1002",
			skills: []skill{{"sales", 9}, {"support", 4}}, queues: []string{"sales"}},
		{login: "agent3", role: "agent", displayName: "Мария Кузнецова", locale: "ru", endpoint: "PJSIP/1003",
			skills: []skill{{"vip", 9}, {"support", 6}, {"sales", 5}}, queues: []string{"support", "sales"}},
		{login: "agent4", role: "agent", displayName: "Emily Clarke", locale: "en", endpoint: "PJSIP/1004",
			skills: []skill{{"english", 10}, {"support", 5}}, queues: []string{"support"}},
		{login: "agent5", role: "agent", displayName: "Олег Никитин", locale: "ru",
			skills: []skill{{"support", 5}, {"sales", 6}}},
	}
}

func (g *generator) addCompanies() {
	for _, c := range companies {
		row := companyRow{name: c.name, website: "https://" + c.domain, russian: c.russian, domain: c.domain}
		if c.russian {
			row.taxID = g.russianTaxID()
		} else {
			row.taxID = fmt.Sprintf("0%07d", g.rng.IntN(10_000_000))
		}
		g.data.companies = append(g.data.companies, row)
	}
}

// russianTaxID returns a 10-digit INN of a legal entity with a valid check digit
// (weights 2 4 10 3 5 9 4 6 8, sum mod 11 mod 10).
func (g *generator) russianTaxID() string {
	weights := []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	digits := make([]byte, 10)
	// The first two digits are a region code: 77 Moscow, 78 St Petersburg.
	digits[0], digits[1] = '7', byte('7'+g.rng.IntN(2))
	sum := 0
	for i := range 9 {
		if i >= 2 {
			digits[i] = byte('0' + g.rng.IntN(10))
		}
		sum += int(digits[i]-'0') * weights[i]
	}
	digits[9] = byte('0' + sum%11%10)
	return string(digits)
}

func (g *generator) companyFor(russian bool) int {
	if g.rng.Float64() >= 0.75 {
		return noRef
	}
	for {
		i := g.rng.IntN(len(g.data.companies))
		if g.data.companies[i].russian == russian {
			return i
		}
	}
}

func (g *generator) addRussianContact() error {
	female := g.rng.IntN(2) == 0
	last := pick(g.rng, russianSurnames)
	father := pick(g.rng, russianPatronymics)
	contact := contactRow{company: g.companyFor(true), position: pick(g.rng, russianPositions)}
	if female {
		contact.firstName, contact.lastName, contact.middleName = pick(g.rng, russianFemaleNames), last.female, father.female
	} else {
		contact.firstName, contact.lastName, contact.middleName = pick(g.rng, russianMaleNames), last.male, father.male
	}
	if contact.company == noRef {
		contact.position = ""
	}

	stPetersburg := g.rng.Float64() < 0.35
	mobile, err := g.uniquePhone(func() (string, string) { return g.russianMobile(stPetersburg) })
	if err != nil {
		return err
	}
	mobile.kind = "mobile"
	contact.phones = append(contact.phones, mobile)
	if contact.company != noRef && g.rng.Float64() < 0.6 {
		work, err := g.uniquePhone(func() (string, string) { return g.russianLandline(stPetersburg) })
		if err != nil {
			return err
		}
		work.kind = "work"
		contact.phones = append(contact.phones, work)
	}
	contact.phones[g.rng.IntN(len(contact.phones))].primary = true

	if g.rng.Float64() < 0.7 {
		local := transliterate(contact.firstName)[:1] + "." + transliterate(contact.lastName)
		contact.emails = append(contact.emails, g.email(local, contact.company))
	}
	if g.rng.Float64() < 0.12 {
		contact.note = pick(g.rng, russianContactNotes)
	}
	g.finishContact(&contact)
	g.data.contacts = append(g.data.contacts, contact)
	return nil
}

func (g *generator) addEnglishContact() error {
	contact := contactRow{
		firstName: pick(g.rng, englishFirstNames),
		lastName:  pick(g.rng, englishLastNames),
		company:   g.companyFor(false),
		position:  pick(g.rng, englishPositions),
		english:   true,
	}
	if contact.company == noRef {
		contact.position = ""
	}

	generators := []func() (string, string){g.ukLandline, g.ukMobile, g.usNumber}
	number, err := g.uniquePhone(pick(g.rng, generators))
	if err != nil {
		return err
	}
	number.kind = "work"
	if strings.HasPrefix(number.e164, "+447") {
		number.kind = "mobile"
	}
	number.primary = true
	contact.phones = append(contact.phones, number)

	if g.rng.Float64() < 0.85 {
		local := strings.ToLower(contact.firstName + "." + contact.lastName)
		contact.emails = append(contact.emails, g.email(local, contact.company))
	}
	if g.rng.Float64() < 0.15 {
		contact.note = pick(g.rng, englishContactNotes)
	}
	g.finishContact(&contact)
	g.data.contacts = append(g.data.contacts, contact)
	return nil
}

// finishContact sets VIP status and tags.
func (g *generator) finishContact(contact *contactRow) {
	const vipTag, englishTag = 0, 6
	contact.vip = g.rng.Float64() < 0.06
	if contact.vip {
		contact.tags = append(contact.tags, vipTag)
	}
	if contact.english {
		contact.tags = append(contact.tags, englishTag)
	}
	for range g.rng.IntN(3) {
		t := 1 + g.rng.IntN(len(tags)-1)
		if t != englishTag && !contains(contact.tags, t) {
			contact.tags = append(contact.tags, t)
		}
	}
}

func (g *generator) email(local string, company int) emailRow {
	if company != noRef {
		return emailRow{address: local + "@" + g.data.companies[company].domain, kind: "work", primary: true}
	}
	return emailRow{address: local + "@mail.example", kind: "personal", primary: true}
}

// uniquePhone draws numbers until one is new and normalises to the E.164 form drawn.
func (g *generator) uniquePhone(draw func() (e164, raw string)) (phoneRow, error) {
	for range 1000 {
		e164, raw := draw()
		if g.usedPhones[e164] {
			continue
		}
		number, err := g.normalizer.Parse(raw)
		if err != nil {
			return phoneRow{}, fmt.Errorf("generated number %q: %w", raw, err)
		}
		if number.E164 != e164 {
			return phoneRow{}, fmt.Errorf("generated number %q normalises to %s, not %s", raw, number.E164, e164)
		}
		g.usedPhones[e164] = true
		return phoneRow{e164: e164, raw: raw}, nil
	}
	return phoneRow{}, fmt.Errorf("no unused phone number after 1000 draws")
}

var (
	moscowMobilePrefixes = []string{"903", "905", "909", "915", "916", "917", "925", "926", "929", "965", "977", "985", "999"}
	spbMobilePrefixes    = []string{"911", "921", "931", "981", "952", "904"}
)

// russianMobile returns a +7 9xx number written in one of the ways people write them.
func (g *generator) russianMobile(stPetersburg bool) (string, string) {
	prefixes := moscowMobilePrefixes
	if stPetersburg {
		prefixes = spbMobilePrefixes
	}
	return g.russianNumber(pick(g.rng, prefixes), 1)
}

// russianLandline returns a Moscow (495, 499) or St Petersburg (812) number.
func (g *generator) russianLandline(stPetersburg bool) (string, string) {
	area := pick(g.rng, []string{"495", "499"})
	if stPetersburg {
		area = "812"
	}
	return g.russianNumber(area, 2)
}

func (g *generator) russianNumber(area string, firstDigitMin int) (string, string) {
	subscriber := fmt.Sprintf("%d%06d", firstDigitMin+g.rng.IntN(10-firstDigitMin), g.rng.IntN(1_000_000))
	e164 := "+7" + area + subscriber
	a, b, c := subscriber[:3], subscriber[3:5], subscriber[5:]
	layouts := []string{
		"+7 (%s) %s-%s-%s", "8 (%s) %s-%s-%s", "8 %s %s %s %s", "+7 %s %s-%s-%s", "8-%s-%s-%s-%s",
	}
	raw := fmt.Sprintf(pick(g.rng, layouts), area, a, b, c)
	return e164, raw
}

// ukLandline returns a London number from 020 7946 0000-0999, which Ofcom keeps for drama.
func (g *generator) ukLandline() (string, string) {
	n := g.rng.IntN(1000)
	return fmt.Sprintf("+442079460%03d", n), fmt.Sprintf("+44 20 7946 0%03d", n)
}

// ukMobile returns a number from 07700 900000-900999, Ofcom's drama range for mobiles.
func (g *generator) ukMobile() (string, string) {
	n := g.rng.IntN(1000)
	return fmt.Sprintf("+447700900%03d", n), fmt.Sprintf("+44 7700 900%03d", n)
}

// usNumber returns a number from 555-0100 to 555-0199, which the North American
// Numbering Plan keeps for fiction.
func (g *generator) usNumber() (string, string) {
	area := pick(g.rng, []string{"202", "212", "312", "415", "617"})
	n := 100 + g.rng.IntN(100)
	return fmt.Sprintf("+1%s5550%03d", area, n), fmt.Sprintf("+1 (%s) 555-0%03d", area, n)
}

func transliterate(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if latin, ok := cyrillicToLatin[r]; ok {
			b.WriteString(latin)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func pick[T any](rng *rand.Rand, items []T) T {
	return items[rng.IntN(len(items))]
}

func contains(items []int, item int) bool {
	for _, i := range items {
		if i == item {
			return true
		}
	}
	return false
}

// exponential draws from an exponential distribution with the given mean.
func exponential(rng *rand.Rand, mean float64) float64 {
	return rng.ExpFloat64() * mean
}

// logNormal draws a positive duration whose median is median seconds, with a long tail
// like real talk times.
func logNormal(rng *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(rng.NormFloat64()*sigma)
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond)
}
