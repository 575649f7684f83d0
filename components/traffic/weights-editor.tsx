"use client";

import { type FormEvent, type ReactNode, useId, useState } from "react";
import type { PutWeightsOutcome } from "@/lib/query-client/put-route-weights";
import type { Route, UpdateRouteWeights } from "@/lib/traffic/contract";
import {
  describeDiff,
  diffBackends,
  draftFromRoute,
  isSameBackends,
  parseWeightInput,
  resetToStable,
  setBackendWeight,
  sumWeights,
  toRequestBackends,
  validateWeights,
  type WeightsDraft,
} from "@/lib/traffic/weights-form";
import { formatClock } from "@/lib/ui/format-time";
import { InstanceWeights } from "./instance-weights";
import { SplitBar } from "./split-bar";
import { versionColor } from "./version-colors";

const buttonClass =
  "inline-flex h-8 items-center rounded-md border border-line-strong bg-panel-raised px-3 text-[13px] font-medium text-ink hover:border-accent/60 disabled:cursor-not-allowed disabled:opacity-50";
const primaryButtonClass =
  "inline-flex h-8 items-center rounded-md bg-accent px-3 text-[13px] font-semibold text-accent-ink hover:bg-accent-strong disabled:cursor-not-allowed disabled:opacity-50";
const inputClass =
  "h-8 rounded-md border border-line-strong bg-panel-raised px-2 text-[13px] text-ink hover:border-accent/60 focus-visible:border-accent disabled:cursor-not-allowed disabled:opacity-60";

/** A refusal or failure of the last save, as the form shows it (a save that worked clears it). */
type Refusal = Exclude<PutWeightsOutcome, { kind: "saved" }>;

/** Which backend a 400's `param` ("backends.1.weight", "backends.0.instances.2") is about. */
function backendIndexOf(param: string | null): number | null {
  const match = /^backends\.(\d+)/.exec(param ?? "");
  return match ? Number(match[1]) : null;
}

/**
 * The route's weights as sliders and number inputs that stay in sync (with two backends the
 * other follows), a preview of the pending split against the configured one, the server's
 * own rules checked as you type, a reason, "Reset to 100/0", and Save. The edit is the
 * user's until saved: a refused save (409, 400, 401, 403) keeps it and says what to do.
 */
