package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeEnvelope(t *testing.T) {
	tests := []struct {
		name     string
		frame    string
		wantCode string
		wantID   string
	}{
		{name: "valid command", frame: `{"v":1,"type":"call.answer","id":"a1","data":{"call_id":"c1"}}`},
		{name: "no data", frame: `{"v":1,"type":"ping","id":"p"}`},
		{name: "null data", frame: `{"v":1,"type":"ping","data":null}`},
		{name: "leading whitespace", frame: " \n{\"v\":1,\"type\":\"ping\"}"},
		{name: "empty frame", frame: ``, wantCode: CodeBadJSON},
		{name: "array", frame: `[1,2]`, wantCode: CodeBadJSON},
		{name: "truncated", frame: `{"v":1,"type":`, wantCode: CodeBadJSON},
		{name: "trailing garbage", frame: `{"v":1,"type":"ping"} x`, wantCode: CodeBadJSON},
		{name: "wrong field type", frame: `{"v":"1","type":"ping"}`, wantCode: CodeBadJSON},
		{name: "missing version", frame: `{"type":"ping","id":"x"}`, wantCode: CodeUnsupportedVersion, wantID: "x"},
		{name: "future version", frame: `{"v":2,"type":"ping","id":"x"}`, wantCode: CodeUnsupportedVersion, wantID: "x"},
		{name: "missing type", frame: `{"v":1,"id":"x"}`, wantCode: CodeInvalidRequest, wantID: "x"},
		{name: "unknown type", frame: `{"v":1,"type":"call.explode","id":"x"}`, wantCode: CodeUnknownType, wantID: "x"},
		{name: "server type sent by client", frame: `{"v":1,"type":"hello","id":"x"}`, wantCode: CodeUnknownType, wantID: "x"},
		{name: "data is a string", frame: `{"v":1,"type":"ping","id":"x","data":"hi"}`, wantCode: CodeInvalidRequest, wantID: "x"},
		{name: "data is an array", frame: `{"v":1,"type":"ping","id":"x","data":[]}`, wantCode: CodeInvalidRequest, wantID: "x"},
		{name: "id too long", frame: `{"v":1,"type":"ping","id":"` + strings.Repeat("i", MaxIDLength+1) + `"}`, wantCode: CodeInvalidRequest},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := DecodeEnvelope([]byte(tt.frame))
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("DecodeEnvelope(%s) = %v, want no error", tt.frame, err)
				}
				return
			}

			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("DecodeEnvelope(%s) error = %v, want a *DecodeError", tt.frame, err)
			}
			if de.Code != tt.wantCode {
				t.Errorf("code = %q, want %q (detail %q)", de.Code, tt.wantCode, de.Detail)
			}
			if de.ID != tt.wantID {
				t.Errorf("error id = %q, want %q", de.ID, tt.wantID)
			}
			if de.Detail == "" {
				t.Error("detail is empty, want a description of the problem")
			}
			_ = env
		})
	}
}

