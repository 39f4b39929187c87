// Package campaign runs a node's outbound campaigns: one owner goroutine ([Runner.Run]) paces
// every running campaign inside its calling window with its dialer/pacing policy, claims due
// leads (skipping the do-not-call list), originates Local/<number>@outbound with the Stasis
// arguments dialer,<campaign>,<lead>, and records each dial's outcome: busy and unanswered
// numbers are retried after the campaign's delay, and answered calls are queued by callflow
// for the campaign's agents, which reports back whether an agent took each call within the
// 2-second abandon limit.
//
// The Runner learns of dials from two sides. cti's events for the dial's channel
// ([Runner.Observe]) report why an unanswered dial ended. Callflow ([callflow.CampaignCalls])
// reports when a person answered, was connected or abandoned, and when the call's record was
// written. Both only queue the news and return, so neither the event stream nor callflow's
// loop waits for the database.
package campaign
