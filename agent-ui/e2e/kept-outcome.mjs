// An outcome that the agent fills in but does not save survives the next call. The agent
// answers a call, picks a disposition and types a note in wrap-up, then chooses Available
// without saving. When the next call rings, the form moves to the "previous call" panel with
// the note still in it, and the agent saves it while talking on the new call. The call record
// of the first call must then carry that outcome.
import { equal, hasAttribute, hasText, until, visible } from "./harness/expect.mjs";
import { ru } from "./inbound-call.mjs";

// Texts of the previous-call panel, copied from src/locales/ru.json.
const previousTitle = "Прошлый вызов";

export async function runKeptOutcome({ page, arisim, contact, frames, pg, database, runID }) {
  const byTestId = (id) => page.getByTestId(id);
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the agent available before the kept-outcome calls");

  const first = await answerCall(page, arisim, contact, frames, "the first kept-outcome call");
  await arisim.hangup(first.callerChannel, 16);
  await hasText(byTestId("wrapup-form"), ru.wrapupTitle, "the wrap-up form of the first call");
  const codes = await byTestId("disposition").locator("option").evaluateAll(
    (options) => options.map((o) => o.value).filter((v) => v !== ""));
  const code = codes.includes("resolved") ? "resolved" : codes[0];
  const note = `Итог не сохранён до следующего вызова, проверка ${runID}`;
  await byTestId("disposition").selectOption(code);
  await byTestId("note").fill(note);

  // Available ends the wrap-up without saving; the form stays until the next call replaces it.
  await byTestId("status").selectOption({ label: ru.available });
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the agent available with the outcome unsaved");

  const second = await answerCall(page, arisim, contact, frames, "the call after the unsaved outcome");
  const previous = byTestId("previous-outcome");
  await hasText(previous, previousTitle, "the previous-call panel during the next call");
  equal(await byTestId("previous-note").inputValue(), note, "the note kept in the previous-call panel");
  equal(await byTestId("previous-disposition").inputValue(), code, "the disposition kept in the previous-call panel");

  await byTestId("previous-save-disposition").click();
  await hasText(byTestId("message"), ru.saved, "the message after saving the previous call's outcome");
  await until(async () => (await previous.count()) === 0, "the previous-call panel gone after saving", async () => "still shown");
  await hasText(byTestId("call-panel"), ru.onCall, "the second call still in progress after the late save");

  let record;
  await until(async () => {
    [record] = await pg.rows(database, "SELECT disposition, note FROM interactions WHERE call_id = :'call_id'", { call_id: first.callID });
    return record?.disposition === code;
  }, `the record of call ${first.callID} with disposition ${code}`, async () => JSON.stringify(record ?? null));
  equal(record.note, note, `call ${first.callID}: the record's note saved from the previous-call panel`);

  // The second call ends and is wrapped up as usual, so the agent is available for what follows.
  await arisim.hangup(second.callerChannel, 16);
  await hasText(byTestId("wrapup-form"), ru.wrapupTitle, "the wrap-up form of the second call");
  await byTestId("disposition").selectOption(code);
  await page.getByRole("button", { name: ru.save, exact: true }).click();
  await hasAttribute(byTestId("agent-state"), "data-state", "available", "the agent available after the second call's outcome");
  console.log(`e2e: the unsaved outcome of call ${first.callID} was kept through call ${second.callID} and saved`);
}

// answerCall places a call from contact, waits for its screen-pop and answers it.
async function answerCall(page, arisim, contact, frames, description) {
  const offersBefore = frames.offers.length;
  const callerChannel = await arisim.placeCall({
    callerNumber: contact.e164, callerName: "E2E CALLER", dialed: "100", app: "switchboard", args: ["inbound", "support"],
  });
  await until(() => frames.offers.length > offersBefore, `a call.offered frame for ${description}`, async () => "none");
  const callID = frames.offers.at(-1).call_id;
  await visible(page.getByRole("button", { name: ru.answer, exact: true }), `the answer button for ${description}`);
  await page.getByRole("button", { name: ru.answer, exact: true }).click();
  await hasText(page.getByTestId("call-panel"), ru.onCall, `${description} in progress`);
  return { callID, callerChannel };
}