export function WeightsEditor({
  route,
  canEdit,
  disabledNotice,
  signInHref,
  onSubmit,
}: {
  route: Route;
  canEdit: boolean;
  /** Why the controls are disabled (signed out, viewer), with a way out. */
  disabledNotice: ReactNode;
  signInHref: string;
  onSubmit: (body: UpdateRouteWeights) => Promise<PutWeightsOutcome>;
}) {
  const formId = useId();
  const [draft, setDraft] = useState<WeightsDraft | null>(null);
  // Text typed into a number input that is not a weight yet ("", "1."): shown, not applied.
  const [typed, setTyped] = useState<{ index: number; text: string } | null>(null);
  const [reason, setReason] = useState("");
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [isSaving, setIsSaving] = useState(false);
  // With two versions the other follows by default; unlinked, each is set on its own.
  const [isLinked, setIsLinked] = useState(true);

  const versions = route.backends.map((b) => b.version);
  const current = draft ?? draftFromRoute(route);
  const isChanged = draft !== null && !isSameBackends(draft.backends, route.backends);
  const validation = validateWeights(current.backends);
  const sum = sumWeights(current.backends);
  const isStale = draft !== null && draft.baseVersion < route.version;
  const invalidParam = refusal?.kind === "invalid" ? refusal.param : null;
  const serverBackendIndex = backendIndexOf(invalidParam);
  const isDisabled = !canEdit || isSaving;

  const edit = (next: WeightsDraft) => {
    setDraft(next);
    setRefusal((previous) => (previous?.kind === "conflict" ? previous : null));
  };
  const handleSlider = (index: number, value: string) => {
    setTyped(null);
    edit(setBackendWeight(current, index, Number(value), isLinked));
  };
  const handleNumber = (index: number, text: string) => {
    const weight = parseWeightInput(text);
    setTyped({ index, text });
    if (weight !== null) edit(setBackendWeight(current, index, weight, isLinked));
  };
  const handleReset = () => {
    setTyped(null);
    edit(resetToStable(current));
  };
  const handleDiscard = () => {
    setTyped(null);
    setDraft(null);
    setRefusal(null);
  };

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (!canEdit || !isChanged || !validation.isValid || isSaving) return;
    setIsSaving(true);
    const trimmed = reason.trim();
    const outcome = await onSubmit({
      version: current.baseVersion,
      backends: toRequestBackends(current.backends),
      ...(trimmed === "" ? {} : { reason: trimmed }),
    });
    setIsSaving(false);
    if (outcome.kind === "saved") {
      setDraft(null);
      setTyped(null);
      setReason("");
      setRefusal(null);
    } else setRefusal(outcome);
  }

  const handleReloadTheirs = () => handleDiscard();
  const handleKeepMine = (version: number) => {
    setDraft({ ...current, baseVersion: version });
    setRefusal(null);
  };

  return (
    <form
      onSubmit={handleSubmit}
      aria-labelledby={`${formId}-title`}
      className="flex flex-col gap-4"
      data-testid="weights-editor"
    >
      <h3 id={`${formId}-title`} className="sr-only">
        Weights of route {route.id}
      </h3>
      {!canEdit && (
        <div
          className="rounded-md border border-line-strong bg-panel-raised/60 px-3 py-2 text-sm text-ink-soft"
          data-testid="weights-disabled"
        >
          {disabledNotice}
        </div>
      )}

      <fieldset disabled={isDisabled} className="flex flex-col gap-3">
        <legend className="mb-2 flex w-full items-center justify-between gap-3 text-xs font-medium tracking-wide text-faint uppercase">
          Weight per version (%)
        </legend>
        {current.backends.length === 2 && (
          <label className="-mt-2 flex w-fit items-center gap-2 text-xs text-muted">
            <input type="checkbox" checked={isLinked} onChange={(event) => setIsLinked(event.target.checked)} />
            The other version follows (keeps the sum at 100)
          </label>
        )}
        {current.backends.map((backend, index) => {
          const sliderId = `${formId}-slider-${index}`;
          const errorId = `${formId}-error-${index}`;
          const error = validation.backendErrors.get(index) ?? (serverBackendIndex === index ? refusal?.message : undefined);
          const text = typed?.index === index ? typed.text : String(backend.weight);
          return (
            <div key={backend.version} className="flex flex-col gap-1.5" data-testid="backend-row" data-version={backend.version}>
              <div className="flex items-center gap-3">
                <label htmlFor={sliderId} className="flex w-20 shrink-0 items-center gap-2 text-sm font-medium text-ink">
                  <span aria-hidden="true" className="size-2.5 rounded-full" style={{ backgroundColor: versionColor(index) }} />
                  <span className="truncate" title={backend.version}>
                    {backend.version}
                  </span>
                </label>
                <input
                  id={sliderId}
                  type="range"
                  min={0}
                  max={100}
                  step={1}
                  value={backend.weight}
                  onChange={(event) => handleSlider(index, event.target.value)}
                  aria-label={`Weight of ${backend.version}`}
                  aria-valuetext={`${backend.weight} %`}
                  aria-describedby={error ? errorId : undefined}
                  className="h-2 min-w-0 flex-1 cursor-pointer disabled:cursor-not-allowed"
                  style={{ accentColor: versionColor(index) }}
                />
                <div className="flex items-center gap-1">
                  <input
                    type="number"
                    inputMode="numeric"
                    min={0}
                    max={100}
                    step={1}
                    value={text}
                    onChange={(event) => handleNumber(index, event.target.value)}
                    onBlur={() => setTyped(null)}
                    aria-label={`Weight of ${backend.version} in percent`}
                    aria-invalid={error !== undefined || (typed?.index === index && parseWeightInput(typed.text) === null)}
                    aria-describedby={error ? errorId : undefined}
                    className={`${inputClass} w-16 text-right tabular-nums`}
                  />
                  <span className="text-xs text-muted">%</span>
                </div>
              </div>
              {typed?.index === index && parseWeightInput(typed.text) === null && (
                <p className="pl-[5.75rem] text-xs text-warn">Type a whole number from 0 to 100.</p>
              )}
              {error !== undefined && (
                <p id={errorId} className="pl-[5.75rem] text-xs text-bad">
                  {error}
                </p>
              )}
              <InstanceWeights
                service={route.service}
                version={backend.version}
                index={index}
                draft={current}
                isDisabled={isDisabled}
                onChange={edit}
              />
            </div>
          );
        })}
      </fieldset>

      <div className="flex flex-col gap-2" data-testid="split-preview">
        <div className="grid grid-cols-[5rem_1fr] items-center gap-3">
          <span className="text-xs text-muted">{isChanged ? "Pending" : "Configured"}</span>
          <SplitBar segments={current.backends} versions={versions} label="Pending split" testId="split-pending" />
        </div>
        {isChanged && (
          <div className="grid grid-cols-[5rem_1fr] items-center gap-3">
            <span className="text-xs text-muted">Now</span>
            <SplitBar segments={route.backends} versions={versions} label="Configured split" testId="split-current" />
          </div>
        )}
        {isChanged && (
          <p className="text-xs text-muted" data-testid="weights-diff">
            Change: {describeDiff(diffBackends(route.backends, current.backends))}
          </p>
        )}
      </div>

      <div aria-live="polite" className="min-h-5 text-sm" data-testid="weights-validation">
        {validation.isValid ? (
          <p className="text-xs text-muted tabular-nums">Sum {sum} / 100 ✓</p>
        ) : (
          <ul className="space-y-0.5 text-xs text-bad">
            {validation.formErrors.map((message) => (
              <li key={message}>{message}</li>
            ))}
            {validation.formErrors.length === 0 && <li>Fix the weights above (sum {sum} / 100).</li>}
          </ul>
        )}
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor={`${formId}-reason`} className="text-xs font-medium text-ink-soft">
          Reason <span className="font-normal text-faint">(optional, kept in the history)</span>
        </label>
        <input
          id={`${formId}-reason`}
          type="text"
          maxLength={500}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          disabled={isDisabled}
          placeholder="e.g. canary v2 at 20 %"
          aria-invalid={invalidParam === "reason"}
          className={`${inputClass} w-full`}
        />
        {invalidParam === "reason" && <p className="text-xs text-bad">{refusal?.message}</p>}
      </div>

      {isStale && refusal === null && (
        <p role="status" className="rounded-md border border-warn/30 bg-warn/5 px-3 py-2 text-xs text-ink-soft">
          These weights changed (now version {route.version}) since you started editing version {current.baseVersion}: saving will
          be refused until you reload them or keep yours.
        </p>
      )}
      {refusal !== null && (
        <RefusalMessage
          refusal={refusal}
          hasBackendTarget={serverBackendIndex !== null || invalidParam === "reason"}
          signInHref={signInHref}
          onReloadTheirs={handleReloadTheirs}
          onKeepMine={handleKeepMine}
        />
      )}

      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={isDisabled || !isChanged || !validation.isValid} className={primaryButtonClass}>
          {isSaving ? "Saving…" : "Save weights"}
        </button>
        <button type="button" onClick={handleReset} disabled={isDisabled} className={buttonClass}>
          Reset to 100/0
        </button>
        {draft !== null && (
          <button type="button" onClick={handleDiscard} disabled={isSaving} className={buttonClass}>
            Discard changes
          </button>
        )}
        <span className="ml-auto text-xs text-faint tabular-nums">
          Version {route.version} · by {route.updatedBy} at {formatClock(Date.parse(route.updatedAt), true)}
        </span>
      </div>
    </form>
  );
}

