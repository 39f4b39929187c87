package protocol

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// TestDocExamples decodes every JSON example in docs/protocol.md: client commands through
// the real decoder, server messages strictly into their Go types, so the page cannot drift
// from the code.
func TestDocExamples(t *testing.T) {
	page, err := os.ReadFile("../../docs/protocol.md")
	if err != nil {
		t.Fatalf("read protocol page: %v", err)
	}

	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllSubmatch(page, -1)
	if len(blocks) < 20 {
		t.Fatalf("found %d JSON examples, want at least 20: has the page lost its examples?", len(blocks))
	}

	seen := make(map[string]bool)
	for _, b := range blocks {
		example := b[1]

		var env Envelope
		if err := json.Unmarshal(example, &env); err != nil {
			t.Errorf("example is not valid JSON: %v\n%s", err, example)
			continue
		}
		seen[env.Type] = true

		if NewCommand(env.Type) != nil {
			parsed, err := DecodeEnvelope(example)
			if err == nil {
				_, err = DecodeCommand(parsed)
			}
			if err != nil {
				t.Errorf("client example rejected: %v\n%s", err, example)
			}
			continue
		}

		target := serverDataType(env.Type)
		if target == nil {
			t.Errorf("example has unknown type %q", env.Type)
			continue
		}
		if len(env.Data) == 0 {
			continue
		}
		if err := DecodeData(env.Data, target); err != nil {
			t.Errorf("%s example does not match its Go type: %v\n%s", env.Type, err, example)
		}
	}

	for _, typ := range append(ClientTypes(), TypeHello, TypeAgentState, TypeCallOffered, TypeCallAnswered,
		TypeCallHeld, TypeCallEnded, TypeWrapupStarted, TypeQueueStats, TypeAck, TypeError, TypePong,
		TypeSuperviseStarted, TypeSuperviseModeChanged, TypeSuperviseEnded) {
		if !seen[typ] {
			t.Errorf("message type %q has no example in docs/protocol.md", typ)
		}
	}
}

// serverDataType returns a pointer to the data type of a server message. An ack's data
// depends on the command, so it is checked against the union of the result types.
func serverDataType(msgType string) any {
	switch msgType {
	case TypeHello:
		return &Hello{}
	case TypeAgentState:
		return &AgentState{}
	case TypeCallOffered:
		return &CallOffered{}
	case TypeCallAnswered:
		return &CallAnswered{}
	case TypeCallHeld:
		return &CallHeld{}
	case TypeCallEnded:
		return &CallEnded{}
	case TypeWrapupStarted:
		return &WrapupStarted{}
	case TypeQueueStats:
		return &QueueStats{}
	case TypeError:
		return &ErrorData{}
	case TypePong:
		return &struct{}{}
	case TypeAck:
		return &ackResult{}
	case TypeSuperviseStarted:
		return &SuperviseStarted{}
	case TypeSuperviseModeChanged:
		return &SuperviseModeChanged{}
	case TypeSuperviseEnded:
		return &SuperviseEnded{}
	}
	return nil
}

// ackResult accepts the fields of every ack result: a card, a history page, a page of
// search results, the transfer targets or the callbacks.
type ackResult struct {
	Card
	Interactions []Interaction    `json:"interactions"`
	Contacts     []ContactSummary `json:"contacts"`
	More         bool             `json:"more"`
	Queues       []TransferQueue  `json:"queues"`
	Agents       []TransferAgent  `json:"agents"`
	Callbacks    []Callback       `json:"callbacks"`
}
