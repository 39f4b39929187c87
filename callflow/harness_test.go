package callflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/calllog"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/directory"
	"github.com/switchboard-cc/switchboard/routing"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// The ARI password has the characters that break naive URL building.
const (
	ariUser      = "switchboard"
	ariPassword  = "p+ss@w:rd"
	deskPassword = "desk-password-1"
	serverName   = "pbx1"
)

// node is one Switchboard node under test: arisim, the real ari/v5-based cti, the routing
// engine, the call flow, the call-log spool and the API with its WebSocket gateway, over a
// real PostgreSQL database.
type node struct {
	t      testing.TB
	pool   *pgxpool.Pool
	sim    *arisim.Server
	dir    *directory.Directory
	spool  *calllog.Spool
	cti    *cti.Server
	flow   *callflow.Flow
	api    *httptest.Server
	agents map[string]int64 // login → user id
	simURL string
	// stop shuts the node down, leaving arisim and its calls running.
	stop func()
}

type nodeOptions struct {
	queues []routing.QueueConfig
	rules  []arisim.Rule
	// pool replaces the per-test database, for the outage test.
	pool *pgxpool.Pool
	// statsInterval turns on routing's queue snapshots.
	statsInterval time.Duration
	// sim and simURL make the node use another node's arisim, for the restart test.
	sim    *arisim.Server
	simURL string
	// dispositionWindow replaces callflow.DefaultDispositionWindow.
	dispositionWindow time.Duration
}

func defaultQueues() []routing.QueueConfig {
	return []routing.QueueConfig{{Name: "support", RingTimeout: 5 * time.Second, WrapUp: 30 * time.Second}}
}

func startNode(t testing.TB, opts nodeOptions) *node {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))

	pool := opts.pool
	if pool == nil {
		pool = pgtest.New(t)
	}
	numbers, err := phone.NewNormalizer("RU")
	if err != nil {
		t.Fatal(err)
	}
	dir := directory.New(pool, numbers)

	sim, simURL := opts.sim, opts.simURL
	ownSim := sim == nil
	var simHTTP *httptest.Server
	if ownSim {
		rules := append(opts.rules, arisim.DefaultRules()...)
		sim = arisim.New(arisim.Options{Users: []arisim.Credential{{Username: ariUser, Password: ariPassword}}, Rules: rules})
		simHTTP = httptest.NewServer(sim.Handler())
		simURL = simHTTP.URL
	}

	manager, err := cti.NewManager(cti.ManagerOptions{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	pbx, err := manager.Add(cti.ServerConfig{
		Name: serverName, URL: simURL + "/ari", Username: ariUser, Password: ariPassword,
		Application: "switchboard", ReconnectMin: 20 * time.Millisecond, ReconnectMax: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}

	queues := opts.queues
	if queues == nil {
		queues = defaultQueues()
	}
	engine, err := routing.New(routing.Config{Queues: queues, StatsInterval: opts.statsInterval}, routing.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	spool, err := calllog.Open(dir, calllog.Options{Dir: t.TempDir(), RetryMin: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}

	names := make([]string, 0, len(queues))
	for _, q := range queues {
		names = append(names, q.Name)
	}
	flow, err := callflow.New(engine, callflow.Options{
		Servers: func(name string) (callflow.Telephony, bool) {
			return pbx, name == serverName
		},
		Directory:     dir,
		Numbers:       numbers,
		Recorder:      spool,
		PhoneAnswerer: simPhones{sim},
		Queues:        names,
		Dispositions:  []protocol.Disposition{{Code: "resolved", Label: "Resolved"}, {Code: "callback", Label: "Callback"}},
		Logger:        logger,

		DispositionWindow: opts.dispositionWindow,
	})
	if err != nil {
		t.Fatal(err)
	}

	n := &node{t: t, pool: pool, sim: sim, dir: dir, spool: spool, cti: pbx, flow: flow, agents: map[string]int64{}}
	apiServer := httptest.NewUnstartedServer(nil)
	origin := "http://" + apiServer.Listener.Addr().String()
	srv, err := api.New(api.Deps{Auth: dir, Desk: flow, Contacts: linkingContacts{dir, flow}, State: flow, Wallboard: flow, Logger: logger},
		api.Options{AllowedOrigins: []string{origin}})
	if err != nil {
		t.Fatal(err)
	}
	flow.SetNotifier(srv.Hub())
	apiServer.Config.Handler = srv
	apiServer.Start()
	n.api = apiServer

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = manager.Run(ctx) }()
	go func() { defer wg.Done(); _ = flow.Run(ctx, manager.Events()) }()

	var once sync.Once
	n.stop = func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			closeCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
			defer stop()
			_ = srv.Close(closeCtx)
			apiServer.Close()
			spool.Close()
		})
	}
	n.simURL = simURL
	t.Cleanup(func() {
		n.stop()
		if ownSim {
			sim.Close()
			simHTTP.Close()
		}
	})

	eventually(t, "cti connected to arisim", 5*time.Second, pbx.Connected)
	return n
}

