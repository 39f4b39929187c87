package sipload

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// behavior is the way the test PBX responds to one call.
type behavior int

const (
	answerAfterAuth behavior = iota // 401 with a digest challenge, then 200 to the authorized INVITE
	ringThenAnswer                  // 180, then 200 after ringDelay
	busy                            // 486 Busy Here
	unavailable                     // 503 Service Unavailable
	neverAnswer                     // 183 Session Progress and no final response until CANCEL
	decline                         // 603 Decline
	answerAtOnce                    // 200 straight away
	answerLate                      // no provisional response, then 200 after lateDelay
)

// pbxCall is what the test PBX saw of one call, by Call-ID.
type pbxCall struct {
	behavior     behavior
	caller       string
	invites      int
	nonce        string
	digestOK     bool
	digestFailed int
	answered     bool
	ackedAnswer  bool // ACK of the 2xx
	ackedFinal   bool // ACK of a non-2xx final (401, 486, 487, 503, 603)
	cancelled    bool
	bye          bool
	// answerAcked is closed by the first ACK of a 2xx that arrives as its own request.
	answerAcked chan struct{}
}

// testPBX is an in-process SIP UAS on a loopback UDP port that responds like a PBX: it
// hands out behaviors to new calls in turn and records every request it sees.
type testPBX struct {
	t         testing.TB
	addr      string
	realm     string
	username  string
	password  string
	ringDelay time.Duration
	lateDelay time.Duration
	behaviors []behavior
	ua        *sipgo.UserAgent
	conn      *net.UDPConn
	served    chan error

	// lenient makes a missing ACK a count in missedAcks instead of a test failure. A
	// benchmark sets it: under load the kernel may drop a datagram, and unlike a real
	// UAS this PBX does not retransmit its 2xx until the ACK comes.
	lenient    bool
	missedAcks int

	mu sync.Mutex
	// active counts request handlers still running, so close can wait for them. It is
	// a counter rather than a WaitGroup because a late retransmission may start a
	// handler while close waits.
	active  int
	calls   map[string]*pbxCall
	next    int
	options int
	nonces  int
}

func startPBX(t testing.TB, behaviors ...behavior) *testPBX {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if err := conn.SetReadBuffer(sipReadBuffer); err != nil {
		t.Fatalf("set read buffer: %v", err)
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("test-pbx"))
	if err != nil {
		t.Fatalf("new UA: %v", err)
	}
	server, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}

	p := &testPBX{
		t:         t,
		addr:      conn.LocalAddr().String(),
		realm:     "switchboard-test",
		username:  "callgen",
		password:  "s3cret-Пароль",
		ringDelay: 50 * time.Millisecond,
		lateDelay: 300 * time.Millisecond,
		behaviors: behaviors,
		ua:        ua,
		conn:      conn,
		served:    make(chan error, 1),
		calls:     map[string]*pbxCall{},
	}
	server.OnInvite(p.tracked(p.onInvite))
	server.OnAck(p.tracked(p.onAck))
	server.OnBye(p.tracked(p.onBye))
	server.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		p.mu.Lock()
		p.options++
		p.mu.Unlock()
		p.respond(tx, sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
	})
	go func() { p.served <- server.ServeUDP(conn) }()
	return p
}

func (p *testPBX) tracked(handler sipgo.RequestHandler) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		p.mu.Lock()
		p.active++
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			p.active--
			p.mu.Unlock()
		}()
		handler(req, tx)
	}
}

// close waits for the requests in hand, such as an INVITE waiting for its ACK, then
// stops the PBX and waits for its listener. Take the snapshot after close.
func (p *testPBX) close() {
	deadline := time.Now().Add(5 * time.Second)
	for p.activeHandlers() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.conn.Close()
	<-p.served
	p.ua.Close()
}

func (p *testPBX) activeHandlers() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.active
}

