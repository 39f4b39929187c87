import { clear, h } from "./dom";
import { currentLanguage, t } from "./i18n";

// Callback is one entry of the callbacks.list ack (see docs/protocol.md).
export interface Callback {
  task_id: string;
  status: string;
  contact_id?: string;
  contact_name?: string;
  phone: string;
  phone_display: string;
  queue?: string;
  due_at: string;
  note?: string;
  attempts: number;
  assigned: boolean;
}

export interface CallbackList {
  callbacks: Callback[];
}

// CallbacksPanel shows the agent's open callbacks: a header button with the count and a
// panel that lists them with a "Done" button each. The server owns the list. The panel
// reloads it when it opens, after a call ends and after each "Done", and never edits it
// locally. Each entry is labelled from its kind in the page's language, because the title
// stored with the task is English.
export class CallbacksPanel {
  readonly toggle = h("button", { type: "button", "data-testid": "callbacks-toggle", "aria-expanded": "false" });
  readonly panel = h("section", { class: "panel callbacks", "data-testid": "callbacks-panel", hidden: true });
  private list: Callback[] = [];
  private loaded = false;
  // generation drops the reply of an older load that arrives after a newer one.
  private generation = 0;

  constructor(
    private load: () => Promise<CallbackList>,
    private complete: (taskID: string) => Promise<void>,
    private onError: (err: unknown) => void,
  ) {
    this.toggle.addEventListener("click", () => {
      this.panel.hidden = !this.panel.hidden;
      this.toggle.setAttribute("aria-expanded", String(!this.panel.hidden));
      if (!this.panel.hidden) void this.refresh();
    });
    this.render();
  }

  // refresh reloads the list from the server and redraws the count and the panel.
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    try {
      const reply = await this.load();
      if (generation !== this.generation) return;
      this.list = reply.callbacks;
      this.loaded = true;
    } catch (err) {
      if (generation === this.generation) this.onError(err);
      return;
    }
    this.render();
  }

  // render redraws the button and the panel in the current language.
  render(): void {
    const count = this.list.length;
    const overdue = this.list.filter((c) => isOverdue(c)).length;
    clear(this.toggle);
    this.toggle.append(t("callbacks.title"), " ", h("span", {
      class: overdue > 0 ? "badge overdue" : "badge", "data-testid": "callbacks-count",
      "aria-label": t("callbacks.count", { count }),
    }, this.loaded ? String(count) : "…"));

    clear(this.panel);
    this.panel.append(h("h2", {}, t("callbacks.title")));
    if (!this.loaded) {
      this.panel.append(h("p", { class: "hint" }, t("callbacks.loading")));
      return;
    }
    if (count === 0) {
      this.panel.append(h("p", { class: "hint", "data-testid": "callbacks-empty" }, t("callbacks.none")));
      return;
    }
    const items = h("ul", { class: "callbacks" });
    for (const c of this.list) items.append(this.item(c));
    this.panel.append(items);
  }

  private item(c: Callback): HTMLElement {
    const late = isOverdue(c);
    const done = h("button", { type: "button", class: "primary", "data-testid": "callback-done" }, t("callbacks.done"));
    done.addEventListener("click", async () => {
      done.disabled = true;
      try {
        await this.complete(c.task_id);
      } catch (err) {
        this.onError(err);
      }
      // The list is reloaded after a failure too, because not_found means that another agent
      // closed the callback meanwhile or it was reassigned.
      await this.refresh();
    });

    const contactLine = c.contact_name
      ? h("span", { class: "result-name" }, c.contact_name, " ", h("span", { class: "result-phone" }, c.phone_display || c.phone))
      : h("span", { class: "result-name" }, c.phone_display || c.phone);
    const details = [
      c.queue ? t("callbacks.queue", { queue: c.queue }) : t("callbacks.personal"),
      c.attempts > 0 ? t("callbacks.attempts", { count: c.attempts }) : "",
      c.status === "in_progress" ? t("callbacks.dialling") : "",
    ].filter((s) => s !== "").join(" · ");

    return h("li", { "data-testid": "callback-item", "data-task-id": c.task_id, class: late ? "overdue" : "" },
      h("div", {}, h("strong", {}, t("callbacks.kind_callback")), " ", contactLine),
      h("div", {},
        h("time", { datetime: c.due_at, "data-testid": "callback-due" }, formatDue(c.due_at)),
        late ? h("span", { class: "badge overdue", "data-testid": "callback-overdue" }, t("callbacks.overdue")) : null,
        " ", h("span", { class: "hint" }, details)),
      c.note ? h("div", { class: "hint" }, c.note) : null,
      h("div", { class: "actions" }, done),
    );
  }
}

function isOverdue(c: Callback): boolean {
  return Date.parse(c.due_at) < Date.now();
}

// formatDue writes the due time in the browser's time zone and the page's language.
function formatDue(iso: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: "medium", timeStyle: "short" }).format(when);
}