// linkingContacts links a contact created from a call's card to the call, as package node
// does in the binary.
type linkingContacts struct {
	*directory.Directory
	flow *callflow.Flow
}

func (l linkingContacts) Create(ctx context.Context, agentID string, c protocol.CreateContact) (protocol.Card, error) {
	card, err := l.Directory.Create(ctx, agentID, c)
	if err != nil || c.CallID == "" {
		return card, err
	}
	return card, l.flow.LinkContact(ctx, agentID, c.CallID, card)
}

// simPhones answers simulated agent phones, as the demo does.
type simPhones struct{ sim *arisim.Server }

func (p simPhones) AnswerPhone(_ context.Context, _ string, channelID string) error {
	return p.sim.AnswerChannel(channelID)
}

// addAgent creates an agent user with a fixed phone endpoint.
func (n *node) addAgent(login, name, endpoint string) int64 {
	n.t.Helper()
	return n.addUser(login, name, endpoint, crm.RoleAgent)
}

func (n *node) addUser(login, name, endpoint string, role crm.Role) int64 {
	n.t.Helper()
	u, err := storage.NewUsers(n.pool).Create(context.Background(), crm.User{
		Login: login, DisplayName: name, Roles: []crm.Role{role}, Locale: crm.LocaleRU, Endpoint: endpoint,
	}, deskPassword)
	if err != nil {
		n.t.Fatalf("create agent %s: %v", login, err)
	}
	n.agents[login] = u.ID
	return u.ID
}

// addContact creates a contact with one phone, a past call with a disposition and an open
// ticket, the history a screen-pop must show.
func (n *node) addContact(first, last, number string) crm.Contact {
	n.t.Helper()
	ctx := context.Background()
	numbers, _ := phone.NewNormalizer("RU")
	contacts := storage.NewContacts(n.pool, numbers)
	mobile, err := crm.NewPhone(numbers, number, crm.PhoneMobile)
	if err != nil {
		n.t.Fatal(err)
	}
	c, err := contacts.Create(ctx, crm.Contact{
		FirstName: first, LastName: last, VIP: true, Tags: []string{"опт"}, Phones: []crm.Phone{mobile},
	})
	if err != nil {
		n.t.Fatalf("create contact: %v", err)
	}

	past := time.Now().Add(-48 * time.Hour)
	if _, _, err := storage.NewInteractions(n.pool).Record(ctx, crm.Interaction{
		CallID: "past-" + number, Direction: crm.Inbound, Queue: "support", ContactID: c.ID,
		CallerNumber: c.Phones[0].E164, ArrivedAt: past, AnsweredAt: past.Add(10 * time.Second),
		EndedAt: past.Add(3 * time.Minute), Wait: 10 * time.Second, Talk: 170 * time.Second,
		Outcome: crm.OutcomeAnswered, HangupCause: 16, Disposition: "resolved", Note: "Уточнял статус заказа",
	}); err != nil {
		n.t.Fatalf("record past call: %v", err)
	}
	if _, err := storage.NewTickets(n.pool).Create(ctx, crm.Ticket{
		Subject: "Не пришёл счёт", Priority: crm.PriorityHigh, Status: crm.TicketOpen, ContactID: c.ID,
	}); err != nil {
		n.t.Fatalf("create ticket: %v", err)
	}
	return c
}

// arrive makes a customer call arrive for the queue and returns its channel id.
func (n *node) arrive(number, name, queue string) string {
	n.t.Helper()
	id, err := n.sim.ArriveCall(arisim.Call{CallerNumber: number, CallerName: name, Dialed: "100", App: "switchboard", Args: []string{"inbound", queue}})
	if err != nil {
		n.t.Fatalf("arrive call from %s: %v", number, err)
	}
	return id
}

// record waits for the call's record in PostgreSQL and returns it.
func (n *node) record(callID string, ready func(crm.Interaction) bool) crm.Interaction {
	n.t.Helper()
	var rec crm.Interaction
	eventually(n.t, "call record of "+callID, 10*time.Second, func() bool {
		r, err := storage.NewInteractions(n.pool).GetByCallID(context.Background(), callID)
		if err != nil {
			return false
		}
		rec = r
		return ready == nil || ready(r)
	})
	return rec
}

func (n *node) countRecords(callID string) int {
	n.t.Helper()
	var count int
	if err := n.pool.QueryRow(context.Background(), `SELECT count(*) FROM interactions WHERE call_id = $1`, callID).Scan(&count); err != nil {
		n.t.Fatalf("count records: %v", err)
	}
	return count
}