// waitFor polls the PBX's calls until done returns true, or fails the test after 10 s.
// It may run on any goroutine.
func (p *testPBX) waitFor(what string, done func(calls []pbxCall) bool) {
	deadline := time.Now().Add(10 * time.Second)
	for !done(p.snapshot()) {
		if time.Now().After(deadline) {
			p.t.Errorf("PBX: timed out waiting until %s", what)
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (p *testPBX) target(user string) string {
	return "sip:" + user + "@" + p.addr
}

func (p *testPBX) respond(tx sip.ServerTransaction, res *sip.Response) {
	if err := tx.Respond(res); err != nil {
		p.t.Errorf("PBX respond %d: %v", res.StatusCode, err)
	}
}

// call returns the record of the request's call, giving a new call the next behavior.
func (p *testPBX) call(req *sip.Request) *pbxCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := req.CallID().Value()
	c, ok := p.calls[id]
	if !ok {
		c = &pbxCall{
			behavior:    p.behaviors[p.next%len(p.behaviors)],
			caller:      req.From().Address.User,
			answerAcked: make(chan struct{}),
		}
		p.next++
		p.calls[id] = c
	}
	return c
}

func (p *testPBX) update(c *pbxCall, change func(c *pbxCall)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	change(c)
}

func (p *testPBX) snapshot() []pbxCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]pbxCall, 0, len(p.calls))
	for _, c := range p.calls {
		out = append(out, *c)
	}
	return out
}

func (p *testPBX) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	c := p.call(req)
	p.update(c, func(c *pbxCall) { c.invites++ })

	// One To tag for every response to this INVITE, as a UAS must (RFC 3261 8.2.6.2).
	tagged := req.Clone()
	tagged.To().Params.Add("tag", sip.GenerateTagN(10))

	switch c.behavior {
	case answerAfterAuth:
		if !p.authorize(req, tx, c) {
			return
		}
		p.answer(tagged, tx, c)
	case answerAtOnce:
		p.answer(tagged, tx, c)
	case answerLate:
		time.Sleep(p.lateDelay)
		p.answer(tagged, tx, c)
	case ringThenAnswer:
		p.respond(tx, sip.NewResponseFromRequest(tagged, sip.StatusRinging, "Ringing", nil))
		time.Sleep(p.ringDelay)
		p.answer(tagged, tx, c)
	case busy:
		p.respond(tx, sip.NewResponseFromRequest(tagged, sip.StatusBusyHere, "Busy Here", nil))
		p.awaitFinalAck(tx, c)
	case unavailable:
		p.respond(tx, sip.NewResponseFromRequest(tagged, sip.StatusServiceUnavailable, "Service Unavailable", nil))
		p.awaitFinalAck(tx, c)
	case decline:
		p.respond(tx, sip.NewResponseFromRequest(tagged, sip.StatusGlobalDecline, "Decline", nil))
		p.awaitFinalAck(tx, c)
	case neverAnswer:
		cancelled := make(chan struct{})
		tx.OnCancel(func(*sip.Request) { close(cancelled) })
		p.respond(tx, sip.NewResponseFromRequest(tagged, sip.StatusSessionInProgress, "Session Progress", nil))
		select {
		case <-cancelled:
			p.update(c, func(c *pbxCall) { c.cancelled = true })
			// The transaction layer responds to CANCEL with 200 and to the INVITE with 487.
			p.awaitFinalAck(tx, c)
		case <-time.After(10 * time.Second):
			p.t.Errorf("PBX: call from %s was never cancelled", c.caller)
		}
	}
}

// authorize challenges an INVITE without credentials and checks the digest of one with
// credentials, computing it here from RFC 2617 rather than through the library the
// generator uses. It returns true when the INVITE may proceed.
func (p *testPBX) authorize(req *sip.Request, tx sip.ServerTransaction, c *pbxCall) bool {
	header := req.GetHeader("Authorization")
	if header != nil {
		params := parseDigest(header.Value())
		p.mu.Lock()
		nonce := c.nonce
		p.mu.Unlock()
		if p.digestValid(req, params, nonce) {
			p.update(c, func(c *pbxCall) { c.digestOK = true })
			return true
		}
		p.update(c, func(c *pbxCall) { c.digestFailed++ })
	}

	p.mu.Lock()
	p.nonces++
	nonce := fmt.Sprintf("nonce-%d-%d", p.nonces, time.Now().UnixNano())
	c.nonce = nonce
	p.mu.Unlock()

	res := sip.NewResponseFromRequest(req, sip.StatusUnauthorized, "Unauthorized", nil)
	res.AppendHeader(sip.NewHeader("WWW-Authenticate",
		fmt.Sprintf(`Digest realm="%s", nonce="%s", algorithm=MD5, qop="auth"`, p.realm, nonce)))
	p.respond(tx, res)
	p.awaitFinalAck(tx, c)
	return false
}

