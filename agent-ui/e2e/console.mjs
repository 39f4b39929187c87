// The page of users who have no browser workspace: an administrator and a marketer sign in
// with the Russian UI and get a page that names their command-line tasks, not a desk that
// cannot connect. Each signs out again.
import { equal, hasText, visible } from "./harness/expect.mjs";
import { ru } from "./inbound-call.mjs";

const title = "Для вашей роли в браузере пока нет рабочего места";

// runConsole returns nothing; every check throws on failure.
export async function runConsole({ browser, baseURL, logins }) {
  for (const role of ["admin", "marketer"]) {
    const user = logins.find((l) => l.role === role);
    if (!user) {
      throw new Error(`expected a ${role} in the demo logins, got ${JSON.stringify(logins.map((l) => l.role))}`);
    }
    const command = role === "admin" ? "switchboard user list" : "switchboard campaign list";

    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(baseURL + "/");
      await visible(page.getByTestId("login-form"), `the login form for ${role}`);
      await page.getByLabel(ru.login, { exact: true }).fill(user.login);
      await page.getByLabel(ru.password, { exact: true }).fill(user.password);
      await page.getByRole("button", { name: ru.submit, exact: true }).click();

      await visible(page.getByTestId("console"), `the command-line page of the ${role}`);
      await hasText(page.getByTestId("console"), title, `the ${role}'s page title`);
      await hasText(page.getByTestId("console"), command, `the ${role}'s first command`);
      equal(await page.getByTestId("connection").count(), 0, `no connection state on the ${role}'s page`);

      await page.getByTestId("logout").click();
      await visible(page.getByTestId("login-form"), `the login form after the ${role} signs out`);
    } finally {
      await context.close();
    }
  }
  console.log("e2e: the administrator and the marketer got their command-line page and signed out");
}
