package event

import (
	"slices"
	"time"
)

// Snapshot is the state of an Asterisk server as read over REST right after a (re)connect.
type Snapshot struct {
	// Channels are the channels in the Stasis application.
	Channels []ChannelInfo
	// Outside maps channels the translator tracks that still exist but are not in the
	// application (an originated leg still ringing, a channel sent back to the dialplan) to
	// their state.
	Outside map[string]string
	// Bridges are the bridges of the Stasis application.
	Bridges []BridgeInfo
}

// ChannelInfo describes one channel of a Snapshot.
type ChannelInfo struct {
	ID           string
	Name         string
	State        string
	CallerNumber string
	CallerName   string
	Dialed       string
	Args         []string
}

// BridgeInfo describes one bridge of a Snapshot.
type BridgeInfo struct {
	ID       string
	Name     string
	Type     string
	Channels []string
}

// Cleanup lists what a reconcile left to its caller.
type Cleanup struct {
	// Bridges are bridges of the application that no translator state refers to and that
	// have no members, left over by an earlier process.
	Bridges []string
	// Missing are tracked channels that no longer exist. Pass them to ReportMissing after
	// translating the messages that arrived while the snapshot was read, because a queued
	// ChannelDestroyed among them carries the real hang-up cause.
	Missing []string
}

// Tracked returns the ids of the channels the translator tracks that were not in the
// application's channel list, so the caller can look each up for Snapshot.Outside.
func (t *Translator) Tracked(inApp []string) []string {
	var ids []string
	for id := range t.channels {
		if !slices.Contains(inApp, id) {
			ids = append(ids, id)
		}
	}

	slices.Sort(ids)

	return ids
}

// Reconcile brings the translator in line with a snapshot taken after a (re)connect and returns
// the events that the connection gap hid: calls that arrived or answered, bridge membership
// changes and bridges destroyed; channels that vanished are listed in Cleanup.Missing. Nothing
// already reported is reported again, because the events compare against the translator's
// state. Events that arrived on the new connection before the snapshot was read must be
// translated after Reconcile; those the snapshot already reflects are then dropped as
// duplicates.
func (t *Translator) Reconcile(snap Snapshot, at time.Time) ([]Event, Cleanup) {
	var events []Event
	var cleanup Cleanup

	inApp := make(map[string]bool, len(snap.Channels))
	for _, info := range snap.Channels {
		inApp[info.ID] = true
		events = t.reconcileChannel(info, at, events)
	}

	for _, id := range t.sortedChannelIDs() {
		state, exists := snap.Outside[id]
		if inApp[id] || !exists {
			continue
		}

		st := t.channels[id]
		if st.inStasis {
			st.inStasis = false
			events = append(events, LeftApplication{Meta: t.meta(id, at)})
		}

		switch state {
		case "Up":
			events = t.markAnswered(id, st, at, events)
		case "Ringing":
			events = t.markRinging(id, st, at, events)
		}
	}

	events, cleanup = t.reconcileBridges(snap.Bridges, at, events)

	for _, id := range t.sortedChannelIDs() {
		if inApp[id] {
			continue
		}

		if _, exists := snap.Outside[id]; exists {
			continue
		}

		cleanup.Missing = append(cleanup.Missing, id)
	}

	return events, cleanup
}

// ReportMissing reports the channels of Cleanup.Missing that are still tracked as hung up
// while the connection was down (HungUp with Missed set), with the events they owe before it.
func (t *Translator) ReportMissing(ids []string, at time.Time) []Event {
	var events []Event
	for _, id := range ids {
		events = t.reconcileMissing(id, at, events)
	}

	return events
}

func (t *Translator) reconcileChannel(info ChannelInfo, at time.Time, events []Event) []Event {
	if t.gone.has(info.ID) {
		return events
	}

	st := t.channels[info.ID]
	if st == nil {
		st = &channelState{}
		t.channels[info.ID] = st
	}
	st.inStasis = true

	if !st.arrived {
		st.arrived = true
		args := info.Args
		if args == nil {
			args = []string{}
		}

		events = append(events, CallArrived{
			Meta:         t.meta(info.ID, at),
			ChannelName:  info.Name,
			State:        info.State,
			CallerNumber: info.CallerNumber,
			CallerName:   info.CallerName,
			Dialed:       info.Dialed,
			Args:         args,
			Originated:   st.expected,
			Adopted:      true,
		})
	}

	switch info.State {
	case "Up":
		events = t.markAnswered(info.ID, st, at, events)
	case "Ringing":
		events = t.markRinging(info.ID, st, at, events)
	}

	return events
}

// reconcileMissing reports a tracked channel that no longer exists: its StasisEnd and
// ChannelDestroyed were sent while no client was connected and are never replayed.
func (t *Translator) reconcileMissing(id string, at time.Time, events []Event) []Event {
	st := t.channels[id]
	if st == nil {
		return events
	}

	if st.originated && !st.resolved {
		st.resolved = true
		events = append(events, OriginateResult{Meta: t.meta(id, at), Status: OriginateFailed})
	}

	if st.inStasis {
		events = append(events, LeftApplication{Meta: t.meta(id, at)})
	}

	events = append(events, HungUp{Meta: t.meta(id, at), DialStatus: st.dialStatus, Missed: true})
	t.dropChannel(id, st)

	return events
}

func (t *Translator) reconcileBridges(bridges []BridgeInfo, at time.Time, events []Event) ([]Event, Cleanup) {
	var cleanup Cleanup
	membership := make(map[string]string)
	present := make(map[string]bool, len(bridges))

	for _, b := range bridges {
		present[b.ID] = true

		if t.bridges[b.ID] == nil && !t.gone.has(b.ID) {
			if len(b.Channels) == 0 {
				cleanup.Bridges = append(cleanup.Bridges, b.ID)
				continue
			}

			t.bridges[b.ID] = &bridgeState{name: b.Name, typ: b.Type, members: make(map[string]struct{})}
			events = append(events, BridgeCreated{Meta: t.meta("", at), BridgeID: b.ID, Name: b.Name, Type: b.Type})
		}

		for _, id := range b.Channels {
			membership[id] = b.ID
		}
	}

	for _, id := range t.sortedChannelIDs() {
		st := t.channels[id]
		now := membership[id]
		if now != "" && t.bridges[now] == nil {
			now = ""
		}

		if st.bridge == now {
			continue
		}

		if old := t.bridges[st.bridge]; old != nil {
			delete(old.members, id)
			events = append(events, ChannelLeftBridge{Meta: t.meta(id, at), BridgeID: st.bridge})
		}

		st.bridge = now
		if now != "" {
			t.bridges[now].members[id] = struct{}{}
			events = append(events, ChannelEnteredBridge{Meta: t.meta(id, at), BridgeID: now})
		}
	}

	var destroyed []string
	for id := range t.bridges {
		if !present[id] {
			destroyed = append(destroyed, id)
		}
	}
	slices.Sort(destroyed)

	for _, id := range destroyed {
		delete(t.bridges, id)
		t.gone.add(id)
		events = append(events, BridgeDestroyed{Meta: t.meta("", at), BridgeID: id})
	}

	return events, cleanup
}

func (t *Translator) sortedChannelIDs() []string {
	ids := make([]string, 0, len(t.channels))
	for id := range t.channels {
		ids = append(ids, id)
	}

	slices.Sort(ids)

	return ids
}
