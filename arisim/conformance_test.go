package arisim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// The conformance tests replay every recorded Asterisk 22.10.1 trace against arisim: the same REST
// requests at the same times on a ManualClock (so a replay of 30 recorded seconds takes
// milliseconds), and the customer's and phone's side (arrivals, hang-ups,
// key presses, answering, hold, registration) through the control methods. They then compare what
// arisim sent with what Asterisk sent:
//
//   - every REST status, and every response body with ids, timestamps, channel-name counters and
//     the fields listed in ignoredResponseKeys (with the reason there) left out;
//   - per entity (each channel, bridge, playback, recording and endpoint), the exact sequence of
//     events with their key fields: states, causes and cause texts, whether a cause is present,
//     soft, dialstatus and dialstring, args, caller, digits and durations, bridge membership,
//     playback media and states, peer and contact status;
//   - each event's time, within eventTimeTolerance of the trace's;
//   - the JSON shape of every event type both sent: the same field names, two levels deep;
//   - an event Asterisk sent before a REST response also comes before that response from arisim.
//
// Tolerances, because Asterisk itself is not deterministic there:
//   - the interleaving of events of different entities is not compared (Asterisk's taskprocessors
//     deliver them in varying order, e.g. the two halves of a Local pair);
//   - an event Asterisk sent after a REST response may come before it from arisim, which sends a
//     request's events before answering (the same originate's ChannelCreated comes before its
//     response in one recording and after it in another);
//   - the channels array of a bridge is compared as a set (Asterisk lists members in hash order);
//   - ChannelDialplan, ChannelVarset, ChannelCallerId, ChannelConnectedLine and DeviceStateChanged
//     are not compared: they describe the dialplan of the simulated parties that made the recording,
//     not ARI behaviour a client relies on.

// eventTimeTolerance bounds how far an event's simulated time may be from the recorded one.
const eventTimeTolerance = 250 * time.Millisecond

var ignoredEventTypes = map[string]bool{
	"ChannelDialplan": true, "ChannelVarset": true, "ChannelCallerId": true,
	"ChannelConnectedLine": true, "DeviceStateChanged": true,
}

var ignoredResponseKeys = map[string]bool{
	"timestamp": true, "creationtime": true, "protocol_id": true, "asterisk_id": true,
	// The dialplan application of a channel snapshot: Asterisk takes a snoop's snapshot before or
	// after its StasisStart, depending on timing, so it reads "" or "Stasis".
	"app_name": true, "app_data": true,
}

var customerNamePattern = regexp.MustCompile(`^Local/([^@]+)@from-customer-[0-9a-f]{8};([12])$`)

// traceAction is something the far side did in a recording: a customer call arriving, a customer
// hanging up or pressing keys, a SIP phone registering, answering, holding or hanging up.
type traceAction struct {
	at      int   // index of the first trace line the action caused
	tms     int64 // its time
	kind    string
	channel string // trace channel id
	call    Call
	cause   int
	digits  string
	device  string
}

func (a traceAction) String() string {
	return fmt.Sprintf("%s at %d ms (channel %s %s%s)", a.kind, a.tms, a.channel, a.device, a.digits)
}

func str(m map[string]any, keys ...string) string {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[k]
	}
	s, _ := v.(string)
	return s
}

