// Package routing decides where inbound calls go: queues with priorities and aging, agent
// states and skills, selection strategies, wrap-up, overflow, business hours, position and
// estimated-wait announcements, and per-queue service level.
//
// # Shape
//
// Engine is a deterministic state machine. Engine.Handle(now, input) applies one Input, which
// is a call event from the telephony layer, an agent command from the desk, or a Tick. It
// returns the Outputs the input caused. These are commands for the telephony layer
// (RingAgent, BridgeCall, HangUp, ...), notifications for the desk and wallboards
// (AgentStateChanged, CallOffered, QueueStats, ...), one CallRecord per call, and Rejected
// for invalid inputs. The package imports neither the
// telephony, API nor storage packages; an integration layer translates their events into
// Inputs and carries Outputs back.
//
// Engine.Run is the production event loop around Handle with an injected Clock. Tests run
// the same scenarios deterministically with routingtest.FakeClock, or by calling Handle with
// chosen times.
//
// # Concurrency
//
// Engine is owned by one goroutine (the one running Run, or a test calling Handle). It has no
// locks and must not be shared. Reserving an agent for a call is atomic because only that
// goroutine changes agent state: an agent is reserved only from the available state, and
// leaves it in the same step.
//
// # Ordering
//
// Within a queue, a call with priority p that arrived at time t is ordered as if it arrived at
// t − p×AgingStep, and ties go to the earlier arrival. An agent is always offered the first
// call in this order among the calls the agent has the skills for. So calls of equal priority
// are served first in, first out, and a higher priority goes first. A call is never overtaken
// by a call of priority q > p that arrived more than (q−p)×AgingStep after it, which bounds
// how long a stream of higher-priority calls can hold back a lower one. The key does not
// change as time passes, so waiting calls stay in sorted slices and are never re-sorted.
//
// # Scaling out
//
// NOTE: one engine serves one routing shard. A multi-node deployment would run one engine per
// shard on the node holding that shard's Redis lease (SET NX with expiry, renewed well within
// it); a standby takes over when the lease lapses and rebuilds agent and call state from the
// telephony layer before it handles inputs. Reservation then stays single-writer per shard; an
// agent who serves queues of two shards would additionally need a per-agent lease taken before
// RingAgent. None of this is built yet.
package routing
