// The callbacks panel lists the callback that the unknown caller's outcome scheduled, and a
// queue callback that is overdue, in the agent's language and time zone. The agent marks both
// done, and PostgreSQL must then hold them as done. The stored English title ("Callback +7…")
// must show nowhere.
import { join } from "node:path";

import { equal, hasText, ok, until, visible } from "./harness/expect.mjs";
import { screenshot } from "./inbound-call.mjs";

// Texts of the panel, copied from src/locales/ru.json and en.json.
const ru = { title: "Перезвонить", kind: "Перезвонить", overdue: "просрочено", done: "Выполнено", closed: "Перезвон закрыт." };
const en = { title: "Callbacks", kind: "Call back", overdue: "overdue" };

export async function runCallbacks({ page, pg, database, agent, unknown, resultsDir }) {
  const byTestId = (id) => page.getByTestId(id);

  const [scheduled] = await pg.rows(database, `
    SELECT t.id::text FROM tasks t JOIN interactions i ON i.id = t.interaction_id
    WHERE i.call_id = :'call_id' AND t.kind = 'callback'`, { call_id: unknown.callID });
  ok(scheduled, `expected the callback task of call ${unknown.callID} in PostgreSQL`);
  // An unassigned callback of the agent's queue, due an hour ago, as queue overflow leaves it.
  const overdue = {
    id: await pg.run(database, `
      INSERT INTO tasks (kind, status, title, due_at, phone_e164, queue)
      VALUES ('callback', 'open', 'Callback +74951110000', now() - interval '1 hour', '+74951110000', 'support')
      RETURNING id;`),
  };
  ok(/^\d+$/.test(overdue.id), `expected the id of the inserted overdue callback, got ${JSON.stringify(overdue.id)}`);

  await byTestId("callbacks-toggle").click();
  const panel = byTestId("callbacks-panel");
  await visible(panel, "the callbacks panel after opening it");
  const item = (id) => panel.locator(`[data-task-id="${id}"]`);
  await visible(item(scheduled.id), `callback ${scheduled.id} of the unknown caller in the panel`);
  await visible(item(overdue.id), `the overdue queue callback ${overdue.id} in the panel`);

  const ids = await panel.getByTestId("callback-item").evaluateAll((items) => items.map((i) => i.dataset.taskId));
  ok(ids.indexOf(overdue.id) < ids.indexOf(scheduled.id),
    `expected the overdue callback ${overdue.id} before the one due tomorrow ${scheduled.id}, got the order ${JSON.stringify(ids)}`);
  equal(await byTestId("callbacks-count").innerText(), String(ids.length), "the count in the header");

  await hasText(item(scheduled.id), [ru.kind, `${unknown.lastName} ${unknown.firstName}`, "+7 999"],
    "the scheduled callback with its label, contact and readable number");
  await hasText(item(overdue.id), [ru.kind, "+7 495 111-00-00", ru.overdue], "the overdue callback marked overdue");
  equal(await item(scheduled.id).getByTestId("callback-overdue").count(), 0, "overdue marks on the callback due tomorrow");
  const due = await item(scheduled.id).getByTestId("callback-due").innerText();
  const wantDue = await page.evaluate((iso) =>
    new Intl.DateTimeFormat("ru", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)), unknown.callbackAt);
  equal(due, wantDue, "the due time in Russian and the browser's time zone");
  ok(!(await page.locator("body").innerText()).includes("Callback +7"), "expected no stored English title on the desk");
  await screenshot(page, join(resultsDir, "callbacks.png"));

  await byTestId("language").selectOption("en");
  await hasText(panel, [en.title, en.kind, en.overdue], "the callbacks panel in English");
  // Back to Russian, because the language is stored on the server for this agent, whose
  // later checks read Russian texts.
  await byTestId("language").selectOption("ru");
  await hasText(panel, [ru.title, ru.kind], "the callbacks panel back in Russian");

  for (const id of [scheduled.id, overdue.id]) {
    await item(id).getByRole("button", { name: ru.done, exact: true }).click();
    await until(async () => (await item(id).count()) === 0, `callback ${id} gone from the panel after Done`, async () => "still shown");
  }
  await hasText(byTestId("message"), ru.closed, "the message after closing a callback");

  const rows = await pg.rows(database, `
    SELECT id::text, status, completed_at IS NOT NULL AS completed FROM tasks
    WHERE id IN (:'scheduled'::bigint, :'overdue'::bigint) ORDER BY id`, { scheduled: scheduled.id, overdue: overdue.id });
  equal(rows.length, 2, "the number of closed callback rows");
  for (const row of rows) {
    equal(row.status, "done", `callback ${row.id}: the status after Done`);
    ok(row.completed, `expected callback ${row.id} to have completed_at set after Done`);
  }

  await byTestId("callbacks-toggle").click();
  console.log(`e2e: ${agent.login} saw callbacks ${scheduled.id} and ${overdue.id} on the desk and marked them done`);
}