// inferActions finds the far side's actions in a trace.
func inferActions(t *testing.T, lines []traceLine) []traceAction {
	t.Helper()
	var actions []traceAction
	pairOf := map[string][2]string{} // customer channel id → ids of ;1 and ;2
	handled := map[string]bool{}     // customer pairs whose end was assigned

	for i, l := range lines {
		if l.Dir != "event" {
			continue
		}
		ev := l.event
		typ, _ := ev["type"].(string)
		chID, chName := str(ev, "channel", "id"), str(ev, "channel", "name")

		switch typ {
		case "ChannelCreated":
			m := customerNamePattern.FindStringSubmatch(chName)
			if m == nil || m[2] != "1" {
				continue
			}
			call, twoID := findArrival(t, lines[i:], strings.TrimSuffix(chName, "1")+"2")
			call.Dialed = m[1]
			pairOf[chID] = [2]string{chID, twoID}
			pairOf[twoID] = [2]string{chID, twoID}
			actions = append(actions, traceAction{at: i, tms: l.TMS, kind: "arrive", call: call, channel: twoID})
		case "ChannelHangupRequest", "ChannelDestroyed":
			if pair, ok := pairOf[chID]; ok && !handled[pair[1]] {
				handled[pair[1]] = true
				if causedByRequest(lines[:i], pair) {
					continue
				}
				cause := int(num(ev["cause"]))
				actions = append(actions, traceAction{at: i, tms: l.TMS, kind: "hangup", channel: pair[1], cause: cause})
			}
			if strings.HasPrefix(chName, "PJSIP/") && typ == "ChannelHangupRequest" {
				if _, hasCause := ev["cause"]; !hasCause {
					actions = append(actions, traceAction{at: i, tms: l.TMS, kind: "hangup", channel: chID})
				}
			}
		case "ChannelDtmfReceived":
			if m := customerNamePattern.FindStringSubmatch(chName); (m != nil && m[2] == "2") || strings.HasPrefix(chName, "PJSIP/") {
				actions = append(actions, traceAction{at: i, tms: l.TMS, kind: "dtmf", channel: chID, digits: str(ev, "digit")})
			}
		case "ChannelStateChange":
			if strings.HasPrefix(chName, "PJSIP/") && str(ev, "channel", "state") == stateUp {
				actions = append(actions, traceAction{at: i, tms: l.TMS, kind: "answer", channel: chID})
			}
		case "ChannelHold", "ChannelUnhold":
			actions = append(actions, traceAction{at: i, tms: l.TMS, kind: strings.ToLower(strings.TrimPrefix(typ, "Channel")), channel: chID})
		case "PeerStatusChange":
			device := str(ev, "endpoint", "technology") + "/" + str(ev, "endpoint", "resource")
			kind := "register"
			if str(ev, "peer", "peer_status") != "Reachable" {
				kind = "unregister"
			}
			actions = append(actions, traceAction{at: i, tms: l.TMS, kind: kind, device: device})
		}
	}
	return actions
}

// findArrival reads the caller and the Stasis arguments of a customer call from its StasisStart.
func findArrival(t *testing.T, lines []traceLine, twoName string) (Call, string) {
	t.Helper()
	for _, l := range lines {
		if l.Dir != "event" || str(l.event, "type") != "StasisStart" || str(l.event, "channel", "name") != twoName {
			continue
		}
		var args []string
		for _, a := range l.event["args"].([]any) {
			args = append(args, a.(string))
		}
		app, _, _ := strings.Cut(str(l.event, "channel", "dialplan", "app_data"), ",")
		return Call{
			CallerNumber: str(l.event, "channel", "caller", "number"),
			CallerName:   str(l.event, "channel", "caller", "name"),
			App:          app, Args: args,
		}, str(l.event, "channel", "id")
	}
	t.Fatalf("no StasisStart for customer channel %s in the trace", twoName)
	return Call{}, ""
}

