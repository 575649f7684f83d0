import { describe, expect, it } from "vitest";
import { Router } from "./http";

describe("Router", () => {
  const handler = () => undefined;
  const router = new Router()
    .get("/products", handler)
    .get("/products/:id", handler)
    .post("/orders", handler)
    .add("*", "/api/catalog/*", handler);

  it("matches methods and paths, decoding :params", () => {
    expect(router.match("GET", "/products")).toMatchObject({ route: "/products", params: {} });
    expect(router.match("GET", "/products/a%20b")).toMatchObject({ route: "/products/:id", params: { id: "a b" } });
    expect(router.match("GET", "/products/a/b")).toBeUndefined();
  });

  it("reports the allowed methods of a path that exists for another method", () => {
    expect(router.match("GET", "/orders")).toEqual({ allowed: ["POST"] });
  });

  it("matches any method and the rest of the path with *", () => {
    expect(router.match("DELETE", "/api/catalog/products/x")).toMatchObject({
      route: "/api/catalog/*",
      params: { "*": "products/x" },
    });
    expect(router.match("GET", "/api/other")).toBeUndefined();
  });
});
