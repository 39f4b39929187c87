// Browser test of the agent desk against the real server: `switchboard demo` on a fresh
// PostgreSQL database with the in-process ARI simulator, and Debian's Chromium, headless.
//
//   make test-ui        (or, after `make build` and with SWITCHBOARD_TEST_PG_URL set: npm run test:e2e)
//
// The scenarios run in order in one server and browser. They are a known caller's call
// (inbound-call.mjs), an unknown caller's call with a new contact and a callback, and a call
// from a withheld number. Then come a campaign call that names its lead from the call list
// (campaign-call.mjs), a transfer to a queue between two agents (transfer.mjs), and logout
// across two tabs. Between the unknown caller and the missed
// call, a supervisor follows a call on the wallboard in a browser context of its own
// (wallboard.mjs). After each call, the call record, contact and callback task are checked
// in PostgreSQL. Before the logout, the agent and the supervisor find contacts on the contacts page
// (contacts.mjs).
//
// It prints the screenshots it keeps in test-results/ and exits non-zero on the first
// failed check, with what was expected. Every process it starts is stopped by PID, and the
// database is dropped, also on failure. test-results/ also keeps the server's and Chromium's
// logs of the last run.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { AriSim } from "./harness/arisim.mjs";
import { launchChromium } from "./harness/browser.mjs";
import { startDemo } from "./harness/demo.mjs";
import { equal, ok, until } from "./harness/expect.mjs";
import { Postgres } from "./harness/postgres.mjs";
import { Processes } from "./harness/processes.mjs";
import { runCampaignCall } from "./campaign-call.mjs";
import { runConsole } from "./console.mjs";
import { runContacts } from "./contacts.mjs";
import { runInboundCall, runLogout, runMissedCall, runUnknownCaller, runWithheldCaller } from "./inbound-call.mjs";
import { runSupervise } from "./supervise.mjs";
import { runTransfer } from "./transfer.mjs";
import { runWallboard } from "./wallboard.mjs";

const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const binary = resolve(uiDir, "..", "bin", "switchboard");
const resultsDir = join(uiDir, "test-results");

const watchdogMs = 300_000;

const processes = new Processes();
const cleanups = [];
// page is the desk's tab once open, for a screenshot of a failure.
let page;

