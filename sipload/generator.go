// Package sipload places SIP calls at a steady rate against a target such as Asterisk,
// as a UAC built on github.com/emiago/sipgo, and measures the target's responses.
//
// Run owns every goroutine it starts: the SIP listener, the media drain, the scheduler
// loop that runs in the caller's goroutine, and one goroutine per call. All of them have
// ended when Run returns.
package sipload

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// ErrTargetUnreachable is returned by Run when the target responded neither to the
// OPTIONS probe nor to any INVITE.
var ErrTargetUnreachable = errors.New("SIP target did not respond")

// sipReadBuffer is the receive buffer size requested for the SIP socket. Bursts of responses at
// hundreds of calls per second overflow Linux's default of 208 KiB
// (net.core.rmem_default), and every datagram dropped there costs a retransmission.
// Linux caps the request at net.core.rmem_max.
const sipReadBuffer = 4 << 20

// userAgent is the User-Agent header of every request.
const userAgent = "switchboard-callgen"

// generator is the state of one Run.
type generator struct {
	settings
	log       *slog.Logger
	client    *sipgo.Client
	dialogs   *sipgo.DialogClientCache
	contact   sip.ContactHeader
	sipAddr   *net.UDPAddr
	mediaAddr *net.UDPAddr
	stats     *collector
}

// Run places calls as cfg describes until cfg.Duration or cfg.Calls is reached or ctx
// is cancelled, and returns the summary. When the schedule ends, calls in progress run
// to the end of their hold time. When ctx is cancelled, answered calls get BYE and
// ringing ones CANCEL at once.
//
// Before the first call Run sends OPTIONS to the target and returns
// ErrTargetUnreachable if no response arrives within cfg.ProbeTimeout (any response,
// even 401 or 404, shows that the target is there). It also returns
// ErrTargetUnreachable, with the summary, when calls were attempted and none got any
// response.
func Run(ctx context.Context, cfg Config) (Summary, error) {
	s, err := cfg.validate()
	if err != nil {
		return Summary{}, fmt.Errorf("invalid load configuration: %w", err)
	}
	log := s.Logger

	sipConn, err := net.ListenUDP("udp", s.localAddr)
	if err != nil {
		return Summary{}, fmt.Errorf("listen for SIP on %s: %w", s.localAddr, err)
	}
	// Closed again below on success. This covers the early returns.
	defer sipConn.Close()
	if err := sipConn.SetReadBuffer(sipReadBuffer); err != nil {
		log.Warn("SIP socket read buffer not enlarged", "bytes", sipReadBuffer, "error", err)
	}
	sipAddr := sipConn.LocalAddr().(*net.UDPAddr)

	mediaConn, err := net.ListenUDP("udp", &net.UDPAddr{IP: sipAddr.IP})
	if err != nil {
		return Summary{}, fmt.Errorf("listen for RTP on %s: %w", sipAddr.IP, err)
	}
	drainDone := make(chan struct{})
	go func() {
		defer close(drainDone)
		drainMedia(mediaConn)
	}()
	defer func() {
		mediaConn.Close()
		<-drainDone
	}()

	stray := newStrayAnswers()
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent(userAgent),
		sipgo.WithUserAgentHostname(sipAddr.IP.String()),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(log)),
		sipgo.WithUserAgentTransactionLayerOptions(
			sip.WithTransactionLayerLogger(log),
			sip.WithTransactionLayerUnhandledResponseHandler(stray.handle),
		),
	)
	if err != nil {
		return Summary{}, fmt.Errorf("create SIP user agent: %w", err)
	}
	defer ua.Close()

	server, err := sipgo.NewServer(ua, sipgo.WithServerLogger(log))
	if err != nil {
		return Summary{}, fmt.Errorf("create SIP server: %w", err)
	}
	client, err := sipgo.NewClient(ua,
		sipgo.WithClientLogger(log),
		sipgo.WithClientHostname(sipAddr.IP.String()),
		// Send every request from the listening socket, so responses and the target's
		// in-dialog requests (BYE) come back to the one port in Contact and Via.
		sipgo.WithClientConnectionAddr(sipAddr.String()),
	)
	if err != nil {
		return Summary{}, fmt.Errorf("create SIP client: %w", err)
	}

	g := &generator{
		settings:  s,
		log:       log,
		client:    client,
		sipAddr:   sipAddr,
		mediaAddr: mediaConn.LocalAddr().(*net.UDPAddr),
		contact: sip.ContactHeader{Address: sip.Uri{
			Scheme: "sip", User: "callgen", Host: sipAddr.IP.String(), Port: sipAddr.Port,
		}},
	}
	g.dialogs = sipgo.NewDialogClientCache(client, g.contact)
	stray.generator.Store(g)
	g.handleRequests(server)

	serveDone := make(chan error, 1)
	go func() { serveDone <- server.ServeUDP(sipConn) }()
	defer func() {
		// Closing the socket ends ServeUDP. Wait for it so no reader outlives Run.
		sipConn.Close()
		<-serveDone
	}()
	// Runs before the socket closes, so the BYEs of late answers can still get their 200.
	defer stray.close()

	if err := waitListening(server, sipAddr.String(), serveDone); err != nil {
		return Summary{}, err
	}

	log.Info("SIP load starting", "target", s.Target, "local", sipAddr.String(),
		"rate", s.Rate, "duration", s.Duration, "calls", s.Calls, "seed", s.Seed)

	if err := g.probe(ctx); err != nil {
		return Summary{}, err
	}

	g.schedule(ctx)
	summary := g.stats.snapshot(time.Now())

	log.Info("SIP load finished", "attempted", summary.Attempted, "answered", summary.Answered,
		"failed", summary.Failed.Total(), "abandoned", summary.Abandoned, "no_response", summary.NoResponse)
	if summary.Attempted > 0 && summary.Responded == 0 {
		return summary, fmt.Errorf("%w to any of %d INVITEs sent to %s", ErrTargetUnreachable, summary.Attempted, s.Target)
	}
	return summary, nil
}