// causedByRequest reports whether a request before the pair's first hang-up event deleted or
// continued one of its channels: then that request, not the customer, ended the call.
func causedByRequest(before []traceLine, pair [2]string) bool {
	for _, l := range before {
		if l.Dir != "request" {
			continue
		}
		for _, id := range pair {
			if l.Method == "DELETE" && l.Path == "/ari/channels/"+id || l.Path == "/ari/channels/"+id+"/continue" {
				return true
			}
		}
	}
	return false
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

// observed is one event of an entity's stream, ready for comparison.
type observed struct {
	key string // projection of the key fields
	tms int64
	// order is, in a trace, the index of the REST request whose response the event preceded (-1
	// if none) and, from arisim, the event's position in the received stream.
	order int
}

// project returns the stream keys and the comparable projection of one event, or ok=false for an
// event that is not compared.
func project(ev map[string]any, lb *labeler) (streams []string, key string, ok bool) {
	typ := str(ev, "type")
	if ignoredEventTypes[typ] {
		return nil, "", false
	}
	p := map[string]any{"type": typ}
	if ch, isMap := ev["channel"].(map[string]any); isMap {
		label := lb.normalize(str(ch, "id"))
		p["channel"] = label
		p["state"] = str(ch, "state")
		streams = append(streams, "channel "+label)
		switch typ {
		case "StasisStart", "StasisEnd", "ChannelEnteredBridge", "ChannelLeftBridge":
			// Caller and connected line of the channel in the application; the other Local
			// half learns of connected-line changes only when its dialplan next runs.
			p["caller"] = ch["caller"]
			p["connected"] = ch["connected"]
		}
	}

	if peer, isMap := ev["peer"].(map[string]any); isMap && typ == "Dial" {
		label := lb.normalize(str(peer, "id"))
		p["peer"] = label
		p["state"] = str(peer, "state")
		streams = append(streams, "channel "+label)
	}
	for _, k := range []string{"cause", "cause_txt", "soft", "dialstatus", "dialstring", "args", "digit", "duration_ms", "musicclass"} {
		if v, present := ev[k]; present {
			p[k] = normalizeJSON(v, lb)
		}
	}

	if br, isMap := ev["bridge"].(map[string]any); isMap {
		var members []string
		for _, m := range br["channels"].([]any) {
			members = append(members, lb.normalize(m.(string)))
		}
		sort.Strings(members)
		id := lb.normalize(str(br, "id"))
		p["bridge"] = map[string]any{"id": id, "channels": members, "bridge_type": str(br, "bridge_type"), "name": lb.normalize(str(br, "name"))}
		streams = append(streams, "bridge "+id)
	}
	if pb, isMap := ev["playback"].(map[string]any); isMap {
		norm := normalizeJSON(pb, lb).(map[string]any)
		p["playback"] = norm
		streams = append(streams, "playback "+str(norm, "id"))
	}
	if rec, isMap := ev["recording"].(map[string]any); isMap {
		p["recording"] = map[string]any{"name": str(rec, "name"), "state": str(rec, "state")}
		streams = append(streams, "recording "+str(rec, "name"))
	}
	if ep, isMap := ev["endpoint"].(map[string]any); isMap {
		p["endpoint"] = str(ep, "technology") + "/" + str(ep, "resource") + " " + str(ep, "state")
		p["peer_status"] = str(ev, "peer", "peer_status")
		p["contact_status"] = str(ev, "contact_info", "contact_status")
		streams = append(streams, "endpoint "+str(ep, "technology")+"/"+str(ep, "resource"))
	}

	if len(streams) == 0 {
		streams = []string{"global"}
	}
	data, _ := json.Marshal(p)
	return streams, string(data), true
}

// normalizeJSON drops ignored keys and replaces ids with labels in a decoded JSON value.
func normalizeJSON(v any, lb *labeler) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			if ignoredResponseKeys[k] {
				continue
			}
			out[k] = normalizeJSON(val, lb)
			if k == "channels" {
				if list, ok := out[k].([]any); ok {
					sort.Slice(list, func(i, j int) bool { return fmt.Sprint(list[i]) < fmt.Sprint(list[j]) })
				}
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = normalizeJSON(val, lb)
		}
		return out
	case string:
		return lb.normalize(x)
	}
	return v
}

func TestConformanceWithRecordedTraces(t *testing.T) {
	for _, file := range traceFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".jsonl")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			replayTrace(t, loadTrace(t, file))
		})
	}
}

// replay holds one trace's replay against arisim.
type replay struct {
	t       *testing.T
	lines   []traceLine
	clock   *ManualClock
	start   time.Time
	server  *Server
	baseURL string
	events  *eventClient
	traceLB *labeler
	simLB   *labeler
	// requestEnd[k] is the number of arisim events read when request line k's response arrived.
	requestEnd   map[int]int
	unauthorized int
}

func replayTrace(t *testing.T, lines []traceLine) {
	start := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	clock := NewManualClock(start)
	app := ""
	for _, l := range lines {
		if l.Dir == "event" {
			app = str(l.event, "application")
			break
		}
	}
	if app == "" {
		t.Fatal("trace has no event naming its application")
	}
	srv, hs := newTestServer(t, Options{Clock: clock})
	rp := &replay{
		t: t, lines: lines, clock: clock, start: start, server: srv, baseURL: hs.URL,
		events:  dialEvents(t, hs.URL, "app="+app+"&subscribeAll=true"),
		traceLB: newLabeler(), simLB: newLabeler(),
		requestEnd: map[int]int{},
	}
	for _, l := range lines {
		if l.Dir == "event" {
			rp.traceLB.observe(l.event)
		}
	}

	actions := inferActions(t, lines)
	next := 0
	for i, l := range lines {
		for next < len(actions) && actions[next].at == i {
			rp.advance(actions[next].tms)
			rp.perform(actions[next])
			next++
		}
		if l.Dir != "request" {
			continue
		}
		rp.advance(l.TMS)
		rp.request(i)
	}
	rp.advance(lines[len(lines)-1].TMS)
	rp.compareEvents()
}

func (rp *replay) advance(tms int64) {
	rp.clock.AdvanceTo(rp.start.Add(time.Duration(tms) * time.Millisecond))
	rp.events.sync()
	rp.refreshLabels()
}

