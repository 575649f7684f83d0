import type { InstanceStatus } from "@/lib/control/contract";

/** A stretch of an instance's health: null while it was not registered (yet). */
export type StatusSegment = { startMs: number; endMs: number; status: InstanceStatus | null };

export type StatusChangeInput = { fromStatus: InstanceStatus | null; toStatus: InstanceStatus; at: string };

/**
 * An instance's status across [fromMs, toMs] as consecutive segments, for its health strip:
 * the status it had when the window opened (null: not registered yet), then each change
 * inside the window (oldest first). Changes outside the window are clamped to it; equal
 * neighbours merge; zero-length segments are dropped.
 */
export function buildStatusSegments(input: {
  fromMs: number;
  toMs: number;
  statusAtFrom: InstanceStatus | null;
  changes: readonly StatusChangeInput[];
}): StatusSegment[] {
  const { fromMs, toMs } = input;
  if (!(toMs > fromMs)) return [];
  const changes = input.changes
    .map((change) => ({ atMs: Math.min(Math.max(Date.parse(change.at), fromMs), toMs), status: change.toStatus }))
    .sort((a, b) => a.atMs - b.atMs);
  const segments: StatusSegment[] = [];
  let status = input.statusAtFrom;
  let sinceMs = fromMs;
  const close = (endMs: number) => {
    if (endMs <= sinceMs) return;
    const last = segments.at(-1);
    if (last !== undefined && last.status === status && last.endMs === sinceMs) last.endMs = endMs;
    else segments.push({ startMs: sinceMs, endMs, status });
  };
  for (const change of changes) {
    close(change.atMs);
    status = change.status;
    sinceMs = Math.max(sinceMs, change.atMs);
  }
  close(toMs);
  return segments;
}
