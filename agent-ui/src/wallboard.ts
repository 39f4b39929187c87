import { Connection } from "./connection";
import { clear, h } from "./dom";
import { currentLanguage, t } from "./i18n";
import { languagePicker } from "./language";
import { pageLink } from "./pages";
import { AgentState, Envelope, ErrorData, Hello, QueueStats, User } from "./protocol";
import { logout } from "./session";

const agentStates = ["available", "reserved", "on_call", "wrapup", "paused"];
const superviseModes = ["listen", "whisper", "barge"];

// Supervision is the supervisor's session on an agent's call as the wallboard tracks it. mode
// is the last mode the supervisor chose, and applied the mode the server confirmed, which is
// undefined while the supervisor's phone rings.
interface Supervision {
  agentId: string;
  mode: string;
  applied?: string;
}

// WallboardAgent is an agent as supervisors see it: agent.state frames and the agents of the
// hello's wallboard carry the display name and the current call.
interface WallboardAgent extends AgentState {
  name?: string;
  call?: { call_id: string; queue?: string; caller: { number: string; name?: string } };
}

// SupervisorHello is the hello a supervisor gets: every queue and every signed-in agent at
// the moment the connection opened.
interface SupervisorHello extends Hello {
  wallboard?: { queues: QueueStats[]; agents: WallboardAgent[] };
  supervision?: { agent_id: string; call_id: string; mode: string; active?: string };
}

// Wallboard is a supervisor's live view: every queue's waiting calls, waits, agents by state and
// service level, and every signed-in agent by name with their state, time in state and call.
// It starts from the snapshot in hello, so it is complete at once after every (re)connect,
// and follows queue.stats and agent.state frames.
export class Wallboard {
  private conn: Connection;
  private queues = new Map<string, QueueStats>();
  private agents = new Map<string, WallboardAgent>();
  private online = false;
  // received turns true with the first hello. Before it the board has no data at all.
  private received = false;
  // clockOffsetMs is the server's clock minus the browser's, from hello.server_time, so that
  // the time in state does not depend on the browser's clock.
  private clockOffsetMs = 0;
  private ticker?: number;
  // supervision is the running session, if any; every hello restores it.
  private supervision?: Supervision;

  private header = h("header");
  private queuePanel = h("section", { class: "panel", "data-testid": "queues" });
  private agentPanel = h("section", { class: "panel", "data-testid": "agents" });
  private message = h("p", { role: "status", "data-testid": "supervise-message" });

  constructor(private root: HTMLElement, private user: User, private onSignedOut: () => void) {
    this.conn = new Connection((env) => this.handle(env), (online) => {
      this.online = online;
      this.renderHeader();
    }, () => this.stop());
  }

  start(): void {
    clear(this.root);
    document.title = t("wallboard.title");
    this.root.append(this.header, h("main", { class: "board" }, this.queuePanel, this.agentPanel), this.message);
    this.render();
    this.conn.open();
    this.ticker = window.setInterval(() => this.updateTimes(), 1000);
  }

  private stop(): void {
    window.clearInterval(this.ticker);
    this.onSignedOut();
  }

  // close ends the page's connection and clock when the user opens another page.
  close(): void {
    window.clearInterval(this.ticker);
    this.conn.close();
  }

  private handle(env: Envelope): void {
    switch (env.type) {
      case "hello": {
        // Every connect starts over from the snapshot, because the server does not replay the
        // frames missed while offline.
        const hello = env.data as SupervisorHello;
        this.clockOffsetMs = Date.parse(hello.server_time) - Date.now();
        this.queues.clear();
        this.agents.clear();
        for (const q of hello.wallboard?.queues ?? []) this.queues.set(q.queue, q);
        for (const a of hello.wallboard?.agents ?? []) this.agents.set(a.agent_id, a);
        const running = hello.supervision;
        this.supervision = running ? { agentId: running.agent_id, mode: running.mode, applied: running.active } : undefined;
        this.received = true;
        this.renderQueues();
        this.renderAgents();
        break;
      }
      case "queue.stats": {
        const q = env.data as QueueStats;
        this.queues.set(q.queue, q);
        this.renderQueues();
        break;
      }
      case "agent.state": {
        const a = env.data as WallboardAgent;
        if (a.state === "logged_out") this.agents.delete(a.agent_id);
        else this.agents.set(a.agent_id, a);
        this.renderAgents();
        break;
      }
      case "supervise.started":
      case "supervise.mode_changed": {
        const d = env.data as { agent_id: string; mode: string };
        if (this.supervision?.agentId === d.agent_id) {
          this.supervision.applied = d.mode;
          this.note("");
        }
        this.renderAgents();
        break;
      }
      case "supervise.ended": {
        const d = env.data as { agent_id: string; reason: string };
        if (this.supervision?.agentId === d.agent_id) this.supervision = undefined;
        this.note(t(`supervise.ended.${d.reason}`, { defaultValue: t("supervise.ended.stopped") }), d.reason !== "stopped");
        this.renderAgents();
        break;
      }
    }
  }

