// A blind transfer to a queue between two agents, each in their own browser context. The
// first answers, picks the sales queue in the transfer picker, which also lists the signed-in
// colleague as available, and goes to wrap-up. The second gets the
// screen-pop with the same card, answers and saves the disposition once the caller hangs up.
import { join } from "node:path";
import { equal, hasAttribute, hasText, visible } from "./harness/expect.mjs";
import { checkBridged, ru, screenshot } from "./inbound-call.mjs";

// Labels of the transfer picker, copied from src/locales/ru.json.
const picker = { available: "Готов", waiting: "в ожидании:" };

export async function runTransfer({ browser, page, baseURL, arisim, agent, colleague, contact, frames, resultsDir, runID }) {
  const byTestId = (id) => page.getByTestId(id);
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the first agent available before the transfer call");

  const offersBefore = frames.offers.length;
  const callerChannel = await arisim.placeCall({
    callerNumber: contact.e164,
    callerName: "E2E CALLER",
    dialed: "100",
    app: "switchboard",
    args: ["inbound", "support"],
  });
  await hasText(byTestId("contact-name"), contact.name, "the screen-pop of the call to transfer");
  await page.getByRole("button", { name: ru.answer, exact: true }).click();
  await hasText(byTestId("call-panel"), ru.onCall, "the first agent talking before the transfer");
  const callID = frames.offers.slice(offersBefore).at(-1)?.call_id;
  equal(typeof callID, "string", "the type of the call id of the call to transfer");

  // The colleague signs in only now, so that the call could not have been routed to them.
  const colleagueContext = await browser.newContext();
  const desk = await colleagueContext.newPage();
  try {
    await signIn(desk, baseURL, colleague);

    // The picker lists the queues first, then the colleague by name: available, so it can be
    // picked. Typing filters the list, and Enter picks the first match, the sales queue.
    await page.getByRole("button", { name: ru.transfer, exact: true }).click();
    const options = byTestId("transfer-options");
    await hasText(options.getByRole("option").first(), "support", "the first queue at the top of the transfer picker");
    const colleagueOption = options.getByRole("option", { name: colleague.name });
    await hasText(colleagueOption, picker.available, "the colleague in the transfer picker with their state");
    equal(await colleagueOption.getAttribute("aria-disabled"), null, "aria-disabled of the available colleague's option");
    await screenshot(page, join(resultsDir, "transfer-picker.png"));
    await page.getByPlaceholder(ru.transferTarget, { exact: true }).fill("sal");
    await hasText(options, picker.waiting, "the sales queue's waiting calls in the filtered picker");
    equal(await options.getByRole("option").count(), 1, "the options left after typing sal");
    await page.getByPlaceholder(ru.transferTarget, { exact: true }).press("Enter");
    await hasText(byTestId("wrapup-form"), ru.wrapupTitle, "the first agent's wrap-up form after the transfer");

    await hasText(desk.getByTestId("contact-name"), contact.name, "the colleague's screen-pop of the transferred call");
    await hasText(desk.getByTestId("history"), contact.latestNote, "the history on the colleague's screen-pop");
    await desk.getByRole("button", { name: ru.answer, exact: true }).click();
    await hasText(desk.getByTestId("call-panel"), ru.onCall, "the colleague talking after answering the transfer");
    await checkBridged(arisim, callerChannel, colleague.endpoint);
    await screenshot(desk, join(resultsDir, "transfer-answered.png"));

    await arisim.hangup(callerChannel, 16);
    await hasText(desk.getByTestId("wrapup-form"), ru.wrapupTitle, "the colleague's wrap-up form after the caller hung up");
    const codes = await desk.getByTestId("disposition").locator("option").evaluateAll(
      (options) => options.map((o) => o.value).filter((v) => v !== ""));
    const code = codes.includes("sale") ? "sale" : codes[0];
    const note = `Оформлен заказ после перевода, проверка браузерного теста ${runID}`;
    await desk.getByTestId("disposition").selectOption(code);
    await desk.getByTestId("note").fill(note);
    await desk.getByRole("button", { name: ru.save, exact: true }).click();
    await hasText(desk.getByTestId("message"), ru.saved, "the colleague's outcome message");
    await hasAttribute(desk.getByTestId("agent-state"), "data-state", "available", "the colleague available after saving");
    return { callID, callerChannel, code, note };
  } finally {
    await colleagueContext.close();
  }
}

// signIn logs agent in on page from the login form and sets the status to available.
async function signIn(page, baseURL, agent) {
  await page.goto(baseURL + "/");
  await visible(page.getByTestId("login-form"), `the login form for ${agent.login}`);
  await page.getByLabel(ru.login, { exact: true }).fill(agent.login);
  await page.getByLabel(ru.password, { exact: true }).fill(agent.password);
  await page.getByRole("button", { name: ru.submit, exact: true }).click();
  await hasText(page.getByTestId("user-name"), agent.name, `${agent.login}'s name in the header`);
  await hasText(page.getByTestId("connection"), ru.connected, `${agent.login}'s desk connected`);
  await page.getByTestId("status").selectOption({ label: ru.available });
  await hasAttribute(page.getByTestId("agent-state"), "data-state", "available", `${agent.login} available`);
}
