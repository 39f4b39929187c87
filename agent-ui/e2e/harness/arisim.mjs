// Client of the ARI simulator's control API, which replaces the customer's phone
// network in the demo. The credentials come from the demo-arisim.json file the demo writes.
import { readFile } from "node:fs/promises";

const requestTimeoutMs = 10_000;
const fileTimeoutMs = 10_000;

export class AriSim {
  constructor({ url, username, password }) {
    if (!url || !username || !password) {
      throw new Error("demo-arisim.json must hold url, username and password");
    }
    this.base = url.replace(/\/$/, "");
    this.authorization = "Basic " + Buffer.from(`${username}:${password}`).toString("base64");
  }

  // fromFile reads the simulator's URL and credentials from path, waiting up to
  // fileTimeoutMs for the demo to write it.
  static async fromFile(path) {
    const deadline = Date.now() + fileTimeoutMs;
    for (;;) {
      try {
        return new AriSim(JSON.parse(await readFile(path, "utf8")));
      } catch (err) {
        if (err.code !== "ENOENT" || Date.now() >= deadline) {
          throw new Error(`read the simulator's credentials ${path}: ${err.message}; ` +
            "switchboard demo is expected to write it beside the logins file when its ARI simulator listens");
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  // placeCall makes a customer call arrive and returns the caller's channel id.
  async placeCall(call) {
    const body = await this.#request("POST", "/control/calls", call);
    if (!body?.channelId) {
      throw new Error(`POST /control/calls returned ${JSON.stringify(body)}, expected {"channelId": …}`);
    }
    return body.channelId;
  }

  hangup(channelId, cause = 16) {
    return this.#request("POST", `/control/channels/${encodeURIComponent(channelId)}/hangup`, { cause });
  }

  channels() {
    return this.#request("GET", "/control/channels");
  }

  bridges() {
    return this.#request("GET", "/control/bridges");
  }

  async #request(method, path, body) {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        Authorization: this.authorization,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`arisim ${method} ${path}: HTTP ${res.status}: ${text.trim()}`);
    }
    return text ? JSON.parse(text) : undefined;
  }
}
