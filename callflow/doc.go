// Package callflow connects the telephony bridge, the routing engine, the desk gateway and the
// call log: it is where a customer's call becomes a queued call, a ringing agent, a screen-pop,
// a bridged conversation and, at the end, exactly one call record.
//
// One goroutine, the loop in Run, owns the routing engine and every piece of call and agent
// state here. ARI events, desk commands and the results of REST requests all reach it as
// messages, so no state is shared. REST requests themselves run in one worker goroutine per
// call, which keeps them in order for that call without blocking the loop on Asterisk's
// latency.
//
// Conventions on the Stasis application arguments, which the dialplan and this package share:
//
//	inbound,<queue>                 a customer call for a queue (the dialplan sets it)
//	agent,<agent id>,<call id>      an agent leg that callflow originated
//	dialer,<campaign>,<lead>        an outbound campaign call (not routed here yet)
package callflow
