package arisim

import (
	"sort"
	"strings"
)

// AsteriskVersion is the Asterisk release whose behaviour the simulator reproduces.
const AsteriskVersion = "22.10.1"

func (s *Server) restAsteriskInfo(w writerRequest, _ map[string]string) {
	s.mu.Lock()
	startup := s.startup.Format(TimeFormat)
	s.mu.Unlock()
	w.json(200, map[string]any{
		"build": map[string]any{
			"os": "Linux", "kernel": "", "machine": "x86_64", "options": "arisim",
			"date": "", "user": "arisim",
		},
		"system": map[string]any{"version": AsteriskVersion, "entity_id": s.opts.AsteriskID},
		"config": map[string]any{
			"name": "arisim", "default_language": "en",
			"setid": map[string]string{"user": "asterisk", "group": "asterisk"},
		},
		"status": map[string]any{"startup_time": startup, "last_reload_time": startup},
	})
}

func (s *Server) restAsteriskPing(w writerRequest, _ map[string]string) {
	w.json(200, map[string]string{
		"asterisk_id": s.opts.AsteriskID, "ping": "pong", "timestamp": s.clock.Now().Format(TimeFormat),
	})
}

type applicationJSON struct {
	Name             string   `json:"name"`
	ChannelIDs       []string `json:"channel_ids"`
	BridgeIDs        []string `json:"bridge_ids"`
	EndpointIDs      []string `json:"endpoint_ids"`
	DeviceNames      []string `json:"device_names"`
	EventsAllowed    []any    `json:"events_allowed"`
	EventsDisallowed []any    `json:"events_disallowed"`
}

// applicationJSON describes app; the caller holds s.mu.
func (s *Server) application(app string) applicationJSON {
	j := applicationJSON{
		Name: app, ChannelIDs: []string{}, BridgeIDs: []string{}, EndpointIDs: []string{},
		DeviceNames: []string{}, EventsAllowed: []any{}, EventsDisallowed: []any{},
	}
	for _, c := range s.chanOrder {
		if c.app == app {
			j.ChannelIDs = append(j.ChannelIDs, c.id)
		}
	}
	for id := range s.bridges {
		j.BridgeIDs = append(j.BridgeIDs, id)
	}
	sort.Strings(j.BridgeIDs)
	return j
}

func (s *Server) restApplications(w writerRequest, _ map[string]string) {
	s.mu.Lock()
	names := make([]string, 0, len(s.apps))
	for app := range s.apps {
		names = append(names, app)
	}
	sort.Strings(names)
	list := make([]applicationJSON, 0, len(names))
	for _, app := range names {
		list = append(list, s.application(app))
	}
	s.mu.Unlock()
	w.json(200, list)
}

func (s *Server) restApplication(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	if !s.appConnected(vars["app"]) {
		s.mu.Unlock()
		w.error(404, "Application not found")
		return
	}
	j := s.application(vars["app"])
	s.mu.Unlock()
	w.json(200, j)
}

// endpoints lists the configured PJSIP endpoints; the caller holds s.mu.
func (s *Server) endpoints() []endpointJSON {
	list := make([]endpointJSON, 0, len(s.opts.PJSIPEndpoints))
	for _, res := range s.opts.PJSIPEndpoints {
		e := endpointJSON{Technology: "PJSIP", Resource: res, State: "offline", ChannelIDs: []string{}}
		if s.registered[res] {
			e.State = "online"
		}
		for _, c := range s.chanOrder {
			if c.kind == kindPJSIP && c.endpoint == "PJSIP/"+res {
				e.ChannelIDs = append(e.ChannelIDs, c.id)
			}
		}
		list = append(list, e)
	}
	return list
}

func (s *Server) restEndpoints(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	all := s.endpoints()
	s.mu.Unlock()
	tech := vars["tech"]
	if tech == "" {
		w.json(200, all)
		return
	}
	if !strings.EqualFold(tech, "PJSIP") {
		w.error(404, "No Endpoints found - invalid tech "+tech)
		return
	}
	w.json(200, all)
}

func (s *Server) restEndpoint(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	all := s.endpoints()
	s.mu.Unlock()
	for _, e := range all {
		if strings.EqualFold(e.Technology, vars["tech"]) && e.Resource == vars["resource"] {
			w.json(200, e)
			return
		}
	}
	w.error(404, "Endpoint not found")
}
