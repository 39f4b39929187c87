package calllog

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadBatch feeds arbitrary spool files to the batch decoder: it must not panic, and
// every entry it accepts must pass validation, because applying an entry trusts it.
func FuzzReadBatch(f *testing.F) {
	f.Add([]byte(`{"record":{"CallID":"c1","Direction":"inbound","Outcome":"answered","ArrivedAt":"2026-12-04T10:00:00Z","HangupCause":16}}` + "\n"))
	f.Add([]byte(`{"disposition":{"CallID":"c1","Code":"resolved","Note":"готово"}}` + "\n"))
	f.Add([]byte(`{"contact":{"CallID":"c1","ContactID":7}}` + "\n"))
	f.Add([]byte(`{"record":null,"disposition":null}` + "\n"))
	f.Add([]byte("{\"record\":{\"CallID\":\"c1\"}}\n{\"disposition\"\n"))
	f.Add([]byte{})

	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "batch.jsonl")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		entries, err := readBatch(path)
		if err != nil {
			return
		}
		for i, e := range entries {
			if verr := e.validate(); verr != nil {
				t.Fatalf("entry %d accepted but invalid: %v", i, verr)
			}
			if e.callID() == "" {
				t.Fatalf("entry %d accepted without a call id", i)
			}
		}
	})
}
