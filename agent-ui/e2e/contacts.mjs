// The contacts page, in a browser context of its own. An agent signs in with the Russian UI,
// opens "Контакты" from the desk's header, searches "ива" while typing and opens the first
// contact with Enter. Esc clears the search. A phone written as "8 (916) …" then finds one
// contact, whose card shows its history. The page switches to English and back, and the
// header link leads back to the desk. A supervisor then reaches the page from the
// wallboard, reloads it, finds the same contact and goes back to the wallboard.
import { join } from "node:path";
import { equal, hasAttribute, hasText, ok, until, visible } from "./harness/expect.mjs";
import { ru, screenshot } from "./inbound-call.mjs";

// Labels of the contacts page and card, copied from src/locales like the desk's labels.
const labels = {
  ru: {
    nav: "Контакты", title: "Switchboard — контакты", placeholder: "Имя, компания или номер телефона",
    hint: "Введите хотя бы две буквы имени", none: "Контакты не найдены", choose: "Выберите контакт",
    history: "История обращений", phones: "Телефоны", desk: "Рабочее место", wallboard: "Табло",
  },
  en: {
    title: "Switchboard — contacts", placeholder: "Name, company or phone number", history: "Interaction history",
    phones: "Phones", tickets: "Open tickets", desk: "Desk",
  },
};

// Page sizes of src/contacts.ts: results per search, interactions on a card and per "older".
const pageSize = 20;
const cardHistorySize = 10;
const historyPageSize = 20;

