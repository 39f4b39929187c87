package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/apitest"
	"github.com/switchboard-cc/switchboard/api/protocol"
)

// testOrigin is the one allowed origin in tests. Requests set it by hand, so it need not
// match the listener's address.
const testOrigin = "http://desk.test"

// Test users: login = password = id.
var testUsers = []protocol.User{
	{ID: "agent1", Name: "Анна", Roles: []protocol.Role{protocol.RoleAgent}, Locale: "ru"},
	{ID: "agent2", Name: "Boris", Roles: []protocol.Role{protocol.RoleAgent}, Locale: "en"},
	{ID: "super1", Name: "Светлана", Roles: []protocol.Role{protocol.RoleSupervisor}, Locale: "ru"},
	{ID: "market1", Name: "Mark", Roles: []protocol.Role{protocol.RoleMarketer}, Locale: "en"},
	{ID: "admin1", Name: "Ada", Roles: []protocol.Role{protocol.RoleAdmin}, Locale: "en"},
}

// harness is a running API server with in-memory dependencies.
type harness struct {
	srv       *api.Server
	http      *httptest.Server
	users     *apitest.Users
	desk      *apitest.Desk
	contacts  *apitest.Contacts
	state     *apitest.State
	board     *wallboardStub
	targets   *transferTargetsStub
	callbacks *callbacksStub
	reg       *prometheus.Registry
	clock     *manualClock
	client    *http.Client

	connsMu sync.Mutex
	conns   map[string]net.Conn // server side of each accepted connection, by client address
}

// trackingListener records the server side of every accepted connection.
type trackingListener struct {
	net.Listener
	h *harness
}

func (l *trackingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err == nil {
		l.h.connsMu.Lock()
		l.h.conns[conn.RemoteAddr().String()] = conn
		l.h.connsMu.Unlock()
	}
	return conn, err
}

// serverConn returns the server side of the connection whose client end has the address.
func (h *harness) serverConn(t testing.TB, clientAddr net.Addr) net.Conn {
	t.Helper()

	h.connsMu.Lock()
	defer h.connsMu.Unlock()

	conn, ok := h.conns[clientAddr.String()]
	if !ok {
		t.Fatalf("no accepted connection from %s", clientAddr)
	}
	return conn
}

type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testOptions are the options tests start from. Pings every 200 ms make the session check
// at each ping quick to test; the read deadline stays long, because test clients that only
// write do not answer pings. The heartbeat test shortens it.
func testOptions() api.Options {
	return api.Options{
		AllowedOrigins: []string{testOrigin},
		PingInterval:   200 * time.Millisecond,
		PongWait:       30 * time.Second,
		WriteWait:      2 * time.Second,
	}
}

func newHarness(t testing.TB, opts api.Options) *harness {
	t.Helper()
	return newHarnessWithContacts(t, opts, nil)
}

// newHarnessWithContacts starts a harness whose contact commands go to contacts, for tests
// against the real directory; nil keeps the in-memory h.contacts.
func newHarnessWithContacts(t testing.TB, opts api.Options, contacts api.Contacts) *harness {
	t.Helper()

	users := apitest.NewUsers()
	for _, u := range testUsers {
		users.Add(u.ID, u.ID, u)
	}

	h := &harness{
		users:     users,
		desk:      apitest.NewDesk(),
		contacts:  apitest.NewContacts(),
		state:     apitest.NewState(),
		board:     &wallboardStub{},
		targets:   &transferTargetsStub{},
		callbacks: newCallbacksStub(),
		reg:       prometheus.NewRegistry(),
		clock:     &manualClock{now: time.Now()},
		conns:     make(map[string]net.Conn),
	}

	if contacts == nil {
		contacts = h.contacts
	}
	srv, err := api.New(api.Deps{
		Auth:      users,
		Desk:      h.desk,
		Contacts:  contacts,
		State:     h.state,
		Wallboard: h.board,
		Metrics:   h.reg,
		Now:       h.clock.Now,

		TransferTargets: h.targets,
		Callbacks:       h.callbacks,
	}, opts)
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	h.srv = srv
	h.http = httptest.NewUnstartedServer(srv)
	h.http.Listener = &trackingListener{Listener: h.http.Listener, h: h}
	h.http.Start()
	h.client = &http.Client{Timeout: 10 * time.Second}

	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			t.Errorf("close server: %v", err)
		}
		h.http.Close()
		h.client.CloseIdleConnections()
	})
	return h
}

// request is one HTTP request in a test.
type request struct {
	method  string
	path    string
	body    string
	cookie  *http.Cookie
	origin  string // "" sends no Origin header
	headers map[string]string
}

func (h *harness) do(t testing.TB, rq request) (*http.Response, []byte) {
	t.Helper()

	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	req, err := http.NewRequest(rq.method, h.http.URL+rq.path, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if rq.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if rq.origin != "" {
		req.Header.Set("Origin", rq.origin)
	}
	if rq.cookie != nil {
		req.AddCookie(rq.cookie)
	}
	for k, v := range rq.headers {
		req.Header.Set(k, v)
	}

	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer resp.Body.Close()

	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s %s: %v", rq.method, rq.path, err)
	}
	return resp, data
}

