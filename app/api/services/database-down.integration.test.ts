import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb } from "@/lib/db/pool";
import { resetEnvForTests } from "@/lib/env";
import { GET as getTrace } from "../traces/[traceId]/route";
import { GET as listServices } from "./route";

// Port 1 on loopback: nothing listens there, so every connection attempt is refused.
beforeAll(async () => {
  await closeDb();
  process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/test";
  resetEnvForTests();
  vi.spyOn(console, "error").mockImplementation(() => undefined);
});

afterAll(async () => {
  await closeDb();
  vi.restoreAllMocks();
});

describe("Jaeger API with the database down", () => {
  it("answers 503 in Jaeger's envelope through Prisma (services)", async () => {
    const response = await listServices(new Request("http://test/api/services"));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(await response.json()).toEqual({
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 503, msg: "database unavailable, retry shortly" }],
    });
  });

  it("answers 503 through raw SQL (trace by id)", async () => {
    const response = await getTrace(new Request("http://test/"), {
      params: Promise.resolve({ traceId: "0af7651916cd43dd8448eb211c80319c" }),
    });
    expect(response.status).toBe(503);
  });
});