async function main() {
  const serverURL = process.env.SWITCHBOARD_TEST_PG_URL;
  if (!serverURL) {
    throw new Error("SWITCHBOARD_TEST_PG_URL is not set; run `make test-ui`, or first run " +
      "`eval \"$(scripts/services/env.sh)\"` in the repository root");
  }
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing; run \`make build\` in the repository root first`);
  }
  // Screenshots and logs of an earlier run must not pass for this run's.
  await rm(resultsDir, { recursive: true, force: true });
  await mkdir(resultsDir, { recursive: true });
  const runID = new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15);

  // The logins and simulator credentials are secrets, so they live in a private temporary
  // folder. The logs go to test-results, where a failed run can be read.
  const workDir = await mkdtemp(join(tmpdir(), "switchboard-e2e-"));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));

  const pg = new Postgres(serverURL);
  const database = await pg.createDatabase("switchboard_e2e");
  cleanups.push(() => pg.dropDatabase(database));

  const demo = await startDemo({
    processes,
    binary,
    databaseURL: pg.databaseURL(database),
    workDir,
    logPath: join(resultsDir, "switchboard.log"),
  });
  const arisim = await AriSim.fromFile(demo.arisimPath);

  const [agent, colleague] = await pickAgents(pg, database, demo.logins);
  const contact = await pickContact(pg, database);
  console.log(`e2e: ${demo.baseURL}, agent ${agent.login} at ${agent.endpoint}, caller ${contact.e164} (${contact.name})`);

  const chromium = await launchChromium(processes, workDir, join(resultsDir, "chromium.log"));

  const context = chromium.browser.contexts()[0];
  page = await context.newPage();
  const frames = watchFrames(page);

  const known = await runInboundCall({ page, baseURL: demo.baseURL, arisim, agent, contact, frames, resultsDir, runID });
  await checkCallRecord(pg, database, known, {
    queue: "support", agent_id: agent.id, contact_id: contact.id, caller_number: contact.e164, hangup_cause: 16,
  });
  console.log(`e2e: call ${known.callID} from a known caller answered, disposition ${known.code} saved`);

  const number = await unknownNumber(pg, database);
  const unknown = await runUnknownCaller({ page, arisim, number, frames, resultsDir, runID });
  const created = await pg.rows(database, `
    SELECT c.id::text, c.first_name, c.last_name FROM contacts c JOIN phones p ON p.contact_id = c.id
    WHERE p.e164 = :'number' AND c.deleted_at IS NULL`, { number });
  equal(created.length, 1, `the number of contacts with the new caller's number ${number}`);
  equal(created[0].first_name, unknown.firstName, "the created contact's first_name");
  equal(created[0].last_name, unknown.lastName, "the created contact's last_name");
  await checkCallRecord(pg, database, unknown, {
    queue: "support", agent_id: agent.id, contact_id: created[0].id, caller_number: number,
  });
  await checkCallback(pg, database, unknown, { agent, contactID: created[0].id, number });
  await (await import("./callbacks.mjs")).runCallbacks({ page, pg, database, agent, unknown, resultsDir });
  console.log(`e2e: call ${unknown.callID} from an unknown caller answered, contact ${created[0].id} created, disposition ${unknown.code} saved`);

  const withheld = await runWithheldCaller({ page, arisim, frames });
  console.log(`e2e: call ${withheld.callID} from a withheld number answered, disposition ${withheld.code} saved`);

  await runCampaignCall({ page, pg, database, number: await unknownNumber(pg, database), frames, runID });
  console.log("e2e: a campaign call rang the desk with the lead's name from the call list");

  const supervisor = demo.logins.find((l) => l.role === "supervisor");
  if (!supervisor) {
    throw new Error(`expected a supervisor in the demo logins, got ${JSON.stringify(demo.logins.map((l) => `${l.role}/${l.login}`))}`);
  }
  const watched = await runWallboard({ browser: chromium.browser, page, baseURL: demo.baseURL, arisim, agent, supervisor, contact, resultsDir });
  await checkCallRecord(pg, database, watched, {
    queue: "support", agent_id: agent.id, contact_id: contact.id, caller_number: contact.e164, hangup_cause: 16,
  });
  console.log(`e2e: call ${watched.callID} followed on ${supervisor.login}'s wallboard from the snapshot to wrap-up`);
  await runSupervise({ browser: chromium.browser, page, baseURL: demo.baseURL, arisim, agent, supervisor, contact, pg, database, resultsDir });

  await (await import("./kept-outcome.mjs")).runKeptOutcome({ page, arisim, contact, frames, pg, database, runID });
  await runMissedCall({ page, arisim, contact, frames });
  console.log("e2e: a call rang out on the desk and paused the agent as missed");

  const transfer = await runTransfer({
    browser: chromium.browser, page, baseURL: demo.baseURL, arisim, agent, colleague, contact, frames, resultsDir, runID,
  });
  await checkCallRecord(pg, database, transfer, {
    // The record keeps the queue and agent the call ended with.
    queue: "sales", agent_id: colleague.id, contact_id: contact.id, caller_number: contact.e164, hangup_cause: 16,
  });
  console.log(`e2e: call ${transfer.callID} transferred to the sales queue and answered by ${colleague.login}, disposition ${transfer.code} saved`);

  await runContacts({ browser: chromium.browser, baseURL: demo.baseURL, agent, supervisor, pg, database, resultsDir });
  console.log(`e2e: ${agent.login} and ${supervisor.login} found contacts and opened a card with its history, in Russian and English`);

  await runConsole({ browser: chromium.browser, baseURL: demo.baseURL, logins: demo.logins });

  await runLogout({ page, baseURL: demo.baseURL });
  console.log("e2e: PASS");
}

