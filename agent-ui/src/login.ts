import { h, clear } from "./dom";
import { t } from "./i18n";
import { languagePicker } from "./language";
import { HTTPError, login, Me } from "./session";

// renderLogin draws the sign-in form and calls onSignedIn after a successful login. A
// language switch redraws the form and keeps what was typed.
export function renderLogin(root: HTMLElement, onSignedIn: (me: Me) => void, typed = { login: "", password: "" }): void {
  clear(root);
  const loginInput = h("input", { id: "login", name: "login", autocomplete: "username", required: true });
  const passwordInput = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  loginInput.value = typed.login;
  passwordInput.value = typed.password;
  const message = h("p", { class: "error", role: "alert", "data-testid": "login-error" });

  const language = languagePicker(() => renderLogin(root, onSignedIn, { login: loginInput.value, password: passwordInput.value }));
  const form = h("form", { class: "panel login", "data-testid": "login-form" },
    h("div", { class: "login-language" }, language),
    h("h1", {}, t("login.title")),
    h("label", { for: "login" }, t("login.login")), loginInput,
    h("label", { for: "password" }, t("login.password")), passwordInput,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("login.submit"))),
    message,
  );

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    message.textContent = "";
    try {
      onSignedIn(await login(loginInput.value, passwordInput.value));
    } catch (err) {
      if (err instanceof HTTPError && err.status === 401) message.textContent = t("login.failed");
      else if (err instanceof HTTPError) message.textContent = t("error.generic", { message: err.message });
      else message.textContent = t("error.network");
    }
  });

  root.append(form);
  loginInput.focus();
}
