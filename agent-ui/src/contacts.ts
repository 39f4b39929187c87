import { Connection } from "./connection";
import { contactCard } from "./contacts-card";
import { clear, h } from "./dom";
import { t } from "./i18n";
import { languagePicker } from "./language";
import { homePath, navigate, pageLink } from "./pages";
import {
  AgentState, CallOffered, Card, ContactList, ContactSummary, Envelope, ErrorData, Hello, History, User,
} from "./protocol";
import { logout, updateLocale } from "./session";

// Search tuning. The debounce sends one search per pause in typing, not one per key. Shorter
// texts are not searched, because one letter starts too many names to be of use.
const debounceMs = 250;
const minQueryLength = 2;
const pageSize = 20;
// cardHistorySize is how many interactions a card carries (directory.HistoryLimit); a card
// with that many may have older ones, which "show older" loads historyPageSize at a time.
const cardHistorySize = 10;
const historyPageSize = 20;
// maxQueryLength is the server's limit on the search text (protocol.MaxSearchLength).
const maxQueryLength = 200;

// Home is the page that the contacts page links back to: the agent's desk or the
// supervisor's wallboard.
export type Home = "desk" | "wallboard";

// Contacts is the page where agents and supervisors find a contact by name or phone and open
// its card with history, between calls. It keeps its own WebSocket, so that an agent who
// gets a call on this page is shown it and can go back to the desk.
export class Contacts {
  private conn: Connection;
  private online = false;
  private agent?: AgentState;
  private offer?: CallOffered;

  // query is the text of the results shown. searchSeq numbers the searches, so that the
  // late reply to an older search cannot replace a newer one's results.
  private query = "";
  private results: ContactSummary[] = [];
  private more = false;
  private searchSeq = 0;
  private timer?: number;

  private cardSeq = 0;
  private selectedID?: string;
  private card?: Card;
  // olderLoaded turns true once the card's whole history is loaded.
  private olderLoaded = false;

  private header = h("header");
  private banner = h("p", { class: "banner", "data-testid": "call-banner", hidden: true });
  private input = h("input", {
    type: "search", "data-testid": "contact-search", maxlength: String(maxQueryLength), autocomplete: "off",
  });
  private hint = h("p", { class: "hint", "data-testid": "search-hint" });
  private resultsPanel = h("div", { "data-testid": "contact-results" });
  private searchPanel = h("section", { class: "panel", "data-testid": "search-panel" });
  private cardPanel = h("section", { class: "panel", "data-testid": "card-panel" });
  private message = h("p", { role: "status", "data-testid": "message" });

