"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { INSTANCE_STATUS_DISPLAY } from "@/components/service-detail/instances-table";
import { type FaultSpec, NO_FAULTS } from "@/lib/control/contract";
import { describeFaultError, type FaultErrorDisplay } from "@/lib/faults/describe-fault-error";
import {
  describeFaultSpec,
  type FaultDraft,
  type FaultDraftField,
  hasFaults,
  parseFaultDraft,
  toFaultDraft,
} from "@/lib/faults/fault-form";
import { type FaultInstance, faultQueryKeys, instanceFaultsQueryOptions, sendFaults } from "@/lib/faults/faults-query";
import type { ApiError } from "@/lib/query-client/fetch-json";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";

const inputClass =
  "h-8 w-full rounded-md border border-line-strong bg-canvas px-2 text-[13px] text-ink tabular-nums focus:border-accent/70 focus:outline-none disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-bad";
const buttonClass =
  "h-8 rounded-md border px-2.5 text-xs font-medium whitespace-nowrap disabled:cursor-not-allowed disabled:opacity-50";

/** The 5xx codes offered; any other 5xx set through the API is shown too. */
const ERROR_STATUSES = [500, 502, 503, 504];

type Feedback = { kind: "error"; display: FaultErrorDisplay } | { kind: "done"; message: string } | null;

/**
 * One instance: its version and status, the faults it runs with now (asked of the instance
 * through Breakwater), and a form to change them. What is typed stays a draft until applied;
 * the current faults keep refreshing beside it.
 */
