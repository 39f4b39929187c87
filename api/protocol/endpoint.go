package protocol

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidEndpoint marks a phone endpoint that is not PJSIP/<resource> or SIP/<resource>.
var ErrInvalidEndpoint = errors.New("invalid phone endpoint")

// ValidateEndpoint checks an agent-supplied phone endpoint: "PJSIP/<resource>" or
// "SIP/<resource>", where the resource is 1–48 letters, digits, '-', '_' or '.'. Any other
// dial string is rejected because Asterisk would dial it as given: a Local channel or a
// trunk ("Local/123@ctx", "PJSIP/+7999@trunk") lets an agent place calls at the centre's
// expense. The error wraps ErrInvalidEndpoint.
func ValidateEndpoint(endpoint string) error {
	tech, resource, ok := strings.Cut(endpoint, "/")
	if !ok || (tech != "PJSIP" && tech != "SIP") {
		return fmt.Errorf("%w %q: send PJSIP/<resource> or SIP/<resource>, for example PJSIP/1005", ErrInvalidEndpoint, truncate(endpoint, 64))
	}
	if resource == "" || len(resource) > maxEndpointResource {
		return fmt.Errorf("%w %q: the resource after %s/ must be 1 to %d characters", ErrInvalidEndpoint, truncate(endpoint, 64), tech, maxEndpointResource)
	}
	for _, r := range resource {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return fmt.Errorf("%w %q: character %q is not allowed; use letters, digits, '-', '_' and '.'", ErrInvalidEndpoint, truncate(endpoint, 64), r)
		}
	}
	return nil
}

// maxEndpointResource keeps "PJSIP/" plus the resource within MaxCodeLength.
const maxEndpointResource = MaxCodeLength - len("PJSIP/")

// ValidationReason returns the reason that refines an invalid_request error from Validate,
// so that clients can show a specific message, or "" when there is none.
func ValidationReason(err error) string {
	if errors.Is(err, ErrInvalidEndpoint) {
		return ReasonInvalidEndpoint
	}
	return ""
}
