// Headless Chromium from Debian's package, started here (so its PID is ours to stop) and
// driven through the DevTools protocol by playwright-core. No browser is ever downloaded.
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";
const startTimeoutMs = 30_000;

// launchChromium starts Chromium with a fresh profile in workDir and returns the connected
// browser and its process. The caller stops the process through processes and removes
// workDir afterwards.
export async function launchChromium(processes, workDir, logPath) {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing; install Debian's chromium package with scripts/services/install.sh`);
  }
  const profile = await mkdtemp(join(workDir, "chromium-profile-"));
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--window-size=1280,900",
    `--user-data-dir=${profile}`,
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    "about:blank",
  ];

  let announce;
  const endpoint = new Promise((resolve) => { announce = resolve; });
  let output = "";
  const proc = processes.start("chromium", chromiumPath, args, {
    env: process.env,
    logPath,
    onOutput: (text) => {
      output += text;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match) announce(match[1]);
    },
  });

  let timer;
  const failure = new Promise((_, reject) => {
    proc.exited.then(({ code, signal }) => reject(new Error(
      `chromium exited (code ${code}, signal ${signal}) before it listened for DevTools; see ${logPath}`)));
    timer = setTimeout(() => reject(new Error(
      `chromium did not print its DevTools address within ${startTimeoutMs / 1000} s; see ${logPath}`)), startTimeoutMs);
  });
  // A later exit, when the test stops Chromium, must not surface as an unhandled rejection.
  failure.catch(() => undefined);

  let wsURL;
  try {
    wsURL = await Promise.race([endpoint, failure]);
  } finally {
    clearTimeout(timer);
  }
  const browser = await chromium.connectOverCDP(wsURL);
  return { browser, proc };
}
