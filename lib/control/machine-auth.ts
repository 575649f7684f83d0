import { createHash } from "node:crypto";
import { getEnv } from "@/lib/env";
import { bearerChallenge, createIngestAuthorizer, type IngestAuthorizer, parseBearerToken } from "@/lib/ingest/auth";
import { UnauthorizedError } from "@/lib/http/errors";

/**
 * The machine token of the control plane: heartbeats, discovery and route declarations need
 * one of BREAKWATER_INGEST_TOKENS (the same tokens as OTLP ingest, since the same processes
 * send both) when any is configured.
 */

let cached: { tokens: readonly string[]; authorizer: IngestAuthorizer } | undefined;

function getAuthorizer(): IngestAuthorizer {
  const tokens = getEnv().BREAKWATER_INGEST_TOKENS;
  // Rebuilt when the configuration object changes (tests reset the env between cases).
  if (cached?.tokens !== tokens) cached = { tokens, authorizer: createIngestAuthorizer(tokens) };
  return cached.authorizer;
}

/** Throws UnauthorizedError (401 + WWW-Authenticate) unless the request carries a valid token or none is required. */
export function requireMachineToken(request: Request): void {
  const result = getAuthorizer().check(request.headers.get("authorization") ?? undefined);
  if (result === "ok") return;
  throw new UnauthorizedError(
    result === "missing" ? "missing machine token (Authorization: Bearer <token>)" : "invalid machine token",
    bearerChallenge(result),
  );
}

/**
 * Names the token a request used without revealing it, for audit rows: "token:<first 8 hex
 * of its SHA-256>", or undefined when the request carries none.
 */
export function describeToken(request: Request): string | undefined {
  const token = parseBearerToken(request.headers.get("authorization") ?? undefined);
  if (token === undefined) return undefined;
  return `token:${createHash("sha256").update(token, "utf8").digest("hex").slice(0, 8)}`;
}
