package demo

import (
	"fmt"
	"math"
	"time"
)

// Q.850 hang-up causes with the text Asterisk 22 reports for them.
const (
	causeNormalClearing = 16
	causeUserBusy       = 17
	causeNoAnswer       = 19
	causeCongestion     = 34
)

var causeText = map[int]string{
	causeNormalClearing: "Normal Clearing",
	causeUserBusy:       "User busy",
	causeNoAnswer:       "User alerting, no answer",
	causeCongestion:     "Circuit/channel congestion",
}

// addCalls generates the call log of the last historyDays days: inbound calls in business
// hours (Moscow time) and outbound calls made by agents, some for a campaign.
func (g *generator) addCalls() {
	today := time.Date(g.now.In(moscow).Year(), g.now.In(moscow).Month(), g.now.In(moscow).Day(), 0, 0, 0, 0, moscow)
	for day := historyDays - 1; day >= 0; day-- {
		date := today.AddDate(0, 0, -day)
		mean := weekdayCalls
		if date.Weekday() == time.Saturday || date.Weekday() == time.Sunday {
			mean = weekendCalls
		}
		count := int(math.Round(float64(mean) * (0.8 + 0.4*g.rng.Float64())))
		for range count {
			// Calls peak late in the morning: the hour is the sum of two uniform draws.
			minute := 9*60 + int((g.rng.Float64()+g.rng.Float64())/2*10*60)
			arrived := date.Add(time.Duration(minute)*time.Minute + time.Duration(g.rng.IntN(60))*time.Second)
			if arrived.After(g.now.Add(-time.Hour)) {
				continue
			}
			if g.rng.Float64() < 0.2 {
				g.addOutboundCall(arrived)
			} else {
				g.addInboundCall(arrived)
			}
		}

		// A few callers ring after the queues close at 19:00 and hear the closed message.
		for range g.rng.IntN(4) {
			arrived := date.Add(19*time.Hour + time.Duration(g.rng.IntN(3*60*60))*time.Second)
			if arrived.Before(g.now.Add(-time.Hour)) {
				g.addClosedCall(arrived)
			}
		}
	}
}

// addClosedCall logs a call that arrived outside business hours and ended after the
// announcement.
func (g *generator) addClosedCall(arrived time.Time) {
	contact := g.frequentContact()
	g.data.interactions = append(g.data.interactions, interactionRow{
		callID:          fmt.Sprintf("demo-%05d", len(g.data.interactions)+1),
		direction:       "inbound",
		queue:           "support",
		agent:           noRef,
		contact:         contact,
		caller:          g.data.contacts[contact].phones[0].e164,
		callee:          CenterNumber,
		arrived:         arrived.UTC(),
		ended:           arrived.UTC().Add(seconds(6 + 6*g.rng.Float64())),
		outcome:         "closed",
		hangupCause:     causeNormalClearing,
		hangupCauseText: causeText[causeNormalClearing],
	})
}

// frequentContact picks a contact, favouring a few regular callers as real call logs do.
func (g *generator) frequentContact() int {
	r := g.rng.Float64()
	return int(r * r * float64(len(g.data.contacts)))
}

func (g *generator) agentFor(queue string) int {
	var candidates []int
	for i, user := range g.data.users {
		for _, s := range user.skills {
			if s.name == queue {
				candidates = append(candidates, i)
			}
		}
	}
	if len(candidates) == 0 {
		return firstAgent + g.rng.IntN(len(g.data.users)-firstAgent)
	}
	return pick(g.rng, candidates)
}