// waitListening waits until the SIP listener is registered with sipgo's transport layer.
// ServeUDP registers it on its own goroutine, and until then a request sent from that
// address would make sipgo try to bind the address again and fail.
func waitListening(server *sipgo.Server, addr string, serveDone <-chan error) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := server.TransportLayer().GetConnection("udp", addr); err == nil {
			return nil
		}
		select {
		case err := <-serveDone:
			return fmt.Errorf("serve SIP on %s: %w", addr, err)
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("SIP listener on %s did not start within 5 s", addr)
		}
	}
}

// drainMedia reads and discards RTP until conn is closed, so the target's media finds
// an open port instead of ICMP errors.
func drainMedia(conn *net.UDPConn) {
	buf := make([]byte, 2048)
	for {
		if _, _, err := conn.ReadFromUDP(buf); err != nil {
			return
		}
	}
}

// handleRequests answers what a target sends to a caller: BYE within a call, OPTIONS
// keepalives, and re-INVITEs.
func (g *generator) handleRequests(server *sipgo.Server) {
	server.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		if err := g.dialogs.ReadBye(req, tx); err != nil {
			// A BYE for a call that already ended: RFC 3261 section 15.1.2.
			g.respond(tx, sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil))
		}
	})
	server.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		g.respond(tx, sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
	})
	server.OnInvite(func(req *sip.Request, tx sip.ServerTransaction) {
		if to := req.To(); to == nil || !to.Params.Has("tag") {
			// A new call towards the generator: it only places calls.
			g.respond(tx, sip.NewResponseFromRequest(req, sip.StatusForbidden, "Forbidden", nil))
			return
		}
		// NOTE: a re-INVITE, such as a session-timer refresh, gets 200 with a fresh offer
		// without being matched to its call. The generator sends no media, so the SDP
		// the target answers with does not matter to it.
		res := sip.NewResponseFromRequest(req, sip.StatusOK, "OK", sdpOffer(g.mediaAddr, uint64(time.Now().UnixNano())))
		res.AppendHeader(sip.HeaderClone(&g.contact))
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
		g.respond(tx, res)
	})
	server.OnAck(func(*sip.Request, sip.ServerTransaction) {
		// The ACK of a re-INVITE's 2xx needs no action.
	})
}

