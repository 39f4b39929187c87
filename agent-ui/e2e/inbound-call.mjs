// The inbound call as an agent lives it in the desk: sign in (Russian UI), become available,
// see the screen-pop of a known caller with their history, answer, survive a reload and a
// language switch mid-call, then save a disposition with a note once the caller hangs up.
import { join } from "node:path";
import { equal, hasAttribute, hasText, ok, until, visible } from "./harness/expect.mjs";

// Labels the desk must show, copied from src/locales so that a changed translation shows
// up here as a failed check to look at rather than passing unnoticed.
export const ru = {
  loginTitle: "Вход", login: "Логин", password: "Пароль", submit: "Войти",
  available: "Готов", connected: "На связи", incoming: "Входящий вызов", answer: "Ответить",
  onCall: "Идёт разговор", ended: "Вызов завершён", hangup: "Завершить", history: "История обращений",
  wrapupTitle: "Итог вызова", save: "Сохранить", saved: "Итог сохранён",
  lunch: "Пауза: Обед", hold: "Удержание", unhold: "Снять с удержания", transfer: "Перевести",
  transferTarget: "Оператор или очередь", unknown: "Неизвестный абонент", withheld: "Номер скрыт",
  createContact: "Создать контакт", saveContact: "Сохранить контакт", contactSaved: "Контакт сохранён",
  firstName: "Имя", lastName: "Фамилия", logout: "Выйти",
  loginFailed: "Неверный логин или пароль", missed: "Пауза: Пропущенный вызов",
  loggedOut: "Не в системе", agentOnCall: "Во время разговора статус сменить нельзя. Завершите звонок.",
};
const en = {
  loginTitle: "Sign in", onCall: "Call in progress", hangup: "Hang up", hold: "Hold",
  history: "Interaction history", stateOnCall: "On call",
};

