import { h } from "./dom";
import { currentLanguage, t } from "./i18n";
import { Card } from "./protocol";

// contactCard draws a contact's card: name, VIP mark, company, phones, e-mails, tags, recent
// interactions and open tickets. The desk shows it for the caller, the contacts page for the
// contact picked from the search.
export function contactCard(card: Card): HTMLElement {
  const history = card.interactions.length === 0
    ? h("p", {}, t("card.no_history"))
    : h("ul", { class: "history", "data-testid": "history" }, ...card.interactions.map((i) =>
      h("li", {}, [new Date(i.at).toLocaleString(currentLanguage()), i.queue || i.channel, dispositionLabel(i.disposition)]
        .filter((part) => part !== "").join(" · "),
        i.note ? h("div", {}, i.note) : null)));
  const tickets = card.open_tickets.length === 0
    ? h("p", {}, t("card.no_tickets"))
    : h("ul", { "data-testid": "tickets" }, ...card.open_tickets.map((tk) => h("li", {}, `${tk.subject} (${tk.status})`)));
  const emails = card.emails ?? [];

  return h("div", { "data-testid": "contact-card" },
    h("h2", { "data-testid": "contact-name" }, card.name, card.vip ? h("span", { class: "vip" }, t("card.vip")) : null),
    card.company ? h("p", {}, `${t("card.company")}: ${card.company}`) : null,
    h("p", { "data-testid": "contact-phones" }, `${t("card.phones")}: ${card.phones.map((p) => p.number).join(", ")}`),
    emails.length ? h("p", { "data-testid": "contact-emails" }, `${t("card.emails")}: ${emails.join(", ")}`) : null,
    card.tags.length ? h("p", {}, ...card.tags.map((tag) => h("span", { class: "tag" }, tag))) : null,
    h("h3", {}, t("card.history")), history,
    h("h3", {}, t("card.tickets")), tickets,
  );
}

// dispositionLabel returns the desk's translation of a known code and the code itself otherwise.
export function dispositionLabel(code?: string): string {
  return code ? t(`wrapup.options.${code}`, { defaultValue: code }) : "";
}
