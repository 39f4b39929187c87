// Package arisim is an ARI server that behaves like Asterisk 22.10.1 for the calls Switchboard
// makes: the REST API under /ari/ (channels, bridges, playbacks, live recordings, applications,
// endpoints, asterisk info and ping) and the /ari/events WebSocket, plus a control API under
// /control/ that plays the other side of every call.
//
// Its specification is recorded Asterisk traffic: Local channel pairs (;1 and ;2 halves with the
// causes Asterisk gives each), events sent before the REST response that caused them, originate
// entering Stasis only on answer while channels/create enters at once, late destroy events of
// deleted bridges and snoops, playback states, and the exact error statuses and bodies. The
// conformance test replays every recorded trace and compares.
//
// # Simulated parties
//
// Dialled endpoints behave by Rule (answer after a delay and hang up after a talk time, busy,
// no answer, congestion, or ring until the control API answers, as a person at a SIP phone
// would). Customer calls arrive with ArriveCall as Local/<DID>@from-customer pairs whose ;2
// half enters Stasis un-answered. Hangup, SendDTMF, AnswerChannel, AnswerEndpoint, PhoneHold,
// RegisterEndpoint and their HTTP forms act for the far parties; FailREST, DelayREST and
// DropWebSockets inject faults.
//
// # Concurrency
//
// One mutex guards all simulator state. REST handlers, control methods and timers (scheduled
// through the injected Clock) take it, change state, queue events for every events client,
// release it, and then wait until those events reach the sockets, so a response or a control
// call never returns before its events are on the wire. Each events client has a writer and a
// reader goroutine and a bounded queue; a client that falls behind is disconnected. Close stops
// every goroutine and timer. With a ManualClock, timers run inside Advance on the caller's
// goroutine, which makes a scenario deterministic.
package arisim