  private render(): void {
    this.renderHeader();
    this.renderQueues();
    this.renderAgents();
  }

  private renderHeader(): void {
    clear(this.header);
    const signOut = h("button", { "data-testid": "logout" }, t("header.logout"));
    signOut.addEventListener("click", async () => {
      this.conn.close();
      await logout().catch(() => undefined);
      this.stop();
    });
    this.header.append(
      h("strong", {}, "Switchboard"),
      h("span", { "data-testid": "user-name" }, this.user.name),
      h("span", {}, t("wallboard.title")),
      h("span", { class: "spacer" }),
      pageLink("nav-contacts", t("contacts.nav"), "/contacts"),
      h("span", { "data-testid": "connection", class: this.online ? "" : "conn-offline" },
        this.online ? t("connection.online") : t("connection.offline")),
      languagePicker(() => { document.title = t("wallboard.title"); this.render(); }),
      signOut,
    );
  }

  private renderQueues(): void {
    clear(this.queuePanel);
    this.queuePanel.append(h("h2", {}, t("wallboard.queues")));
    if (this.queues.size === 0) {
      this.queuePanel.append(h("p", {}, t(this.received ? "wallboard.no_queues" : "wallboard.waiting_for_stats")));
      return;
    }
    const head = h("tr", {},
      ...["queue", "waiting", "longest_wait", "estimated_wait", "agents", "answered", "abandoned", "service_level"]
        .map((k) => h("th", {}, t(`wallboard.${k}`))));
    const rows = [...this.queues.values()].sort((a, b) => a.queue.localeCompare(b.queue)).map((q) =>
      h("tr", { "data-testid": `queue-${q.queue}` },
        h("td", {}, q.queue),
        h("td", { "data-testid": "waiting" }, String(q.waiting)),
        h("td", {}, duration(q.longest_wait_seconds)),
        h("td", {}, q.estimated_wait_seconds === undefined ? "—" : duration(q.estimated_wait_seconds)),
        h("td", {}, agentStates.filter((s) => q.agents[s]).map((s) => `${t(stateKey(s))}: ${q.agents[s]}`).join(", ") || "—"),
        h("td", {}, String(q.answered)),
        h("td", {}, `${q.abandoned} (${percent(q.abandoned_ratio)})`),
        h("td", {}, q.service_level === undefined ? "—" : percent(q.service_level)),
      ));
    this.queuePanel.append(h("table", { class: "board" }, h("thead", {}, head), h("tbody", {}, ...rows)));
  }

  private renderAgents(): void {
    clear(this.agentPanel);
    this.agentPanel.append(h("h2", {}, t("wallboard.agents")));
    if (this.agents.size === 0) {
      this.agentPanel.append(h("p", {}, t("wallboard.no_agents")));
      return;
    }
    // An agent whose name has not reached this node yet is listed under the id.
    const label = (a: WallboardAgent) => a.name || a.agent_id;
    const collator = new Intl.Collator(currentLanguage());
    const sorted = [...this.agents.values()].sort((a, b) => collator.compare(label(a), label(b)) || a.agent_id.localeCompare(b.agent_id));
    const rows = sorted.map((a) => {
      const reason = a.reason ? `: ${t(`status.reason.${a.reason}`, { defaultValue: a.reason })}` : "";
      const call = a.call ? [a.call.queue, a.call.caller.name || a.call.caller.number].filter(Boolean).join(" · ") : "—";
      return h("tr", { "data-testid": `agent-${a.agent_id}`, "data-state": a.state },
        h("td", { "data-testid": "agent-name" }, label(a)),
        h("td", {}, a.endpoint ?? ""),
        h("td", { "data-testid": "agent-state" }, t(stateKey(a.state)) + reason),
        h("td", { "data-testid": "agent-time", "data-since": a.since }, this.timeInState(a.since)),
        h("td", { "data-testid": "agent-call" }, call),
        h("td", { "data-testid": "agent-supervise" }, ...this.superviseControls(a)),
      );
    });
    const head = h("tr", {},
      ...["agent", "phone", "state", "time_in_state", "call"].map((k) => h("th", {}, t(`wallboard.${k}`))),
      h("th", {}, t("supervise.column")));
    this.agentPanel.append(h("table", { class: "board" }, h("thead", {}, head), h("tbody", {}, ...rows)));
  }