// runInboundCall drives page through the call. frames collects the call.offered data the
// server sent over the desk's WebSocket; the result names the call for the database checks.
export async function runInboundCall({ page, baseURL, arisim, agent, contact, frames, resultsDir, runID }) {
  const byTestId = (id) => page.getByTestId(id);

  // The login form comes up in Russian on a fresh profile.
  await page.goto(baseURL + "/");
  await visible(byTestId("login-form"), "the login form");
  equal(await page.locator("html").getAttribute("lang"), "ru", "the page language before login");
  await hasText(byTestId("login-form").locator("h1"), ru.loginTitle, "the Russian login title");
  await visible(page.getByLabel(ru.login, { exact: true }), `a field labelled "${ru.login}"`);
  await visible(page.getByLabel(ru.password, { exact: true }), `a field labelled "${ru.password}"`);
  await visible(page.getByRole("button", { name: ru.submit, exact: true }), `a "${ru.submit}" button`);

  // The login form switches to English and back.
  await byTestId("language").selectOption("en");
  await hasText(byTestId("login-form").locator("h1"), en.loginTitle, "the English login title after switching");
  await byTestId("language").selectOption("ru");
  await hasText(byTestId("login-form").locator("h1"), ru.loginTitle, "the Russian login title after switching back");

  // A wrong password is rejected with a Russian message.
  await page.getByLabel(ru.login, { exact: true }).fill(agent.login);
  await page.getByLabel(ru.password, { exact: true }).fill(agent.password + "-wrong");
  await page.getByRole("button", { name: ru.submit, exact: true }).click();
  await hasText(byTestId("login-error"), ru.loginFailed, "the message for a wrong password");

  await page.getByLabel(ru.password, { exact: true }).fill(agent.password);
  await page.getByRole("button", { name: ru.submit, exact: true }).click();
  await hasText(byTestId("user-name"), agent.name, "the agent's name in the header after login");
  await hasText(byTestId("connection"), ru.connected, "the desk connected over the WebSocket");

  await byTestId("status").selectOption({ label: ru.available });
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the agent available after choosing the status");
  await hasText(byTestId("agent-state"), ru.available, `the state shown as "${ru.available}"`);

  await byTestId("status").selectOption({ label: ru.lunch });
  await hasAttribute(byTestId("agent-state"), "data-state", "paused", "the agent paused after choosing a pause reason");
  await hasText(byTestId("agent-state"), ru.lunch, `the state shown as "${ru.lunch}"`);
  await byTestId("status").selectOption({ label: ru.available });
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the agent available again after the pause");

  // A second tab of the same agent rings too, and stops ringing when the first answers.
  const secondTab = await page.context().newPage();
  await secondTab.goto(baseURL + "/");
  await hasText(secondTab.getByTestId("connection"), ru.connected, "the second tab connected");

  // The customer calls from the contact's number.
  const callerChannel = await arisim.placeCall({
    callerNumber: contact.e164,
    callerName: "E2E CALLER",
    dialed: "100",
    app: "switchboard",
    args: ["inbound", "support"],
  });

  await hasText(byTestId("call-panel"), ru.incoming, "the ringing call panel");
  await hasAttribute(byTestId("call-panel"), "class", "panel ringing", "the call panel marked as ringing");
  await hasText(byTestId("contact-name"), contact.name, "the caller's contact card");
  await hasText(byTestId("card-panel"), ru.history, "the history heading on the card");
  await hasText(byTestId("history"), contact.latestNote, "the contact's latest interaction note in the history");
  await until(() => frames.offers.length > 0, "a call.offered frame on the desk's WebSocket", async () => "none");
  const offer = frames.offers.at(-1);
  equal(offer.unknown, false, "call.offered unknown");
  equal(offer.contact?.contact_id, contact.id, "call.offered contact.contact_id");
  const callID = offer.call_id;
  ok(typeof callID === "string" && callID !== "", `expected call.offered to carry a call_id, got ${JSON.stringify(offer)}`);

  await hasText(secondTab.getByTestId("contact-name"), contact.name, "the screen-pop in the second tab");
  await visible(secondTab.getByRole("button", { name: ru.answer, exact: true }), `an "${ru.answer}" button in the second tab`);

  await screenshot(page, join(resultsDir, "screen-pop.png"));

  await page.getByRole("button", { name: ru.answer, exact: true }).click();
  await hasText(byTestId("call-panel"), ru.onCall, "the call panel showing the live call after answering");
  await hasText(secondTab.getByTestId("call-panel"), ru.onCall, "the second tab showing the live call once the first answered");
  equal(await secondTab.getByRole("button", { name: ru.answer, exact: true }).count(), 0,
    "the number of Answer buttons left in the second tab");

  // Signing out during the call is a conflict, and the desk explains its reason in Russian.
  await secondTab.getByTestId("status").selectOption({ label: ru.loggedOut });
  await hasText(secondTab.getByTestId("message"), ru.agentOnCall, "the message for signing out during a call");
  // The desk's own translation of the reason replaces the generic "Ошибка: <server message>".
  equal((await secondTab.getByTestId("message").innerText()).trim(), ru.agentOnCall,
    "the whole message for signing out during a call");
  await hasText(byTestId("call-panel"), ru.onCall, "the live call kept after the rejected sign-out");
  await secondTab.close();
  await visible(page.getByRole("button", { name: ru.hangup, exact: true }), `a "${ru.hangup}" button during the call`);
  await hasAttribute(byTestId("agent-state"), "data-state", "on_call", "the agent on call after answering");
  await checkBridged(arisim, callerChannel, agent.endpoint);

  await page.getByRole("button", { name: ru.hold, exact: true }).click();
  await visible(page.getByRole("button", { name: ru.unhold, exact: true }), `a "${ru.unhold}" button once the call is on hold`);
  await page.getByRole("button", { name: ru.unhold, exact: true }).click();
  await visible(page.getByRole("button", { name: ru.hold, exact: true }), `a "${ru.hold}" button once the call is back`);

  // Switching to English relabels the live call; the choice survives a reload, and the
  // reload restores the call and its card from the server's hello.
  await byTestId("language").selectOption("en");
  await hasText(byTestId("call-panel"), [en.onCall, en.hangup, en.hold], "the call panel in English");
  await hasText(byTestId("agent-state"), en.stateOnCall, "the agent state in English");
  await hasText(byTestId("card-panel"), en.history, "the card in English");
  equal(await page.locator("html").getAttribute("lang"), "en", "the page language after switching to English");
  await until(async () => (await serverLocale(page)) === "en", "the server to store the user's locale as en",
    () => serverLocale(page));

  await page.reload();
  await hasText(byTestId("call-panel"), [en.onCall, en.hangup], "the live call restored in English after a reload");
  await hasText(byTestId("contact-name"), contact.name, "the contact card restored after a reload");
  await hasText(byTestId("history"), contact.latestNote, "the history restored after a reload");

  await byTestId("language").selectOption("ru");
  await hasText(byTestId("call-panel"), [ru.onCall, ru.hangup], "the call panel in Russian after switching back");
  await until(async () => (await serverLocale(page)) === "ru", "the server to store the user's locale as ru again",
    () => serverLocale(page));

  // The caller hangs up; the desk opens the disposition form.
  await arisim.hangup(callerChannel, 16);
  await hasText(byTestId("wrapup-form"), ru.wrapupTitle, "the disposition form after the caller hung up");
  await hasText(byTestId("call-panel").locator("h2"), ru.ended, "the call panel title in wrap-up");
  await visible(byTestId("wrapup-until"), "the time at which wrap-up ends");
  await hasAttribute(byTestId("agent-state"), "data-state", "wrapup", "the agent in wrap-up after the caller hung up");

  // A reload in wrap-up brings the form back from hello.
  await page.reload();
  await hasText(byTestId("wrapup-form"), ru.wrapupTitle, "the disposition form restored after a reload in wrap-up");
  await hasText(byTestId("contact-name"), contact.name, "the contact card kept in wrap-up after a reload");
  const codes = await byTestId("disposition").locator("option").evaluateAll(
    (options) => options.map((o) => o.value).filter((v) => v !== ""));
  ok(codes.length > 0, "expected the disposition list to offer at least one code, it offered none");
  const code = codes.includes("resolved") ? "resolved" : codes[0];
  const note = `Клиент доволен, проверка браузерного теста ${runID}`;
  await byTestId("disposition").selectOption(code);
  await byTestId("note").fill(note);
  await page.getByRole("button", { name: ru.save, exact: true }).click();
  await hasText(byTestId("message"), ru.saved, "the outcome message after saving");
  await visible(byTestId("no-call"), "the desk back to no call after saving");
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the agent available again after saving");

  await screenshot(page, join(resultsDir, "disposition-saved.png"));

  return { callID, callerChannel, code, note };
}

