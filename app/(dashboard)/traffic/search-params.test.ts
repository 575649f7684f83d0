import { describe, expect, it } from "vitest";
import { parseTrafficView, serializeTrafficView, trafficHref } from "./search-params";

describe("parseTrafficView", () => {
  it("reads the route and the range", () => {
    expect(parseTrafficView(new URLSearchParams("route=orders&range=5m"))).toEqual({ route: "orders", range: "5m" });
  });

  it("defaults to no route and 15 minutes, and ignores what is not valid", () => {
    expect(parseTrafficView(new URLSearchParams(""))).toEqual({ route: null, range: "15m" });
    expect(parseTrafficView(new URLSearchParams("route=<img>&range=7d"))).toEqual({ route: null, range: "15m" });
  });
});

describe("serializeTrafficView / trafficHref", () => {
  it("leaves the default range out", () => {
    expect(serializeTrafficView({ range: "15m" })).toEqual({ range: null });
    expect(serializeTrafficView({ route: "orders", range: "1h" })).toEqual({ route: "orders", range: "1h" });
  });

  it("keeps the other parameters in a route's link", () => {
    expect(trafficHref("orders", new URLSearchParams("refresh=off&route=catalog"))).toBe("/traffic?refresh=off&route=orders");
    expect(trafficHref(null)).toBe("/traffic");
  });
});
