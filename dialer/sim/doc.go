// Package sim is a deterministic discrete-event simulator of one outbound
// campaign, used to compare the policies of dialer/pacing.
//
// A run has a fixed number of agents, all logged in throughout. Every Tick
// (0.5 s by default) the policy receives the campaign's state and places dials.
// A dial is answered live with probability LiveProbability after a ring time
// drawn from RingLive, and otherwise ends after a time drawn from RingOther.
// A live answer goes to an idle agent at once; if none is idle it waits, and
// it is abandoned if no agent frees up within Patience (2 s, the FCC and
// Ofcom rule). An agent handles a call for a time drawn from Handle (talk plus
// wrap-up) and then takes the oldest waiting call or becomes idle.
//
// Measurement starts after WarmUp and lasts Duration. Dials are counted by
// the time they are placed, answers, connections and abandonment by the time
// of the answer; busy time is clipped to the measured period.
//
// Determinism: the same Config, Seed and policy give the same Result. Dial
// outcomes and handle times come from two math/rand/v2 PCG streams keyed by
// the seed, so dial i has the same outcome and connected call j the same
// handle time under every policy. Events at the same instant run in a fixed
// order: agents freeing up, then dial outcomes, then patience expiries, so an
// agent who frees up at the last moment of a call's patience still takes it.
//
// Run is safe to call from several goroutines at once; each run owns its
// state. RunGrid compares every policy over a grid of campaigns with bounded
// parallelism; cmd/dialersim prints its table.
package sim