// checkBridged waits until the simulator shows the caller's channel in one bridge with the
// agent's phone.
export async function checkBridged(arisim, callerChannel, agentEndpoint) {
  let last = "";
  await until(
    async () => {
      const [bridges, channels] = await Promise.all([arisim.bridges(), arisim.channels()]);
      last = JSON.stringify({ bridges, channels: channels.map((c) => ({ id: c.id, name: c.name, state: c.state, bridgeId: c.bridgeId })) });
      const bridge = bridges.find((b) => b.channels.includes(callerChannel));
      if (!bridge) return false;
      return channels.some((c) => c.id !== callerChannel && bridge.channels.includes(c.id) &&
        (c.endpoint === agentEndpoint || c.name.startsWith(agentEndpoint + "-")));
    },
    `the caller's channel ${callerChannel} in one bridge with a channel of ${agentEndpoint}`,
    async () => last,
  );
}

// runUnknownCaller takes a call from a number no contact has: the desk shows the unknown
// caller card, the agent answers, creates a contact from it, hangs up first and saves a
// disposition with a callback time.
export async function runUnknownCaller({ page, arisim, number, frames, resultsDir, runID }) {
  const byTestId = (id) => page.getByTestId(id);
  const offersBefore = frames.offers.length;

  const callerChannel = await arisim.placeCall({
    callerNumber: number,
    callerName: "",
    dialed: "100",
    app: "switchboard",
    args: ["inbound", "support"],
  });
  await hasText(byTestId("unknown-card"), [ru.unknown, number], "the unknown caller card with the number");
  await until(() => frames.offers.slice(offersBefore).some((o) => o.caller?.number === number),
    `a call.offered frame for ${number}`, async () => JSON.stringify(frames.offers.slice(offersBefore)));
  const offer = frames.offers.slice(offersBefore).find((o) => o.caller?.number === number);
  equal(offer.unknown, true, "call.offered unknown for a number without a contact");

  await page.getByRole("button", { name: ru.answer, exact: true }).click();
  await hasText(byTestId("call-panel"), ru.onCall, "the live call with the unknown caller");

  const firstName = "Пётр";
  const lastName = "Сидоров";
  await page.getByRole("button", { name: ru.createContact, exact: true }).click();
  await page.getByLabel(ru.firstName, { exact: true }).fill(firstName);
  await page.getByLabel(ru.lastName, { exact: true }).fill(lastName);
  await page.getByRole("button", { name: ru.saveContact, exact: true }).click();
  await hasText(byTestId("message"), ru.contactSaved, "the message after creating the contact");
  await hasText(byTestId("contact-name"), `${lastName} ${firstName}`, "the new contact's card in place of the unknown caller card");
  await screenshot(page, join(resultsDir, "new-contact.png"));

  // The agent hangs up first.
  await page.getByRole("button", { name: ru.hangup, exact: true }).click();
  await hasText(byTestId("wrapup-form"), ru.wrapupTitle, "the disposition form after the agent hung up");
  const channels = await arisim.channels();
  ok(!channels.some((c) => c.id === callerChannel),
    `expected the caller's channel ${callerChannel} gone after the agent hung up, channels: ${JSON.stringify(channels.map((c) => c.id))}`);

  const codes = await byTestId("disposition").locator("option").evaluateAll(
    (options) => options.map((o) => o.value).filter((v) => v !== ""));
  const code = codes.includes("callback") ? "callback" : codes.at(-1);
  const note = `Новый клиент, перезвонить завтра, проверка браузерного теста ${runID}`;
  await byTestId("disposition").selectOption(code);
  await byTestId("note").fill(note);
  // A callback tomorrow at 10:00 in the browser's time zone, as the agent types it.
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
  const callbackLocal = `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T10:00`;
  await byTestId("callback").fill(callbackLocal);
  const callbackAt = await page.evaluate((value) => new Date(value).toISOString(), callbackLocal);
  await page.getByRole("button", { name: ru.save, exact: true }).click();
  await hasText(byTestId("message"), ru.saved, "the outcome message after saving the second call");
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the agent available after the second call");

  return { callID: offer.call_id, callerChannel, code, note, firstName, lastName, callbackAt };
}

