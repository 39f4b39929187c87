// The supervisor's wallboard, in a browser context of its own: the supervisor signs in with
// the Russian UI and sees the queue and the agent by name at once, from the snapshot in
// hello. The agent then takes a call on their desk in the test's main context, and the board
// follows the agent through ringing, talking and wrap-up, in Russian and then in English.
import { join } from "node:path";
import { equal, hasAttribute, hasText, ok, until, visible } from "./harness/expect.mjs";
import { ru, screenshot } from "./inbound-call.mjs";

// Labels of the wallboard, copied from src/locales like the desk's labels in inbound-call.mjs.
const board = {
  ru: { title: "Switchboard — табло супервизора", available: "Готов", reserved: "Входящий вызов", onCall: "Разговор", wrapup: "Поствызывная обработка", agents: "Операторы" },
  en: { available: "Available", onCall: "On call", wrapup: "Wrap-up", agents: "Agents", timeInState: "Time in state" },
};

// runWallboard returns the call's id and disposition for the database check.
export async function runWallboard({ browser, page, baseURL, arisim, agent, supervisor, contact, resultsDir }) {
  await hasAttribute(page.getByTestId("agent-state"), "data-state", "available", "the agent available before the wallboard call");

  const context = await browser.newContext();
  const wallboard = await context.newPage();
  const frames = watchSupervisorFrames(wallboard);
  try {
    await wallboard.goto(baseURL + "/");
    await visible(wallboard.getByTestId("login-form"), "the login form for the supervisor");
    equal(await wallboard.locator("html").getAttribute("lang"), "ru", "the page language before the supervisor's login");
    await wallboard.getByLabel(ru.login, { exact: true }).fill(supervisor.login);
    await wallboard.getByLabel(ru.password, { exact: true }).fill(supervisor.password);
    await wallboard.getByRole("button", { name: ru.submit, exact: true }).click();
    await hasText(wallboard.getByTestId("user-name"), supervisor.name, "the supervisor's name in the header");
    equal(await wallboard.title(), board.ru.title, "the wallboard's page title");
    await hasText(wallboard.getByTestId("connection"), ru.connected, "the wallboard connected over the WebSocket");

    // The agent has not changed state since the supervisor connected, so their row can only
    // come from the snapshot in hello.
    const row = wallboard.getByTestId(`agent-${agent.id}`);
    await hasText(row.getByTestId("agent-name"), agent.name, "the agent listed by name on the wallboard");
    await hasText(row.getByTestId("agent-state"), board.ru.available, "the agent's state in Russian on the wallboard");
    await visible(wallboard.getByTestId("queue-support"), "the support queue on the wallboard");
    equal(frames.agentStates.filter((s) => s.agent_id === agent.id).length, 0,
      "the number of agent.state frames for the agent before the call (the row must come from hello)");
    const snapshot = frames.hello?.wallboard;
    ok(snapshot !== undefined, `expected the supervisor's hello to carry a wallboard, got ${JSON.stringify(frames.hello)}`);
    const listed = snapshot.agents.find((a) => a.agent_id === agent.id);
    equal(listed?.name, agent.name, "the agent's name in the hello's wallboard");
    equal(listed?.state, "available", "the agent's state in the hello's wallboard");
    ok(snapshot.queues.some((q) => q.queue === "support"),
      `expected the hello's wallboard to list the support queue, got ${JSON.stringify(snapshot.queues.map((q) => q.queue))}`);

    // The time in state counts up every second.
    const timeCell = row.getByTestId("agent-time");
    const before = await timeCell.innerText();
    ok(/^\d+:\d\d$/.test(before), `expected the time in state as m:ss, got ${JSON.stringify(before)}`);
    await until(async () => (await timeCell.innerText()) !== before, "the time in state to advance",
      async () => JSON.stringify(await timeCell.innerText()), 5_000);

    const callerChannel = await arisim.placeCall({
      callerNumber: contact.e164,
      callerName: "E2E WALLBOARD",
      dialed: "100",
      app: "switchboard",
      args: ["inbound", "support"],
    });
    await hasAttribute(row, "data-state", "reserved", "the agent ringing on the wallboard");
    await hasText(row.getByTestId("agent-state"), board.ru.reserved, "the ringing state in Russian on the wallboard");
    await hasText(row.getByTestId("agent-call"), ["support", "E2E WALLBOARD"], "the ringing call's queue and caller on the wallboard");

    await page.getByRole("button", { name: ru.answer, exact: true }).click();
    await hasText(page.getByTestId("call-panel"), ru.onCall, "the agent's desk talking");
    await hasAttribute(row, "data-state", "on_call", "the agent talking on the wallboard");
    await hasText(row.getByTestId("agent-state"), board.ru.onCall, "the talking state in Russian on the wallboard");
    await hasText(row.getByTestId("agent-call"), "support", "the talking call's queue on the wallboard");
    await screenshot(wallboard, join(resultsDir, "wallboard-on-call.png"));

    await wallboard.getByTestId("language").selectOption("en");
    await hasText(wallboard.getByTestId("agents"), [board.en.agents, board.en.timeInState], "the agents' table in English");
    await hasText(row.getByTestId("agent-state"), board.en.onCall, "the talking state in English on the wallboard");
    await hasText(row.getByTestId("agent-name"), agent.name, "the agent's name kept after switching to English");

    // The caller hangs up: the board shows wrap-up, then available once the agent saves.
    const offer = frames.agentStates.findLast((s) => s.agent_id === agent.id && s.call)?.call;
    await arisim.hangup(callerChannel, 16);
    await hasAttribute(row, "data-state", "wrapup", "the agent in wrap-up on the wallboard");
    await hasText(row.getByTestId("agent-state"), board.en.wrapup, "the wrap-up state in English on the wallboard");

    await hasText(page.getByTestId("wrapup-form"), ru.wrapupTitle, "the agent's disposition form after the wallboard call");
    const codes = await page.getByTestId("disposition").locator("option").evaluateAll(
      (options) => options.map((o) => o.value).filter((v) => v !== ""));
    const code = codes.includes("resolved") ? "resolved" : codes[0];
    const note = "Звонок под наблюдением супервизора";
    await page.getByTestId("disposition").selectOption(code);
    await page.getByTestId("note").fill(note);
    await page.getByRole("button", { name: ru.save, exact: true }).click();
    await hasText(page.getByTestId("message"), ru.saved, "the outcome message after the wallboard call");
    await hasAttribute(row, "data-state", "available", "the agent available again on the wallboard");
    await hasText(row.getByTestId("agent-state"), board.en.available, "the available state in English on the wallboard");

    ok(typeof offer?.call_id === "string", `expected agent.state frames to name the call, got ${JSON.stringify(frames.agentStates)}`);
    return { callID: offer.call_id, callerChannel, code, note };
  } finally {
    await context.close();
  }
}

// watchSupervisorFrames records the hello and the agent.state frames that the wallboard's
// WebSocket receives.
function watchSupervisorFrames(page) {
  const frames = { hello: undefined, agentStates: [] };
  page.on("websocket", (ws) => {
    ws.on("framereceived", ({ payload }) => {
      let env;
      try {
        env = JSON.parse(String(payload));
      } catch {
        return;
      }
      if (env.type === "hello") frames.hello = env.data;
      if (env.type === "agent.state") frames.agentStates.push(env.data);
    });
  });
  return frames;
}
