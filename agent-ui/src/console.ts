import { clear, h } from "./dom";
import { t } from "./i18n";
import { languagePicker } from "./language";
import { User } from "./protocol";
import { logout } from "./session";

// Console is the page of a user who is neither an agent nor a supervisor: administrators and
// marketers. The browser has no workspace for them yet, so instead of a desk that can never
// connect, the page says where their work is done: the command line.
export class Console {
  constructor(
    private readonly root: HTMLElement,
    private readonly user: User,
    private readonly onSignedOut: () => void,
  ) {}

  start(): void {
    this.render();
  }

  close(): void {
    clear(this.root);
  }

  private render(): void {
    clear(this.root);
    const signOut = h("button", { "data-testid": "logout" }, t("header.logout"));
    signOut.addEventListener("click", async () => {
      await logout().catch(() => undefined);
      this.onSignedOut();
    });
    const header = h("header", {},
      h("strong", {}, "Switchboard"),
      h("span", { "data-testid": "user-name" }, this.user.name),
      h("span", { class: "spacer" }),
      languagePicker(() => this.render()),
      signOut,
    );

    const commands: [string, string][] = [];
    if (this.user.roles.includes("admin")) {
      commands.push(
        ["switchboard user list", t("console.admin_users")],
        ["switchboard import contacts FILE", t("console.admin_import")],
        ["switchboard migrate status", t("console.admin_migrate")],
      );
    }
    if (this.user.roles.includes("marketer")) {
      commands.push(
        ["switchboard campaign list", t("console.marketer_campaigns")],
        ["switchboard campaign leads NAME FILE", t("console.marketer_leads")],
        ["switchboard campaign status NAME", t("console.marketer_status")],
      );
    }
    const main = h("main", { "data-testid": "console" },
      h("h1", {}, t("console.title")),
      h("p", {}, t("console.explain")),
      h("ul", {}, ...commands.map(([command, what]) => h("li", {}, h("code", {}, command), " — ", what))),
      h("p", {}, t("console.help")),
    );
    this.root.append(header, main);
  }
}