func (rp *replay) refreshLabels() {
	for _, e := range rp.events.snapshot() {
		rp.simLB.observe(e.body)
	}
}

// simID translates a trace channel id to arisim's id of the same channel.
func (rp *replay) simID(traceID string) string {
	label, ok := rp.traceLB.byID[traceID]
	if !ok {
		return traceID
	}
	if id, ok := rp.simLB.ids[label]; ok {
		return id
	}
	rp.t.Fatalf("channel %s (%s) of the trace does not exist in arisim", traceID, label)
	return ""
}

func (rp *replay) translate(s string) string {
	return asteriskIDPattern.ReplaceAllStringFunc(s, rp.simID)
}

func (rp *replay) perform(a traceAction) {
	t := rp.t
	var err error
	switch a.kind {
	case "arrive":
		_, err = rp.server.ArriveCall(a.call)
	case "hangup":
		err = rp.server.Hangup(rp.simID(a.channel), a.cause)
	case "dtmf":
		err = rp.server.SendDTMF(rp.simID(a.channel), a.digits)
	case "answer":
		err = rp.server.AnswerChannel(rp.simID(a.channel))
	case "hold":
		err = rp.server.PhoneHold(rp.simID(a.channel))
	case "unhold":
		err = rp.server.PhoneUnhold(rp.simID(a.channel))
	case "register":
		err = rp.server.RegisterEndpoint(a.device)
	case "unregister":
		err = rp.server.UnregisterEndpoint(a.device)
	default:
		t.Fatalf("unknown action %s", a)
	}
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	rp.events.sync()
	rp.refreshLabels()
}

// request sends trace line i's request and compares the response with line i+1.
func (rp *replay) request(i int) {
	t := rp.t
	req := rp.lines[i]
	respIdx := i + 1
	for respIdx < len(rp.lines) && rp.lines[respIdx].Dir == "event" {
		respIdx++
	}
	if respIdx == len(rp.lines) || rp.lines[respIdx].Dir != "response" {
		t.Fatalf("trace line %d: request without a response", i+1)
	}
	resp := rp.lines[respIdx]
	url := rp.baseURL + rp.translate(req.Path)
	if req.Query != "" {
		url += "?" + rp.translate(req.Query)
	}
	var body string
	if len(req.Body) > 0 && string(req.Body) != "null" {
		var raw string
		if json.Unmarshal(req.Body, &raw) == nil {
			body = raw // a deliberately malformed body, recorded as a string
		} else {
			body = rp.translate(string(req.Body))
		}
	}
	httpReq, err := http.NewRequest(req.Method, url, strings.NewReader(body))
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	httpReq.Header.Set("Content-Type", "application/json")
	switch {
	case resp.Status == 401 && rp.unauthorized == 0:
		httpReq.SetBasicAuth(testUser, "wrong password")
		rp.unauthorized++
	case resp.Status == 401:
		// no credentials at all
	default:
		httpReq.SetBasicAuth(testUser, testPassword)
	}

	httpResp, err := http.DefaultClient.Do(httpReq)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, url, err)
	}
	var got any
	dec := json.NewDecoder(httpResp.Body)
	decErr := dec.Decode(&got)
	httpResp.Body.Close()
	rp.events.sync()
	rp.requestEnd[i] = len(rp.events.snapshot())
	rp.refreshLabels()

	what := fmt.Sprintf("%s %s%s (trace line %d, %d ms)", req.Method, req.Path, queryPart(req.Query), i+1, req.TMS)
	if httpResp.StatusCode != resp.Status {
		t.Errorf("%s: status %d, want %d", what, httpResp.StatusCode, resp.Status)
		return
	}
	var want any
	if string(resp.Body) != "null" {
		if err := json.Unmarshal(resp.Body, &want); err != nil {
			t.Fatalf("%s: recorded response body: %v", what, err)
		}
	}
	if want == nil {
		if decErr == nil {
			t.Errorf("%s: body %v, want none", what, got)
		}
		return
	}
	gotN, wantN := normalizeJSON(got, rp.simLB), normalizeJSON(want, rp.traceLB)
	if !reflect.DeepEqual(gotN, wantN) {
		g, _ := json.Marshal(gotN)
		w, _ := json.Marshal(wantN)
		t.Errorf("%s: response body differs\n got  %s\n want %s", what, g, w)
	}
}