func TestDecodeCommand(t *testing.T) {
	callback := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

	tests := []struct {
		name    string
		frame   string
		want    Command
		wantErr string // substring of the detail
	}{
		{name: "ping", frame: `{"v":1,"type":"ping"}`, want: &Ping{}},
		{name: "available", frame: `{"v":1,"type":"agent.set_status","data":{"status":"available","endpoint":"PJSIP/1001"}}`,
			want: &SetStatus{Status: StateAvailable, Endpoint: "PJSIP/1001"}},
		{name: "paused with reason", frame: `{"v":1,"type":"agent.set_status","data":{"status":"paused","reason":"lunch"}}`,
			want: &SetStatus{Status: StatePaused, Reason: "lunch"}},
		{name: "paused without reason", frame: `{"v":1,"type":"agent.set_status","data":{"status":"paused"}}`, wantErr: "missing reason"},
		{name: "available with reason", frame: `{"v":1,"type":"agent.set_status","data":{"status":"available","reason":"x"}}`, wantErr: "only allowed"},
		{name: "unknown status", frame: `{"v":1,"type":"agent.set_status","data":{"status":"asleep"}}`, wantErr: `invalid status "asleep"`},
		{name: "answer", frame: `{"v":1,"type":"call.answer","data":{"call_id":"c1"}}`, want: &CallRef{CallID: "c1"}},
		{name: "answer without call id", frame: `{"v":1,"type":"call.answer","data":{}}`, wantErr: "missing call_id"},
		{name: "answer without data", frame: `{"v":1,"type":"call.answer"}`, wantErr: "missing call_id"},
		{name: "misspelt field", frame: `{"v":1,"type":"call.answer","data":{"callid":"c1"}}`, wantErr: "unknown field"},
		{name: "control character in id", frame: `{"v":1,"type":"call.hangup","data":{"call_id":"c\u0001"}}`, wantErr: "control characters"},
		{name: "transfer to queue", frame: `{"v":1,"type":"call.transfer","data":{"call_id":"c1","queue":"sales"}}`,
			want: &Transfer{CallID: "c1", Queue: "sales"}},
		{name: "transfer to both", frame: `{"v":1,"type":"call.transfer","data":{"call_id":"c1","queue":"q","agent_id":"a"}}`, wantErr: "both"},
		{name: "transfer to nobody", frame: `{"v":1,"type":"call.transfer","data":{"call_id":"c1"}}`, wantErr: "missing transfer target"},
		{name: "disposition with callback", frame: `{"v":1,"type":"call.disposition","data":{"call_id":"c1","code":"sale","note":"ok","callback_at":"2026-03-01T10:00:00Z"}}`,
			want: &SaveDisposition{CallID: "c1", Code: "sale", Note: "ok", CallbackAt: &callback}},
		{name: "note too long", frame: `{"v":1,"type":"call.disposition","data":{"call_id":"c1","code":"x","note":"` + strings.Repeat("я", MaxNoteLength+1) + `"}}`, wantErr: "characters long"},
		{name: "note at limit", frame: `{"v":1,"type":"call.disposition","data":{"call_id":"c1","code":"x","note":"` + strings.Repeat("я", MaxNoteLength) + `"}}`,
			want: &SaveDisposition{CallID: "c1", Code: "x", Note: strings.Repeat("я", MaxNoteLength)}},
		{name: "bad callback time", frame: `{"v":1,"type":"call.disposition","data":{"call_id":"c1","code":"x","callback_at":"tomorrow"}}`, wantErr: "invalid data"},
		{name: "contact create", frame: `{"v":1,"type":"contact.create","data":{"call_id":"c1","name":"Ирина","phones":[{"number":"+74951234567"}]}}`,
			want: &CreateContact{CallID: "c1", Name: "Ирина", Phones: []Phone{{Number: "+74951234567"}}}},
		{name: "contact without phone", frame: `{"v":1,"type":"contact.create","data":{"name":"X","phones":[]}}`, wantErr: "missing phones"},
		{name: "contact blank name", frame: `{"v":1,"type":"contact.create","data":{"name":"  ","phones":[{"number":"1"}]}}`, wantErr: "missing name"},
		{name: "history default limit", frame: `{"v":1,"type":"contact.history","data":{"contact_id":"k1"}}`, want: &GetHistory{ContactID: "k1", Limit: 20}},
		{name: "history limit too big", frame: `{"v":1,"type":"contact.history","data":{"contact_id":"k1","limit":1000}}`, wantErr: "invalid limit 1000"},
		{name: "search default limit", frame: `{"v":1,"type":"contact.search","data":{"q":"ива","tag":"vip"}}`,
			want: &SearchContacts{Query: "ива", Tag: "vip", Limit: DefaultSearchLimit}},
		{name: "search without data", frame: `{"v":1,"type":"contact.search"}`, want: &SearchContacts{Limit: DefaultSearchLimit}},
		{name: "search page", frame: `{"v":1,"type":"contact.search","data":{"q":"8 (916) 123-45-67","limit":100,"offset":200}}`,
			want: &SearchContacts{Query: "8 (916) 123-45-67", Limit: 100, Offset: 200}},
		{name: "search text at limit", frame: `{"v":1,"type":"contact.search","data":{"q":"` + strings.Repeat("ё", MaxSearchLength) + `"}}`,
			want: &SearchContacts{Query: strings.Repeat("ё", MaxSearchLength), Limit: DefaultSearchLimit}},
		{name: "search text too long", frame: `{"v":1,"type":"contact.search","data":{"q":"` + strings.Repeat("ё", MaxSearchLength+1) + `"}}`,
			wantErr: "invalid q: 201 characters long, the maximum is 200"},
		{name: "search control character", frame: `{"v":1,"type":"contact.search","data":{"q":"ив\u0000"}}`, wantErr: "control characters"},
		{name: "search limit zero sent", frame: `{"v":1,"type":"contact.search","data":{"limit":0}}`, want: &SearchContacts{Limit: DefaultSearchLimit}},
		{name: "search limit too big", frame: `{"v":1,"type":"contact.search","data":{"limit":101}}`, wantErr: "invalid limit 101: send 1 to 100"},
		{name: "search negative limit", frame: `{"v":1,"type":"contact.search","data":{"limit":-1}}`, wantErr: "invalid limit -1"},
		{name: "search negative offset", frame: `{"v":1,"type":"contact.search","data":{"offset":-5}}`, wantErr: "invalid offset -5"},
		{name: "search offset too deep", frame: `{"v":1,"type":"contact.search","data":{"offset":10001}}`, wantErr: "invalid offset 10001: send 0 to 10000"},
		{name: "search tag too long", frame: `{"v":1,"type":"contact.search","data":{"tag":"` + strings.Repeat("t", 65) + `"}}`, wantErr: "invalid tag"},
		{name: "search misspelt field", frame: `{"v":1,"type":"contact.search","data":{"query":"ива"}}`, wantErr: "unknown field"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := DecodeEnvelope([]byte(tt.frame))
			if err != nil {
				t.Fatalf("DecodeEnvelope: %v", err)
			}

			cmd, err := DecodeCommand(env)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("DecodeCommand = %#v, want an error containing %q", cmd, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
				}
				if code := AsDecodeError(err).Code; code != CodeInvalidRequest {
					t.Errorf("code = %q, want %q", code, CodeInvalidRequest)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeCommand: %v", err)
			}
			if !reflect.DeepEqual(cmd, tt.want) {
				t.Errorf("command = %#v, want %#v", cmd, tt.want)
			}
		})
	}
}

