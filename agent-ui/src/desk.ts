import { CallbackList, CallbacksPanel } from "./callbacks";
import { Connection } from "./connection";
import { contactCard } from "./contacts-card";
import { clear, h } from "./dom";
import { currentLanguage, t } from "./i18n";
import { languagePicker } from "./language";
import { pageLink } from "./pages";
import {
  AgentState, CallAnswered, CallEnded, CallHeld, CallOffered, CallState, Card, Disposition,
  Envelope, ErrorData, Hello, User, WrapupStarted,
} from "./protocol";
import { logout, updateLocale } from "./session";
import { TransferTargets, transferPicker } from "./transfer-picker";

const pauseReasons = ["break", "lunch", "training", "meeting"];
const defaultDispositions = ["resolved", "callback", "sale", "complaint", "wrong_number", "other"];
// How long before the wrap-up ends the desk warns about an outcome that is filled in but not saved.
const wrapupWarningMs = 15_000;

// WrapupDraft is the outcome form of one call as the agent filled it in. The desk keeps it
// by call id until it is saved, so that a redraw or the next call does not lose it.
interface WrapupDraft {
  callID: string;
  caller: string;
  code: string;
  note: string;
  callback: string;
}

function isDirty(d: WrapupDraft): boolean {
  return d.code !== "" || d.note.trim() !== "" || d.callback !== "";
}

// Desk is the signed-in agent's screen. The server owns every state; the desk draws what the
// hello, agent.state and call.* frames say and sends commands, never guessing a transition.
export class Desk {
  private conn: Connection;
  private agent?: AgentState;
  private call?: CallState;
  private dispositions: Disposition[] = [];
  private online = false;
  private endpoint = "";
  private drafts = new Map<string, WrapupDraft>();
  // previous are the unsaved outcomes of calls that the next call replaced on the desk. The
  // server accepts them until 15 minutes (by default) after the call ends; see call.disposition
  // in docs/protocol.md.
  private previous: WrapupDraft[] = [];
  private wrapupWarning?: ReturnType<typeof setTimeout>;

  private header = h("header");
  private callPanel = h("section", { class: "panel", "data-testid": "call-panel" });
  private cardPanel = h("section", { class: "panel", "data-testid": "card-panel" });
  private previousPanel = h("section", { class: "panel", "data-testid": "previous-outcomes", hidden: true });
  private message = h("p", { role: "status", "data-testid": "message" });
  private callbacks: CallbacksPanel;

  constructor(private root: HTMLElement, private user: User, private onSignedOut: () => void) {
    this.conn = new Connection((env) => this.handle(env), (online) => {
      this.online = online;
      this.renderHeader();
    }, () => this.onSignedOut());
    this.callbacks = new CallbacksPanel(
      () => this.conn.send<CallbackList>("callbacks.list"),
      async (taskID) => {
        await this.conn.send("callbacks.done", { task_id: taskID });
        this.note(t("callbacks.closed"));
      },
      (err) => this.fail(err as ErrorData),
    );
  }

  start(): void {
    clear(this.root);
    document.title = t("app.title");
    this.root.append(this.header, h("main", {}, this.callbacks.panel, this.callPanel, this.previousPanel, this.cardPanel), this.message);
    this.renderAll();
    this.conn.open();
  }

  // close ends the page's connection when the user opens another page.
  close(): void {
    this.conn.close();
  }

