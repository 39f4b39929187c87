package protocol

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecodeFrame feeds arbitrary bytes to the inbound decoder. It must never panic; a
// frame it accepts must survive a re-encode and decode unchanged, and every rejection must
// carry a known code.
func FuzzDecodeFrame(f *testing.F) {
	seeds := []string{
		`{"v":1,"type":"ping","id":"1"}`,
		`{"v":1,"type":"agent.set_status","id":"2","data":{"status":"paused","reason":"lunch"}}`,
		`{"v":1,"type":"call.answer","data":{"call_id":"c1"}}`,
		`{"v":1,"type":"call.transfer","data":{"call_id":"c1","agent_id":"a2"}}`,
		`{"v":1,"type":"call.disposition","data":{"call_id":"c1","code":"sale","note":"перезвонить","callback_at":"2026-03-01T10:00:00+03:00"}}`,
		`{"v":1,"type":"contact.create","data":{"name":"Ирина","phones":[{"number":"+74951234567","label":"mobile"}]}}`,
		`{"v":1,"type":"contact.history","data":{"contact_id":"k","limit":5,"before":"2026-01-01T00:00:00Z"}}`,
		`{"v":1,"type":"contact.search","data":{"q":"Иванов 8 (916)","tag":"vip","limit":100,"offset":50}}`,
		`{"v":2,"type":"ping"}`,
		`{"v":1,"type":"x"}`,
		`[]`, `null`, `{`, "\xff\xfe",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}

	known := make(map[string]bool)
	for _, c := range Codes() {
		known[c] = true
	}

	f.Fuzz(func(t *testing.T, frame []byte) {
		env, err := DecodeEnvelope(frame)
		if err != nil {
			if de := AsDecodeError(err); !known[de.Code] {
				t.Fatalf("DecodeEnvelope(%q) code %q is not a known code", frame, de.Code)
			}
			return
		}

		cmd, err := DecodeCommand(env)
		if err != nil {
			if de := AsDecodeError(err); !known[de.Code] {
				t.Fatalf("DecodeCommand(%q) code %q is not a known code", frame, de.Code)
			}
			return
		}

		again, err := Encode(env.Type, env.ID, cmd)
		if err != nil {
			t.Fatalf("re-encode accepted frame %q: %v", frame, err)
		}
		env2, err := DecodeEnvelope(again)
		if err != nil {
			t.Fatalf("re-encoded frame %s rejected: %v", again, err)
		}
		cmd2, err := DecodeCommand(env2)
		if err != nil {
			t.Fatalf("re-encoded frame %s rejected: %v", again, err)
		}
		if !equalJSON(t, cmd, cmd2) {
			t.Fatalf("round trip changed the command: %#v became %#v", cmd, cmd2)
		}
	})
}

// equalJSON compares two commands by their JSON form, so that time values with equal
// instants but different monotonic or location data compare equal.
func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()

	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var va, vb any
	_ = json.Unmarshal(ja, &va)
	_ = json.Unmarshal(jb, &vb)
	return reflect.DeepEqual(va, vb)
}
