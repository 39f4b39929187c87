// Package agentui embeds the browser desk built by Vite into the Go binary.
//
// Run `make ui` (or `make build`) first; before that the embedded tree holds only dist/README.md,
// and Built reports false so that the server can say why the desk is missing.
package agentui

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS returns the built desk rooted at its index.html.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "dist" is a constant valid one.
		panic(err)
	}
	return sub
}

// Built reports whether the embedded tree holds a desk build rather than only the placeholder.
func Built() bool {
	_, err := fs.Stat(FS(), "index.html")
	return err == nil
}