  private handle(env: Envelope): void {
    switch (env.type) {
      case "hello": {
        const hello = env.data as Hello;
        this.user = hello.user;
        this.agent = hello.agent;
        this.replaceCall(hello.call);
        // After a reload in wrap-up the server's outcome list comes with the call.
        this.dispositions = hello.call?.dispositions ?? this.dispositions;
        this.renderAll();
        void this.callbacks.refresh();
        break;
      }
      case "agent.state": {
        this.agent = env.data as AgentState;
        // A call that ends without wrap-up brings no wrapup.started: the server drops it from
        // the agent's state, so a ringing or live call still shown here is over. A wrap-up
        // form stays, because its outcome can still be saved after the wrap-up time.
        const busy = ["reserved", "on_call", "wrapup"].includes(this.agent.state);
        if (!busy && this.call && this.call.phase !== "wrapup") {
          this.call = undefined;
          this.renderCall();
          this.renderCard();
        } else if (!this.call) {
          // The empty call panel says whether calls can come.
          this.renderCall();
        }
        this.renderHeader();
        break;
      }
      case "call.offered":
        this.replaceCall({ phase: "ringing", offer: env.data as CallOffered });
        this.renderCall();
        this.renderCard();
        break;
      case "call.answered": {
        const a = env.data as CallAnswered;
        // A repeated call.answered must not take a held call or a wrap-up back to talking.
        if (this.call?.offer.call_id === a.call_id && this.call.phase === "ringing") {
          this.call = { ...this.call, phase: "talking", answered_at: a.answered_at };
          this.renderCall();
        }
        break;
      }
      case "call.held": {
        const held = env.data as CallHeld;
        if (this.call?.offer.call_id === held.call_id) {
          this.call = { ...this.call, phase: held.on_hold ? "held" : "talking" };
          this.renderCall();
        }
        break;
      }
      case "call.ended": {
        const ended = env.data as CallEnded;
        if (this.call?.offer.call_id === ended.call_id && this.call.phase === "ringing") {
          // A call that ended before the agent answered leaves nothing to wrap up.
          this.call = undefined;
          this.renderCall();
          this.renderCard();
        }
        this.note(t("call.ended"));
        // A call can leave a callback behind, from the outcome or from the queue.
        void this.callbacks.refresh();
        break;
      }
      case "wrapup.started": {
        const w = env.data as WrapupStarted;
        if (this.call?.offer.call_id === w.call_id) {
          this.call = { ...this.call, phase: "wrapup", wrapup_until: w.until };
          this.dispositions = w.dispositions ?? [];
          this.renderCall();
        }
        break;
      }
      case "error":
        this.fail(env.data as ErrorData);
        break;
    }
  }

  private renderAll(): void {
    this.renderHeader();
    this.callbacks.render();
    this.renderCall();
    this.renderPrevious();
    this.renderCard();
  }

  // replaceCall shows next in place of the current call. An outcome that the agent started to
  // fill in for a call in wrap-up moves to the "previous call" panel instead of being lost.
  private replaceCall(next?: CallState): void {
    const current = this.call;
    if (current?.phase === "wrapup" && current.offer.call_id !== next?.offer.call_id) {
      const draft = this.drafts.get(current.offer.call_id);
      if (draft && isDirty(draft) && !this.previous.includes(draft)) {
        this.previous.push(draft);
        this.renderPrevious();
      } else if (draft && !this.previous.includes(draft)) {
        this.drafts.delete(draft.callID);
      }
    }
    this.call = next;
  }

  private renderHeader(): void {
    clear(this.header);
    const state = this.agent?.state ?? "logged_out";

    const status = h("select", { "data-testid": "status", "aria-label": t("status.label") });
    const options: [string, string][] = [
      ["available", t("status.available")],
      ...pauseReasons.map((r): [string, string] => [`paused:${r}`, `${t("status.paused")}: ${t(`status.reason.${r}`)}`]),
      ["logged_out", t("status.logged_out")],
    ];
    const current = state === "paused" ? `paused:${this.agent?.reason ?? ""}` : state;
    for (const [value, label] of options) {
      status.append(h("option", { value, selected: value === current }, label));
    }
    if (!options.some(([v]) => v === current)) {
      status.prepend(h("option", { value: current, selected: true, disabled: true }, this.stateLabel()));
    }
    status.addEventListener("change", () => this.setStatus(status.value));

    // Hot-desking: a signed-out agent may name the phone they sit at, and a paused agent may
    // move to another phone, for example when theirs is unreachable. An agent with a fixed phone
    // leaves it empty.
    const endpoint = h("input", {
      "data-testid": "endpoint", class: "endpoint", placeholder: t("status.endpoint_placeholder"),
      // A paused agent sees the phone they are signed in at; a signed-out one starts empty, so
      // that an agent with a fixed phone signs in at it.
      "aria-label": t("status.endpoint"), value: this.endpoint || (state === "paused" ? this.agent?.endpoint : "") || "",
    });
    endpoint.addEventListener("change", () => { this.endpoint = endpoint.value.trim(); });

    const lang = languagePicker((lng) => {
      this.renderAll();
      // The server writes error messages and disposition labels in the user's locale.
      updateLocale(lng).then((m) => { this.user = m.user; }, (err) => {
        console.warn("switchboard: could not store the language on the server", err);
      });
    });

    const signOut = h("button", { "data-testid": "logout" }, t("header.logout"));
    signOut.addEventListener("click", async () => {
      this.conn.close();
      await logout().catch(() => undefined);
      this.onSignedOut();
    });

    const parts: (Node | string)[] = [
      h("strong", {}, "Switchboard"),
      h("span", { "data-testid": "user-name" }, this.user.name),
      h("span", { "data-testid": "agent-state", "data-state": state }, this.stateLabel()),
      status,
    ];
    if (state === "logged_out" || state === "paused") parts.push(endpoint);
    parts.push(
      h("span", { class: "spacer" }),
      this.callbacks.toggle,
      pageLink("nav-contacts", t("contacts.nav"), "/contacts"),
      h("span", { "data-testid": "connection", class: this.online ? "" : "conn-offline" },
        this.online ? t("connection.online") : t("connection.offline")),
      lang,
      signOut,
    );
    this.header.append(...parts);
  }

