// Child processes of the browser test. Each one starts in its own process group, so that
// stopping it also stops the processes it spawned (Chromium's renderers, for example), and
// only the groups started here are ever signalled.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { once } from "node:events";

const stopGraceMs = 5_000;

export class Processes {
  #running = new Map();

  // start spawns command with args and env, writing its stdout and stderr to logPath.
  // onOutput, when given, receives every chunk of stderr and stdout as text.
  start(name, command, args, { env, logPath, onOutput } = {}) {
    const log = createWriteStream(logPath, { flags: "w" });
    const child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (chunk) => {
        log.write(chunk);
        onOutput?.(chunk.toString("utf8"));
      });
    }
    const exited = once(child, "exit").then(([code, signal]) => {
      this.#running.delete(child.pid);
      log.end();
      return { code, signal };
    });
    child.on("error", (err) => log.write(`\n${name}: ${err.message}\n`));
    if (child.pid === undefined) {
      throw new Error(`start ${name}: could not spawn ${command}; check that it exists and is executable`);
    }
    const proc = { name, pid: child.pid, exited, logPath };
    this.#running.set(child.pid, proc);
    return proc;
  }

  // stop sends SIGTERM to the process group of proc and SIGKILL when it has not exited
  // within stopGraceMs.
  async stop(proc) {
    if (!this.#running.has(proc.pid)) return;
    signalGroup(proc.pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(proc.pid, "SIGKILL"), stopGraceMs);
    await proc.exited;
    clearTimeout(timer);
    // The leader has exited; children that ignored SIGTERM must not outlive the test.
    signalGroup(proc.pid, "SIGKILL");
  }

  // stopAll stops every process still running, the newest first.
  async stopAll() {
    for (const proc of [...this.#running.values()].reverse()) {
      await this.stop(proc);
    }
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if (err.code !== "ESRCH") throw err;
  }
}
