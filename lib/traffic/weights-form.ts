import { routeBackendsSchema } from "@/lib/control/route-weights";

/**
 * The Traffic page's weight editor as pure functions: the draft the user edits, how a slider
 * or number input changes it, the "reset to 100/0" shortcut, and validation with the server's
 * own rules (routeBackendsSchema), so the form says exactly what a PUT would answer.
 */

export type InstanceWeight = { instanceId: string; weight: number };
export type DraftBackend = { version: string; weight: number; instances?: InstanceWeight[] };

/** The user's edit of a route: the weights, and the route version they were edited against. */
export type WeightsDraft = { baseVersion: number; backends: DraftBackend[] };

const clampWeight = (weight: number) => Math.min(100, Math.max(0, Math.round(weight)));

const copyBackend = (backend: DraftBackend): DraftBackend =>
  backend.instances === undefined
    ? { version: backend.version, weight: backend.weight }
    : { version: backend.version, weight: backend.weight, instances: backend.instances.map((i) => ({ ...i })) };

export function draftFromRoute(route: { version: number; backends: readonly DraftBackend[] }): WeightsDraft {
  return { baseVersion: route.version, backends: route.backends.map(copyBackend) };
}

/**
 * Sets one backend's weight (clamped to an integer 0..100). With exactly two backends and
 * `isLinked` (the default) the other follows (80 → 20), the common canary case; unlinked, or
 * with more backends, the others stay as they are and validation shows the sum until the user
 * balances them.
 */
export function setBackendWeight(draft: WeightsDraft, index: number, weight: number, isLinked = true): WeightsDraft {
  if (index < 0 || index >= draft.backends.length || !Number.isFinite(weight)) return draft;
  const value = clampWeight(weight);
  const backends = draft.backends.map((backend, i) => {
    if (i === index) return { ...copyBackend(backend), weight: value };
    if (isLinked && draft.backends.length === 2) return { ...copyBackend(backend), weight: 100 - value };
    return copyBackend(backend);
  });
  return { ...draft, backends };
}

/**
 * A number input's text as a weight: an integer 0..100, or null while the text is not one
 * (empty, "1.5", "abc") — the input then keeps its text and the draft its last weight.
 */
export function parseWeightInput(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value <= 100 ? value : null;
}

/** "Reset to 100/0": everything to the first (stable) backend, nothing to the others. */
export function resetToStable(draft: WeightsDraft): WeightsDraft {
  return { ...draft, backends: draft.backends.map((backend, i) => ({ ...copyBackend(backend), weight: i === 0 ? 100 : 0 })) };
}

/** Turns instance-level weights of one backend on (every instance at 100) or off. */
export function setInstanceWeightsEnabled(
  draft: WeightsDraft,
  index: number,
  instanceIds: readonly string[] | null,
): WeightsDraft {
  const backends = draft.backends.map((backend, i) => {
    if (i !== index) return copyBackend(backend);
    const { version, weight } = backend;
    return instanceIds === null || instanceIds.length === 0
      ? { version, weight }
      : { version, weight, instances: instanceIds.map((instanceId) => ({ instanceId, weight: 100 })) };
  });
  return { ...draft, backends };
}

/** Sets one instance's relative weight (integer 0..100) within a backend that lists instances. */
export function setInstanceWeight(draft: WeightsDraft, index: number, instanceId: string, weight: number): WeightsDraft {
  if (!Number.isFinite(weight)) return draft;
  const backends = draft.backends.map((backend, i) => {
    const copy = copyBackend(backend);
    if (i !== index || copy.instances === undefined) return copy;
    copy.instances = copy.instances.map((instance) =>
      instance.instanceId === instanceId ? { instanceId, weight: clampWeight(weight) } : instance,
    );
    return copy;
  });
  return { ...draft, backends };
}

export type WeightsValidation = {
  isValid: boolean;
  /** Messages about the whole list (sum, all zero, empty). */
  formErrors: string[];
  /** Messages about one backend, by its index. */
  backendErrors: Map<number, string>;
};

/** The server's weight rules (lib/control/route-weights) applied to the draft. */
export function validateWeights(backends: readonly DraftBackend[]): WeightsValidation {
  const result = routeBackendsSchema.safeParse(backends);
  const formErrors: string[] = [];
  const backendErrors = new Map<number, string>();
  if (!result.success) {
    for (const issue of result.error.issues) {
      const index = issue.path[0];
      if (typeof index === "number" && !backendErrors.has(index)) backendErrors.set(index, issue.message);
      else if (typeof index !== "number") formErrors.push(issue.message);
    }
  }
  return { isValid: result.success, formErrors, backendErrors };
}

/** The sum of the weights, for the live "sum: 95 / 100" hint. */
export const sumWeights = (backends: readonly DraftBackend[]) => backends.reduce((sum, backend) => sum + backend.weight, 0);

const sameInstances = (a: readonly InstanceWeight[] | undefined, b: readonly InstanceWeight[] | undefined) =>
  (a ?? []).length === (b ?? []).length &&
  (a ?? []).every((instance, i) => instance.instanceId === b?.[i]?.instanceId && instance.weight === b?.[i]?.weight);

/** Whether two weight lists say the same (same versions in the same order, same weights and instances). */
export function isSameBackends(a: readonly DraftBackend[], b: readonly DraftBackend[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (backend, i) =>
        backend.version === b[i].version && backend.weight === b[i].weight && sameInstances(backend.instances, b[i].instances),
    )
  );
}

/** The PUT body's backends: only what the API takes (no undefined members). */
export function toRequestBackends(backends: readonly DraftBackend[]): DraftBackend[] {
  return backends.map(copyBackend);
}

export type WeightDiffRow = { version: string; before: number | null; after: number | null; isChanged: boolean };

/**
 * Old → new weights per version, for the history table and the revert confirmation: the new
 * list's versions in order, then versions only the old one had (after = null); before = null
 * for a version that is new (or for a route's first declaration, old = null).
 */
export function diffBackends(oldBackends: readonly DraftBackend[] | null, newBackends: readonly DraftBackend[]): WeightDiffRow[] {
  const before = new Map((oldBackends ?? []).map((backend) => [backend.version, backend.weight]));
  const rows: WeightDiffRow[] = newBackends.map((backend) => {
    const old = before.get(backend.version) ?? null;
    before.delete(backend.version);
    return { version: backend.version, before: old, after: backend.weight, isChanged: old !== backend.weight };
  });
  for (const [version, weight] of before) rows.push({ version, before: weight, after: null, isChanged: true });
  return rows;
}

/** "v1 90 → 80, v2 10 → 20" (unchanged versions as "v1 100"): one line for a confirmation or a title. */
export function describeDiff(rows: readonly WeightDiffRow[]): string {
  return rows
    .map((row) => {
      if (row.after === null) return `${row.version} ${row.before} → removed`;
      if (row.before === null) return `${row.version} ${row.after}`;
      return row.isChanged ? `${row.version} ${row.before} → ${row.after}` : `${row.version} ${row.after}`;
    })
    .join(", ");
}
