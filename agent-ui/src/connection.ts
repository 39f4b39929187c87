import { Envelope, ErrorData, protocolVersion } from "./protocol";

type Handler = (env: Envelope) => void;

interface Pending {
  resolve: (data: unknown) => void;
  reject: (err: ErrorData) => void;
}

// closeSessionEnded is the close code the server sends when the session was logged out or
// expired. Reconnecting cannot help, so the desk goes back to the login page.
const closeSessionEnded = 4001;
const firstBackoffMs = 500;
const maxBackoffMs = 30_000;

// Connection keeps one WebSocket to /api/v1/ws open, reconnecting with jittered exponential
// backoff. The server re-sends the whole desk state in its hello frame after every
// (re)connect, so nothing has to be replayed from this side.
export class Connection {
  private ws?: WebSocket;
  private nextID = 1;
  private pending = new Map<string, Pending>();
  private backoffMs = firstBackoffMs;
  private closed = false;

  constructor(
    private readonly onMessage: Handler,
    private readonly onStatus: (online: boolean) => void,
    private readonly onSessionEnded: () => void,
  ) {}

  open(): void {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/api/v1/ws`);
    this.ws = ws;

    ws.onopen = () => {
      this.backoffMs = firstBackoffMs;
      this.onStatus(true);
    };
    ws.onmessage = (ev) => this.dispatch(String(ev.data));
    ws.onclose = (ev) => {
      this.onStatus(false);
      for (const p of this.pending.values()) {
        p.reject({ code: "disconnected", message: "" });
      }
      this.pending.clear();
      if (this.closed) return;
      if (ev.code === closeSessionEnded) {
        this.closed = true;
        this.onSessionEnded();
        return;
      }
      // Full jitter spreads the reconnects of many desks after a server restart.
      const delay = firstBackoffMs / 2 + Math.random() * this.backoffMs;
      setTimeout(() => void this.reconnect(), delay);
      this.backoffMs = Math.min(this.backoffMs * 2, maxBackoffMs);
    };
  }

  // reconnect opens the WebSocket again unless the session is gone: a restarted server that
  // keeps sessions in memory has forgotten it, and the upgrade's 401 is not visible to
  // scripts, so the session is checked first.
  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      const res = await fetch("/api/v1/me", { credentials: "same-origin" });
      if (res.status === 401) {
        this.closed = true;
        this.onSessionEnded();
        return;
      }
    } catch {
      // The server is still unreachable; the WebSocket attempt below fails and backs off.
    }
    this.open();
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }

  // send issues a command and resolves with the data of its ack, or rejects with the error
  // frame's data.
  send<T = unknown>(type: string, data?: unknown): Promise<T> {
    const id = `c-${this.nextID++}`;
    const env: Envelope = { v: protocolVersion, type, id, data };
    return new Promise<T>((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject({ code: "disconnected", message: "" });
        return;
      }
      this.pending.set(id, { resolve: resolve as (d: unknown) => void, reject });
      this.ws.send(JSON.stringify(env));
    });
  }

  private dispatch(raw: string): void {
    let env: Envelope;
    try {
      env = JSON.parse(raw) as Envelope;
    } catch {
      console.warn("switchboard: ignoring a frame that is not JSON");
      return;
    }

    if (env.id && (env.type === "ack" || env.type === "error")) {
      const p = this.pending.get(env.id);
      if (p) {
        this.pending.delete(env.id);
        if (env.type === "ack") p.resolve(env.data);
        else p.reject(env.data as ErrorData);
        return;
      }
    }
    this.onMessage(env);
  }
}
