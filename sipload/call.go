package sipload

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// callPlan is the scheduler's decision for one call before it starts.
type callPlan struct {
	index  int
	caller string
	hold   time.Duration
}

// Why an unanswered call was ended by the generator.
const (
	endNone int32 = iota
	endRingTimeout
	endStopped
)

// errCallCancelled is the cause of a ringing call's cancellation that makes sipgo send
// CANCEL (any cause but sipgo.WaitAnswerForceCancelErr does).
var errCallCancelled = errors.New("call cancelled by the generator")

// runCall places one call and returns how it ended. stop ends the call early: BYE when
// answered, CANCEL when ringing.
func (g *generator) runCall(stop context.Context, plan callPlan) callResult {
	invite := g.newInvite(plan)
	log := g.log.With("call_id", callID(invite), "call", plan.index)
	started := time.Now()

	// The INVITE's context only covers creating the transaction: sipgo's WaitAnswer
	// decides about CANCEL from the context passed to it.
	createCtx, cancelCreate := context.WithTimeout(context.Background(), g.RingTimeout)
	dialog, err := g.dialogs.WriteInvite(createCtx, invite)
	cancelCreate()
	if err != nil {
		log.Warn("INVITE not sent", "error", err)
		return callResult{outcome: outcomeError}
	}
	defer dialog.Close()

	var (
		result      callResult
		provisional atomic.Bool
		endReason   atomic.Int32
	)
	waitCtx, cancelWait := context.WithCancelCause(context.Background())
	defer cancelWait(nil)
	end := func(reason int32) {
		if !endReason.CompareAndSwap(endNone, reason) {
			return
		}
		// RFC 3261 section 9.1: CANCEL only after a provisional response. Without one,
		// sipgo would wait for one up to Timer B (32 s), but the generator gives up at once.
		if provisional.Load() {
			cancelWait(errCallCancelled)
		} else {
			cancelWait(sipgo.WaitAnswerForceCancelErr)
		}
	}
	ringTimer := time.AfterFunc(g.RingTimeout, func() { end(endRingTimeout) })
	defer ringTimer.Stop()
	stopWatch := context.AfterFunc(stop, func() { end(endStopped) })
	defer stopWatch()

	err = dialog.WaitAnswer(waitCtx, sipgo.AnswerOptions{
		Username: g.Username,
		Password: g.Password,
		OnResponse: func(res *sip.Response) error {
			result.responded = true
			switch {
			case res.IsProvisional():
				provisional.Store(true)
			case (res.StatusCode == sip.StatusUnauthorized || res.StatusCode == sip.StatusProxyAuthRequired) && g.Password != "":
				// WaitAnswer sends the INVITE again with credentials.
				result.challenged = true
			}
			return nil
		},
	})
	ringTimer.Stop()
	stopWatch()

	if err == nil {
		result.outcome = outcomeAnswered
		result.setup = time.Since(started)
		log.Debug("call answered", "caller", plan.caller, "setup", result.setup)
		g.holdAndHangUp(stop, dialog, plan, &result, log)
		return result
	}

	if dialogErr, ok := errors.AsType[*sipgo.ErrDialogResponse](err); ok {
		// The transaction layer has already sent the ACK of this final response
		// (RFC 3261 section 17.1.1.3).
		result.outcome = outcomeFailed
		result.finalStatus = dialogErr.Res.StatusCode
		log.Debug("call failed", "status", result.finalStatus)
		return result
	}

	switch reason := endReason.Load(); {
	case reason != endNone:
		result.outcome = outcomeStopped
		if reason == endRingTimeout {
			result.outcome = outcomeAbandoned
			if !provisional.Load() {
				result.outcome = outcomeNoResponse
			}
		}
		if res := dialog.InviteResponse; res != nil && res.IsSuccess() {
			// The 2xx crossed our CANCEL (RFC 3261 section 9.1): the call is up, so
			// confirm it and end it at once.
			log.Debug("2xx crossed CANCEL; sending ACK and BYE")
			g.ackAndBye(dialog, &result, log)
		}
	case result.responded:
		result.outcome = outcomeError
		log.Warn("INVITE transaction failed", "error", err)
	default:
		result.outcome = outcomeNoResponse
		log.Debug("no response to INVITE", "error", err)
	}
	return result
}

// newInvite builds the INVITE of one call: the caller id in From, the target in the
// request URI and To, the generator's address in Contact, and the SDP offer.
func (g *generator) newInvite(plan callPlan) *sip.Request {
	req := sip.NewRequest(sip.INVITE, *g.target.Clone())

	from := &sip.FromHeader{
		Address: sip.Uri{Scheme: "sip", User: plan.caller, Host: g.sipAddr.IP.String()},
		Params:  sip.NewParams(),
	}
	from.Params.Add("tag", sip.GenerateTagN(16))
	to := &sip.ToHeader{
		Address: sip.Uri{Scheme: "sip", User: g.target.User, Host: g.target.Host},
		Params:  sip.NewParams(),
	}
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(sip.HeaderClone(&g.contact))
	req.AppendHeader(sip.NewHeader("User-Agent", userAgent))
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	// The session id only needs to be unique per offer (RFC 4566, section 5.2).
	req.SetBody(sdpOffer(g.mediaAddr, uint64(time.Now().UnixNano())+uint64(plan.index)))
	return req
}

// holdAndHangUp confirms an answered call with ACK, keeps it up for its hold time, and
// ends it with BYE unless the target ends it first.
func (g *generator) holdAndHangUp(stop context.Context, dialog *sipgo.DialogClientSession, plan callPlan, result *callResult, log *slog.Logger) {
	if err := dialog.Ack(context.Background()); err != nil {
		log.Warn("ACK not sent", "error", err)
	}

	hold := time.NewTimer(plan.hold)
	defer hold.Stop()
	select {
	case <-hold.C:
	case <-stop.Done():
	case <-dialog.Context().Done():
		result.remoteHangup = true
		log.Debug("target hung up")
		return
	}
	g.bye(dialog, result, log)
}

// ackAndBye confirms and ends a call whose answer arrived after it was cancelled.
func (g *generator) ackAndBye(dialog *sipgo.DialogClientSession, result *callResult, log *slog.Logger) {
	if err := dialog.Ack(context.Background()); err != nil {
		log.Warn("ACK not sent", "error", err)
		return
	}
	g.bye(dialog, result, log)
}

func (g *generator) bye(dialog *sipgo.DialogClientSession, result *callResult, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), g.HangupTimeout)
	defer cancel()
	if err := dialog.Bye(ctx); err != nil {
		result.hangupFailure = true
		log.Warn("BYE failed", "error", err)
	}
}
