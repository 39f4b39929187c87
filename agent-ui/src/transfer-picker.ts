import { clear, h } from "./dom";
import { t } from "./i18n";

// TransferTargets is the ack of transfer.targets (see docs/protocol.md).
export interface TransferTargets {
  queues: { name: string; waiting: number; available: number }[];
  agents: TransferAgent[];
}

export interface TransferAgent {
  agent_id: string;
  name?: string;
  state: string;
  reason?: string;
}

// TransferChoice is what the agent picked: exactly one of agent_id and queue, as
// call.transfer takes them.
export type TransferChoice = { agent_id: string } | { queue: string };

interface Option {
  id: string;
  label: string;
  detail: string;
  search: string;
  choice: TransferChoice;
  // disabled options are busy agents: call.transfer accepts only an available agent.
  disabled: boolean;
}

const queuePrefix = "queue:";

let pickerCount = 0;

// transferPicker builds the transfer control: a search box over a list of the queues, then
// the signed-in agents by name with their state. load fetches transfer.targets when the
// picker opens, so the states are fresh. Typing filters the list. The arrow keys move
// through the options that can be picked, Enter picks and Escape closes. Busy agents are
// listed but disabled, because a blind transfer reaches only an available agent and the
// server would reject the others. Typing "queue:<name>" and Enter picks that queue even when
// it is not listed, as the earlier free-text field allowed.
export function transferPicker(
  load: () => Promise<TransferTargets>,
  onPick: (choice: TransferChoice) => void,
  onError: (err: unknown) => void,
): HTMLElement {
  const listID = `transfer-options-${++pickerCount}`;
  const search = h("input", {
    "data-testid": "transfer-target", role: "combobox", "aria-expanded": "false",
    "aria-controls": listID, "aria-autocomplete": "list", autocomplete: "off",
    placeholder: t("call.transfer_target"), "aria-label": t("call.transfer_target"),
  });
  const list = h("ul", {
    id: listID, role: "listbox", "data-testid": "transfer-options", "aria-label": t("call.transfer_target"),
    style: "list-style:none;margin:0.25rem 0;padding:0;max-height:16rem;overflow-y:auto",
  });
  const status = h("p", { "data-testid": "transfer-status" });
  // The panel floats over the card below, so opening it does not stretch the call buttons
  // beside it.
  const panel = h("div", {
    "data-testid": "transfer-picker", hidden: true,
    style: "position:absolute;z-index:10;top:100%;left:0;min-width:18rem;margin-top:0.25rem;padding:0.5rem;" +
      "background:#fff;border:1px solid #c4c9d4;border-radius:6px;box-shadow:0 4px 12px rgba(0,0,0,0.15)",
  }, search, status, list);
  const open = h("button", { type: "button", "data-testid": "transfer", "aria-haspopup": "listbox" }, t("call.transfer"));

  let options: Option[] = [];
  let matching: Option[] = [];
  let active = -1;

  const close = (): void => {
    panel.hidden = true;
    search.setAttribute("aria-expanded", "false");
    open.focus();
  };

  const render = (): void => {
    clear(list);
    const query = search.value.trim().toLocaleLowerCase();
    matching = options.filter((o) => o.search.includes(query));
    if (!matching[active] || matching[active].disabled) active = matching.findIndex((o) => !o.disabled);

    let group = "";
    matching.forEach((o, i) => {
      const kind = "queue" in o.choice ? "queues" : "agents";
      if (kind !== group) {
        group = kind;
        list.append(h("li", { role: "presentation", style: "font-weight:bold;margin-top:0.25rem" }, t(`call.transfer_${kind}`)));
      }
      const item = h("li", {
        id: `${listID}-${o.id}`, role: "option", "data-testid": "transfer-option",
        "aria-selected": i === active ? "true" : "false", "aria-disabled": o.disabled ? "true" : undefined,
        style: `padding:0.25rem 0.5rem;cursor:${o.disabled ? "not-allowed" : "pointer"};` +
          (o.disabled ? "opacity:0.55;" : "") + (i === active ? "outline:2px solid currentColor;" : ""),
      }, o.label, " ", h("small", {}, o.detail));
      // mousedown, not click: the search box keeps the focus.
      item.addEventListener("mousedown", (ev) => {
        ev.preventDefault();
        if (!o.disabled) onPick(o.choice);
      });
      list.append(item);
    });

    if (active >= 0) search.setAttribute("aria-activedescendant", `${listID}-${matching[active].id}`);
    else search.removeAttribute("aria-activedescendant");
    if (options.length > 0) status.textContent = matching.length === 0 ? t("call.transfer_none") : "";
  };

  const move = (step: number): void => {
    for (let i = active + step; i >= 0 && i < matching.length; i += step) {
      if (!matching[i].disabled) {
        active = i;
        break;
      }
    }
    render();
    list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest" });
  };

  search.addEventListener("input", () => { active = -1; render(); });
  search.addEventListener("keydown", (ev) => {
    switch (ev.key) {
      case "ArrowDown":
        ev.preventDefault();
        move(1);
        break;
      case "ArrowUp":
        ev.preventDefault();
        move(-1);
        break;
      case "Escape":
        ev.preventDefault();
        close();
        break;
      case "Enter": {
        ev.preventDefault();
        const typed = search.value.trim();
        if (typed.startsWith(queuePrefix) && typed.length > queuePrefix.length && !matching[active]) {
          onPick({ queue: typed.slice(queuePrefix.length) });
        } else if (matching[active] && !matching[active].disabled) {
          onPick(matching[active].choice);
        }
        break;
      }
    }
  });

  open.addEventListener("click", async () => {
    if (!panel.hidden) {
      close();
      return;
    }
    panel.hidden = false;
    search.setAttribute("aria-expanded", "true");
    search.value = "";
    options = [];
    active = -1;
    render();
    status.textContent = t("call.transfer_loading");
    search.focus();
    try {
      options = toOptions(await load());
      status.textContent = "";
      render();
    } catch (err) {
      status.textContent = "";
      onError(err);
    }
  });

  return h("div", { class: "transfer", style: "position:relative" }, open, panel);
}

// toOptions lists the queues in the server's order, then the agents by name in the page's
// language.
function toOptions(targets: TransferTargets): Option[] {
  const queues = targets.queues.map((q): Option => {
    const detail = `${t("call.transfer_waiting", { count: q.waiting })} · ${t("call.transfer_available", { count: q.available })}`;
    return { id: `q-${q.name}`, label: q.name, detail, search: q.name.toLocaleLowerCase(), choice: { queue: q.name }, disabled: false };
  });
  const agents = [...targets.agents]
    .sort((a, b) => (a.name || a.agent_id).localeCompare(b.name || b.agent_id))
    .map((a): Option => {
      const label = a.name || a.agent_id;
      return {
        id: `a-${a.agent_id}`, label, detail: agentState(a), search: label.toLocaleLowerCase(),
        choice: { agent_id: a.agent_id }, disabled: a.state !== "available",
      };
    });
  return [...queues, ...agents];
}

function agentState(a: TransferAgent): string {
  const label = t(`status.${a.state === "wrapup" ? "wrap_up" : a.state}`);
  if (a.state === "paused" && a.reason) {
    return `${label}: ${t(`status.reason.${a.reason}`, { defaultValue: a.reason })}`;
  }
  return label;
}
