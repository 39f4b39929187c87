// A supervisor listens to a talking agent from the wallboard, in a browser context of its
// own: the Listen button rings the supervisor's phone, which the test picks up through the
// simulator's control API; arisim then shows a listening snoop on the agent's channel. After
// a reload restores the controls, the supervisor switches to whisper and stops, and the
// agent's call goes on until the caller hangs up and the agent saves the outcome.
import { join } from "node:path";
import { hasAttribute, hasText, until, visible } from "./harness/expect.mjs";
import { ru, screenshot } from "./inbound-call.mjs";

// Labels of the wallboard's supervision controls, copied from src/locales/ru.json.
const labels = {
  listen: "Слушать", ringing: "Звонит ваш телефон: снимите трубку", listening: "Подключено: Прослушивание",
  whispering: "Подключено: Подсказка оператору", stopped: "Вы отключились от звонка.",
};

// supervisorPhone is a simulated phone that no demo agent uses. arisim's default rules let
// it ring until the control API answers it, as a person at a phone would.
const supervisorPhone = "PJSIP/1010";

// runSupervise gives the demo supervisor a phone, runs the session and checks the call's
// record afterwards. It logs one line when it passes.
export async function runSupervise({ browser, page, baseURL, arisim, agent, supervisor, contact, pg, database, resultsDir }) {
  // The demo's supervisor has no phone of their own.
  await pg.run(database, "UPDATE users SET endpoint = :'endpoint' WHERE login = :'login';",
    { endpoint: supervisorPhone, login: supervisor.login });
  await hasAttribute(page.getByTestId("agent-state"), "data-state", "available", "the agent available before the supervised call");

  const context = await browser.newContext();
  const wallboard = await context.newPage();
  let callerChannel;
  try {
    await wallboard.goto(baseURL + "/");
    await wallboard.getByLabel(ru.login, { exact: true }).fill(supervisor.login);
    await wallboard.getByLabel(ru.password, { exact: true }).fill(supervisor.password);
    await wallboard.getByRole("button", { name: ru.submit, exact: true }).click();
    await hasText(wallboard.getByTestId("connection"), ru.connected, "the supervisor's wallboard connected");

    callerChannel = await arisim.placeCall({
      callerNumber: contact.e164, callerName: "E2E SUPERVISED", dialed: "100", app: "switchboard", args: ["inbound", "support"],
    });
    await page.getByRole("button", { name: ru.answer, exact: true }).click();
    await hasText(page.getByTestId("call-panel"), ru.onCall, "the agent's desk talking on the supervised call");
    const row = wallboard.getByTestId(`agent-${agent.id}`);
    await hasAttribute(row, "data-state", "on_call", "the agent talking on the wallboard");
    const agentLeg = await channelAt(arisim, agent.endpoint, (c) => c.app, "the agent's leg in Stasis");

    await row.getByRole("button", { name: labels.listen, exact: true }).click();
    await hasText(row.getByTestId("supervise-state"), labels.ringing, "the wallboard asking the supervisor to pick up");
    const supervisorLeg = await channelAt(arisim, supervisorPhone, (c) => c.state === "Ringing", "the supervisor's phone ringing");
    await answer(arisim, supervisorLeg.id);
    await hasText(row.getByTestId("supervise-state"), labels.listening, "the wallboard connected in listen mode");
    await snoopOn(arisim, agentLeg.id, supervisorLeg.id, "none");
    await screenshot(wallboard, join(resultsDir, "wallboard-listening.png"));

    // A reload restores the session's controls from the hello.
    await wallboard.reload();
    await hasText(row.getByTestId("supervise-state"), labels.listening, "the listen mode restored after a reload");

    await row.getByTestId("supervise-mode").selectOption("whisper");
    await hasText(row.getByTestId("supervise-state"), labels.whispering, "the wallboard in whisper mode");
    await snoopOn(arisim, agentLeg.id, supervisorLeg.id, "out");

    await row.getByTestId("supervise-stop").click();
    await hasText(wallboard.getByTestId("supervise-message"), labels.stopped, "the message after stopping");
    await visible(row.getByRole("button", { name: labels.listen, exact: true }), "the Listen button back after stopping");
    await until(async () => {
      const channels = await arisim.channels();
      return !channels.some((c) => c.id === supervisorLeg.id) && !channels.some((c) => c.snoopOf && c.app);
    }, "the supervisor's phone and the snoops gone from arisim", async () => JSON.stringify(await arisim.channels()));
    await hasText(page.getByTestId("call-panel"), ru.onCall, "the agent's call still in progress after the supervisor stopped");
  } finally {
    await context.close();
  }

  await arisim.hangup(callerChannel, 16);
  await hasText(page.getByTestId("wrapup-form"), ru.wrapupTitle, "the agent's disposition form after the supervised call");
  const codes = await page.getByTestId("disposition").locator("option").evaluateAll(
    (options) => options.map((o) => o.value).filter((v) => v !== ""));
  const code = codes.includes("resolved") ? "resolved" : codes[0];
  await page.getByTestId("disposition").selectOption(code);
  await page.getByRole("button", { name: ru.save, exact: true }).click();
  await hasText(page.getByTestId("message"), ru.saved, "the outcome message after the supervised call");
  await until(async () => (await arisim.bridges()).length === 0 && (await arisim.channels()).length === 0,
    "no channel and no bridge left in arisim after the supervised call",
    async () => JSON.stringify({ channels: await arisim.channels(), bridges: await arisim.bridges() }));
  console.log(`e2e: ${supervisor.login} listened to and whispered into ${agent.login}'s call, then stopped`);
}

// channelAt waits for a channel at the endpoint for which match holds and returns it.
async function channelAt(arisim, endpoint, match, expected) {
  let found;
  await until(async () => {
    found = (await arisim.channels()).find((c) => c.endpoint === endpoint && match(c));
    return found !== undefined;
  }, expected, async () => JSON.stringify(await arisim.channels()));
  return found;
}

// snoopOn waits for exactly one snoop in Stasis: on the agent's leg, spying on both
// directions, whispering in the given direction and bridged with the supervisor's leg.
async function snoopOn(arisim, agentLegID, supervisorLegID, whisper) {
  await until(async () => {
    const snoops = (await arisim.channels()).filter((c) => c.snoopOf && c.app);
    if (snoops.length !== 1) return false;
    const [snoop] = snoops;
    const bridged = (await arisim.bridges()).some((b) =>
      b.channels.length === 2 && b.channels.includes(snoop.id) && b.channels.includes(supervisorLegID));
    return snoop.snoopOf === agentLegID && snoop.spy === "both" && snoop.whisper === whisper && bridged;
  }, `one snoop on the agent's leg ${agentLegID} with spy both and whisper ${whisper}, bridged with the supervisor's leg`,
  async () => JSON.stringify({ channels: await arisim.channels(), bridges: await arisim.bridges() }));
}

// answer picks up a simulated phone through the control API, with the harness's address and
// credentials.
async function answer(arisim, channelID) {
  const res = await fetch(`${arisim.base}/control/channels/${encodeURIComponent(channelID)}/answer`, {
    method: "POST", headers: { Authorization: arisim.authorization }, signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) {
    throw new Error(`arisim POST /control/channels/${channelID}/answer: HTTP ${res.status}: ${(await res.text()).trim()}`);
  }
}