// runContacts returns nothing; every check throws on failure.
export async function runContacts({ browser, baseURL, agent, supervisor, pg, database, resultsDir }) {
  const byName = await namePrefixMatches(pg, database, "ива");
  const contact = await contactWith916Phone(pg, database);
  const busiest = await contactWithLongestHistory(pg, database);

  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const byTestId = (id) => page.getByTestId(id);

    await page.goto(baseURL + "/");
    await visible(byTestId("login-form"), "the login form for the contacts page");
    await page.getByLabel(ru.login, { exact: true }).fill(agent.login);
    await page.getByLabel(ru.password, { exact: true }).fill(agent.password);
    await page.getByRole("button", { name: ru.submit, exact: true }).click();
    await hasText(byTestId("user-name"), agent.name, "the agent's name on the desk");

    await page.getByRole("link", { name: labels.ru.nav, exact: true }).click();
    await visible(byTestId("contact-search"), "the search box of the contacts page");
    equal(new URL(page.url()).pathname, "/contacts", "the path of the contacts page");
    equal(await page.title(), labels.ru.title, "the contacts page's title");
    await hasText(byTestId("connection"), ru.connected, "the contacts page connected over the WebSocket");
    equal(await byTestId("contact-search").getAttribute("placeholder"), labels.ru.placeholder, "the search box's placeholder");
    await hasText(byTestId("search-hint"), labels.ru.hint, "the hint before typing");
    await hasText(byTestId("card-panel"), labels.ru.choose, "the card panel before a contact is chosen");

    // One letter is not searched; "ива" is, as it is typed, with no button to press.
    const search = byTestId("contact-search");
    await search.pressSequentially("и");
    await hasText(byTestId("search-hint"), labels.ru.hint, "the hint after one letter");
    await search.pressSequentially("ва", { delay: 50 });
    const results = byTestId("contact-result");
    const firstPage = Math.min(byName.length, pageSize);
    await until(async () => (await results.count()) === firstPage,
      `${firstPage} results for "ива" (the demo has ${byName.length} contacts with a name or company word starting with "ива")`,
      async () => JSON.stringify(await results.allInnerTexts()));
    const names = await results.locator(".result-name").allInnerTexts();
    equal(JSON.stringify(names.map(stripVIP)), JSON.stringify(byName.slice(0, firstPage).map((c) => c.name)),
      "the names of the results for \"ива\" in storage's order");
    equal(await byTestId("more-results").count(), byName.length > pageSize ? 1 : 0, "the number of \"more\" buttons");
    if (byName.length > pageSize) {
      // The next page is added below the first.
      await byTestId("more-results").click();
      const twoPages = Math.min(byName.length, 2 * pageSize);
      await until(async () => (await results.count()) === twoPages, `${twoPages} results after "more"`,
        async () => `${await results.count()} results`);
      const more = await results.locator(".result-name").allInnerTexts();
      equal(JSON.stringify(more.map(stripVIP)), JSON.stringify(byName.slice(0, twoPages).map((c) => c.name)),
        "the names of two pages of results for \"ива\"");
    }

    // Enter opens the first result's card.
    await search.press("Enter");
    await hasText(byTestId("contact-name"), byName[0].name, "the card of the first result after Enter");
    await hasAttribute(results.first(), "aria-current", "true", "the first result marked as open");

    // Esc clears the box, the results and the card.
    await search.press("Escape");
    equal(await search.inputValue(), "", "the search box after Esc");
    await until(async () => (await results.count()) === 0, "no results after Esc", async () => `${await results.count()} results`);
    await hasText(byTestId("card-panel"), labels.ru.choose, "the card panel after Esc");

    // The phone as people write it in Russia finds the contact stored as E.164.
    const written = nationalForm(contact.e164);
    await search.pressSequentially(written, { delay: 20 });
    await until(async () => (await results.count()) === 1, `one result for the phone ${written}`,
      async () => JSON.stringify(await results.allInnerTexts()));
    await hasText(results.first(), [contact.name, contact.e164], `the result for ${written}`);
    await results.first().click();
    await hasText(byTestId("contact-name"), contact.name, "the card of the contact found by phone");
    await hasText(byTestId("contact-phones"), [labels.ru.phones, contact.e164], "the phones on the card");
    await hasText(byTestId("card-panel"), labels.ru.history, "the history heading in Russian");
    await hasText(byTestId("history"), contact.latestNote, "the newest interaction's note in the card's history");
    equal(await byTestId("history").locator("li").count(), Math.min(contact.interactions, cardHistorySize),
      `the number of interactions on the card of a contact with ${contact.interactions}`);
    equal(await byTestId("older-history").count(), contact.interactions >= cardHistorySize ? 1 : 0,
      "the number of \"older interactions\" buttons on that card");
    await screenshot(page, join(resultsDir, "contacts-card-ru.png"));

    // The contact with the longest history shows it all, one page of older interactions at a
    // time.
    await search.press("Escape");
    await search.fill(`${busiest.lastName} ${busiest.firstName}`);
    const busiestResult = page.locator(`[data-contact-id="${busiest.id}"]`);
    await visible(busiestResult, `the result for ${busiest.name} (contact ${busiest.id})`);
    await busiestResult.click();
    await hasText(byTestId("contact-name"), busiest.name, "the card of the contact with the longest history");
    const historyItems = byTestId("history").locator("li");
    await until(async () => (await historyItems.count()) === cardHistorySize, `${cardHistorySize} interactions on the card`,
      async () => `${await historyItems.count()} interactions`);
    for (let loaded = cardHistorySize; loaded < busiest.interactions;) {
      await byTestId("older-history").click();
      loaded = Math.min(busiest.interactions, loaded + historyPageSize);
      const expected = loaded;
      await until(async () => (await historyItems.count()) === expected,
        `${expected} of the ${busiest.interactions} interactions after "older interactions"`,
        async () => `${await historyItems.count()} interactions`);
    }
    equal(await byTestId("older-history").count(), 0, "the number of \"older interactions\" buttons once the whole history is shown");

    // The page and the open card switch to English and keep the search.
    await search.press("Escape");
    await search.fill(written);
    await until(async () => (await results.count()) === 1, `one result for the phone ${written} again`,
      async () => JSON.stringify(await results.allInnerTexts()));
    await results.first().click();
    await hasText(byTestId("contact-name"), contact.name, "the card of the contact found by phone again");
    await byTestId("language").selectOption("en");
    await hasText(byTestId("card-panel"), [labels.en.history, labels.en.tickets], "the card's headings in English");
    await hasText(byTestId("contact-phones"), labels.en.phones, "the phones label in English");
    equal(await page.title(), labels.en.title, "the contacts page's title in English");
    equal(await search.getAttribute("placeholder"), labels.en.placeholder, "the search box's placeholder in English");
    equal(await search.inputValue(), written, "the search text kept across the language switch");
    await hasText(byTestId("history"), contact.latestNote, "the history kept across the language switch");
    await screenshot(page, join(resultsDir, "contacts-card-en.png"));

    // Back to Russian, because the language is stored on the server for this agent, whose
    // desk the other scenarios check in Russian.
    await byTestId("language").selectOption("ru");
    await hasText(byTestId("card-panel"), labels.ru.history, "the card's history heading back in Russian");
    await page.getByRole("link", { name: labels.ru.desk, exact: true }).click();
    await visible(byTestId("call-panel"), "the desk after the link back from the contacts page");
    equal(new URL(page.url()).pathname, "/", "the path of the desk");
    ok(await page.getByRole("link", { name: labels.ru.nav, exact: true }).isVisible(), "expected the desk's header to link to the contacts page");
  } finally {
    await context.close();
  }

  await runSupervisorContacts({ browser, baseURL, supervisor, contact });
}

// runSupervisorContacts checks the page for a supervisor who takes no calls: reached from the
// wallboard's header, kept across a reload, and linked back to the wallboard.
async function runSupervisorContacts({ browser, baseURL, supervisor, contact }) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const byTestId = (id) => page.getByTestId(id);

    await page.goto(baseURL + "/");
    await visible(byTestId("login-form"), "the login form for the supervisor");
    await page.getByLabel(ru.login, { exact: true }).fill(supervisor.login);
    await page.getByLabel(ru.password, { exact: true }).fill(supervisor.password);
    await page.getByRole("button", { name: ru.submit, exact: true }).click();
    await visible(byTestId("queues"), "the supervisor's wallboard");

    await page.getByRole("link", { name: labels.ru.nav, exact: true }).click();
    await visible(byTestId("contact-search"), "the search box opened from the wallboard");
    await page.reload();
    await visible(byTestId("contact-search"), "the search box after reloading /contacts");
    equal(await page.title(), labels.ru.title, "the contacts page's title after the reload");
    await hasText(byTestId("connection"), ru.connected, "the supervisor's contacts page connected over the WebSocket");

    const written = nationalForm(contact.e164);
    await byTestId("contact-search").fill(written);
    const results = byTestId("contact-result");
    await until(async () => (await results.count()) === 1, `one result for the phone ${written} for the supervisor`,
      async () => JSON.stringify(await results.allInnerTexts()));
    await results.first().click();
    await hasText(byTestId("contact-name"), contact.name, "the card that the supervisor opened");
    await hasText(byTestId("history"), contact.latestNote, "the history on the supervisor's card");

    await page.getByRole("link", { name: labels.ru.wallboard, exact: true }).click();
    await visible(byTestId("queues"), "the wallboard after the link back from the contacts page");
    equal(new URL(page.url()).pathname, "/", "the path of the wallboard");
  } finally {
    await context.close();
  }
}

