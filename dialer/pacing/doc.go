// Package pacing decides how many numbers an outbound campaign dials now.
//
// A [Policy] receives a [State] snapshot (idle agents, agents on calls and in
// wrap-up with their elapsed handle times, answered calls waiting, dials in
// progress with their ages, free lines, remaining leads, pause) and returns a
// number of dials; [Policy.Observe] feeds it the outcomes of dials and calls.
// Every policy returns 0 when the campaign is paused or no agent is logged in,
// and never more than the free lines or the remaining leads.
//
// # Policies
//
//   - [Progressive]: dials in progress never exceed idle agents.
//   - [FixedRatio]: a fixed number of dials in progress per idle agent.
//   - [AdaptiveRatio]: the dial-level controller of the widely used
//     open-source dialer (VICIdial's ADAPT_HARD_LIMIT, ADAPT_AVERAGE and
//     ADAPT_TAPERED methods), which knows nothing of answer probabilities or
//     handle times.
//   - [Predictive]: Switchboard's model-based policy, described below.
//
// # The predictive model
//
// Statistics, estimated from recent history with priors for the start of a
// campaign (each prior is worth PriorWeight observations and fades as data
// arrives; old data fades with a half-life of 2000 dial outcomes or 1000
// finished calls):
//
//   - p, the live-answer probability, from dial outcomes (Beta prior). The
//     forecast uses its one-sided 95 % upper bound, which is wide while data
//     are few, so the first wave of dials at campaign start, with every agent
//     idle, does not flood them;
//   - F_L and F_N, the ring-time distributions of live answers and of other
//     outcomes, as 0.5 s histograms (uniform priors on [0, 30] s and
//     [0, 45] s);
//   - F_H, the handle-time distribution (talk plus wrap-up), as a 2 s
//     histogram up to one hour (lognormal prior with PriorHandleTime mean and
//     a CV of 0.5). It is a Kaplan–Meier estimate in which every call still
//     running counts as lasting at least its elapsed time, so the first calls
//     to finish, which are the short ones, are not taken for typical ones.
//
// Forecast. At points t = 0, 1, 2 … s up to the 99th percentile of F_L:
//
//   - demand D(t): the waiting calls plus, for each dial in progress of age a,
//     the probability that it turns into a live answer by t given that it has
//     no outcome yet: p·(F_L(a+t) − F_L(a)) ÷ (p·(1 − F_L(a)) + (1 − p)·(1 −
//     F_N(a)));
//   - supply S(t): the idle agents plus, for each busy agent with elapsed
//     handle time e, the probability of finishing within the patience (2 s)
//     of a call answered around t: (F_H(e+t+2) − F_H(e)) ÷ (1 − F_H(e));
//   - each new dial adds p·F_L(t) to D(t).
//
// D and S are sums of independent Bernoulli variables (Poisson-binomial),
// approximated as normal with the summed means and variances. A call
// answered in the interval before point t is abandoned when the calls
// answered ahead of it are at least S(t), so the expected number of
// abandoned calls with n new dials is L(n) = Σ_t ΔD(t)·P(D(t⁻) ≥ S(t)), a
// slight overestimate once calls are lost, because lost calls free no agent
// for later ones.
//
// Decision. The policy places the largest n for which the marginal loss
// L(n) − L(n−1), divided by p (the marginal live answer), is at most a
// threshold λ. Placing dials while their own abandonment stays under λ is the
// Lagrangian solution of "most live answers for a given average abandonment";
// the average of the resulting ratio is below λ because most dials are placed
// when agents are plentiful. L is convex in n, so a binary search finds n.
//
// Outer loop. λ = Target × exp(ln InitialScale + 0.5 × B ÷ A), recomputed once
// a minute, where B is the abandonment budget of the compliance window
// (Setpoint × Target × live answers − abandoned calls) and A is the budget
// that the last hour's live answers allow (at least 2 calls). The multiplier
// stays within [0.05, 30] and λ at or under 0.95. A campaign that overspent early
// dials more carefully until the debt is repaid, and one that saved dials
// more boldly, so the realised ratio over the window settles at Setpoint ×
// Target without the late fall-back to progressive that a hard limit brings.
//
// Assumptions: outcomes of different dials and handle times of different
// agents are independent; the future resembles the recent past (the
// histograms forget slowly, so a sudden change of list or script is learnt
// over a few hundred calls while the outer loop absorbs the error); the
// ring-time and handle-time distributions do not depend on the time of day.
// Calls still running enter the handle-time estimate as censored
// observations and are counted again when they finish, which lengthens the
// estimate slightly in steady state, on the safe side.
//
// # Concurrency
//
// A policy is not safe for concurrent use. One campaign loop owns it and calls
// Observe and Dials in time order; State.Now and Outcome.At are durations
// since the campaign's calling day started.
package pacing
