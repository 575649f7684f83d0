import { describe, expect, it } from "vitest";
import { type ChargeResult, IdempotencyConflictError, Ledger } from "./ledger";

const request = { orderId: "o1", amountCents: 1_000, currency: "EUR" };
const approved: ChargeResult = { outcome: "approved", chargeId: "ch_1", orderId: "o1", amountCents: 1_000, currency: "EUR" };

describe("Ledger", () => {
  it("charges once per key and replays the result for repeats", async () => {
    const ledger = new Ledger();
    let charges = 0;
    const charge = async () => {
      charges++;
      return approved;
    };
    expect(await ledger.charge("k1", request, charge)).toEqual({ result: approved, replayed: false });
    expect(await ledger.charge("k1", request, charge)).toEqual({ result: approved, replayed: true });
    expect(charges).toBe(1);
  });

  it("a repeat arriving while the first charge is in flight waits for it instead of charging again", async () => {
    const ledger = new Ledger();
    let release!: (result: ChargeResult) => void;
    let charges = 0;
    const charge = () => {
      charges++;
      return new Promise<ChargeResult>((resolve) => (release = resolve));
    };
    const first = ledger.charge("k1", request, charge);
    const second = ledger.charge("k1", request, charge);
    release(approved);
    expect(await first).toEqual({ result: approved, replayed: false });
    expect(await second).toEqual({ result: approved, replayed: true });
    expect(charges).toBe(1);
  });

  it("refuses a key reused for a different charge", async () => {
    const ledger = new Ledger();
    await ledger.charge("k1", request, async () => approved);
    await expect(ledger.charge("k1", { ...request, amountCents: 5 }, async () => approved)).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
  });

  it("forgets a charge that failed, so a retry charges again", async () => {
    const ledger = new Ledger();
    await expect(
      ledger.charge("k1", request, async () => {
        throw new Error("card network down");
      }),
    ).rejects.toThrow("card network down");
    expect(await ledger.charge("k1", request, async () => approved)).toEqual({ result: approved, replayed: false });
  });

  it("keeps at most maxEntries keys, dropping the oldest", async () => {
    const ledger = new Ledger(2);
    for (const key of ["a", "b", "c"]) await ledger.charge(key, request, async () => approved);
    expect(ledger.size()).toBe(2);
    let charges = 0;
    await ledger.charge("a", request, async () => {
      charges++;
      return approved;
    });
    expect(charges).toBe(1);
  });
});
