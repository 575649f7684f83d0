import { describe, expect, it } from "vitest";
import { classifyVirtualNode } from "./virtual-node-kind";

describe("classifyVirtualNode", () => {
  it("knows databases and brokers by their semantic-convention names, anything else is external", () => {
    expect(classifyVirtualNode("postgresql")).toBe("database");
    expect(classifyVirtualNode("Redis")).toBe("database");
    expect(classifyVirtualNode("kafka")).toBe("messaging");
    expect(classifyVirtualNode("card-network")).toBe("external");
    expect(classifyVirtualNode("api.stripe.com")).toBe("external");
  });
});