  constructor(private root: HTMLElement, private user: User, private home: Home, private onSignedOut: () => void) {
    this.conn = new Connection((env) => this.handle(env), (online) => {
      this.online = online;
      this.renderHeader();
    }, () => this.onSignedOut());

    this.input.addEventListener("input", () => this.onInput());
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        void this.openFirst();
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        this.clearSearch();
      }
    });
  }

  start(): void {
    clear(this.root);
    document.title = t("contacts.title");
    this.root.append(this.header, this.banner, h("main", {}, this.searchPanel, this.cardPanel), this.message);
    this.renderAll();
    this.conn.open();
    this.input.focus();
  }

  // close ends the page's connection when the user opens another page.
  close(): void {
    window.clearTimeout(this.timer);
    this.conn.close();
  }

  private handle(env: Envelope): void {
    switch (env.type) {
      case "hello": {
        const hello = env.data as Hello;
        this.user = hello.user;
        this.agent = hello.agent;
        this.offer = hello.call?.offer;
        this.renderBanner();
        break;
      }
      case "agent.state":
        this.agent = env.data as AgentState;
        this.renderBanner();
        break;
      case "call.offered":
        this.offer = env.data as CallOffered;
        this.renderBanner();
        break;
    }
  }

  private renderAll(): void {
    this.renderHeader();
    this.renderBanner();
    this.renderSearch();
    this.renderCard();
  }

  private renderHeader(): void {
    clear(this.header);
    const signOut = h("button", { "data-testid": "logout" }, t("header.logout"));
    signOut.addEventListener("click", async () => {
      this.close();
      await logout().catch(() => undefined);
      this.onSignedOut();
    });
    const lang = languagePicker((lng) => {
      document.title = t("contacts.title");
      this.renderAll();
      // The server writes error messages in the user's locale.
      updateLocale(lng).then((m) => { this.user = m.user; }, (err) => {
        console.warn("switchboard: could not store the language on the server", err);
      });
    });

    this.header.append(
      h("strong", {}, "Switchboard"),
      h("span", { "data-testid": "user-name" }, this.user.name),
      h("span", {}, t("contacts.heading")),
      h("span", { class: "spacer" }),
      pageLink("nav-home", t(this.home === "desk" ? "contacts.back_desk" : "contacts.back_wallboard"), homePath),
      h("span", { "data-testid": "connection", class: this.online ? "" : "conn-offline" },
        this.online ? t("connection.online") : t("connection.offline")),
      lang,
      signOut,
    );
  }

  // renderBanner shows an agent with a ringing or live call, or one in wrap-up, the way back
  // to the desk, where calls are answered and their outcomes saved.
  private renderBanner(): void {
    clear(this.banner);
    const state = this.agent?.state;
    const busy = state === "reserved" || state === "on_call" || state === "wrapup";
    this.banner.hidden = !busy;
    if (!busy) return;

    const caller = this.offer ? (this.offer.contact?.name ?? this.offer.caller.name ?? this.offer.caller.number) : "";
    const text = state === "reserved" ? t("contacts.incoming", { caller })
      : state === "wrapup" ? t("contacts.wrapup") : t("contacts.call_in_progress");
    const toDesk = h("button", { type: "button", class: "primary", "data-testid": "to-desk" }, t("contacts.to_desk"));
    toDesk.addEventListener("click", () => navigate(homePath));
    this.banner.append(text, " ", toDesk);
  }

  private renderSearch(): void {
    clear(this.searchPanel);
    this.input.placeholder = t("contacts.search_placeholder");
    this.input.setAttribute("aria-label", t("contacts.search"));
    this.searchPanel.append(h("h2", {}, t("contacts.heading")), this.input, this.hint, this.resultsPanel);
    this.renderResults();
  }

  private renderResults(): void {
    clear(this.resultsPanel);
    this.hint.textContent = "";
    if (this.query === "") {
      this.hint.textContent = t("contacts.hint");
      return;
    }
    if (this.results.length === 0) {
      this.hint.textContent = t("contacts.none");
      return;
    }

    const list = h("ul", { class: "results", "aria-label": t("contacts.results") },
      ...this.results.map((c) => h("li", {}, this.resultButton(c))));
    this.resultsPanel.append(list);
    if (this.more) {
      const more = h("button", { type: "button", "data-testid": "more-results" }, t("contacts.more"));
      more.addEventListener("click", () => void this.search(this.query, this.results.length));
      this.resultsPanel.append(more);
    }
  }

  private resultButton(c: ContactSummary): HTMLButtonElement {
    // The phones come with the main one first.
    const main = c.phones.find((p) => p.primary) ?? c.phones[0];
    const button = h("button", {
      type: "button", class: "result", "data-testid": "contact-result", "data-contact-id": c.contact_id,
      "aria-current": c.contact_id === this.selectedID ? "true" : undefined,
    },
    h("span", { class: "result-name" }, c.name, c.vip ? h("span", { class: "vip" }, t("card.vip")) : null),
    c.company ? h("span", { class: "result-company" }, c.company) : null,
    main ? h("span", { class: "result-phone", title: main.entered }, main.number) : null,
    c.tags.length ? h("span", {}, ...c.tags.map((tag) => h("span", { class: "tag" }, tag))) : null,
    );
    button.addEventListener("click", () => void this.openCard(c.contact_id));
    return button;
  }

  private renderCard(): void {
    clear(this.cardPanel);
    if (!this.selectedID) {
      this.cardPanel.append(h("p", { "data-testid": "no-contact" }, t("contacts.choose")));
      return;
    }
    if (!this.card) {
      this.cardPanel.append(h("p", {}, t("contacts.loading")));
      return;
    }
    this.cardPanel.append(contactCard(this.card));
    if (!this.olderLoaded && this.card.interactions.length >= cardHistorySize) {
      const older = h("button", { type: "button", "data-testid": "older-history" }, t("contacts.older"));
      older.addEventListener("click", () => void this.loadOlder());
      this.cardPanel.append(older);
    }
  }

  // loadOlder adds the next page of older interactions to the open card.
  private async loadOlder(): Promise<void> {
    const card = this.card;
    const last = card?.interactions.at(-1);
    if (!card || !last) return;
    const seq = this.cardSeq;

    // NOTE: "before" is exclusive, so an interaction with exactly the same arrival time as
    // the last one shown would be skipped. Calls of one contact rarely share a timestamp.
    let page: History;
    try {
      page = await this.conn.send<History>("contact.history", { contact_id: card.contact_id, before: last.at, limit: historyPageSize });
    } catch (err) {
      if (seq === this.cardSeq) this.fail(err as ErrorData);
      return;
    }
    if (seq !== this.cardSeq || this.card !== card) return;
    this.card = { ...card, interactions: [...card.interactions, ...page.interactions] };
    this.olderLoaded = page.interactions.length < historyPageSize;
    this.renderCard();
  }

  private onInput(): void {
    window.clearTimeout(this.timer);
    const text = this.input.value.trim();
    if (text.length < minQueryLength) {
      // Invalidate a search still under way, so that its reply does not show.
      this.searchSeq++;
      this.query = "";
      this.results = [];
      this.more = false;
      this.renderResults();
      return;
    }
    this.timer = window.setTimeout(() => void this.search(text, 0), debounceMs);
  }

  // search runs the search for text and shows its results: a new list from offset 0, or
  // the next page added to the list.
  private async search(text: string, offset: number): Promise<void> {
    const seq = ++this.searchSeq;
    let list: ContactList;
    try {
      list = await this.conn.send<ContactList>("contact.search", { q: text, limit: pageSize, offset });
    } catch (err) {
      if (seq === this.searchSeq) this.fail(err as ErrorData);
      return;
    }
    if (seq !== this.searchSeq) return;
    this.query = text;
    this.results = offset === 0 ? list.contacts : [...this.results, ...list.contacts];
    this.more = list.more;
    this.message.textContent = "";
    this.renderResults();
  }

  // openFirst opens the first result for the text in the box, searching first when the
  // results shown are for another text or the debounce has not run yet.
  private async openFirst(): Promise<void> {
    window.clearTimeout(this.timer);
    const text = this.input.value.trim();
    if (text.length < minQueryLength) return;
    if (text !== this.query) await this.search(text, 0);
    if (text === this.query && this.results.length > 0) await this.openCard(this.results[0].contact_id);
  }

  private clearSearch(): void {
    window.clearTimeout(this.timer);
    this.searchSeq++;
    this.cardSeq++;
    this.input.value = "";
    this.query = "";
    this.results = [];
    this.more = false;
    this.selectedID = undefined;
    this.card = undefined;
    this.olderLoaded = false;
    this.message.textContent = "";
    this.renderResults();
    this.renderCard();
    this.input.focus();
  }

  private async openCard(contactID: string): Promise<void> {
    const seq = ++this.cardSeq;
    this.selectedID = contactID;
    this.card = undefined;
    this.olderLoaded = false;
    this.renderResults();
    this.renderCard();

    let card: Card;
    try {
      card = await this.conn.send<Card>("contact.get", { contact_id: contactID });
    } catch (err) {
      if (seq === this.cardSeq) this.fail(err as ErrorData);
      return;
    }
    if (seq !== this.cardSeq) return;
    this.card = card;
    this.renderCard();
  }

  private fail(err: ErrorData): void {
    if (err.code === "unsupported_version") {
      // The server speaks another protocol version: a reload fetches the page that matches it.
      location.reload();
      return;
    }
    this.message.className = "error";
    this.message.textContent = err.code === "disconnected"
      ? t("connection.offline")
      : t("error.generic", { message: err.message || err.code });
  }
}
