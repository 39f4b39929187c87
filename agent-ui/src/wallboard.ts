import { Connection } from "./connection";
import { clear, h } from "./dom";
import { t } from "./i18n";
import { languagePicker } from "./language";
import { AgentState, Envelope, QueueStats, User } from "./protocol";
import { logout } from "./session";

const agentStates = ["available", "reserved", "on_call", "wrapup", "paused"];

// Wallboard is a supervisor's live view: every queue's waiting calls, waits, agents by state and
// service level from queue.stats frames, and every agent's state from agent.state frames.
export class Wallboard {
  private conn: Connection;
  private queues = new Map<string, QueueStats>();
  private agents = new Map<string, AgentState>();
  private online = false;

  private header = h("header");
  private queuePanel = h("section", { class: "panel", "data-testid": "queues" });
  private agentPanel = h("section", { class: "panel", "data-testid": "agents" });

  constructor(private root: HTMLElement, private user: User, private onSignedOut: () => void) {
    this.conn = new Connection((env) => this.handle(env), (online) => {
      this.online = online;
      this.renderHeader();
    }, () => this.onSignedOut());
  }

  start(): void {
    clear(this.root);
    document.title = t("wallboard.title");
    this.root.append(this.header, h("main", {}, this.queuePanel, this.agentPanel));
    this.render();
    this.conn.open();
  }

  private handle(env: Envelope): void {
    switch (env.type) {
      case "queue.stats": {
        const q = env.data as QueueStats;
        this.queues.set(q.queue, q);
        this.renderQueues();
        break;
      }
      case "agent.state": {
        const a = env.data as AgentState;
        if (a.state === "logged_out") this.agents.delete(a.agent_id);
        else this.agents.set(a.agent_id, a);
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
      this.onSignedOut();
    });
    this.header.append(
      h("strong", {}, "Switchboard"),
      h("span", { "data-testid": "user-name" }, this.user.name),
      h("span", {}, t("wallboard.title")),
      h("span", { class: "spacer" }),
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
      this.queuePanel.append(h("p", {}, t("wallboard.waiting_for_stats")));
      return;
    }
    const head = h("tr", {},
      ...["queue", "waiting", "longest_wait", "estimated_wait", "agents", "answered", "abandoned", "service_level"]
        .map((k) => h("th", {}, t(`wallboard.${k}`))));
    const rows = [...this.queues.values()].sort((a, b) => a.queue.localeCompare(b.queue)).map((q) =>
      h("tr", { "data-testid": `queue-${q.queue}` },
        h("td", {}, q.queue),
        h("td", { "data-testid": "waiting" }, String(q.waiting)),
        h("td", {}, seconds(q.longest_wait_seconds)),
        h("td", {}, q.estimated_wait_seconds === undefined ? "—" : seconds(q.estimated_wait_seconds)),
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
    const rows = [...this.agents.values()].sort((a, b) => a.agent_id.localeCompare(b.agent_id)).map((a) => {
      const reason = a.reason ? `: ${t(`status.reason.${a.reason}`, { defaultValue: a.reason })}` : "";
      return h("tr", { "data-testid": `agent-${a.agent_id}` },
        h("td", {}, a.agent_id),
        h("td", {}, a.endpoint ?? ""),
        h("td", {}, t(stateKey(a.state)) + reason),
        h("td", {}, new Date(a.since).toLocaleTimeString()),
      );
    });
    const head = h("tr", {}, ...["agent", "phone", "state", "since"].map((k) => h("th", {}, t(`wallboard.${k}`))));
    this.agentPanel.append(h("table", { class: "board" }, h("thead", {}, head), h("tbody", {}, ...rows)));
  }
}

function stateKey(state: string): string {
  return `status.${state === "wrapup" ? "wrap_up" : state}`;
}

function seconds(s: number): string {
  const total = Math.round(s);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)} %`;
}
