import { describe, expect, it } from "vitest";
import { parseBody } from "./parse-body";
import { routeBackendsSchema, routeDeclarationRulesSchema } from "./route-weights";

const declaration = (backends: unknown) => ({ id: "orders", service: "orders", backends });

function messageFor(backends: unknown): string {
  try {
    parseBody(routeDeclarationRulesSchema, declaration(backends));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a validation error");
}

describe("routeBackendsSchema", () => {
  it.each([
    { name: "one backend at 100", backends: [{ version: "v1", weight: 100 }] },
    {
      name: "a split",
      backends: [
        { version: "v1", weight: 90 },
        { version: "v2", weight: 10 },
      ],
    },
    {
      name: "a zero weight beside others",
      backends: [
        { version: "v1", weight: 100 },
        { version: "v2", weight: 0 },
      ],
    },
    {
      name: "instance weights within a version",
      backends: [
        {
          version: "v1",
          weight: 80,
          instances: [
            { instanceId: "orders-1", weight: 3 },
            { instanceId: "orders-2", weight: 1 },
          ],
        },
        { version: "v2", weight: 20 },
      ],
    },
    {
      name: "all instance weights zero on a backend without traffic",
      backends: [
        { version: "v1", weight: 100 },
        { version: "v2", weight: 0, instances: [{ instanceId: "orders-3", weight: 0 }] },
      ],
    },
  ])("accepts $name", ({ backends }) => {
    expect(routeBackendsSchema.parse(backends)).toEqual(backends);
  });

  it.each([
    {
      name: "a negative weight",
      backends: [
        { version: "v1", weight: -10 },
        { version: "v2", weight: 110 },
      ],
      expected: "backends.0.weight:",
    },
    {
      name: "a fractional weight",
      backends: [
        { version: "v1", weight: 10.5 },
        { version: "v2", weight: 89.5 },
      ],
      expected: "backends.0.weight:",
    },
    {
      name: "a weight as a string",
      backends: [
        { version: "v1", weight: "10" },
        { version: "v2", weight: 90 },
      ],
      expected: "backends.0.weight:",
    },
    {
      name: "a NaN weight",
      backends: [
        { version: "v1", weight: Number.NaN },
        { version: "v2", weight: 90 },
      ],
      expected: "backends.0.weight:",
    },
    { name: "a missing weight", backends: [{ version: "v1" }], expected: "backends.0.weight: is required" },
    {
      name: "weights summing to 90",
      backends: [
        { version: "v1", weight: 10 },
        { version: "v2", weight: 80 },
      ],
      expected: "backends: weights must sum to 100, got 90",
    },
    {
      name: "weights summing to 110",
      backends: [
        { version: "v1", weight: 100 },
        { version: "v2", weight: 10 },
      ],
      expected: "got 110",
    },
    {
      name: "all weights zero",
      backends: [
        { version: "v1", weight: 0 },
        { version: "v2", weight: 0 },
      ],
      expected: "backends: at least one weight must be above zero",
    },
    {
      name: "a duplicate version",
      backends: [
        { version: "v1", weight: 50 },
        { version: "v1", weight: 50 },
      ],
      expected: 'backends.1.version: version "v1" is listed twice',
    },
    { name: "an empty list", backends: [], expected: "backends: backends must list at least one backend" },
    {
      name: "a duplicate instance",
      backends: [
        {
          version: "v1",
          weight: 100,
          instances: [
            { instanceId: "orders-1", weight: 50 },
            { instanceId: "orders-1", weight: 50 },
          ],
        },
      ],
      expected: 'backends.0.instances.1.instanceId: instance "orders-1" is listed twice (also at backends.0.instances.0)',
    },
    {
      name: "a backend with traffic whose instance weights are all zero",
      backends: [
        { version: "v1", weight: 60 },
        {
          version: "v2",
          weight: 40,
          instances: [
            { instanceId: "orders-3", weight: 0 },
            { instanceId: "orders-4", weight: 0 },
          ],
        },
      ],
      expected: 'backends.1.instances: version "v2" has weight 40 but every instance weight is zero',
    },
    {
      name: "a negative instance weight",
      backends: [{ version: "v1", weight: 100, instances: [{ instanceId: "orders-1", weight: -1 }] }],
      expected: "backends.0.instances.0.weight: weight must be 0..100",
    },
    {
      name: "an instance without an id",
      backends: [{ version: "v1", weight: 100, instances: [{ weight: 1 }] }],
      expected: "backends.0.instances.0.instanceId: is required",
    },
    {
      name: "an empty instance list",
      backends: [{ version: "v1", weight: 100, instances: [] }],
      expected: "backends.0.instances: instances, when given, must list at least one instance",
    },
    { name: "not a list", backends: "v1=100", expected: "backends: backends must be a list" },
  ])("refuses $name, naming the field", ({ backends, expected }) => {
    expect(messageFor(backends)).toContain(expected);
  });

  it("reports an empty list once, not also as all weights zero", () => {
    expect(messageFor([])).toBe("backends: backends must list at least one backend");
  });

  it("names the offending field as the problem's param", () => {
    try {
      parseBody(
        routeDeclarationRulesSchema,
        declaration([
          {
            version: "v1",
            weight: 100,
            instances: [
              { instanceId: "a", weight: 1 },
              { instanceId: "a", weight: 1 },
            ],
          },
        ]),
      );
    } catch (error) {
      expect((error as { param?: string }).param).toBe("backends.0.instances.1.instanceId");
      return;
    }
    throw new Error("expected a validation error");
  });
});