func (g *generator) respond(tx sip.ServerTransaction, res *sip.Response) {
	if err := tx.Respond(res); err != nil {
		g.log.Warn("SIP response failed", "status", res.StatusCode, "call_id", callID(res), "error", err)
	}
}

// probe sends OPTIONS to the target and waits for any response.
func (g *generator) probe(ctx context.Context) error {
	probeCtx, cancel := context.WithTimeout(ctx, g.ProbeTimeout)
	defer cancel()

	req := sip.NewRequest(sip.OPTIONS, *g.target.Clone())
	req.AppendHeader(sip.NewHeader("User-Agent", userAgent))
	res, err := g.client.Do(probeCtx, req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("OPTIONS probe of %s: %w", g.Target, ctx.Err())
		}
		return fmt.Errorf("%w to OPTIONS within %v: check that %s is the SIP address and UDP port of the target and that it is running (%v)",
			ErrTargetUnreachable, g.ProbeTimeout, g.Target, err)
	}
	g.log.Info("SIP target responded to OPTIONS", "status", res.StatusCode, "reason", res.Reason)
	return nil
}

// schedule places calls at the configured rate and then waits for all of them to end.
func (g *generator) schedule(ctx context.Context) {
	rng := rand.New(rand.NewPCG(g.Seed, g.Seed^0x9e3779b97f4a7c15))
	slots := make(chan struct{}, g.MaxConcurrent)
	var calls sync.WaitGroup

	var progress <-chan time.Time
	if g.Progress != nil {
		ticker := time.NewTicker(g.ProgressInterval)
		defer ticker.Stop()
		progress = ticker.C
	}
	timer := time.NewTimer(0)
	defer timer.Stop()

	// The due time of call i is start + i/rate, so a scheduler that falls behind
	// catches up and the mean rate stays exact.
	start := time.Now()
	g.stats = newCollector(start)
	for i := 0; g.Calls == 0 || i < g.Calls; i++ {
		offset := time.Duration(float64(i) * float64(time.Second) / g.Rate)
		if g.Duration > 0 && offset >= g.Duration {
			break
		}
		if !g.sleepUntil(ctx, timer, start.Add(offset), progress) {
			break
		}

		// Draw every call's values, placed or skipped, so call i gets the same caller
		// id and hold time in every run with the same seed.
		plan := callPlan{index: i, caller: g.Callers.Pick(rng), hold: g.Hold.sample(rng)}
		select {
		case slots <- struct{}{}:
		default:
			g.stats.callSkipped()
			continue
		}
		g.stats.callStarted(time.Now())
		calls.Go(func() {
			defer func() { <-slots }()
			g.stats.callEnded(g.runCall(ctx, plan))
		})
	}

	allEnded := make(chan struct{})
	go func() {
		calls.Wait()
		close(allEnded)
	}()
	for {
		select {
		case <-allEnded:
			return
		case <-progress:
			g.Progress(g.stats.snapshot(time.Now()))
		}
	}
}

// sleepUntil waits for due, reporting progress meanwhile. It returns false when ctx
// ends first.
func (g *generator) sleepUntil(ctx context.Context, timer *time.Timer, due time.Time, progress <-chan time.Time) bool {
	wait := time.Until(due)
	if wait <= 0 {
		return ctx.Err() == nil
	}
	timer.Reset(wait)
	for {
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
			return true
		case <-progress:
			g.Progress(g.stats.snapshot(time.Now()))
		}
	}
}

// callID returns the Call-ID of msg for logs.
func callID(msg sip.Message) string {
	if h := msg.CallID(); h != nil {
		return h.Value()
	}
	return ""
}