// unknownNumber returns a Russian mobile number that no contact has.
async function unknownNumber(pg, database) {
  for (let attempt = 0; attempt < 10; attempt++) {
    const number = "+7999" + String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
    const rows = await pg.rows(database, "SELECT 1 FROM phones WHERE e164 = :'number'", { number });
    if (rows.length === 0) return number;
  }
  throw new Error("expected to find a +7999 number that no demo contact has within 10 tries");
}

// pickAgents returns two demo agents with fixed phones and the Russian locale, with their
// user ids and endpoints from the database. The second must have the sales skill, because
// the first transfers a call to the sales queue.
async function pickAgents(pg, database, logins) {
  const rows = await pg.rows(database, `
    SELECT u.id::text, u.login, u.display_name, u.endpoint,
           EXISTS (SELECT 1 FROM user_skills s WHERE s.user_id = u.id AND s.skill = 'sales') AS sales
    FROM users u
    WHERE 'agent' = ANY (u.roles) AND u.endpoint IS NOT NULL AND u.locale = 'ru' AND NOT u.disabled
    ORDER BY u.login`);
  const agents = [];
  for (const row of rows) {
    const login = logins.find((l) => l.role === "agent" && l.login === row.login);
    if (login) agents.push({ ...login, id: row.id, name: row.display_name, endpoint: row.endpoint, sales: row.sales });
  }
  const first = agents[0];
  const second = agents.find((a) => a !== first && a.sales);
  if (!first || !second) {
    throw new Error("expected two demo agents with fixed phones and the Russian locale in the logins file, " +
      `the second with the sales skill; database agents: ${JSON.stringify(rows)}, ` +
      `logins: ${JSON.stringify(logins.map((l) => `${l.role}/${l.login}`))}`);
  }
  return [first, second];
}

// pickContact returns a demo contact whose number belongs to no other contact and whose
// newest interaction has a note, so that the screen-pop has a certain name and history.
async function pickContact(pg, database) {
  const rows = await pg.rows(database, `
    SELECT c.id::text AS id,
           concat_ws(' ', nullif(c.last_name, ''), nullif(c.first_name, ''), nullif(c.middle_name, '')) AS name,
           p.e164, latest.note AS "latestNote"
    FROM contacts c
    JOIN phones p ON p.contact_id = c.id AND p.extension = ''
    JOIN LATERAL (
      SELECT i.note FROM interactions i WHERE i.contact_id = c.id
      ORDER BY i.arrived_at DESC, i.id DESC LIMIT 1
    ) latest ON true
    WHERE c.deleted_at IS NULL AND c.last_name <> '' AND latest.note <> ''
      AND NOT EXISTS (SELECT 1 FROM phones q WHERE q.e164 = p.e164 AND q.contact_id <> c.id)
    ORDER BY c.id, p.id
    LIMIT 1`);
  if (rows.length === 0) {
    throw new Error("expected the demo data to hold a contact with a phone of its own and a note on its newest interaction, found none");
  }
  return rows[0];
}

// watchFrames records the call.offered frames the server sends on any WebSocket of page,
// reloads included, because the desk shows no call id.
function watchFrames(page) {
  const frames = { offers: [] };
  page.on("websocket", (ws) => {
    ws.on("framereceived", ({ payload }) => {
      let env;
      try {
        env = JSON.parse(String(payload));
      } catch {
        return;
      }
      if (env.type === "call.offered") frames.offers.push(env.data);
      if (env.type === "hello" && env.data?.call?.offer) frames.offers.push(env.data.call.offer);
    });
  });
  return frames;
}

