package main

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"
)

// version is set at link time: go build -ldflags "-X main.version=v1.2.3". When it is
// empty, buildVersion falls back to the module version and VCS data in the build info.
var version string

// buildInfo is the version data that `switchboard version` prints and the start-up log records.
type buildInfo struct {
	Version   string
	Revision  string
	Modified  bool
	GoVersion string
}

func readBuildInfo() buildInfo {
	info := buildInfo{Version: version}
	build, ok := debug.ReadBuildInfo()
	if !ok {
		if info.Version == "" {
			info.Version = "unknown"
		}
		return info
	}

	info.GoVersion = build.GoVersion
	for _, setting := range build.Settings {
		switch setting.Key {
		case "vcs.revision":
			info.Revision = setting.Value
		case "vcs.modified":
			info.Modified = setting.Value == "true"
		}
	}
	if info.Version == "" {
		// "(devel)" for a build from a working tree, the module version for `go install`.
		info.Version = build.Main.Version
	}
	return info
}

func (b buildInfo) String() string {
	s := "switchboard " + b.Version
	if b.Revision != "" {
		s += " (" + b.Revision
		if b.Modified {
			s += ", modified"
		}
		s += ")"
	}
	if b.GoVersion != "" {
		s += " " + b.GoVersion
	}
	return s
}

func versionCommand(_ *flag.FlagSet, inv *invocation) func(context.Context, []string) error {
	return func(context.Context, []string) error {
		_, err := fmt.Fprintln(inv.env.stdout, readBuildInfo())
		return err
	}
}