func (g *generator) addInboundCall(arrived time.Time) {
	call := interactionRow{
		callID:    fmt.Sprintf("demo-%05d", len(g.data.interactions)+1),
		direction: "inbound",
		callee:    CenterNumber,
		arrived:   arrived.UTC(),
		contact:   noRef,
		agent:     noRef,
	}

	english := false
	switch r := g.rng.Float64(); {
	case r < 0.85:
		call.contact = g.frequentContact()
		contact := g.data.contacts[call.contact]
		call.caller = contact.phones[g.rng.IntN(len(contact.phones))].e164
		english = contact.english
		call.queue = "support"
		switch {
		case contact.vip:
			call.queue = "vip"
		case contact.english:
			call.queue = "english"
		case g.rng.Float64() < 0.3:
			call.queue = "sales"
		}
	case r < 0.96:
		// A caller who is not in the CRM yet.
		e164, _ := g.russianMobile(g.rng.IntN(3) == 0)
		call.caller = e164
		call.queue = "sales"
	default:
		call.caller = "anonymous"
		call.queue = "support"
	}

	switch r := g.rng.Float64(); {
	case r < 0.84:
		g.answered(&call, exponential(g.rng, 25), english)
	case r < 0.95:
		wait := 10 + exponential(g.rng, 45)
		call.waitSeconds = round(wait)
		call.ended = call.arrived.Add(seconds(wait))
		call.outcome, call.hangupCause = "abandoned", causeNormalClearing
	case r < 0.98:
		// The queue's maximum wait passed and the call overflowed to voicemail.
		wait := 120.0
		call.waitSeconds = wait
		call.ended = call.arrived.Add(seconds(wait + 15 + 30*g.rng.Float64()))
		call.outcome, call.hangupCause = "overflowed", causeNormalClearing
	default:
		call.ended = call.arrived.Add(time.Second)
		call.outcome, call.hangupCause = "failed", causeCongestion
	}
	call.hangupCauseText = causeText[call.hangupCause]
	g.data.interactions = append(g.data.interactions, call)
}

// answered fills in a call the agent took: their phone rang for a few seconds, they talked,
// and they saved a disposition with a note.
func (g *generator) answered(call *interactionRow, wait float64, english bool) {
	ring := 3 + 9*g.rng.Float64()
	wait = math.Max(wait, ring)
	talk := math.Min(logNormal(g.rng, 150, 0.7), 3600)

	call.agent = g.agentFor(call.queue)
	call.offered = call.arrived.Add(seconds(wait - ring))
	call.answered = call.arrived.Add(seconds(wait))
	call.ended = call.answered.Add(seconds(talk))
	call.waitSeconds, call.talkSeconds = round(wait), round(talk)
	call.outcome, call.hangupCause = "answered", causeNormalClearing

	dispositions := supportDispositions
	if call.queue == "sales" || call.direction == "outbound" {
		dispositions = salesDispositions
	}
	d := weightedPick(g, dispositions)
	call.disposition = d.code
	call.opensTicket = d.opensTicket
	if english {
		call.note = pick(g.rng, d.notesEN)
	} else {
		call.note = pick(g.rng, d.notesRU)
	}
}

func (g *generator) addOutboundCall(started time.Time) {
	contactIndex := g.rng.IntN(len(g.data.contacts))
	contact := g.data.contacts[contactIndex]
	call := interactionRow{
		callID:    fmt.Sprintf("demo-%05d", len(g.data.interactions)+1),
		direction: "outbound",
		caller:    CenterNumber,
		callee:    contact.phones[0].e164,
		arrived:   started.UTC(),
		contact:   contactIndex,
		agent:     g.agentFor("sales"),
	}
	if !contact.english && g.rng.Float64() < 0.5 {
		call.campaign = "spring-promo"
	}

	ring := 5 + 20*g.rng.Float64()
	switch r := g.rng.Float64(); {
	case r < 0.55:
		agent := call.agent
		g.answered(&call, ring, contact.english)
		call.agent = agent
		call.offered = time.Time{}
	case r < 0.8:
		call.ended = call.arrived.Add(seconds(30))
		call.outcome, call.hangupCause = "no_answer", causeNoAnswer
	case r < 0.9:
		call.ended = call.arrived.Add(seconds(3))
		call.outcome, call.hangupCause = "busy", causeUserBusy
	default:
		call.answered = call.arrived.Add(seconds(ring))
		call.ended = call.answered.Add(seconds(4))
		call.talkSeconds = 4
		call.outcome, call.hangupCause = "machine", causeNormalClearing
	}
	call.hangupCauseText = causeText[call.hangupCause]
	g.data.interactions = append(g.data.interactions, call)
}

// addTicketsAndCallbacks opens a ticket for every call whose disposition asked for one
// and a callback task for every call that requested a callback.
func (g *generator) addTicketsAndCallbacks() {
	for i, call := range g.data.interactions {
		if call.opensTicket {
			g.addTicket(i, call)
		}
		if call.disposition == "callback" {
			g.addCallback(i, call)
		}
	}
}

var slaByPriority = map[string]time.Duration{
	"urgent": 4 * time.Hour,
	"high":   8 * time.Hour,
	"normal": 24 * time.Hour,
	"low":    72 * time.Hour,
}

