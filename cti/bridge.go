package cti

import (
	"context"
	"strings"
	"unicode"

	"github.com/CyCoreSystems/ari/v5"
	"github.com/CyCoreSystems/ari/v5/rid"
)

// bridgeOp validates a bridge id and runs fn on its key.
func (s *Server) bridgeOp(ctx context.Context, verb, bridgeID string, fn func(key *ari.Key) error) error {
	op := verb + " bridge " + bridgeID
	if err := s.checkID(op, "bridge", bridgeID); err != nil {
		return err
	}

	return s.do(ctx, op, func() error { return fn(bridgeKey(bridgeID)) })
}

// CreateBridge creates a mixing bridge and returns its id. name is a label for people reading
// Asterisk's state, e.g. "call-<channel id>".
func (s *Server) CreateBridge(ctx context.Context, name string) (string, error) {
	bridgeID := rid.New(rid.Bridge)
	if strings.ContainsFunc(name, unicode.IsControl) || len(name) > 128 {
		return "", s.invalid("create bridge "+bridgeID, "bridge name %q is invalid: use at most 128 printable characters", name)
	}

	err := s.bridgeOp(ctx, "create", bridgeID, func(key *ari.Key) error {
		_, err := s.client.Bridge().Create(key, "mixing", name)
		return err
	})
	if err != nil {
		return "", err
	}

	return bridgeID, nil
}

// DestroyBridge destroys a bridge; its members stay up. BridgeDestroyed can arrive much later,
// when the last former member hangs up (Asterisk 22).
func (s *Server) DestroyBridge(ctx context.Context, bridgeID string) error {
	return s.bridgeOp(ctx, "destroy", bridgeID, s.client.Bridge().Delete)
}

// AddToBridge adds a channel to a bridge. A channel already in another bridge is moved: it
// leaves the old one first. A channel outside the Stasis application is ErrConflict and an
// unknown channel is ErrInvalid (Asterisk answers 400, not 404).
func (s *Server) AddToBridge(ctx context.Context, bridgeID, channelID string) error {
	if err := s.checkID("add bridge "+bridgeID, "channel", channelID); err != nil {
		return err
	}

	return s.bridgeOp(ctx, "add", bridgeID, func(key *ari.Key) error {
		return s.client.Bridge().AddChannel(key, channelID)
	})
}

// RemoveFromBridge removes a channel from a bridge; a channel not in it is ErrConflict.
func (s *Server) RemoveFromBridge(ctx context.Context, bridgeID, channelID string) error {
	if err := s.checkID("remove bridge "+bridgeID, "channel", channelID); err != nil {
		return err
	}

	return s.bridgeOp(ctx, "remove", bridgeID, func(key *ari.Key) error {
		return s.client.Bridge().RemoveChannel(key, channelID)
	})
}

// StartBridgeMOH plays music on hold to every member of a bridge; class "" means default.
func (s *Server) StartBridgeMOH(ctx context.Context, bridgeID, class string) error {
	return s.bridgeOp(ctx, "start-moh", bridgeID, func(key *ari.Key) error {
		return s.client.Bridge().MOH(key, class)
	})
}

// StopBridgeMOH stops music on hold in a bridge.
func (s *Server) StopBridgeMOH(ctx context.Context, bridgeID string) error {
	return s.bridgeOp(ctx, "stop-moh", bridgeID, s.client.Bridge().StopMOH)
}

// TransferToBridge blind-transfers a channel into another bridge: Asterisk moves it out of
// its current bridge (ChannelLeftBridge, then ChannelEnteredBridge).
func (s *Server) TransferToBridge(ctx context.Context, channelID, bridgeID string) error {
	return s.AddToBridge(ctx, bridgeID, channelID)
}

// TransferToEndpoint blind-transfers a channel to an endpoint and returns the new leg's id. It
// dials the endpoint (req.Originator defaults to channelID) and, when the leg answers, moves
// the channel and the leg into a new mixing bridge named "transfer-<leg id>". Until then the
// channel stays where it is, e.g. with music on hold. If the leg fails, its OriginateResult
// reports why and the channel is left untouched.
func (s *Server) TransferToEndpoint(ctx context.Context, channelID string, req OriginateRequest) (string, error) {
	if err := s.checkID("transfer channel "+channelID, "channel", channelID); err != nil {
		return "", err
	}

	if req.Originator == "" {
		req.Originator = channelID
	}

	legID, err := s.originate(ctx, req, func(legID string) {
		s.mu.Lock()
		s.transfers[legID] = channelID
		s.mu.Unlock()
	})
	if err != nil {
		return "", err
	}

	return legID, nil
}

// completeTransfer bridges a transferred channel with the leg that answered for it. It runs
// in its own goroutine so the event loop does not wait for REST.
func (s *Server) completeTransfer(ctx context.Context, channelID, legID string) {
	bridgeID, err := s.CreateBridge(ctx, "transfer-"+legID)
	if err == nil {
		err = s.AddToBridge(ctx, bridgeID, legID)
	}

	if err == nil {
		err = s.AddToBridge(ctx, bridgeID, channelID)
	}

	if err != nil {
		s.log.Error("blind transfer failed after the target answered", "channel_id", channelID, "leg_id", legID, "error", err)
	}
}
