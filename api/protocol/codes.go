package protocol

// Error codes shared by the REST error body {"error":{"code":…,"message":…}} and the
// WebSocket error frame. Clients branch on the code; the message is for people and comes in
// the user's language.
const (
	CodeBadJSON            = "bad_json"
	CodeInvalidRequest     = "invalid_request"
	CodeUnknownType        = "unknown_type"
	CodeUnsupportedVersion = "unsupported_version"
	CodeTooLarge           = "too_large"
	CodeUnauthenticated    = "unauthenticated"
	CodeInvalidCredentials = "invalid_credentials"
	CodeForbidden          = "forbidden"
	CodeOriginRejected     = "origin_rejected"
	CodeOriginMissing      = "origin_missing"
	CodeNotFound           = "not_found"
	CodeMethodNotAllowed   = "method_not_allowed"
	CodeConflict           = "conflict"
	CodeUnavailable        = "unavailable"
	CodeTimeout            = "timeout"
	CodeInternal           = "internal"
	CodeTooManyAttempts    = "too_many_attempts"
)

// Codes lists every error code, so that tests can check that each has a message in every
// language.
func Codes() []string {
	return []string{
		CodeBadJSON, CodeInvalidRequest, CodeUnknownType, CodeUnsupportedVersion, CodeTooLarge,
		CodeUnauthenticated, CodeInvalidCredentials, CodeForbidden, CodeOriginRejected,
		CodeNotFound, CodeMethodNotAllowed, CodeConflict, CodeUnavailable, CodeTimeout, CodeInternal,
		CodeTooManyAttempts, CodeOriginMissing,
	}
}

// Reasons refine the code "conflict": what in the current state stops the command. They
// come in the error's "reason" field so that the desk can show a message for each. A
// conflict without a reason is still possible, and clients show the error's message then.
// ReasonInvalidEndpoint refines "invalid_request" instead.
const (
	// ReasonCallAlreadyAnswered: the agent answered the call already, in another tab or on the phone.
	ReasonCallAlreadyAnswered = "call_already_answered"
	// ReasonCallNotRinging: the call no longer rings for this agent (another agent took it, the
	// ring timed out or the caller hung up).
	ReasonCallNotRinging = "call_not_ringing"
	// ReasonAnswerOnPhone: the server cannot answer this agent's phone; pick up the handset.
	ReasonAnswerOnPhone = "answer_on_phone"
	// ReasonNotOnCall: the agent is not talking on this call, so it cannot be held, hung up or
	// transferred from the desk.
	ReasonNotOnCall = "not_on_call"
	// ReasonTransferTargetUnavailable: the agent the call is transferred to is not available
	// (talking, ringing, in wrap-up, paused or signed out).
	ReasonTransferTargetUnavailable = "transfer_target_unavailable"
	// ReasonTransferAgentUnknown: no agent has the id the call is transferred to. The desk
	// should offer the agents of transfer.targets instead.
	ReasonTransferAgentUnknown = "transfer_agent_unknown"
	// ReasonTransferQueueUnknown: no queue of the configuration has the name the call is
	// transferred to.
	ReasonTransferQueueUnknown = "transfer_queue_unknown"
	// ReasonQueueClosed: the queue the call is transferred to is outside its business hours.
	ReasonQueueClosed = "queue_closed"
	// ReasonAgentOnCall: the status cannot change to the requested one during a call; end the
	// call first.
	ReasonAgentOnCall = "agent_on_call"
	// ReasonAgentRinging: a call rings for the agent; answer it before becoming available again.
	ReasonAgentRinging = "agent_ringing"
	// ReasonAgentSignedOut: the agent is signed out; become available first.
	ReasonAgentSignedOut = "agent_signed_out"
	// ReasonEndpointInUse: another agent is signed in at the chosen phone endpoint.
	ReasonEndpointInUse = "endpoint_in_use"
	// ReasonCallInProgress: the call's outcome can be saved only after the call ends.
	ReasonCallInProgress = "call_in_progress"
	// ReasonNoSupervisorPhone: the supervisor has no fixed phone and is not signed in at one,
	// so there is no phone to listen on.
	ReasonNoSupervisorPhone = "no_supervisor_phone"
	// ReasonSupervisorOnCall: the supervisor's own phone is ringing or in a call.
	ReasonSupervisorOnCall = "supervisor_on_call"
	// ReasonAgentNotTalking: the agent to supervise is not talking on a call now.
	ReasonAgentNotTalking = "agent_not_talking"
	// ReasonAlreadySupervising: the supervisor already has a session; stop it first.
	ReasonAlreadySupervising = "already_supervising"
	// ReasonNotSupervising: the supervisor has no session to switch or stop.
	ReasonNotSupervising = "not_supervising"
	// ReasonNoPhone: the agent has no fixed phone and named none; enter the phone endpoint
	// first.
	ReasonNoPhone = "no_phone"
	// ReasonInvalidEndpoint (code invalid_request): the phone endpoint is not
	// PJSIP/<resource> or SIP/<resource>.
	ReasonInvalidEndpoint = "invalid_endpoint"
	// ReasonDispositionWindowOver: the call ended longer ago than the desk may save its
	// outcome, or the agent did not handle it.
	ReasonDispositionWindowOver = "disposition_window_over"
)

// Reasons lists every conflict reason, so that tests can check that each has a message.
func Reasons() []string {
	return []string{
		ReasonCallAlreadyAnswered, ReasonCallNotRinging, ReasonAnswerOnPhone, ReasonNotOnCall,
		ReasonTransferTargetUnavailable, ReasonTransferAgentUnknown, ReasonTransferQueueUnknown, ReasonQueueClosed, ReasonAgentOnCall, ReasonAgentRinging,
		ReasonAgentSignedOut, ReasonEndpointInUse, ReasonCallInProgress, ReasonNoSupervisorPhone,
		ReasonSupervisorOnCall, ReasonAgentNotTalking, ReasonAlreadySupervising, ReasonNotSupervising,
		ReasonNoPhone, ReasonInvalidEndpoint, ReasonDispositionWindowOver,
	}
}

// WebSocket close codes that the server uses besides the standard ones (1000 normal, 1001
// going away, 1008 policy violation, 1009 message too big, 1011 internal error). Codes in the
// 4000–4999 range are reserved for applications by RFC 6455, section 7.4.2.
const (
	// CloseSlowClient: the client read too slowly and its send queue overflowed. Reconnect;
	// the hello restores the desk.
	CloseSlowClient = 4000
	// CloseSessionEnded: the session was logged out or expired. Do not reconnect; log in again.
	CloseSessionEnded = 4001
)