// namePrefixMatches returns the live contacts with a word of their name, or of their
// company's name, starting with prefix, in the order the search lists them: contacts with a
// word equal to prefix first, then by name. It matches by regular expressions, independently
// of the full-text indexes the server searches.
async function namePrefixMatches(pg, database, prefix) {
  const rows = await pg.rows(database, `
    WITH words AS (
      SELECT c.id, c.last_name, c.first_name,
             concat_ws(' ', nullif(c.last_name, ''), nullif(c.first_name, ''), nullif(c.middle_name, '')) AS name,
             translate(lower(c.last_name || ' ' || c.first_name || ' ' || c.middle_name), 'ё', 'е') AS name_words,
             translate(lower(coalesce(co.name, '')), 'ё', 'е') AS company_words
      FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
      WHERE c.deleted_at IS NULL)
    SELECT name FROM words
    WHERE name_words ~ ('(^|[^[:alnum:]])' || :'prefix') OR company_words ~ ('(^|[^[:alnum:]])' || :'prefix')
    ORDER BY name_words ~ ('(^|[^[:alnum:]])' || :'prefix' || '($|[^[:alnum:]])')
          OR company_words ~ ('(^|[^[:alnum:]])' || :'prefix' || '($|[^[:alnum:]])') DESC,
             last_name, first_name, id`, { prefix });
  ok(rows.length > 0, `expected the demo data to hold contacts whose name or company has a word starting with "${prefix}", found none`);
  return rows;
}

// contactWith916Phone returns a live contact whose main number is a +7 916 number that no
// other contact has. Its newest interaction has a note. So the search by phone has one
// certain result that shows the number, and the card's history shows the note.
async function contactWith916Phone(pg, database) {
  const rows = await pg.rows(database, `
    SELECT concat_ws(' ', nullif(c.last_name, ''), nullif(c.first_name, ''), nullif(c.middle_name, '')) AS name,
           p.e164, latest.note AS "latestNote",
           (SELECT count(*) FROM interactions i WHERE i.contact_id = c.id) AS interactions
    FROM contacts c
    JOIN phones p ON p.contact_id = c.id AND p.extension = '' AND p.is_primary AND p.e164 LIKE '+7916%'
    JOIN LATERAL (
      SELECT i.note FROM interactions i WHERE i.contact_id = c.id
      ORDER BY i.arrived_at DESC, i.id DESC LIMIT 1
    ) latest ON true
    WHERE c.deleted_at IS NULL AND c.last_name <> '' AND latest.note <> ''
      AND NOT EXISTS (SELECT 1 FROM phones q WHERE q.e164 = p.e164 AND q.contact_id <> c.id)
    ORDER BY c.id, p.id
    LIMIT 1`);
  ok(rows.length === 1, "expected the demo data to hold a contact with a +7 916 number of its own and a note on its newest interaction, found none");
  return rows[0];
}

// contactWithLongestHistory returns the live contact with the most interactions, more than
// a card carries, so that its older interactions must be loaded.
async function contactWithLongestHistory(pg, database) {
  const rows = await pg.rows(database, `
    SELECT c.id::text AS id, c.last_name AS "lastName", c.first_name AS "firstName",
           concat_ws(' ', nullif(c.last_name, ''), nullif(c.first_name, ''), nullif(c.middle_name, '')) AS name,
           count(i.id) AS interactions
    FROM contacts c JOIN interactions i ON i.contact_id = c.id
    WHERE c.deleted_at IS NULL AND c.last_name <> '' AND c.first_name <> ''
    GROUP BY c.id
    HAVING count(i.id) > :'card_size'
    ORDER BY count(i.id) DESC, c.id
    LIMIT 1`, { card_size: cardHistorySize });
  ok(rows.length === 1, `expected the demo data to hold a contact with more than ${cardHistorySize} interactions, found none`);
  return rows[0];
}

// nationalForm writes +7XXXXXXXXXX the way it is often written in Russia: 8 (XXX) XXX-XX-XX.
function nationalForm(e164) {
  const d = e164.slice(2);
  return `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
}

// stripVIP removes the VIP mark that follows a VIP contact's name in a result.
function stripVIP(text) {
  return text.replace(/\s*VIP$/, "");
}
