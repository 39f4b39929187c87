package sipload

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/emiago/sipgo/sip"
)

// strayAnswers ends calls whose 2xx arrives after the generator gave up on them without
// CANCEL, which happens when a call ends before any provisional response was processed.
// sipgo has no transaction for such a 2xx any more, so without this the target would
// keep the call up until it gives up waiting for the ACK. Following RFC 3261 section
// 13.2.2.4, a UAC that does not want the session confirms the 2xx with ACK and then sends
// BYE.
type strayAnswers struct {
	generator atomic.Pointer[generator]

	mu sync.Mutex
	// seen contains the Call-IDs already handled, because the target retransmits its
	// 2xx until the ACK arrives.
	seen   map[string]bool
	closed bool
	// hangups counts the goroutines still ending stray calls. Add happens only under mu
	// while closed is false, so close may Wait safely.
	hangups sync.WaitGroup
}

func newStrayAnswers() *strayAnswers {
	return &strayAnswers{seen: map[string]bool{}}
}

// handle receives every response that matches no transaction.
func (s *strayAnswers) handle(res *sip.Response) {
	g := s.generator.Load()
	if g == nil {
		return
	}
	cseq := res.CSeq()
	if !res.IsSuccess() || cseq == nil || cseq.MethodName != sip.INVITE {
		// Retransmissions of responses to finished transactions.
		g.log.Debug("unmatched SIP response", "status", res.StatusCode, "call_id", callID(res))
		return
	}

	id := callID(res)
	s.mu.Lock()
	if s.closed || s.seen[id] {
		s.mu.Unlock()
		return
	}
	s.seen[id] = true
	s.hangups.Add(1)
	s.mu.Unlock()

	go func() {
		defer s.hangups.Done()
		g.hangUpStray(res)
	}()
}

// close waits for the stray calls being ended and ignores any later ones.
func (s *strayAnswers) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.hangups.Wait()
}

// hangUpStray sends ACK and BYE for a 2xx that arrived after its call was given up.
// NOTE: the requests go to the 2xx's Contact without a route set, which suits targets
// that add no Record-Route, such as Asterisk with its default settings. A 2xx that comes
// after Run has returned finds no listener, and the target ends that call itself.
func (g *generator) hangUpStray(res *sip.Response) {
	log := g.log.With("call_id", callID(res))
	log.Info("2xx arrived after the call was given up; sending ACK and BYE", "status", res.StatusCode)

	recipient := g.target
	if contact := res.Contact(); contact != nil {
		recipient = contact.Address
	}
	newRequest := func(method sip.RequestMethod, seq uint32) *sip.Request {
		req := sip.NewRequest(method, *recipient.Clone())
		req.AppendHeader(sip.HeaderClone(res.From()))
		req.AppendHeader(sip.HeaderClone(res.To()))
		req.AppendHeader(sip.HeaderClone(res.CallID()))
		req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
		req.AppendHeader(sip.HeaderClone(&g.contact))
		req.AppendHeader(sip.NewHeader("User-Agent", userAgent))
		return req
	}

	seq := res.CSeq().SeqNo
	if err := g.client.WriteRequest(newRequest(sip.ACK, seq)); err != nil {
		log.Warn("ACK of a late 2xx not sent", "error", err)
		return
	}

	ctx, cancel := context.WithTimeout(context.Background(), g.HangupTimeout)
	defer cancel()
	byeResponse, err := g.client.Do(ctx, newRequest(sip.BYE, seq+1))
	switch {
	case err != nil:
		log.Warn("BYE after a late 2xx failed", "error", err)
	case !byeResponse.IsSuccess():
		log.Warn("BYE after a late 2xx rejected", "status", byeResponse.StatusCode)
	}
}
