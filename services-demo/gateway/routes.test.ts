import { describe, expect, it } from "vitest";
import { routeDeclarationSchema } from "../../lib/control/contract";
import { DECLARED_ROUTES, effectiveRoutes, resolveRoute } from "./routes";

describe("resolveRoute", () => {
  it("maps /api/catalog/* to the catalog route, keeping the rest of the path and the query", () => {
    expect(resolveRoute("/api/catalog/products", "?limit=3")).toEqual({
      routeId: "catalog",
      service: "catalog",
      upstreamPath: "/products?limit=3",
      template: "/products",
    });
    expect(resolveRoute("/api/catalog/products/bw-rope")).toMatchObject({
      upstreamPath: "/products/bw-rope",
      template: "/products/{id}",
    });
  });

  it("maps /api/orders and /api/orders/* to the orders route", () => {
    expect(resolveRoute("/api/orders")).toEqual({
      routeId: "orders",
      service: "orders",
      upstreamPath: "/orders",
      template: "/orders",
    });
    expect(resolveRoute("/api/orders/ord_1")).toMatchObject({ upstreamPath: "/orders/ord_1", template: "/orders/{id}" });
    // An id is an id whatever it looks like; later segments stay (url.template, one operation per shape).
    expect(resolveRoute("/api/orders/ord_2/cancel", "?now=1")?.template).toBe("/orders/{id}/cancel");
  });

  it("does not route look-alikes", () => {
    expect(resolveRoute("/api/catalog")).toBeUndefined();
    expect(resolveRoute("/api/ordersx")).toBeUndefined();
    expect(resolveRoute("/catalog/products")).toBeUndefined();
  });
});

describe("DECLARED_ROUTES", () => {
  it("are valid declarations: catalog v1 100, orders v1 90 / v2 10", () => {
    for (const route of DECLARED_ROUTES) expect(routeDeclarationSchema.parse(route)).toEqual(route);
    expect(DECLARED_ROUTES.find((route) => route.id === "orders")?.backends).toEqual([
      { version: "v1", weight: 90 },
      { version: "v2", weight: 10 },
    ]);
  });
});

describe("effectiveRoutes", () => {
  it("uses the declared defaults (version 0) before discovery has any route", () => {
    expect(effectiveRoutes([])).toEqual(DECLARED_ROUTES.map((route) => ({ ...route, version: 0 })));
  });

  it("lets Breakwater's stored weights win over the defaults", () => {
    const stored = {
      id: "orders",
      service: "orders",
      version: 4,
      backends: [
        { version: "v1", weight: 50 },
        { version: "v2", weight: 50 },
      ],
    };
    const routes = effectiveRoutes([stored]);
    expect(routes.find((route) => route.id === "orders")).toEqual(stored);
    expect(routes.find((route) => route.id === "catalog")?.version).toBe(0);
  });

  it("keeps routes it did not declare", () => {
    const extra = { id: "search", service: "catalog", version: 1, backends: [{ version: "v1", weight: 100 }] };
    expect(effectiveRoutes([extra])).toContainEqual(extra);
  });
});
