import type http from "node:http";
import type { z } from "zod";

/**
 * Small HTTP helpers for the demo processes: a path router with `:params`, JSON in and out,
 * and a typed error that becomes a JSON answer. Plain node:http underneath so the OTel HTTP
 * instrumentation sees every request as any real service's would.
 */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export type RequestContext = {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** The matched route pattern, e.g. "/orders/:id" (the span's http.route). */
  route: string;
  /** Aborted when the caller disconnects before the answer or the process stops. */
  signal: AbortSignal;
};

export type Handler = (ctx: RequestContext) => Promise<void> | void;

type Entry = { method: string; pattern: string; parts: string[]; handler: Handler };

export type RouteMatch = { handler: Handler; params: Record<string, string>; route: string };

/** Method + path patterns ("/products/:id", "/api/catalog/*" where * takes the rest). */
export class Router {
  private readonly entries: Entry[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.entries.push({ method: method.toUpperCase(), pattern, parts: splitPath(pattern), handler });
    return this;
  }

  get(pattern: string, handler: Handler): this {
    return this.add("GET", pattern, handler);
  }

  post(pattern: string, handler: Handler): this {
    return this.add("POST", pattern, handler);
  }

  /** The route for method + path; `allowed` lists the methods of a path that exists for another method (→ 405). */
  match(method: string, path: string): RouteMatch | { allowed: string[] } | undefined {
    const parts = splitPath(path);
    const allowed: string[] = [];
    for (const entry of this.entries) {
      const params = matchParts(entry.parts, parts);
      if (!params) continue;
      if (entry.method === method.toUpperCase() || (entry.method === "*" && method !== "")) {
        return { handler: entry.handler, params, route: entry.pattern };
      }
      allowed.push(entry.method);
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }
}

function splitPath(path: string): string[] {
  return path.split("/").filter((part) => part.length > 0);
}

function matchParts(pattern: string[], path: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i];
    if (part === "*") {
      params["*"] = path.slice(i).join("/");
      return params;
    }
    const segment = path[i];
    if (segment === undefined) return undefined;
    if (part.startsWith(":")) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (part !== segment) return undefined;
  }
  return path.length === pattern.length ? params : undefined;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Reads the whole body, refusing more than `maxBytes` (413). */
export async function readBody(req: http.IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new HttpError(413, `request body larger than ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body with `schema`; 400 naming the first problems when it does not fit. */
export async function readJson<T extends z.ZodType>(req: http.IncomingMessage, schema: T): Promise<z.output<T>> {
  const raw = await readBody(req);
  let value: unknown;
  try {
    value = raw.length === 0 ? {} : JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
    throw new HttpError(400, `invalid request body: ${problems.slice(0, 5).join("; ")}`, { problems });
  }
  return result.data;
}

/** The first value of a header. */
export function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Resolves after `ms`, or early (false) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal?.aborted);
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
