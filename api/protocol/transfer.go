package protocol

// TypeTransferTargets requests what an agent can transfer a call to. Only agents may send
// it; its ack carries TransferTargets.
const TypeTransferTargets = "transfer.targets"

// GetTransferTargets requests the transfer targets. It has no fields.
type GetTransferTargets struct{}

// Validate implements Command.
func (*GetTransferTargets) Validate() error { return nil }

// TransferTargets is the reply to transfer.targets: every configured queue, in the order of
// the configuration, and every signed-in agent except the one who asked, sorted by name.
// It is a snapshot. An agent may become busy or sign out before the transfer, which then
// fails with a conflict whose reason names the cause.
type TransferTargets struct {
	Queues []TransferQueue `json:"queues"`
	Agents []TransferAgent `json:"agents"`
}

// TransferQueue is a queue that a call can be transferred to.
type TransferQueue struct {
	Name string `json:"name"`
	// Waiting counts the calls waiting in the queue.
	Waiting int `json:"waiting"`
	// Available counts the queue's agents who are available now.
	Available int `json:"available"`
}

// TransferAgent is a signed-in agent. Only an agent whose State is available accepts a
// transfer; the others are listed so that the desk can show who is busy.
type TransferAgent struct {
	AgentID string `json:"agent_id"`
	// Name is the agent's display name, empty for a moment after the node adopts a call
	// of an agent it has not loaded yet.
	Name  string `json:"name,omitempty"`
	State string `json:"state"`
	// Reason is the pause reason code when State is paused.
	Reason string `json:"reason,omitempty"`
}