func queryPart(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

// streamsOf groups events by entity.
func streamsOf(evs []map[string]any, times []int64, requests []int, lb *labeler) map[string][]observed {
	out := map[string][]observed{}
	for i, ev := range evs {
		streams, key, ok := project(ev, lb)
		if !ok {
			continue
		}
		for _, s := range streams {
			out[s] = append(out[s], observed{key: key, tms: times[i], order: requests[i]})
		}
	}
	return out
}

func (rp *replay) compareEvents() {
	t := rp.t
	// Trace side: an event between a request line and its response line preceded that response.
	var traceEvs []map[string]any
	var traceTimes []int64
	var traceReqs []int
	open := -1 // the request whose response has not been seen yet
	for i, l := range rp.lines {
		switch l.Dir {
		case "request":
			open = i
		case "response":
			open = -1
		case "event":
			traceEvs = append(traceEvs, l.event)
			traceTimes = append(traceTimes, l.TMS)
			traceReqs = append(traceReqs, open)
		}
	}

	simAll := rp.events.snapshot()
	simEvs := make([]map[string]any, len(simAll))
	simTimes := make([]int64, len(simAll))
	simOrder := make([]int, len(simAll))
	for i, e := range simAll {
		simEvs[i] = e.body
		ts, err := time.Parse(TimeFormat, str(e.body, "timestamp"))
		if err != nil {
			t.Fatalf("arisim event timestamp %q does not parse with %s: %v", str(e.body, "timestamp"), TimeFormat, err)
		}
		simTimes[i] = ts.Sub(rp.start).Milliseconds()
		simOrder[i] = i
	}

	compareShapes(t, traceEvs, simEvs)

	want := streamsOf(traceEvs, traceTimes, traceReqs, rp.traceLB)
	got := streamsOf(simEvs, simTimes, simOrder, rp.simLB)
	var names []string
	for name := range want {
		names = append(names, name)
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	compared := 0
	for _, stream := range want {
		compared += len(stream)
	}
	if compared == 0 {
		t.Fatal("the trace has no comparable events")
	}
	t.Logf("compared %d recorded events in %d entity streams and %d REST responses", compared, len(want), len(rp.requestEnd))
	for _, name := range names {
		w, g := want[name], got[name]
		n := max(len(w), len(g))
		for i := 0; i < n; i++ {
			if i >= len(w) {
				t.Errorf("%s: unexpected event %d: %s at %d ms", name, i+1, g[i].key, g[i].tms)
				continue
			}
			if i >= len(g) {
				t.Errorf("%s: missing event %d: %s at %d ms", name, i+1, w[i].key, w[i].tms)
				continue
			}
			if w[i].key != g[i].key {
				t.Errorf("%s: event %d differs\n got  %s\n want %s", name, i+1, g[i].key, w[i].key)
				break
			}
			if d := time.Duration(g[i].tms-w[i].tms) * time.Millisecond; d > eventTimeTolerance || d < -eventTimeTolerance {
				t.Errorf("%s: event %d (%s) at %d ms, want %d ms ± %s", name, i+1, str(decode(w[i].key), "type"), g[i].tms, w[i].tms, eventTimeTolerance)
			}
			if req := w[i].order; req >= 0 && g[i].order >= rp.requestEnd[req] {
				t.Errorf("%s: event %d (%s) must come before the response to %s %s (trace line %d)", name, i+1,
					str(decode(w[i].key), "type"), rp.lines[req].Method, rp.lines[req].Path, req+1)
			}
		}
	}
}

// compareShapes checks that, for every event type both sent, arisim's events have the same field
// names as Asterisk's, two levels deep ("channel.dialplan" but not its fields).
func compareShapes(t *testing.T, traceEvs, simEvs []map[string]any) {
	t.Helper()
	want, got := shapesByType(traceEvs), shapesByType(simEvs)
	var unsent []string
	for typ, w := range want {
		g, ok := got[typ]
		if !ok {
			unsent = append(unsent, typ)
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s fields differ\n got  %v\n want %v", typ, sortedKeys(g), sortedKeys(w))
		}
	}
	if len(unsent) > 0 {
		sort.Strings(unsent)
		t.Logf("recorded event types arisim did not send in this scenario (not compared): %v", unsent)
	}
}

func shapesByType(evs []map[string]any) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, ev := range evs {
		typ := str(ev, "type")
		if out[typ] == nil {
			out[typ] = map[string]bool{}
		}
		for k, v := range ev {
			out[typ][k] = true
			if inner, ok := v.(map[string]any); ok {
				for k2 := range inner {
					out[typ][k+"."+k2] = true
				}
			}
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func decode(key string) map[string]any {
	var m map[string]any
	_ = json.Unmarshal([]byte(key), &m)
	return m
}
