package sipload

import (
	"fmt"
	"net"
	"strings"
)

// sdpOffer returns the SDP offer of an INVITE (RFC 4566, offer/answer per RFC 3264): one
// audio stream with PCMA and PCMU, the G.711 codecs every SIP endpoint and Asterisk's
// alaw/ulaw accept, and RFC 4733 telephone events for DTMF. The address and port are
// the generator's media socket, which takes in and discards whatever RTP arrives; the
// generator itself sends no RTP.
func sdpOffer(media *net.UDPAddr, sessionID uint64) []byte {
	addrType := "IP4"
	if media.IP.To4() == nil {
		addrType = "IP6"
	}

	lines := []string{
		"v=0",
		fmt.Sprintf("o=- %d %d IN %s %s", sessionID, sessionID, addrType, media.IP),
		"s=callgen",
		fmt.Sprintf("c=IN %s %s", addrType, media.IP),
		"t=0 0",
		fmt.Sprintf("m=audio %d RTP/AVP 8 0 101", media.Port),
		"a=rtpmap:8 PCMA/8000",
		"a=rtpmap:0 PCMU/8000",
		"a=rtpmap:101 telephone-event/8000",
		"a=fmtp:101 0-16",
		"a=ptime:20",
		"a=sendrecv",
	}
	// SDP lines end with CRLF (RFC 4566, section 5).
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}