  // superviseControls returns the cell content for the agent: a Listen button while the agent
  // talks and no session runs, or the running session's state, mode switch and Stop button.
  private superviseControls(a: WallboardAgent): (Node | string)[] {
    const s = this.supervision;
    if (s && s.agentId === a.agent_id) {
      const mode = h("select", { "data-testid": "supervise-mode", "aria-label": t("supervise.mode") },
        ...superviseModes.map((m) => h("option", { value: m, selected: m === s.mode }, t(`supervise.modes.${m}`))));
      mode.addEventListener("change", () => this.switchMode(mode.value));
      const stop = h("button", { type: "button", "data-testid": "supervise-stop" }, t("supervise.stop"));
      stop.addEventListener("click", () => this.stopSupervision());
      const state = s.applied ? t("supervise.connected", { mode: t(`supervise.modes.${s.applied}`) }) : t("supervise.ringing");
      return [h("span", { "data-testid": "supervise-state", "data-mode": s.applied ?? "" }, state), " ", mode, " ", stop];
    }
    if (a.state !== "on_call") return [];
    const listen = h("button", { type: "button", "data-testid": "supervise-listen", disabled: s !== undefined }, t("supervise.listen"));
    listen.addEventListener("click", () => this.startSupervision(a.agent_id));
    return [listen];
  }

  private async startSupervision(agentId: string): Promise<void> {
    // The session is set before the command, because supervise.ended (a busy phone) may
    // arrive before the ack.
    this.supervision = { agentId, mode: "listen" };
    this.note("");
    this.renderAgents();
    try {
      await this.conn.send("supervise.start", { agent_id: agentId, mode: "listen" });
    } catch (err) {
      this.supervision = undefined;
      this.renderAgents();
      this.fail(err as ErrorData);
    }
  }

  private async switchMode(mode: string): Promise<void> {
    const s = this.supervision;
    if (!s) return;
    const previous = s.mode;
    s.mode = mode;
    this.renderAgents();
    try {
      await this.conn.send("supervise.mode", { mode });
    } catch (err) {
      if (this.supervision === s) s.mode = previous;
      this.renderAgents();
      this.fail(err as ErrorData);
    }
  }

  private async stopSupervision(): Promise<void> {
    try {
      await this.conn.send("supervise.stop", {});
    } catch (err) {
      this.fail(err as ErrorData);
    }
  }

  private note(text: string, isError = false): void {
    this.message.textContent = text;
    this.message.className = isError ? "error" : "notice";
  }

  // fail shows a rejected supervise command: the wallboard's own translation of a conflict's
  // reason, or the server's message, which is in the user's stored language.
  private fail(err: ErrorData): void {
    if (err.code === "disconnected") {
      this.note(t("connection.offline"), true);
      return;
    }
    const reason = (err as ErrorData & { reason?: string }).reason;
    const explained = err.code === "conflict" && reason ? t(`supervise.reason.${reason}`, { defaultValue: "" }) : "";
    this.note(explained || t("error.generic", { message: err.message || err.code }), true);
  }

  // updateTimes advances the time-in-state cells every second without redrawing the tables.
  private updateTimes(): void {
    for (const cell of this.agentPanel.querySelectorAll<HTMLElement>("[data-since]")) {
      cell.textContent = this.timeInState(cell.dataset.since ?? "");
    }
  }

  private timeInState(since: string): string {
    const ms = Date.now() + this.clockOffsetMs - Date.parse(since);
    return Number.isNaN(ms) ? "—" : duration(Math.max(ms, 0) / 1000);
  }
}

function stateKey(state: string): string {
  return `status.${state === "wrapup" ? "wrap_up" : state}`;
}

// duration formats seconds as m:ss, or h:mm:ss from an hour on.
function duration(s: number): string {
  const total = Math.floor(s);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)} %`;
}
