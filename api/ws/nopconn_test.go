package ws

import (
	"net"
	"time"
)

// nopConn is a net.Conn that does nothing, for clients registered without a socket.
type nopConn struct{ net.Conn }

func (nopConn) SetWriteDeadline(time.Time) error { return nil }
