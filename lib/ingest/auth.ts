import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Ingest tokens (BREAKWATER_INGEST_TOKENS). When none are configured, every request is
 * accepted. Otherwise `Authorization: Bearer <token>` (HTTP header or gRPC metadata) must
 * match one of them. Tokens are compared as SHA-256 digests with timingSafeEqual, and every
 * configured token is compared, so the time taken does not reveal which prefix matched or
 * which token was close. Tokens and the header are never logged.
 */

export type IngestAuthResult = "ok" | "missing" | "invalid";

export type IngestAuthorizer = {
  /** True when tokens are configured and requests must carry one. */
  readonly isRequired: boolean;
  check(authorization: string | undefined): IngestAuthResult;
};

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** Extracts the token from `Bearer <token>` (scheme case-insensitive), else undefined. */
export function parseBearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

export function createIngestAuthorizer(tokens: readonly string[]): IngestAuthorizer {
  const digests = tokens.filter((token) => token.length > 0).map(digest);
  return {
    isRequired: digests.length > 0,
    check(authorization) {
      if (digests.length === 0) return "ok";
      const token = parseBearerToken(authorization);
      if (token === undefined) return "missing";
      const candidate = digest(token);
      let matched = false;
      for (const expected of digests) {
        // No early exit: compare against every token.
        if (timingSafeEqual(candidate, expected)) matched = true;
      }
      return matched ? "ok" : "invalid";
    },
  };
}

/** The WWW-Authenticate challenge sent with a 401 (RFC 6750). */
export function bearerChallenge(result: Exclude<IngestAuthResult, "ok">): string {
  return result === "missing" ? 'Bearer realm="breakwater-ingest"' : 'Bearer realm="breakwater-ingest", error="invalid_token"';
}