func (g *generator) addTicket(interaction int, call interactionRow) {
	english := call.contact != noRef && g.data.contacts[call.contact].english
	subject := pick(g.rng, ticketSubjects)
	ticket := ticketRow{
		subject:     subject.ru,
		description: call.note,
		priority:    pick(g.rng, []string{"low", "normal", "normal", "normal", "high", "urgent"}),
		created:     call.ended,
		contact:     call.contact,
		assignee:    g.agentFor("support"),
		createdBy:   call.agent,
		interaction: interaction,
	}
	if english {
		ticket.subject = subject.en
	}
	if call.disposition == "complaint" {
		ticket.priority = "high"
	}
	ticket.slaDue = ticket.created.Add(slaByPriority[ticket.priority])

	age := g.now.Sub(ticket.created)
	switch r := g.rng.Float64(); {
	case age > 5*24*time.Hour && r < 0.85, age > 24*time.Hour && r < 0.5:
		// Most tickets are resolved, a few of them after the deadline.
		took := time.Duration(g.rng.Float64() * 1.3 * float64(slaByPriority[ticket.priority]))
		ticket.resolved = ticket.created.Add(max(took, 10*time.Minute))
		ticket.status = "resolved"
		if ticket.resolved.Before(g.now.Add(-72 * time.Hour)) {
			ticket.status = "closed"
		}
		if ticket.resolved.After(g.now) {
			ticket.resolved, ticket.status = time.Time{}, "in_progress"
		}
	case r < 0.6:
		ticket.status = "in_progress"
	case r < 0.8:
		ticket.status = "waiting"
	default:
		ticket.status = "open"
	}
	g.data.tickets = append(g.data.tickets, ticket)
}

func (g *generator) addCallback(interaction int, call interactionRow) {
	number := call.caller
	if call.direction == "outbound" {
		number = call.callee
	}
	if number == "anonymous" {
		return
	}
	task := taskRow{
		kind:        "callback",
		note:        call.note,
		due:         call.ended.Add(time.Duration(1+g.rng.IntN(47)) * time.Hour).Truncate(15 * time.Minute),
		contact:     call.contact,
		createdBy:   call.agent,
		phone:       number,
		queue:       call.queue,
		interaction: interaction,
		created:     call.ended,
		status:      "open",
	}
	if task.due.Before(task.created) {
		task.due = task.due.Add(15 * time.Minute)
	}
	if task.queue == "" {
		task.queue = "sales"
	}
	if g.rng.Float64() < 0.5 {
		task.assignee = call.agent
	} else {
		task.assignee = noRef
	}
	if task.due.Before(g.now) {
		task.attempts = 1 + g.rng.IntN(2)
		task.status, task.completed = "done", task.due.Add(time.Duration(g.rng.IntN(30))*time.Minute)
		if g.rng.Float64() < 0.15 {
			task.attempts, task.status = 3, "failed"
		}
		if task.completed.After(g.now) {
			task.completed = g.now
		}
	}
	g.data.tasks = append(g.data.tasks, task)
}

// addTasks adds to-do items that agents and the supervisor set for themselves.
func (g *generator) addTasks() {
	for i := range 20 {
		text := pick(g.rng, taskTitles)
		created := g.now.Add(-time.Duration(g.rng.IntN(historyDays*24)) * time.Hour)
		task := taskRow{
			kind:        "task",
			title:       text,
			due:         created.Add(time.Duration(4+g.rng.IntN(72)) * time.Hour).Truncate(time.Hour),
			status:      "open",
			contact:     g.rng.IntN(len(g.data.contacts)),
			assignee:    firstAgent + i%(len(g.data.users)-firstAgent),
			createdBy:   userSupervisor,
			interaction: noRef,
			created:     created,
		}
		if task.due.Before(task.created) {
			task.due = task.due.Add(time.Hour)
		}
		if task.due.Before(g.now) && g.rng.Float64() < 0.8 {
			task.status, task.completed = "done", task.due
		}
		g.data.tasks = append(g.data.tasks, task)
	}
}

func round(s float64) float64 { return math.Round(s*10) / 10 }

// disposition is a wrap-up code with example notes in Russian and English.
type disposition struct {
	code   string
	weight int
	// opensTicket marks notes that describe a problem the agent opened a ticket for.
	opensTicket      bool
	notesRU, notesEN []string
}

func weightedPick(g *generator, items []disposition) disposition {
	total := 0
	for _, d := range items {
		total += d.weight
	}
	n := g.rng.IntN(total)
	for _, d := range items {
		if n < d.weight {
			return d
		}
		n -= d.weight
	}
	return items[len(items)-1]
}