// bridgedWith reports whether arisim has one bridge holding exactly these channels.
func (n *node) bridgedWith(channels ...string) bool {
	for _, b := range n.sim.Bridges() {
		members := slices.Clone(b.Channels)
		if len(members) != len(channels) {
			continue
		}
		ok := true
		for _, c := range channels {
			if !slices.Contains(members, c) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// desk is an agent's browser session: a cookie-authenticated WebSocket to the gateway.
type desk struct {
	t       testing.TB
	conn    *websocket.Conn
	frames  chan protocol.Envelope
	backlog []protocol.Envelope
	nextID  int
	hello   protocol.Hello // the first frame, with the desk's state at sign-in
}

func (n *node) signIn(login string) *desk {
	n.t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	origin := n.api.URL

	body := strings.NewReader(fmt.Sprintf(`{"login":%q,"password":%q}`, login, deskPassword))
	req, _ := http.NewRequest(http.MethodPost, n.api.URL+"/api/v1/session", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", origin)
	resp, err := client.Do(req)
	if err != nil {
		n.t.Fatalf("login %s: %v", login, err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		n.t.Fatalf("login %s: status %d: %s", login, resp.StatusCode, msg)
	}

	u, _ := url.Parse(n.api.URL)
	header := http.Header{"Origin": {origin}}
	for _, c := range jar.Cookies(u) {
		header.Add("Cookie", c.String())
	}
	conn, wsResp, err := websocket.DefaultDialer.Dial("ws://"+u.Host+"/api/v1/ws", header)
	if err != nil {
		n.t.Fatalf("open desk WebSocket for %s: %v (response %v)", login, err, wsResp)
	}

	d := &desk{t: n.t, conn: conn, frames: make(chan protocol.Envelope, 256)}
	go func() {
		defer close(d.frames)
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				return
			}
			var env protocol.Envelope
			if err := json.Unmarshal(data, &env); err == nil {
				d.frames <- env
			}
		}
	}()
	n.t.Cleanup(func() { conn.Close() })

	d.hello = decode[protocol.Hello](n.t, d.expect(protocol.TypeHello, nil))
	return d
}

// expect returns the next frame of the type for which match holds, keeping other frames for
// later expectations.
func (d *desk) expect(msgType string, match func(protocol.Envelope) bool) protocol.Envelope {
	d.t.Helper()
	accept := func(env protocol.Envelope) bool {
		return env.Type == msgType && (match == nil || match(env))
	}
	for i, env := range d.backlog {
		if accept(env) {
			d.backlog = slices.Delete(d.backlog, i, i+1)
			return env
		}
	}

	timeout := time.After(10 * time.Second)
	for {
		select {
		case env, ok := <-d.frames:
			if !ok {
				d.t.Fatalf("desk connection closed while waiting for %s", msgType)
			}
			if accept(env) {
				return env
			}
			d.backlog = append(d.backlog, env)
		case <-timeout:
			d.t.Fatalf("timed out waiting for %s; received meanwhile: %v", msgType, types(d.backlog))
		}
	}
}

// command sends a command and returns its ack, failing the test on an error frame.
func (d *desk) command(msgType string, data any) protocol.Envelope {
	d.t.Helper()
	env, isErr := d.try(msgType, data)
	if isErr {
		d.t.Fatalf("%s answered with error: %s", msgType, env.Data)
	}
	return env
}

// try sends a command and returns its ack or error frame.
func (d *desk) try(msgType string, data any) (protocol.Envelope, bool) {
	d.t.Helper()
	d.nextID++
	id := fmt.Sprintf("t-%d", d.nextID)
	raw, _ := json.Marshal(data)
	frame, _ := json.Marshal(protocol.Envelope{V: protocol.Version, Type: msgType, ID: id, Data: raw})
	if err := d.conn.WriteMessage(websocket.TextMessage, frame); err != nil {
		d.t.Fatalf("send %s: %v", msgType, err)
	}

	var reply protocol.Envelope
	for reply.ID != id {
		timeout := time.After(10 * time.Second)
		select {
		case env, ok := <-d.frames:
			if !ok {
				d.t.Fatalf("desk connection closed while waiting for the reply to %s", msgType)
			}
			if env.ID == id && (env.Type == protocol.TypeAck || env.Type == protocol.TypeError) {
				reply = env
				continue
			}
			d.backlog = append(d.backlog, env)
		case <-timeout:
			d.t.Fatalf("timed out waiting for the reply to %s", msgType)
		}
	}
	return reply, reply.Type == protocol.TypeError
}

func (d *desk) available() {
	d.t.Helper()
	d.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable})
	d.expect(protocol.TypeAgentState, stateIs(protocol.StateAvailable))
}

func stateIs(state string) func(protocol.Envelope) bool {
	return func(env protocol.Envelope) bool {
		var s protocol.AgentState
		return json.Unmarshal(env.Data, &s) == nil && s.State == state
	}
}

func callIs(callID string) func(protocol.Envelope) bool {
	return func(env protocol.Envelope) bool {
		var c struct {
			CallID string `json:"call_id"`
		}
		return json.Unmarshal(env.Data, &c) == nil && c.CallID == callID
	}
}

func decode[T any](t testing.TB, env protocol.Envelope) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(env.Data, &v); err != nil {
		t.Fatalf("decode %s: %v", env.Type, err)
	}
	return v
}

func types(envs []protocol.Envelope) []string {
	out := make([]string, 0, len(envs))
	for _, e := range envs {
		out = append(out, e.Type)
	}
	return out
}

func eventually(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testWriter sends logs to the test's log, shown only when the test fails or with -v.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
