// The demo server under test: `switchboard demo` on a fresh database, with the ARI
// simulator in process and its random traffic off, so that the only call is the test's.
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";

const readyTimeoutMs = 120_000;

// startDemo starts the binary and waits until /readyz returns 200. It returns the base URL,
// the demo logins and the paths of the files the demo wrote into workDir.
export async function startDemo({ processes, binary, databaseURL, workDir, logPath }) {
  const httpAddress = `127.0.0.1:${await freePort()}`;
  const arisimAddress = `127.0.0.1:${await freePort()}`;
  const loginsPath = join(workDir, "demo-logins.txt");

  // Only the settings below reach the server, so a developer's own SWITCHBOARD_* variables
  // (an ARI server, Redis) cannot change what is tested.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("SWITCHBOARD_")));
  Object.assign(env, {
    SWITCHBOARD_HTTP_LISTEN: httpAddress,
    SWITCHBOARD_DATABASE_URL: databaseURL,
    SWITCHBOARD_DEMO_ARISIM_LISTEN: arisimAddress,
    SWITCHBOARD_DEMO_TRAFFIC: "off",
    // The call-log spool of this run is thrown away with workDir.
    SWITCHBOARD_CALL_LOG_SPOOL_DIR: join(workDir, "spool"),
    SWITCHBOARD_LOG_LEVEL: "debug",
    SWITCHBOARD_LOG_FORMAT: "text",
  });

  const proc = processes.start("switchboard demo", binary, ["demo", "--logins", loginsPath], { env, logPath });
  const baseURL = `http://${httpAddress}`;
  await waitReady(baseURL, proc, logPath);

  return {
    proc,
    baseURL,
    logins: await readLogins(loginsPath),
    arisimPath: join(workDir, "demo-arisim.json"),
  };
}

async function waitReady(baseURL, proc, logPath) {
  let exit;
  proc.exited.then((result) => { exit = result; });
  const deadline = Date.now() + readyTimeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (exit) {
      throw new Error(`switchboard demo exited (code ${exit.code}, signal ${exit.signal}) before /readyz returned 200; see ${logPath}`);
    }
    try {
      const res = await fetch(`${baseURL}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${(await res.text()).trim()}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await sleep(250);
  }
  throw new Error(`expected GET ${baseURL}/readyz to return 200 within ${readyTimeoutMs / 1000} s, last: ${last}; see ${logPath}`);
}

// readLogins parses the logins file: comment lines start with #, the others are
// role, login, password and name separated by tabs.
async function readLogins(path) {
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new Error(`read the demo logins ${path}: ${err.message}`);
  }
  const logins = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split("\t");
    if (fields.length !== 4) {
      throw new Error(`${path}: line ${index + 1} has ${fields.length} tab-separated fields, expected 4 (role, login, password, name)`);
    }
    const [role, login, password, name] = fields;
    logins.push({ role, login, password, name });
  }
  return logins;
}

// freePort returns a loopback port that the kernel reports free. Another process may take
// it before the server binds it, and the server then exits with an error naming the address.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