// login signs a test user in and returns the session cookie.
func (h *harness) login(t testing.TB, userID string) *http.Cookie {
	t.Helper()

	resp, body := h.do(t, request{
		method: http.MethodPost, path: "/api/v1/session", origin: testOrigin,
		body: fmt.Sprintf(`{"login":%q,"password":%q}`, userID, userID),
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login %s: status %d, body %s", userID, resp.StatusCode, body)
	}
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, "switchboard_session") {
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	t.Fatalf("login %s: no session cookie in %v", userID, resp.Header["Set-Cookie"])
	return nil
}

// wsURL is the WebSocket address of the server.
func (h *harness) wsURL() string {
	return "ws" + strings.TrimPrefix(h.http.URL, "http") + "/api/v1/ws"
}

// dialRaw opens a WebSocket with the cookie and origin and returns the response even when
// the upgrade fails.
func (h *harness) dialRaw(t testing.TB, dialer *websocket.Dialer, cookie *http.Cookie, origin string) (*websocket.Conn, *http.Response, error) {
	t.Helper()

	header := http.Header{}
	if origin != "" {
		header.Set("Origin", origin)
	}
	if cookie != nil {
		header.Set("Cookie", cookie.String())
	}
	if dialer == nil {
		dialer = &websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	}
	conn, resp, err := dialer.Dial(h.wsURL(), header)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if conn != nil {
		t.Cleanup(func() { conn.Close() })
	}
	return conn, resp, err
}

// dial opens a WebSocket for the cookie and returns it with the hello it received.
func (h *harness) dial(t testing.TB, cookie *http.Cookie) (*websocket.Conn, protocol.Hello) {
	t.Helper()

	conn, resp, err := h.dialRaw(t, nil, cookie, testOrigin)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial websocket: %v (status %d)", err, status)
	}

	env := readFrame(t, conn)
	if env.Type != protocol.TypeHello {
		t.Fatalf("first frame type = %q, want hello", env.Type)
	}
	var hello protocol.Hello
	if err := json.Unmarshal(env.Data, &hello); err != nil {
		t.Fatalf("decode hello %s: %v", env.Data, err)
	}
	return conn, hello
}

// readFrame reads one frame within two seconds.
func readFrame(t testing.TB, conn *websocket.Conn) protocol.Envelope {
	t.Helper()

	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, data, err := conn.ReadMessage()
	if err != nil {
		t.Fatalf("read frame: %v", err)
	}
	var env protocol.Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatalf("decode frame %s: %v", data, err)
	}
	if env.V != protocol.Version {
		t.Fatalf("frame version = %d, want %d: %s", env.V, protocol.Version, data)
	}
	return env
}

// readError reads a frame and checks that it is an error with the code and id.
func readError(t testing.TB, conn *websocket.Conn, wantCode, wantID string) protocol.ErrorData {
	t.Helper()

	env := readFrame(t, conn)
	if env.Type != protocol.TypeError {
		t.Fatalf("frame type = %q, want error (data %s)", env.Type, env.Data)
	}
	var e protocol.ErrorData
	if err := json.Unmarshal(env.Data, &e); err != nil {
		t.Fatalf("decode error data %s: %v", env.Data, err)
	}
	if e.Code != wantCode {
		t.Errorf("error code = %q, want %q (detail %q)", e.Code, wantCode, e.Detail)
	}
	if env.ID != wantID {
		t.Errorf("error id = %q, want %q", env.ID, wantID)
	}
	if e.Message == "" {
		t.Error("error message is empty")
	}
	return e
}

func send(t testing.TB, conn *websocket.Conn, frame string) {
	t.Helper()

	_ = conn.SetWriteDeadline(time.Now().Add(2 * time.Second))
	if err := conn.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		t.Fatalf("send %s: %v", shorten(frame), err)
	}
}

// decodeErrorBody decodes a REST error body.
func decodeErrorBody(t testing.TB, body []byte) protocol.ErrorData {
	t.Helper()

	var eb protocol.ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil {
		t.Fatalf("decode error body %s: %v", body, err)
	}
	return eb.Error
}

// checkNoGoroutineLeak fails the test if, after its cleanups, more goroutines run than
// before it. Register it first, so that it runs after every other cleanup.
func checkNoGoroutineLeak(t testing.TB) {
	t.Helper()

	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			now := runtime.NumGoroutine()
			if now <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				t.Errorf("goroutine leak: %d goroutines before the test, %d after\n%s", before, now, buf[:n])
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// metricValue returns the value of a metric with the labels, or 0 when it has no sample.
func metricValue(t testing.TB, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()

	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, lp := range m.GetLabel() {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue metrics
				}
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

// jsonBody marshals v for a request body.
func jsonBody(t testing.TB, v any) string {
	t.Helper()

	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatalf("encode body: %v", err)
	}
	return buf.String()
}

// shorten cuts long frames in failure messages.
func shorten(s string) string {
	if len(s) <= 200 {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:200], len(s))
}
