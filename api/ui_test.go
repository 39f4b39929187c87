package api_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

func TestUIServesBuiltApp(t *testing.T) {
	opts := testOptions()
	opts.UI = fstest.MapFS{
		"index.html":             {Data: []byte("<!doctype html><title>desk</title>")},
		"assets/index-3f9a1c.js": {Data: []byte("console.log(1)")},
		"favicon.svg":            {Data: []byte("<svg/>")},
	}
	h := newHarness(t, opts)

	tests := []struct {
		path        string
		wantStatus  int
		wantBody    string
		wantCache   string
		wantTypeHas string
	}{
		{path: "/", wantStatus: 200, wantBody: "<title>desk</title>", wantCache: "no-cache", wantTypeHas: "text/html"},
		{path: "/index.html", wantStatus: 200, wantBody: "<title>desk</title>", wantCache: "no-cache", wantTypeHas: "text/html"},
		{path: "/calls/history", wantStatus: 200, wantBody: "<title>desk</title>", wantCache: "no-cache", wantTypeHas: "text/html"},
		{path: "/assets/index-3f9a1c.js", wantStatus: 200, wantBody: "console.log(1)", wantCache: "public, max-age=31536000, immutable", wantTypeHas: "javascript"},
		{path: "/favicon.svg", wantStatus: 200, wantBody: "<svg/>", wantCache: "no-cache", wantTypeHas: "image/svg"},
		{path: "/assets/missing.js", wantStatus: 404},
		{path: "/../../etc/passwd", wantStatus: 200, wantBody: "<title>desk</title>"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := h.do(t, request{method: http.MethodGet, path: tt.path})
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("body = %q, want it to contain %q", body, tt.wantBody)
			}
			if tt.wantCache != "" && resp.Header.Get("Cache-Control") != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", resp.Header.Get("Cache-Control"), tt.wantCache)
			}
			if !strings.Contains(resp.Header.Get("Content-Type"), tt.wantTypeHas) {
				t.Errorf("Content-Type = %q, want it to contain %q", resp.Header.Get("Content-Type"), tt.wantTypeHas)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("missing X-Content-Type-Options: nosniff")
			}
		})
	}
}

func TestUINotBuilt(t *testing.T) {
	h := newHarness(t, testOptions())

	resp, body := h.do(t, request{method: http.MethodGet, path: "/"})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status = %d, want 404", resp.StatusCode)
	}
	for _, want := range []string{"make ui", "не собран", "not built"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %q: %s", want, body)
		}
	}
}
