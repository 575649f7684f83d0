/**
 * Payments' in-memory ledger, idempotent on the Idempotency-Key: the first request with a key
 * runs the charge, every later one (a retry after a timeout, a duplicate) gets the same result
 * — even while the first is still in flight — so orders may retry a charge safely.
 */

export type ChargeRequest = { orderId: string; amountCents: number; currency: string };

export type ChargeResult =
  | { outcome: "approved"; chargeId: string; orderId: string; amountCents: number; currency: string }
  | { outcome: "declined"; orderId: string; reason: string };

export type LedgerEntry = { request: ChargeRequest; result: Promise<ChargeResult> };

export class IdempotencyConflictError extends Error {
  readonly code = "IDEMPOTENCY_KEY_REUSED";
}

export type ChargeAnswer = { result: ChargeResult; replayed: boolean };

export class Ledger {
  private readonly entries = new Map<string, LedgerEntry>();

  constructor(private readonly maxEntries = 50_000) {}

  /**
   * Runs `charge` once per key. A key reused for a different request is a client bug
   * (IdempotencyConflictError). A charge that throws is forgotten, so a retry may try again.
   */
  async charge(key: string, request: ChargeRequest, charge: () => Promise<ChargeResult>): Promise<ChargeAnswer> {
    const existing = this.entries.get(key);
    if (existing) {
      if (!sameRequest(existing.request, request)) {
        throw new IdempotencyConflictError(`Idempotency-Key ${key} was used for a different charge`);
      }
      return { result: await existing.result, replayed: true };
    }
    const result = charge();
    this.entries.set(key, { request, result });
    this.evictOldest();
    try {
      return { result: await result, replayed: false };
    } catch (error) {
      this.entries.delete(key);
      throw error;
    }
  }

  size(): number {
    return this.entries.size;
  }

  private evictOldest(): void {
    // Maps iterate in insertion order: the first keys are the oldest.
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) return;
      this.entries.delete(oldest);
    }
  }
}

function sameRequest(a: ChargeRequest, b: ChargeRequest): boolean {
  return a.orderId === b.orderId && a.amountCents === b.amountCents && a.currency === b.currency;
}
