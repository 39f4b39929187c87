package demo

import "time"

// The rows below are the generated demo data before it is written. References between
// rows are indexes into the dataset's slices (noRef when absent); seed.go turns them into
// database ids.

const noRef = -1

type dataset struct {
	// now is the anchor time the history was generated for.
	now          time.Time
	users        []userRow
	companies    []companyRow
	contacts     []contactRow
	interactions []interactionRow
	tickets      []ticketRow
	tasks        []taskRow
}

type userRow struct {
	login       string
	role        string
	displayName string
	locale      string
	// endpoint is the agent's fixed phone, or "" for hot-desking.
	endpoint string
	skills   []skill
	// queues are the call queues the agent serves. None means every queue of the node.
	queues []string
}

type skill struct {
	name  string
	level int
}

type companyRow struct {
	name    string
	taxID   string
	website string
	russian bool
	domain  string
}

type contactRow struct {
	firstName, lastName, middleName string
	company                         int
	position                        string
	vip                             bool
	english                         bool
	note                            string
	phones                          []phoneRow
	emails                          []emailRow
	tags                            []int
}

type phoneRow struct {
	e164    string
	raw     string
	kind    string
	primary bool
}

type emailRow struct {
	address string
	kind    string
	primary bool
}

type interactionRow struct {
	callID    string
	direction string
	queue     string
	agent     int
	contact   int
	caller    string
	callee    string
	arrived   time.Time
	// offered, answered and ended are zero when the call never reached that point.
	offered, answered, ended time.Time
	waitSeconds, talkSeconds float64
	outcome                  string
	// hangupCause is a Q.850 cause code; hangupCauseText is Asterisk's name for it.
	hangupCause     int
	hangupCauseText string
	disposition     string
	note            string
	campaign        string
	// opensTicket is true when the agent opened a ticket during the call.
	opensTicket bool
}

type ticketRow struct {
	subject, description string
	priority, status     string
	created, slaDue      time.Time
	// resolved is zero unless the status is resolved or closed.
	resolved    time.Time
	contact     int
	assignee    int
	createdBy   int
	interaction int
}

type taskRow struct {
	kind, title, note string
	due               time.Time
	status            string
	contact           int
	assignee          int
	createdBy         int
	phone             string
	queue             string
	attempts          int
	interaction       int
	created           time.Time
	// completed is zero unless the status is done, cancelled or failed.
	completed time.Time
}
