package arisim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const (
	testUser     = "switchboard"
	testPassword = "s3cret+pa@ss:word"
)

// testEvent is one received event with its decoded body.
type testEvent struct {
	raw  []byte
	body map[string]any
}

func (e testEvent) typ() string { s, _ := e.body["type"].(string); return s }

// eventClient is an /ari/events client that records every event and can wait until every event
// the server sent before a point in time has been read (ping/pong after the server's flush).
type eventClient struct {
	t      testing.TB
	ws     *websocket.Conn
	mu     sync.Mutex
	events []testEvent
	pongs  chan struct{}
	done   chan struct{}
}

func dialEvents(t testing.TB, baseURL, query string) *eventClient {
	t.Helper()
	u := "ws" + strings.TrimPrefix(baseURL, "http") + "/ari/events?" + query
	header := http.Header{}
	req, _ := http.NewRequest("GET", baseURL, nil)
	req.SetBasicAuth(testUser, testPassword)
	header.Set("Authorization", req.Header.Get("Authorization"))
	ws, resp, err := websocket.DefaultDialer.Dial(u, header)
	if err != nil {
		t.Fatalf("dial events %s: %v (response %v)", u, err, resp)
	}
	c := &eventClient{t: t, ws: ws, pongs: make(chan struct{}, 16), done: make(chan struct{})}
	ws.SetPongHandler(func(string) error {
		c.pongs <- struct{}{}
		return nil
	})
	go c.readLoop()
	t.Cleanup(func() { _ = ws.Close(); <-c.done })
	return c
}

func (c *eventClient) readLoop() {
	defer close(c.done)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var body map[string]any
		if err := json.Unmarshal(data, &body); err != nil {
			c.t.Errorf("event is not a JSON object: %q: %v", data, err)
			continue
		}
		c.mu.Lock()
		c.events = append(c.events, testEvent{raw: data, body: body})
		c.mu.Unlock()
	}
}

// sync returns once every event the server wrote before this call has been read.
func (c *eventClient) sync() {
	c.t.Helper()
	if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second)); err != nil {
		c.t.Fatalf("ping events socket: %v", err)
	}
	select {
	case <-c.pongs:
	case <-time.After(10 * time.Second):
		c.t.Fatal("no pong from the events socket within 10 s")
	}
}

func (c *eventClient) snapshot() []testEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]testEvent(nil), c.events...)
}

// types returns the event types seen so far, optionally only those of one channel id.
func (c *eventClient) typesFor(channelID string) []string {
	var out []string
	for _, e := range c.snapshot() {
		if channelID != "" && eventChannelID(e.body) != channelID {
			continue
		}
		out = append(out, e.typ())
	}
	return out
}

// keyTypesFor is typesFor without the dialplan-detail events the conformance test ignores too.
func (c *eventClient) keyTypesFor(channelID string) []string {
	var out []string
	for _, typ := range c.typesFor(channelID) {
		if !ignoredEventTypes[typ] {
			out = append(out, typ)
		}
	}
	return out
}

func eventChannelID(body map[string]any) string {
	for _, k := range []string{"channel", "peer"} {
		if ch, ok := body[k].(map[string]any); ok {
			id, _ := ch["id"].(string)
			return id
		}
	}
	return ""
}

// restCall makes an authenticated REST call with a JSON body (nil for none).
func restCall(t testing.TB, baseURL, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, baseURL+path, rd)
	if err != nil {
		t.Fatalf("build request %s %s: %v", method, path, err)
	}
	req.SetBasicAuth(testUser, testPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func newTestServer(t testing.TB, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	if opts.Users == nil {
		opts.Users = []Credential{{Username: testUser, Password: testPassword}}
	}
	s := New(opts)
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.CloseClientConnections()
		s.Close()
		hs.Close()
	})
	return s, hs
}

type plainResponse struct {
	status int
	body   []byte
}

func httpGet(url string) (plainResponse, error) {
	resp, err := http.Get(url)
	if err != nil {
		return plainResponse{}, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return plainResponse{resp.StatusCode, data}, nil
}
