import { describe, expect, it } from "vitest";
import { breakersHref, serviceHref, servicesHref, tracesHref } from "./page-links";

const live = { range: { kind: "preset", preset: "1h" }, refresh: 2_000 } as const;
const paused = { range: { kind: "preset", preset: "6h" }, refresh: false } as const;
const custom = {
  range: { kind: "custom", fromMs: Date.UTC(2026, 10, 21, 10), toMs: Date.UTC(2026, 10, 21, 11) },
  refresh: 10_000,
} as const;

describe("page links", () => {
  it("leave the defaults out", () => {
    expect(serviceHref("orders", live)).toBe("/services/orders");
    expect(servicesHref(live)).toBe("/services");
    expect(tracesHref({ service: "orders" }, live)).toBe("/traces?service=orders");
    expect(breakersHref("orders", live)).toBe("/breakers?service=orders");
  });

  it("keep the range and the refresh setting", () => {
    expect(serviceHref("orders", paused)).toBe("/services/orders?range=6h&refresh=off");
    expect(servicesHref(paused)).toBe("/services?range=6h&refresh=off");
    expect(tracesHref({ service: "orders", operation: "GET /orders" }, paused)).toBe(
      "/traces?service=orders&operation=GET+%2Forders&range=6h&refresh=off",
    );
    expect(tracesHref({ service: "orders" }, custom)).toBe(
      "/traces?service=orders&range=custom&from=2026-11-21T10%3A00%3A00.000Z&to=2026-11-21T11%3A00%3A00.000Z&refresh=10s",
    );
    expect(breakersHref("orders", paused)).toBe("/breakers?service=orders&range=6h&refresh=off");
    // The Breakers page has presets only: a custom range is left out rather than refused there.
    expect(breakersHref("orders", custom)).toBe("/breakers?service=orders&refresh=10s");
  });

  it("encode names from the data: a path segment, never a scheme or a host", () => {
    expect(serviceHref("//evil.example/x?y", live)).toBe("/services/%2F%2Fevil.example%2Fx%3Fy");
    expect(tracesHref({ service: "a&range=5m" }, live)).toBe("/traces?service=a%26range%3D5m");
  });
});
