package ws

import (
	"fmt"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// PublishSuperviseStarted sends supervise.started to every connection of the supervisor.
func (h *Hub) PublishSuperviseStarted(supervisorID string, s protocol.SuperviseStarted) (int, error) {
	return h.publishSupervision(supervisorID, protocol.TypeSuperviseStarted, s.CallID, s)
}

// PublishSuperviseModeChanged sends supervise.mode_changed to every connection of the
// supervisor.
func (h *Hub) PublishSuperviseModeChanged(supervisorID string, m protocol.SuperviseModeChanged) (int, error) {
	return h.publishSupervision(supervisorID, protocol.TypeSuperviseModeChanged, m.CallID, m)
}

// PublishSuperviseEnded sends supervise.ended to every connection of the supervisor.
func (h *Hub) PublishSuperviseEnded(supervisorID string, e protocol.SuperviseEnded) (int, error) {
	return h.publishSupervision(supervisorID, protocol.TypeSuperviseEnded, e.CallID, e)
}

func (h *Hub) publishSupervision(supervisorID, msgType, callID string, data any) (int, error) {
	frame, err := protocol.Encode(msgType, "", data)
	if err != nil {
		return 0, fmt.Errorf("publish %s for call %s to supervisor %s: %w", msgType, callID, supervisorID, err)
	}

	n := h.SendToUser(supervisorID, frame)
	h.log.Debug("published", "type", msgType, "supervisor_id", supervisorID, "call_id", callID, "connections", n)
	return n, nil
}
