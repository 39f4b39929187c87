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
