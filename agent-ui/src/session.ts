import { User } from "./protocol";

export interface Me { user: User; protocol_version: number }

export class HTTPError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const err = json?.error ?? {};
    throw new HTTPError(res.status, err.code ?? "http_" + res.status, err.message ?? res.statusText);
  }
  return json as T;
}

export function me(): Promise<Me> {
  return request<Me>("GET", "/api/v1/me");
}

export function login(loginName: string, password: string): Promise<Me> {
  return request<Me>("POST", "/api/v1/session", { login: loginName, password });
}

export function logout(): Promise<void> {
  return request<void>("DELETE", "/api/v1/session");
}

// updateLocale stores the user's language on the server, which then writes its messages
// (errors, disposition labels) in it.
export function updateLocale(locale: string): Promise<Me> {
  return request<Me>("PATCH", "/api/v1/me", { locale });
}