  private stateLabel(): string {
    const state = this.agent?.state ?? "logged_out";
    const key = state === "wrapup" ? "wrap_up" : state;
    const label = t(`status.${key}`);
    if (state === "paused" && this.agent?.reason) {
      return `${label}: ${t(`status.reason.${this.agent.reason}`, { defaultValue: this.agent.reason })}`;
    }
    return label;
  }

  private async setStatus(value: string): Promise<void> {
    const [status, reason] = value.split(":");
    const data: Record<string, string> = { status };
    if (reason) data.reason = reason;
    // The server signs a signed-out agent in at the typed phone and moves a paused one to it.
    const state = this.agent?.state ?? "logged_out";
    const moved = state === "paused" && this.endpoint !== this.agent?.endpoint;
    if (status === "available" && this.endpoint && (state === "logged_out" || moved)) {
      data.endpoint = this.endpoint;
    }
    try {
      await this.conn.send("agent.set_status", data);
    } catch (err) {
      this.fail(err as ErrorData);
      // The select shows the rejected choice; redraw it with the state the server keeps.
      this.renderHeader();
    }
  }

  private renderCall(): void {
    clear(this.callPanel);
    this.callPanel.classList.toggle("ringing", this.call?.phase === "ringing");
    const call = this.call;
    if (!call) {
      const signedOut = (this.agent?.state ?? "logged_out") === "logged_out";
      this.callPanel.append(h("p", { "data-testid": "no-call" }, signedOut ? t("call.signed_out") : t("call.none")));
      if (this.agent?.state === "paused" && this.agent.reason === "phone_unreachable") {
        this.callPanel.append(h("p", { "data-testid": "phone-hint", class: "error" }, t("status.phone_unreachable_hint")));
      }
      return;
    }

    const offer = call.offer;
    const callID = offer.call_id;
    // A campaign call's person is named by the contact's card, else by the call list. A
    // withheld caller's name and number are markers such as "anonymous", so neither is shown.
    const caller = offer.withheld
      ? t("call.withheld")
      : offer.contact?.name || offer.caller.name || offer.campaign?.lead_name || offer.caller.number;
    const callerLine = offer.withheld
      ? h("p", { "data-testid": "caller" }, caller)
      : h("p", { "data-testid": "caller" }, caller, " ", h("span", {}, offer.caller.number));
    this.callPanel.append(h("h2", {}, this.phaseTitle(call.phase, offer.campaign !== undefined)), callerLine);
    if (offer.campaign) {
      this.callPanel.append(h("p", { "data-testid": "campaign" }, t("call.campaign", { campaign: offer.campaign.campaign })));
    }
    this.callPanel.append(
      h("p", {}, `${t("call.queue")}: ${offer.queue} · ${t("call.waited")}: ${Math.round(offer.wait_seconds)} ${t("call.seconds")}`),
    );

    const actions = h("div", { class: "actions" });
    if (call.phase === "ringing") {
      actions.append(this.button("answer", t("call.answer"), "primary", () => this.command("call.answer", { call_id: callID })));
    }
    if (call.phase === "talking" || call.phase === "held") {
      const held = call.phase === "held";
      actions.append(
        this.button("hold", held ? t("call.unhold") : t("call.hold"), "", () =>
          this.command(held ? "call.unhold" : "call.hold", { call_id: callID })),
        this.button("hangup", t("call.hangup"), "danger", () => this.command("call.hangup", { call_id: callID })),
      );
      actions.append(transferPicker(
        () => this.conn.send<TransferTargets>("transfer.targets"),
        (choice) => { void this.command("call.transfer", { call_id: callID, ...choice }); },
        (err) => this.fail(err as ErrorData),
      ));
    }
    this.callPanel.append(actions);

    clearTimeout(this.wrapupWarning);
    if (call.phase === "wrapup") {
      const draft = this.draft(callID, caller);
      this.callPanel.append(this.wrapupForm(draft, "", call.wrapup_until, () => {
        // The next call's offer can arrive before this ack; only the saved call is cleared.
        if (this.call?.offer.call_id === callID) {
          this.call = undefined;
          this.renderCall();
          this.renderCard();
        }
      }));
      this.warnBeforeWrapupEnds(draft, call.wrapup_until);
    }
  }

