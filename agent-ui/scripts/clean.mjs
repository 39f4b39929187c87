// Removes the previous build from dist/ but keeps dist/README.md, which lets the Go package that
// embeds dist/ compile on a fresh clone before the UI is built.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
for (const name of readdirSync(dist)) {
  if (name !== "README.md") {
    rmSync(join(dist, name), { recursive: true, force: true });
  }
}
