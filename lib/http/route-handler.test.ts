import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { jaegerErrorResponder } from "@/lib/jaeger/envelope";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import { createRouteHandler, searchParamsToObject } from "./route-handler";

const context = (params: Record<string, string>) => ({ params: Promise.resolve(params) });

describe("createRouteHandler", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("passes parsed params and query to the handler and tags the response with a request id", async () => {
    const GET = createRouteHandler({
      name: "test",
      params: z.object({ id: z.string().transform(Number) }),
      query: z.object({ q: z.string(), tag: z.array(z.string()) }),
      handle: ({ params, query, requestId }) => Response.json({ params, query, requestId }),
    });
    const response = await GET(new Request("http://x/api/things/7?q=a&tag=1&tag=2"), context({ id: "7" }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.params).toEqual({ id: 7 });
    expect(body.query).toEqual({ q: "a", tag: ["1", "2"] });
    expect(response.headers.get("x-request-id")).toBe(body.requestId);
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("accepts the context Next.js gives routes without dynamic segments (params resolve to undefined)", async () => {
    const GET = createRouteHandler({ name: "test", handle: ({ params }) => Response.json(params) });
    const response = await GET(new Request("http://x/"), { params: Promise.resolve(undefined) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
  });

  it("echoes a plain incoming x-request-id and replaces an unsafe one", async () => {
    const GET = createRouteHandler({ name: "test", handle: () => new Response("ok") });
    const kept = await GET(new Request("http://x/", { headers: { "x-request-id": "abc-123" } }));
    expect(kept.headers.get("x-request-id")).toBe("abc-123");
    const replaced = await GET(new Request("http://x/", { headers: { "x-request-id": "a b\u00e9" } }));
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("maps typed errors to problem+json with their status", async () => {
    const cases = [
      [new ValidationError("bad limit"), 400, "VALIDATION_FAILED"],
      [new NotFoundError("no such trace"), 404, "NOT_FOUND"],
      [new ConflictError("stale version"), 409, "CONFLICT"],
    ] as const;
    for (const [error, status, code] of cases) {
      const GET = createRouteHandler({
        name: "test",
        handle: () => {
          throw error;
        },
      });
      const response = await GET(new Request("http://x/"));
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = await response.json();
      expect(body).toMatchObject({ status, code, detail: error.message });
      expect(body.requestId).toBe(response.headers.get("x-request-id"));
    }
  });

  it("answers 500 without internals and logs the error with the request id", async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const GET = createRouteHandler({
      name: "GET /boom",
      handle: () => {
        throw new Error("password=hunter2 in connection string");
      },
    });
    const response = await GET(new Request("http://x/"));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toMatchObject({ status: 500, code: "INTERNAL", detail: "internal error" });
    expect(logged).toHaveLength(1);
    expect(String(logged[0][0])).toContain(response.headers.get("x-request-id") ?? "missing");
    expect(String(logged[0][0])).toContain("GET /boom");
  });

  it("answers 503 with Retry-After when the database cannot be reached", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    for (const error of [
      refused,
      Object.assign(new Error("Can't reach database server"), { code: "P1001" }),
      new Error("wrapped", { cause: refused }),
    ]) {
      const GET = createRouteHandler({
        name: "test",
        handle: () => {
          throw error;
        },
      });
      const response = await GET(new Request("http://x/"));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("2");
      const body = await response.json();
      expect(body).toMatchObject({ status: 503, code: "UNAVAILABLE", detail: "database unavailable, retry shortly" });
      expect(JSON.stringify(body)).not.toContain("5432");
    }
  });

  it("turns zod failures into 400s naming the parameter", async () => {
    const GET = createRouteHandler({
      name: "test",
      query: z.object({ service: z.string(), limit: z.coerce.number().int().optional() }),
      handle: () => new Response("ok"),
    });
    const missing = await (await GET(new Request("http://x/"))).json();
    expect(missing).toMatchObject({ status: 400, detail: "parameter 'service' is required" });
    const bad = await GET(new Request("http://x/?service=a&limit=1.5"));
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/^unable to parse param 'limit': /);
  });

  it("writes errors in Jaeger's envelope when given the Jaeger responder", async () => {
    const GET = createRouteHandler({
      name: "test",
      respondError: jaegerErrorResponder,
      handle: () => {
        throw new NotFoundError("trace not found");
      },
    });
    const response = await GET(new Request("http://x/"));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 404, msg: "trace not found" }],
    });
  });
});

describe("searchParamsToObject", () => {
  it("keeps single values as strings and repeated ones as arrays", () => {
    expect(searchParamsToObject(new URLSearchParams("a=1&b=2&a=3&c="))).toEqual({ a: ["1", "3"], b: "2", c: "" });
  });
});
