// Waiting checks for the browser test. Each one polls until its condition is true or its
// timeout passes, then fails with what was expected and what the page showed.
import { sleep } from "./demo.mjs";

export const defaultTimeoutMs = 15_000;

export class CheckError extends Error {}

// until polls check, which returns true when the condition is met, and throws a CheckError
// naming what was expected and the last observation that describe returns.
export async function until(check, expected, describe = async () => "", timeoutMs = defaultTimeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure;
    try {
      if (await check()) return;
    } catch (err) {
      failure = err;
    }
    if (Date.now() >= deadline) {
      const seen = failure ? `error: ${failure.message}` : await describe().catch((err) => `error: ${err.message}`);
      throw new CheckError(`expected ${expected} within ${timeoutMs / 1000} s; got: ${seen}`);
    }
    await sleep(200);
  }
}

// visible waits until locator shows an element.
export async function visible(locator, expected, timeoutMs = defaultTimeoutMs) {
  await until(() => locator.first().isVisible(), expected, () => pageText(locator.page()), timeoutMs);
}

// hasText waits until the element of locator shows text that includes every one of parts.
export async function hasText(locator, parts, expected, timeoutMs = defaultTimeoutMs) {
  const list = Array.isArray(parts) ? parts : [parts];
  await until(
    async () => {
      const text = normalize(await locator.first().innerText({ timeout: 1_000 }));
      return list.every((p) => text.includes(normalize(p)));
    },
    `${expected} (${list.map((p) => JSON.stringify(p)).join(", ")})`,
    async () => JSON.stringify(normalize(await locator.first().innerText({ timeout: 1_000 }))),
    timeoutMs,
  );
}

// hasAttribute waits until the element of locator has attribute name equal to value.
export async function hasAttribute(locator, name, value, expected, timeoutMs = defaultTimeoutMs) {
  await until(
    async () => (await locator.first().getAttribute(name, { timeout: 1_000 })) === value,
    `${expected} (${name}="${value}")`,
    async () => `${name}="${await locator.first().getAttribute(name, { timeout: 1_000 })}"; page: ${await pageText(locator.page())}`,
    timeoutMs,
  );
}

// equal fails with a message naming the field, the expected and the actual value.
export function equal(actual, expectedValue, what) {
  if (actual !== expectedValue) {
    throw new CheckError(`expected ${what} to be ${JSON.stringify(expectedValue)}, got ${JSON.stringify(actual)}`);
  }
}

export function ok(condition, message) {
  if (!condition) throw new CheckError(message);
}

async function pageText(page) {
  const text = await page.locator("body").innerText({ timeout: 1_000 });
  return JSON.stringify(normalize(text).slice(0, 600));
}

function normalize(text) {
  return text.replace(/\s+/g, " ").trim();
}