// checkCallRecord waits for the call's record to carry the saved disposition, then checks
// the rest of it against result and the columns in expected.
async function checkCallRecord(pg, database, result, expected) {
  let record;
  await until(
    async () => {
      const rows = await pg.rows(database, `
        SELECT call_id, direction, queue, agent_id::text, contact_id::text, caller_number, outcome,
               hangup_cause, disposition, note, answered_at IS NOT NULL AS answered, talk_seconds
        FROM interactions WHERE call_id = :'call_id'`, { call_id: result.callID });
      record = rows[0];
      return record?.disposition !== undefined && record.disposition !== "";
    },
    `a call record with call_id ${result.callID} and a disposition in PostgreSQL`,
    async () => record ? JSON.stringify(record) : `no record; records of ${expected.caller_number}: ${JSON.stringify(
      await pg.rows(database, "SELECT call_id, outcome, disposition FROM interactions WHERE caller_number = :'n' ORDER BY id DESC LIMIT 5",
        { n: expected.caller_number }))}`,
  );

  equal(record.disposition, result.code, `call ${result.callID}: the record's disposition`);
  equal(record.note, result.note, `call ${result.callID}: the record's note`);
  equal(record.outcome, "answered", `call ${result.callID}: the record's outcome`);
  equal(record.direction, "inbound", `call ${result.callID}: the record's direction`);
  ok(record.answered, `expected the record of call ${result.callID} to have answered_at set, got ${JSON.stringify(record)}`);
  ok(record.talk_seconds > 0, `expected the record of call ${result.callID} to have talk_seconds above 0, got ${record.talk_seconds}`);
  for (const [column, value] of Object.entries(expected)) {
    equal(record[column], value, `call ${result.callID}: the record's ${column}`);
  }
}

// checkCallback checks the callback task that the disposition of result scheduled.
async function checkCallback(pg, database, result, { agent, contactID, number }) {
  // The server sets the disposition and then creates the task, so the task may lag a little.
  let tasks = [];
  await until(
    async () => {
      tasks = await pg.rows(database, `
        SELECT t.kind, t.status, t.phone_e164, t.contact_id::text, t.assignee_id::text, t.queue,
               to_char(t.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS due_at
        FROM tasks t JOIN interactions i ON i.id = t.interaction_id
        WHERE i.call_id = :'call_id'`, { call_id: result.callID });
      return tasks.length > 0;
    },
    `a callback task linked to call ${result.callID}`,
    async () => "none",
  );
  equal(tasks.length, 1, `the number of tasks linked to call ${result.callID}`);
  const task = tasks[0];
  equal(task.kind, "callback", "the callback task's kind");
  equal(task.status, "open", "the callback task's status");
  equal(task.due_at, result.callbackAt, "the callback task's due_at");
  equal(task.phone_e164, number, "the callback task's phone_e164");
  equal(task.contact_id, contactID, "the callback task's contact_id");
  equal(task.assignee_id, agent.id, "the callback task's assignee_id");
}

// cleanup stops every process started here, then runs the cleanup steps once, the newest
// first, even when a signal or the watchdog calls it while the test is cleaning up already.
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    await processes.stopAll();
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (err) {
        console.error(`e2e: cleanup: ${err.message}`);
      }
    }
  })();
  return cleaning;
}

async function abort(reason) {
  console.error(`e2e: FAIL: ${reason}; stopping the server and the browser`);
  await cleanup();
  process.exit(1);
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => abort(`received ${signal}`));
}
// Every check has its own timeout; the watchdog catches a hang outside them.
const watchdog = setTimeout(() => abort(`the test did not finish within ${watchdogMs / 1000} s`), watchdogMs);
watchdog.unref();

try {
  await main();
} catch (err) {
  process.exitCode = 1;
  console.error(`e2e: FAIL: ${err.message}`);
  if (page) {
    const shot = join(resultsDir, "failure.png");
    await page.screenshot({ path: shot, fullPage: true })
      .then(() => console.error(`e2e: screenshot of the failure ${shot}`))
      .catch((shotErr) => console.error(`e2e: no screenshot of the failure: ${shotErr.message}`));
  }
  console.error(`e2e: logs in ${resultsDir} (switchboard.log, chromium.log)`);
} finally {
  await cleanup();
}