export function FaultInstanceRow({
  instance,
  canEdit,
  isHighlighted,
  refetchInterval,
  returnTo,
}: {
  instance: FaultInstance;
  canEdit: boolean;
  isHighlighted: boolean;
  refetchInterval: RefreshInterval;
  returnTo: string;
}) {
  const queryClient = useQueryClient();
  const formId = useId();
  const { instanceId } = instance;
  const isDeregistered = instance.status === "deregistered";
  const faults = useQuery({ ...instanceFaultsQueryOptions(instanceId), enabled: !isDeregistered, refetchInterval });
  const [draft, setDraft] = useState<FaultDraft | null>(null);
  const [invalid, setInvalid] = useState<{ field: FaultDraftField; message: string } | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const messageRow = useRef<HTMLTableRowElement>(null);

  // The answer to Apply / Clear may land below the fold of a height-capped table: bring it in.
  useEffect(() => {
    if (feedback !== null || invalid !== null) messageRow.current?.scrollIntoView({ block: "nearest" });
  }, [feedback, invalid]);

  const change = useMutation({
    mutationFn: (spec: FaultSpec | null) => sendFaults(instanceId, spec),
    onSuccess: (spec, requested) => {
      queryClient.setQueryData(faultQueryKeys.instance(instanceId), spec);
      setDraft(null);
      setFeedback({
        kind: "done",
        message: requested === null ? "Faults cleared." : `Applied: ${describeFaultSpec(spec)}.`,
      });
    },
    onError: (error: ApiError) => setFeedback({ kind: "error", display: describeFaultError(error, instanceId, returnTo) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: faultQueryKeys.instance(instanceId), exact: true }),
  });

  const current = faults.data;
  const shown = draft ?? toFaultDraft(current ?? NO_FAULTS);
  const isEnabled = canEdit && !isDeregistered && !change.isPending;
  const display = INSTANCE_STATUS_DISPLAY[instance.status];

  function handleChange(patch: Partial<FaultDraft>) {
    setDraft({ ...shown, ...patch });
    setInvalid(null);
    setFeedback(null);
  }

  function handleApply(event: FormEvent) {
    event.preventDefault();
    const parsed = parseFaultDraft(shown);
    if (!parsed.ok) {
      setInvalid({ field: parsed.field, message: parsed.message });
      return;
    }
    setInvalid(null);
    change.mutate(parsed.spec);
  }

  function handleClear() {
    setInvalid(null);
    change.mutate(null);
  }

  const label = (what: string) => `${what} for ${instanceId}`;
  const messageId = `${formId}-message`;
  const statuses = ERROR_STATUSES.includes(Number(shown.errorStatus))
    ? ERROR_STATUSES
    : [...ERROR_STATUSES, Number(shown.errorStatus)].filter(Number.isFinite);

  let currentText;
  if (isDeregistered) currentText = <span className="text-faint">deregistered</span>;
  else if (faults.isPending) currentText = <span className="text-faint">asking…</span>;
  else if (current === undefined) currentText = <span className="text-warn">unknown</span>;
  else
    currentText = (
      <span className={hasFaults(current) ? "font-semibold text-warn" : "text-muted"}>{describeFaultSpec(current)}</span>
    );

  const hasMessage = invalid !== null || feedback !== null || (faults.isError && !isDeregistered);

  return (
    <>
      <tr
        data-testid="fault-row"
        data-instance={instanceId}
        data-faults={current === undefined ? "unknown" : hasFaults(current) ? "on" : "off"}
        className={isHighlighted ? "bg-accent/5" : undefined}
      >
        <th scope="row" className="max-w-0 px-4 py-2 text-left font-normal">
          <p className="truncate font-mono text-xs text-ink" title={instanceId}>
            {instanceId}
          </p>
          <p className="flex items-center gap-2 text-[11px] text-faint">
            <span className="font-mono">{instance.version}</span>
            <span className={`inline-flex items-center gap-1 font-semibold ${display.textClass}`}>
              <span aria-hidden="true" className={`size-1.5 rounded-full ${display.dotClass}`} />
              {display.label}
            </span>
          </p>
        </th>
        <td className="px-3 py-2 text-xs" data-testid="fault-current" aria-live="polite">
          {currentText}
        </td>
        <td className="px-1.5 py-2">
          <input
            form={formId}
            type="number"
            inputMode="numeric"
            min={0}
            max={60_000}
            step={50}
            className={inputClass}
            aria-label={label("Latency (ms)")}
            aria-invalid={invalid?.field === "latencyMs"}
            aria-describedby={hasMessage ? messageId : undefined}
            value={shown.latencyMs}
            disabled={!isEnabled}
            onChange={(event) => handleChange({ latencyMs: event.target.value })}
          />
        </td>
        <td className="px-1.5 py-2">
          <input
            form={formId}
            type="number"
            inputMode="decimal"
            min={0}
            max={100}
            step="any"
            className={inputClass}
            aria-label={label("Error rate (%)")}
            aria-invalid={invalid?.field === "errorRatePercent"}
            aria-describedby={hasMessage ? messageId : undefined}
            value={shown.errorRatePercent}
            disabled={!isEnabled}
            onChange={(event) => handleChange({ errorRatePercent: event.target.value })}
          />
        </td>
        <td className="px-1.5 py-2">
          <select
            form={formId}
            className={inputClass}
            aria-label={label("Error status")}
            aria-invalid={invalid?.field === "errorStatus"}
            value={shown.errorStatus}
            disabled={!isEnabled}
            onChange={(event) => handleChange({ errorStatus: event.target.value })}
          >
            {statuses.map((status) => (
              <option key={status} value={String(status)}>
                {status}
              </option>
            ))}
          </select>
        </td>
        <td className="px-1.5 py-2 text-center">
          <input
            form={formId}
            type="checkbox"
            className="size-4 accent-accent disabled:cursor-not-allowed disabled:opacity-50"
            aria-label={label("Hang every request")}
            checked={shown.hang}
            disabled={!isEnabled}
            onChange={(event) => handleChange({ hang: event.target.checked })}
          />
        </td>
        <td className="px-3 py-2">
          <form id={formId} onSubmit={handleApply} className="flex items-center justify-end gap-1.5">
            <button
              type="submit"
              disabled={!isEnabled}
              aria-label={`Apply faults to ${instanceId}`}
              className={`${buttonClass} border-accent/60 bg-accent/15 text-ink hover:bg-accent/25`}
            >
              {change.isPending && change.variables !== null ? "Applying…" : "Apply faults"}
            </button>
            <button
              type="button"
              onClick={handleClear}
              disabled={!isEnabled}
              aria-label={`Clear faults of ${instanceId}`}
              className={`${buttonClass} border-line-strong bg-panel-raised text-ink-soft hover:border-accent/60 hover:text-ink`}
            >
              {change.isPending && change.variables === null ? "Clearing…" : "Clear faults"}
            </button>
          </form>
        </td>
      </tr>
      {hasMessage && (
        <tr ref={messageRow} data-testid="fault-row-message" data-instance={instanceId} className="border-t-0!">
          <td colSpan={7} className="px-4 pt-0 pb-2">
            <RowMessage
              id={messageId}
              invalid={invalid}
              feedback={feedback}
              loadError={faults.isError && !isDeregistered ? faults.error.message : null}
              draftPending={draft !== null}
            />
          </td>
        </tr>
      )}
    </>
  );
}

function RowMessage({
  id,
  invalid,
  feedback,
  loadError,
  draftPending,
}: {
  id: string;
  invalid: { message: string } | null;
  feedback: Feedback;
  loadError: string | null;
  draftPending: boolean;
}) {
  if (invalid !== null) {
    return (
      <p id={id} role="alert" className="text-xs text-bad">
        {invalid.message}. Nothing was sent.
      </p>
    );
  }
  if (feedback?.kind === "error") {
    const { display } = feedback;
    return (
      <p id={id} role="alert" className="text-xs text-bad" data-testid="fault-error">
        <span className="font-semibold">{display.title}.</span> {display.detail}
        {display.signInHref !== undefined && (
          <>
            {" "}
            <Link href={display.signInHref} className="font-medium text-accent hover:underline">
              Sign in →
            </Link>
          </>
        )}
        {draftPending && <span className="text-faint"> Your edit is kept.</span>}
      </p>
    );
  }
  if (feedback?.kind === "done") {
    return (
      <p id={id} role="status" className="text-xs text-ok" data-testid="fault-done">
        {feedback.message}
      </p>
    );
  }
  return (
    <p id={id} role="alert" className="text-xs text-warn">
      Could not read the current faults: {loadError}
    </p>
  );
}