// runWithheldCaller takes a call whose caller id is "anonymous", as a network sends it for a
// withheld number: the desk must show that the number is withheld, show neither the marker nor a
// way to create a contact, and let the agent answer and save an outcome as for any call.
export async function runWithheldCaller({ page, arisim, frames }) {
  const byTestId = (id) => page.getByTestId(id);
  const offersBefore = frames.offers.length;

  const callerChannel = await arisim.placeCall({
    callerNumber: "anonymous",
    callerName: "anonymous",
    dialed: "100",
    app: "switchboard",
    args: ["inbound", "support"],
  });
  await hasText(byTestId("withheld-card"), ru.withheld, "the withheld-number card");
  await hasText(byTestId("caller"), ru.withheld, "the call panel naming the caller as withheld");
  await until(() => frames.offers.length > offersBefore, "a call.offered frame for the withheld caller",
    async () => "none");
  const offer = frames.offers.at(-1);
  equal(offer.withheld, true, "call.offered withheld for caller id anonymous");

  const checkNoMarker = async (when) => {
    const panel = await byTestId("call-panel").innerText();
    ok(!/anonymous/i.test(panel), `expected no "anonymous" in the call panel ${when}, it shows: ${panel}`);
    const buttons = await page.getByRole("button", { name: ru.createContact, exact: true }).count();
    equal(buttons, 0, `the number of create-contact buttons for a withheld caller ${when}`);
  };
  await checkNoMarker("while ringing");

  await page.getByRole("button", { name: ru.answer, exact: true }).click();
  await hasText(byTestId("call-panel"), ru.onCall, "the live call with the withheld caller");
  await checkNoMarker("during the call");

  await arisim.hangup(callerChannel, 16);
  await hasText(byTestId("wrapup-form"), ru.wrapupTitle, "the disposition form after the withheld caller hung up");
  const codes = await byTestId("disposition").locator("option").evaluateAll(
    (options) => options.map((o) => o.value).filter((v) => v !== ""));
  const code = codes.includes("resolved") ? "resolved" : codes[0];
  await byTestId("disposition").selectOption(code);
  await page.getByRole("button", { name: ru.save, exact: true }).click();
  await hasText(byTestId("message"), ru.saved, "the outcome message after the withheld caller's call");
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the agent available after the withheld caller's call");

  return { callID: offer.call_id, code };
}