func (p *testPBX) digestValid(req *sip.Request, params map[string]string, nonce string) bool {
	if params["username"] != p.username || params["realm"] != p.realm || params["nonce"] != nonce {
		return false
	}
	if params["uri"] != req.Recipient.Addr() && params["uri"] != req.Recipient.String() {
		return false
	}
	md5hex := func(s string) string {
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	ha1 := md5hex(p.username + ":" + p.realm + ":" + p.password)
	ha2 := md5hex("INVITE:" + params["uri"])
	want := md5hex(ha1 + ":" + nonce + ":" + ha2)
	if params["qop"] != "" {
		want = md5hex(strings.Join([]string{ha1, nonce, params["nc"], params["cnonce"], params["qop"], ha2}, ":"))
	}
	return params["response"] == want
}

// parseDigest splits the parameters of a Digest credentials header value.
func parseDigest(value string) map[string]string {
	params := map[string]string{}
	rest, ok := strings.CutPrefix(strings.TrimSpace(value), "Digest ")
	if !ok {
		return params
	}
	for rest != "" {
		name, after, found := strings.Cut(rest, "=")
		if !found {
			break
		}
		name = strings.TrimSpace(name)
		var v string
		if strings.HasPrefix(after, `"`) {
			end := strings.Index(after[1:], `"`)
			if end < 0 {
				break
			}
			v, rest = after[1:end+1], after[end+2:]
		} else {
			v, rest, _ = strings.Cut(after, ",")
		}
		params[name] = strings.TrimSpace(v)
		rest = strings.TrimLeft(rest, ", ")
	}
	return params
}

func (p *testPBX) answer(tagged *sip.Request, tx sip.ServerTransaction, c *pbxCall) {
	res := sip.NewResponseFromRequest(tagged, sip.StatusOK, "OK", []byte("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=pbx\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n"))
	res.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "pbx", Host: "127.0.0.1", Port: p.conn.LocalAddr().(*net.UDPAddr).Port}})
	res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	p.update(c, func(c *pbxCall) { c.answered = true })
	p.respond(tx, res)
	// Depending on its branch, the ACK of a 2xx reaches the transaction or the OnAck handler.
	select {
	case <-tx.Acks():
		p.update(c, func(c *pbxCall) { c.ackedAnswer = true })
	case <-c.answerAcked:
	case <-time.After(2 * time.Second):
		p.missedAck("no ACK for the answer to the call from %s", c.caller)
	}
}

func (p *testPBX) awaitFinalAck(tx sip.ServerTransaction, c *pbxCall) {
	select {
	case <-tx.Acks():
		p.update(c, func(c *pbxCall) { c.ackedFinal = true })
	case <-time.After(2 * time.Second):
		p.missedAck("no ACK for the final response to the call from %s", c.caller)
	}
}

func (p *testPBX) missedAck(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.missedAcks++
	if !p.lenient {
		p.t.Errorf("PBX: "+format, args...)
	}
}

func (p *testPBX) onAck(req *sip.Request, tx sip.ServerTransaction) {
	c := p.call(req)
	p.update(c, func(c *pbxCall) {
		if !c.ackedAnswer {
			c.ackedAnswer = true
			close(c.answerAcked)
		}
	})
}

func (p *testPBX) onBye(req *sip.Request, tx sip.ServerTransaction) {
	c := p.call(req)
	p.update(c, func(c *pbxCall) { c.bye = true })
	p.respond(tx, sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
}
