// PostgreSQL access for the browser test through psql. Values reach SQL only as psql
// variables (:'name' quotes a literal, :"name" an identifier), never by string
// concatenation, and the password travels in PGPASSWORD rather than on the command line.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";

const queryTimeoutMs = 60_000;

export class Postgres {
  // serverURL is a postgres:// URL of any database on the server, used to create and drop
  // the test database.
  constructor(serverURL) {
    let url;
    try {
      url = new URL(serverURL);
    } catch {
      throw new Error("SWITCHBOARD_TEST_PG_URL is not a URL; expected postgres://user:password@host:port/db?sslmode=disable");
    }
    if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
      throw new Error(`SWITCHBOARD_TEST_PG_URL has scheme ${url.protocol}, expected postgres:`);
    }
    this.url = url;
  }

  // databaseURL returns the server URL with the database name replaced by name.
  databaseURL(name) {
    const u = new URL(this.url);
    u.pathname = "/" + name;
    return u.toString();
  }

  // createDatabase creates a database with a random name and returns the name.
  async createDatabase(prefix) {
    const name = `${prefix}_${randomBytes(8).toString("hex")}`;
    await this.run(null, 'CREATE DATABASE :"name";', { name });
    return name;
  }

  // dropDatabase drops name, ending sessions left open by a failed run.
  async dropDatabase(name) {
    await this.run(null, 'DROP DATABASE IF EXISTS :"name" WITH (FORCE);', { name });
  }

  // rows runs one SELECT in database and returns its rows as objects. The statement must
  // not end in a semicolon, because it is wrapped to return JSON.
  async rows(database, select, vars = {}) {
    const out = await this.run(database, `SELECT coalesce(json_agg(q), '[]') FROM (${select}) q;`, vars);
    return JSON.parse(out);
  }

  // run feeds sql to psql on standard input, where psql substitutes variables, and returns
  // standard output without the trailing newline. database null means the server URL's own.
  run(database, sql, vars = {}) {
    const args = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"];
    for (const [key, value] of Object.entries(vars)) {
      args.push("-v", `${key}=${value}`);
    }
    args.push("-f", "-");
    const env = { ...process.env, ...this.#connectionEnv(database) };
    return new Promise((resolve, reject) => {
      const child = execFile("psql", args, { env, timeout: queryTimeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        if (err?.code === "ENOENT") {
          reject(new Error("psql not found: install Debian's postgresql-client package (scripts/services/install.sh installs the server with it)"));
          return;
        }
        if (err) {
          reject(new Error(`psql failed (${err.code ?? err.signal}): ${stderr.trim() || err.message}\nSQL: ${sql}`));
          return;
        }
        resolve(stdout.replace(/\n$/, ""));
      });
      child.stdin.end(sql);
    });
  }

  #connectionEnv(database) {
    const u = this.url;
    const env = {
      PGHOST: u.hostname,
      PGPORT: u.port || "5432",
      PGUSER: decodeURIComponent(u.username),
      PGPASSWORD: decodeURIComponent(u.password),
      PGDATABASE: database ?? decodeURIComponent(u.pathname.replace(/^\//, "")),
      PGAPPNAME: "switchboard-e2e",
    };
    const sslmode = u.searchParams.get("sslmode");
    if (sslmode) env.PGSSLMODE = sslmode;
    return env;
  }
}