// serverLocale returns the locale the server stores for the signed-in user.
function serverLocale(page) {
  return page.evaluate(async () => {
    const res = await fetch("/api/v1/me", { credentials: "same-origin" });
    return (await res.json()).user.locale;
  });
}

// screenshot saves the whole page to path and prints the path.
export async function screenshot(page, path) {
  await page.screenshot({ path, fullPage: true });
  console.log(`e2e: screenshot ${path}`);
}

function pad(n) {
  return String(n).padStart(2, "0");
}

// runLogout signs the agent out in page while a second tab is open: both return to the login
// form, the second because the server closes its WebSocket with code 4001.
export async function runLogout({ page, baseURL }) {
  const secondTab = await page.context().newPage();
  await secondTab.goto(baseURL + "/");
  await hasText(secondTab.getByTestId("connection"), ru.connected, "the second tab connected before logout");

  await page.getByRole("button", { name: ru.logout, exact: true }).click();
  await visible(page.getByTestId("login-form"), "the login form after logout");
  await visible(secondTab.getByTestId("login-form"), "the login form in the second tab after logout in the first");
  await secondTab.close();
}

// runMissedCall lets a call ring out on the agent's desk: after the ring timeout the server
// pauses the agent as missed and takes the call back, and the desk must show both. The caller
// then hangs up.
export async function runMissedCall({ page, arisim, contact, frames }) {
  const byTestId = (id) => page.getByTestId(id);
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the agent available before the missed call");
  const offersBefore = frames.offers.length;

  const callerChannel = await arisim.placeCall({
    callerNumber: contact.e164,
    callerName: "E2E CALLER",
    dialed: "100",
    app: "switchboard",
    args: ["inbound", "support"],
  });
  await hasText(byTestId("call-panel"), ru.incoming, "the ringing call panel of the call to miss");
  await until(() => frames.offers.length > offersBefore, "a call.offered frame for the call to miss", async () => "none");
  const ringTimeout = frames.offers.at(-1).ring_timeout_seconds;
  ok(ringTimeout > 0 && ringTimeout <= 120,
    `expected call.offered to carry ring_timeout_seconds between 1 and 120, got ${JSON.stringify(ringTimeout)}`);

  const timeoutMs = ringTimeout * 1000 + 10_000;
  await hasAttribute(byTestId("agent-state"), "data-state", "paused", "the agent paused after the ring timeout", timeoutMs);
  await hasText(byTestId("agent-state"), ru.missed, "the missed-call pause reason");
  await visible(byTestId("no-call"), "the call panel cleared after the ring timeout");

  await arisim.hangup(callerChannel, 16);
  let channels = [];
  await until(async () => {
    channels = await arisim.channels();
    return !channels.some((c) => c.id === callerChannel);
  }, `the missed caller's channel ${callerChannel} gone after the hang-up`, async () => JSON.stringify(channels.map((c) => c.id)));
  await byTestId("status").selectOption({ label: ru.available });
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the agent available again after the missed call");
}