  private phaseTitle(phase: CallState["phase"], campaign: boolean): string {
    switch (phase) {
      case "ringing":
        return campaign ? t("call.campaign_ringing") : t("call.incoming");
      case "wrapup":
        return t("call.ended");
      default:
        return t("call.on_call");
    }
  }

  private draft(callID: string, caller: string): WrapupDraft {
    let d = this.drafts.get(callID);
    if (!d) {
      d = { callID, caller, code: "", note: "", callback: "" };
      this.drafts.set(callID, d);
    }
    return d;
  }

  // warnBeforeWrapupEnds shows a warning shortly before the wrap-up of draft's call ends if
  // the agent has filled the form in without saving it.
  private warnBeforeWrapupEnds(draft: WrapupDraft, until?: string): void {
    if (!until) return;
    const delay = Date.parse(until) - Date.now() - wrapupWarningMs;
    this.wrapupWarning = setTimeout(() => {
      const stillOpen = this.call?.offer.call_id === draft.callID && this.call.phase === "wrapup";
      if (stillOpen && this.drafts.get(draft.callID) === draft && isDirty(draft)) {
        this.note(t("wrapup.expiring"), true);
      }
    }, Math.max(delay, 0));
  }

  // wrapupForm is the outcome form of draft's call. prefix keeps the test ids and element
  // ids of the previous-call forms apart from the current call's.
  private wrapupForm(draft: WrapupDraft, prefix: string, until: string | undefined, onSaved: () => void): HTMLElement {
    const callID = draft.callID;
    const id = (name: string) => (prefix ? `${prefix}-${name}-${callID}` : name);
    const testID = (name: string) => (prefix ? `${prefix}-${name}` : name);
    // The server names the codes; the desk shows its own translation of a known code and the
    // server's label for any other.
    const codes = this.dispositions.length > 0
      ? this.dispositions
      : defaultDispositions.map((code) => ({ code, label: code }));
    const choices = codes.map((d) => ({ code: d.code, label: t(`wrapup.options.${d.code}`, { defaultValue: d.label }) }));
    const select = h("select", { id: id("disposition"), "data-testid": testID("disposition") },
      h("option", { value: "" }, t("wrapup.choose")),
      ...choices.map((d) => h("option", { value: d.code, selected: d.code === draft.code }, d.label)),
    );
    const note = h("textarea", { id: id("note"), "data-testid": testID("note"), rows: "3" });
    note.value = draft.note;
    const callback = h("input", { id: id("callback"), type: "datetime-local", "data-testid": testID("callback"), value: draft.callback });
    select.addEventListener("change", () => { draft.code = select.value; });
    note.addEventListener("input", () => { draft.note = note.value; });
    callback.addEventListener("input", () => { draft.callback = callback.value; });

    const form = h("form", { "data-testid": testID("wrapup-form") },
      h("h3", {}, prefix ? t("wrapup.previous_title", { caller: draft.caller }) : t("wrapup.title")),
      until ? h("p", { "data-testid": "wrapup-until" }, t("wrapup.until", { time: new Date(until).toLocaleTimeString(currentLanguage()) })) : null,
      h("label", { for: id("disposition") }, t("wrapup.disposition")), select,
      h("label", { for: id("note") }, t("wrapup.note")), note,
      h("label", { for: id("callback") }, t("wrapup.callback")), callback,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": testID("save-disposition") }, t("wrapup.save"))),
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!select.value) {
        this.note(t("wrapup.choose"), true);
        return;
      }
      const data: Record<string, unknown> = { call_id: callID, code: select.value, note: note.value };
      if (callback.value) data.callback_at = new Date(callback.value).toISOString();
      if (await this.command("call.disposition", data)) {
        this.drafts.delete(callID);
        onSaved();
        this.note(t("wrapup.saved"));
      }
    });
    return form;
  }

  // renderPrevious draws the unsaved outcomes of earlier calls, each until it is saved or
  // discarded.
  private renderPrevious(): void {
    clear(this.previousPanel);
    this.previousPanel.hidden = this.previous.length === 0;
    for (const draft of this.previous) {
      const forget = () => {
        this.previous = this.previous.filter((d) => d !== draft);
        this.drafts.delete(draft.callID);
        this.renderPrevious();
      };
      const discard = this.button("previous-discard", t("wrapup.discard"), "", forget);
      this.previousPanel.append(h("div", { "data-testid": "previous-outcome" },
        this.wrapupForm(draft, "previous", undefined, forget),
        discard,
      ));
    }
  }

  private renderCard(): void {
    clear(this.cardPanel);
    const offer = this.call?.offer;
    this.cardPanel.hidden = !offer;
    if (!offer) return;
    if (offer.withheld && !offer.contact) {
      // No number to look up or to store: the agent can only learn who calls by asking.
      this.cardPanel.append(h("div", { "data-testid": "withheld-card" },
        h("h2", {}, t("card.withheld")),
        h("p", {}, t("card.withheld_hint")),
      ));
      return;
    }
    if (offer.unknown || !offer.contact) {
      this.cardPanel.append(this.unknownCard(offer));
      return;
    }
    this.cardPanel.append(contactCard(offer.contact));
  }

  private unknownCard(offer: CallOffered): HTMLElement {
    const first = h("input", { id: "first-name", "data-testid": "new-first-name" });
    const last = h("input", { id: "last-name", "data-testid": "new-last-name" });
    const form = h("form", { "data-testid": "new-contact", hidden: true },
      h("label", { for: "first-name" }, t("card.first_name")), first,
      h("label", { for: "last-name" }, t("card.last_name")), last,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("card.save_contact"))),
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const name = `${first.value} ${last.value}`.trim();
      if (!name) return;
      let card: Card;
      try {
        card = await this.conn.send<Card>("contact.create", { call_id: offer.call_id, name, phones: [{ number: offer.caller.number }] });
      } catch (err) {
        this.fail(err as ErrorData);
        return;
      }
      // The new card replaces the unknown caller's for the rest of the call.
      if (this.call?.offer.call_id === offer.call_id) {
        this.call = { ...this.call, offer: { ...this.call.offer, unknown: false, contact: card } };
        this.renderCall();
        this.renderCard();
      }
      this.note(t("card.contact_saved"));
    });
    const open = this.button("create-contact", t("card.create_contact"), "", () => { form.hidden = false; first.focus(); });

    // A campaign's lead without a contact is named as the call list names it.
    const lead = offer.campaign;
    if (lead?.lead_name) {
      return h("div", { "data-testid": "unknown-card" },
        h("h2", { "data-testid": "lead-name" }, lead.lead_name),
        h("p", {}, offer.caller.number),
        h("p", { "data-testid": "lead-source" }, t("card.campaign_lead", { campaign: lead.campaign })),
        open, form,
      );
    }
    return h("div", { "data-testid": "unknown-card" },
      h("h2", {}, t("card.unknown")),
      h("p", {}, offer.caller.number),
      open, form,
    );
  }

  private button(testid: string, label: string, cls: string, onClick: () => void): HTMLButtonElement {
    const b = h("button", { type: "button", class: cls || undefined, "data-testid": testid }, label);
    b.addEventListener("click", onClick);
    return b;
  }

  private async command(type: string, data: unknown): Promise<boolean> {
    try {
      await this.conn.send(type, data);
      return true;
    } catch (err) {
      this.fail(err as ErrorData);
      return false;
    }
  }

  private note(text: string, isError = false): void {
    this.message.textContent = text;
    this.message.className = isError ? "error" : "notice";
  }

  private fail(err: ErrorData): void {
    if (err.code === "unsupported_version") {
      // The server speaks another protocol version: a reload fetches the desk that matches it.
      location.reload();
      return;
    }
    if (err.code === "disconnected") {
      this.note(t("connection.offline"), true);
      return;
    }
    // A reason names what stops the command: the current state for a conflict, or the value
    // for an invalid request. The desk shows its own translation of the reason, or the
    // server's message for a reason it lacks.
    const reason = (err as ErrorData & { reason?: string }).reason;
    if (reason) {
      const explained = t(`error.reason.${reason}`, { defaultValue: "" });
      if (explained) {
        this.note(explained, true);
        return;
      }
    }
    this.note(t("error.generic", { message: err.message || err.code }), true);
  }
}
