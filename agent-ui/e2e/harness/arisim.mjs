// Client of the ARI simulator's control API, which replaces the customer's phone
// network in the demo. The credentials come from the demo-arisim.json file the demo writes.
import { readFile } from "node:fs/promises";

const requestTimeoutMs = 10_000;

export class AriSim {
  constructor({ url, username, password }) {
    if (!url || !username || !password) {
      throw new Error("demo-arisim.json must hold url, username and password");
    }
    this.base = url.replace(/\/$/, "");
    this.authorization = "Basic " + Buffer.from(`${username}:${password}`).toString("base64");
  }

  static async fromFile(path) {
    let text;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      throw new Error(`read ${path}: ${err.message}; the demo writes it beside the logins file once the simulator listens`);
    }
    return new AriSim(JSON.parse(text));
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
