// Types of the versioned WebSocket protocol that docs/protocol.md describes. They mirror the
// Go package api/protocol; field names are the JSON names.

export const protocolVersion = 1;

export interface Envelope<T = unknown> {
  v: number;
  type: string;
  id?: string;
  data?: T;
}

export interface User {
  id: string;
  name: string;
  roles: string[];
  locale: string;
}

export interface AgentState {
  agent_id: string;
  state: string;
  reason?: string;
  since: string;
  endpoint?: string;
}

export interface Phone { number: string; label?: string }

export interface Interaction {
  id: string;
  at: string;
  channel: string;
  direction?: string;
  agent_name?: string;
  queue?: string;
  disposition?: string;
  note?: string;
  talk_seconds?: number;
}

export interface Ticket { id: string; subject: string; status: string; priority?: string; opened: string }

export interface Card {
  contact_id: string;
  name: string;
  company?: string;
  phones: Phone[];
  emails?: string[];
  tags: string[];
  vip: boolean;
  interactions: Interaction[];
  open_tickets: Ticket[];
}

export interface CallOffered {
  call_id: string;
  queue: string;
  caller: { number: string; name?: string };
  wait_seconds: number;
  ring_timeout_seconds?: number;
  offered_at: string;
  unknown: boolean;
  contact?: Card;
  // campaign is set for a call an outbound campaign placed; caller.number is then the number dialed.
  campaign?: CampaignCall;
  // withheld is set when the network withheld the caller's number: caller.number is then a
  // marker such as "anonymous" or empty, not a number.
  withheld?: boolean;
}

export interface CampaignCall {
  campaign: string;
  lead_id: string;
  lead_name?: string;
}

export interface CallState {
  phase: "ringing" | "talking" | "held" | "wrapup";
  offer: CallOffered;
  answered_at?: string;
  wrapup_until?: string;
  dispositions?: Disposition[];
}

export interface Hello {
  protocol: number;
  server_time: string;
  ping_interval_seconds: number;
  user: User;
  agent?: AgentState;
  call?: CallState;
}

export interface CallAnswered { call_id: string; agent_id: string; answered_at: string }
export interface CallHeld { call_id: string; on_hold: boolean }
export interface CallEnded { call_id: string; reason: string; cause?: number; ended_at: string; talk_seconds: number }
export interface Disposition { code: string; label: string }
export interface WrapupStarted { call_id: string; until: string; dispositions?: Disposition[] }
export interface ErrorData { code: string; message: string; detail?: string }

export interface QueueStats {
  queue: string;
  at: string;
  waiting: number;
  longest_wait_seconds: number;
  estimated_wait_seconds?: number;
  agents: Record<string, number>;
  answered: number;
  abandoned: number;
  overflowed: number;
  service_level?: number;
  abandoned_ratio: number;
}

// ContactPhone, ContactSummary and ContactList are the reply to contact.search.
export interface ContactPhone { number: string; entered: string; extension?: string; label?: string; primary?: boolean }

export interface ContactSummary {
  contact_id: string;
  name: string;
  first_name?: string;
  last_name?: string;
  middle_name?: string;
  company?: string;
  phones: ContactPhone[];
  emails: string[];
  tags: string[];
  vip: boolean;
}

export interface ContactList { contacts: ContactSummary[]; more: boolean }

// History is the reply to contact.history.
export interface History { contact_id: string; interactions: Interaction[] }
