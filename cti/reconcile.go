package cti

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/CyCoreSystems/ari/v5"

	"github.com/switchboard-cc/switchboard/cti/event"
)

// snapshotChannel is the part of ARI's Channel model a reconcile needs. The ari/v5 ChannelData
// type has no dialplan app_name and app_data, and without them an adopted call would lose its
// Stasis arguments, so the channel list is read with a plain GET /channels.
type snapshotChannel struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	State  string `json:"state"`
	Caller struct {
		Name   string `json:"name"`
		Number string `json:"number"`
	} `json:"caller"`
	Dialplan struct {
		Exten   string `json:"exten"`
		AppName string `json:"app_name"`
		AppData string `json:"app_data"`
	} `json:"dialplan"`
}

// reconcile reads the server's channels and bridges, brings the translator in line, delivers
// the events the connection gap hid, and destroys bridges that no call refers to. It returns
// the tracked channels that no longer exist, for reportMissing.
func (s *Server) reconcile(ctx context.Context) ([]string, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}

	now := time.Now()
	s.mu.Lock()
	events, cleanup := s.tr.Reconcile(snap, now)
	s.mu.Unlock()

	s.emit(ctx, event.ConnectionState{Meta: event.Meta{Server: s.cfg.Name, Time: now}, Connected: true})
	s.deliver(ctx, events)

	s.log.Info("ARI state reconciled", "channels", len(snap.Channels), "bridges", len(snap.Bridges),
		"events", len(events), "abandoned_bridges", len(cleanup.Bridges), "missing_channels", len(cleanup.Missing))

	for _, id := range cleanup.Bridges {
		if err := s.DestroyBridge(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
			s.log.Warn("destroy abandoned bridge failed", "bridge_id", id, "error", err)
		}
	}

	return cleanup.Missing, nil
}

// reportMissing delivers the hang-ups of channels that vanished while the connection was down
// and whose ChannelDestroyed did not arrive on the new connection either.
func (s *Server) reportMissing(ctx context.Context, missing []string) {
	if len(missing) == 0 {
		return
	}

	s.mu.Lock()
	events := s.tr.ReportMissing(missing, time.Now())
	s.mu.Unlock()

	s.deliver(ctx, events)
}

func (s *Server) snapshot(ctx context.Context) (event.Snapshot, error) {
	var snap event.Snapshot

	channels, err := s.listChannels(ctx)
	if err != nil {
		return snap, err
	}

	var inApp []string
	present := make(map[string]snapshotChannel, len(channels))
	for _, ch := range channels {
		present[ch.ID] = ch

		appData := event.SplitAppData("," + ch.Dialplan.AppData)
		if ch.Dialplan.AppName != "Stasis" || len(appData) == 0 || appData[0] != s.cfg.Application {
			continue
		}

		inApp = append(inApp, ch.ID)
		snap.Channels = append(snap.Channels, event.ChannelInfo{
			ID:           ch.ID,
			Name:         ch.Name,
			State:        ch.State,
			CallerNumber: ch.Caller.Number,
			CallerName:   ch.Caller.Name,
			Dialed:       ch.Dialplan.Exten,
			Args:         appData[1:],
		})
	}

	s.mu.Lock()
	tracked := s.tr.Tracked(inApp)
	s.mu.Unlock()

	snap.Outside = make(map[string]string)
	for _, id := range tracked {
		if ch, ok := present[id]; ok {
			snap.Outside[id] = ch.State
		}
	}

	var app *ari.ApplicationData
	err = s.do(ctx, "get application "+s.cfg.Application, func() (err error) {
		app, err = s.client.Application().Data(ari.NewKey(ari.ApplicationKey, s.cfg.Application))
		return err
	})
	if err != nil {
		return snap, err
	}

	for _, id := range app.BridgeIDs {
		var data *ari.BridgeData
		err := s.do(ctx, "get bridge "+id, func() (err error) {
			data, err = s.client.Bridge().Data(ari.NewKey(ari.BridgeKey, id))
			return err
		})
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return snap, err
		}

		snap.Bridges = append(snap.Bridges, event.BridgeInfo{
			ID:       data.ID,
			Name:     data.Name,
			Type:     data.Type,
			Channels: slices.Clone(data.ChannelIDs),
		})
	}

	return snap, nil
}

// listChannels reads GET /channels with the server's credentials.
func (s *Server) listChannels(ctx context.Context) ([]snapshotChannel, error) {
	var channels []snapshotChannel

	err := s.do(ctx, "list channels", func() error {
		ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
		defer cancel()

		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.restBase()+"/channels", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", s.auth)

		resp, err := s.http.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()

		if resp.StatusCode != http.StatusOK {
			return &statusError{status: resp.StatusCode}
		}

		return json.NewDecoder(resp.Body).Decode(&channels)
	})

	return channels, err
}

// statusError carries an HTTP status from a request cti makes without the ari/v5 client.
type statusError struct{ status int }

func (e *statusError) Error() string { return fmt.Sprintf("ARI status %d", e.status) }

// Code implements native.RequestError, so classify maps it like the client's own errors.
func (e *statusError) Code() int { return e.status }
