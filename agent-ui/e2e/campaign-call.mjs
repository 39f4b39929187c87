// A campaign call as the agent's desk shows it: the dialer calls a lead whose number no
// contact has, and the ringing desk names the person as the call list does, with the
// campaign, in place of "unknown caller".
import { equal, hasAttribute, ok, until } from "./harness/expect.mjs";

// Labels copied from src/locales/ru.json, so a changed translation fails here visibly.
const ru = {
  ringing: "Звонок кампании",
  campaign: (name) => `Кампания: ${name}`,
  leadSource: (name) => `Нет в контактах; имя взято из списка обзвона кампании ${name}`,
};

// runCampaignCall starts a campaign in the support queue with one named lead at number and
// waits for the desk's screen-pop. The agent does not answer, so the call flow hangs it up as
// abandoned 2 s after the person answered. The desk shows the offer for those 2 s only, so
// an observer in the page records what it rendered, and the checks read that record.
export async function runCampaignCall({ page, pg, database, number, frames, runID }) {
  const name = `e2e-${runID}`;
  const leadName = "Пётр Лидов";
  const offersBefore = frames.offers.length;

  await page.evaluate(() => {
    const seen = {};
    window.__campaignPop = seen;
    const record = () => {
      for (const id of ["lead-name", "lead-source", "campaign", "caller"]) {
        const el = document.querySelector(`[data-testid="${id}"]`);
        if (el && seen[id] === undefined && document.querySelector('[data-testid="lead-name"]')) {
          seen[id] = el.textContent;
        }
      }
      const title = document.querySelector('[data-testid="call-panel"] h2');
      if (title && seen.title === undefined && seen["lead-name"] !== undefined) seen.title = title.textContent;
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  // The campaign dials all day, once per lead, into the queue the agent serves.
  await pg.run(database, `
    WITH c AS (
      INSERT INTO campaigns (name, queue, status, window_start_min, window_end_min, time_zone, max_attempts)
      VALUES (:'name', 'support', 'running', 0, 0, 'UTC', 1) RETURNING id)
    INSERT INTO campaign_leads (campaign_id, phone_e164, phone_raw, name)
    SELECT id, :'number', :'number', :'lead' FROM c;`, { name, number, lead: leadName });

  await until(() => frames.offers.slice(offersBefore).some((o) => o.caller?.number === number),
    `a call.offered frame for the campaign's lead ${number}`, async () => JSON.stringify(frames.offers.slice(offersBefore)));
  const offer = frames.offers.slice(offersBefore).find((o) => o.caller?.number === number);
  equal(offer.unknown, true, "call.offered unknown for a lead without a contact");
  equal(offer.campaign?.campaign, name, "call.offered campaign name");
  equal(offer.campaign?.lead_name, leadName, "call.offered lead name");

  const seen = () => page.evaluate(() => window.__campaignPop);
  await until(async () => (await seen())["lead-name"] !== undefined, "the lead's card on the ringing desk",
    async () => JSON.stringify(await seen()));
  const pop = await seen();
  equal(pop["lead-name"], leadName, "the card's heading for a lead without a contact");
  equal(pop["lead-source"], ru.leadSource(name), "the card's note on where the name comes from");
  equal(pop.campaign, ru.campaign(name), "the call panel's campaign line");
  equal(pop.title, ru.ringing, "the call panel's title while a campaign call rings");
  ok(pop.caller?.startsWith(leadName), `expected the call panel to name the caller ${leadName}, got ${JSON.stringify(pop.caller)}`);

  // No agent answered within 2 s, so the dial is abandoned and the agent waits for the next call.
  await until(async () => {
    const rows = await pg.rows(database, `
      SELECT a.outcome FROM campaign_attempts a JOIN campaigns c ON c.id = a.campaign_id WHERE c.name = :'name'`, { name });
    return rows.length === 1 && rows[0].outcome === "abandoned";
  }, `the campaign's one dial recorded as abandoned`);
  await hasAttribute(page.getByTestId("agent-state"), "data-state", "available", "the agent available after the campaign call");
}