function RefusalMessage({
  refusal,
  hasBackendTarget,
  signInHref,
  onReloadTheirs,
  onKeepMine,
}: {
  refusal: Refusal;
  hasBackendTarget: boolean;
  signInHref: string;
  onReloadTheirs: () => void;
  onKeepMine: (version: number) => void;
}) {
  const box = "rounded-md border px-3 py-2 text-sm";
  switch (refusal.kind) {
    case "conflict": {
      const current = refusal.current;
      return (
        <div role="alert" className={`${box} border-warn/40 bg-warn/5 text-ink-soft`} data-testid="weights-conflict">
          <p>
            <span className="font-semibold text-ink">Someone else changed these weights</span>
            {current !== null && (
              <>
                {" "}
                (version {current.version}, by {current.updatedBy} at {formatClock(Date.parse(current.updatedAt), true)}):{" "}
                <span className="text-ink tabular-nums">
                  {current.backends.map((b) => `${b.version} ${b.weight} %`).join(", ")}
                </span>
              </>
            )}
            . Your edit is kept below; nothing was saved.
          </p>
          <div className="mt-2 flex flex-wrap gap-2">
            <button
              type="button"
              onClick={onReloadTheirs}
              className="rounded-md border border-line-strong bg-panel-raised px-2.5 py-1 text-xs font-medium text-ink hover:border-accent/60"
            >
              Reload their weights
            </button>
            {current !== null && (
              <button
                type="button"
                onClick={() => onKeepMine(current.version)}
                className="rounded-md border border-line-strong bg-panel-raised px-2.5 py-1 text-xs font-medium text-ink hover:border-accent/60"
              >
                Keep mine (then save over version {current.version})
              </button>
            )}
          </div>
        </div>
      );
    }
    case "invalid":
      // Shown beside the field the server named; only an unplaced message goes here.
      return hasBackendTarget ? null : (
        <p role="alert" className={`${box} border-bad/40 bg-bad/5 text-ink-soft`}>
          <span className="font-semibold text-bad">Not saved:</span> {refusal.message}
          {refusal.param !== null && <span className="text-muted"> ({refusal.param})</span>}
        </p>
      );
    case "unauthorized":
      return (
        <p role="alert" className={`${box} border-bad/40 bg-bad/5 text-ink-soft`} data-testid="weights-unauthorized">
          <span className="font-semibold text-bad">Not saved: you are not signed in</span> (or your session ended).{" "}
          <a href={signInHref} className="font-medium text-accent underline-offset-2 hover:underline">
            Sign in as an operator
          </a>{" "}
          — your edit is kept here until you leave the page.
        </p>
      );
    case "forbidden":
      return (
        <p role="alert" className={`${box} border-bad/40 bg-bad/5 text-ink-soft`} data-testid="weights-forbidden">
          <span className="font-semibold text-bad">Not saved: the viewer role cannot change weights.</span> {refusal.message}
        </p>
      );
    case "failed":
      return (
        <p role="alert" className={`${box} border-bad/40 bg-bad/5 text-ink-soft`}>
          <span className="font-semibold text-bad">Not saved:</span> {refusal.message}
        </p>
      );
  }
}
