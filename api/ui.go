package api

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/switchboard-cc/switchboard/api/session"
)

// uiNotBuilt is the page served at / when the binary was built without the browser app.
const uiNotBuilt = `<!doctype html><meta charset="utf-8"><title>Switchboard</title>
<p>Интерфейс оператора не собран: выполните <code>make ui</code> и пересоберите программу.</p>
<p>The agent desk is not built: run <code>make ui</code> and rebuild the binary.</p>
`

// handleUI serves the browser app. Vite puts content-hashed files under assets/, so they are
// cached for a year. Everything else, index.html above all, is revalidated on every load, so
// that a new release reaches browsers at once. Paths without a file extension that match no
// file get index.html, so the app's own routes survive a reload.
func (s *Server) handleUI(w http.ResponseWriter, r *http.Request, _ session.Session) {
	if s.opts.UI == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(uiNotBuilt))
		return
	}

	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}

	info, err := fs.Stat(s.opts.UI, name)
	switch {
	case err == nil && !info.IsDir():
	case (err == nil && info.IsDir()) || (errors.Is(err, fs.ErrNotExist) && path.Ext(name) == ""):
		name = "index.html"
	default:
		http.NotFound(w, r)
		return
	}

	if strings.HasPrefix(name, "assets/") {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}

	// ServeFileFS would redirect a request for index.html to its directory; serving the
	// content directly avoids that and the directory listing.
	f, err := s.opts.UI.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()

	stat, err := f.Stat()
	if err != nil {
		http.NotFound(w, r)
		return
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		http.ServeFileFS(w, r, s.opts.UI, name)
		return
	}
	http.ServeContent(w, r, name, stat.ModTime(), rs)
}