func TestClientTypesAllDecodable(t *testing.T) {
	for _, typ := range ClientTypes() {
		if NewCommand(typ) == nil {
			t.Errorf("NewCommand(%q) = nil, want a command", typ)
		}
		if _, err := DecodeEnvelope([]byte(`{"v":1,"type":"` + typ + `"}`)); err != nil {
			t.Errorf("DecodeEnvelope of type %q: %v", typ, err)
		}
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	offer := CallOffered{
		CallID: "c1", Queue: "support", Caller: Caller{Number: "+74951234567"},
		WaitSeconds: 12.5, OfferedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Unknown: true,
	}

	frame, err := Encode(TypeCallOffered, "", offer)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}

	var env Envelope
	if err := json.Unmarshal(frame, &env); err != nil {
		t.Fatalf("unmarshal envelope: %v", err)
	}
	if env.V != Version || env.Type != TypeCallOffered || env.ID != "" {
		t.Errorf("envelope = v %d type %q id %q, want v %d type %q and no id", env.V, env.Type, env.ID, Version, TypeCallOffered)
	}

	var got CallOffered
	if err := json.Unmarshal(env.Data, &got); err != nil {
		t.Fatalf("unmarshal data: %v", err)
	}
	if !reflect.DeepEqual(got, offer) {
		t.Errorf("round trip = %#v, want %#v", got, offer)
	}
	if !bytes.Contains(frame, []byte(`"unknown":true`)) {
		t.Errorf("frame %s lacks \"unknown\":true", frame)
	}
}
