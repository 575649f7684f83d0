"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { serviceInstancesForRouteQueryOptions } from "@/lib/query-client/traffic-query";
import { setInstanceWeight, setInstanceWeightsEnabled, type WeightsDraft } from "@/lib/traffic/weights-form";

/**
 * "Advanced: instance weights" for one backend, collapsed by default: off, every instance of
 * the version shares its traffic as the gateway's balancer decides; on, only the listed
 * instances get it, in proportion to their relative weights (0..100). Instances come from the
 * registry (GET /api/v1/instances?service=), loaded when the section is first opened.
 */
export function InstanceWeights({
  service,
  version,
  index,
  draft,
  isDisabled,
  onChange,
}: {
  service: string;
  version: string;
  index: number;
  draft: WeightsDraft;
  isDisabled: boolean;
  onChange: (draft: WeightsDraft) => void;
}) {
  const id = useId();
  const [isOpen, setIsOpen] = useState(false);
  const backend = draft.backends[index];
  const listed = backend.instances;
  const instances = useQuery({ ...serviceInstancesForRouteQueryOptions(service), enabled: isOpen || listed !== undefined });
  const known = (instances.data?.instances ?? []).filter((i) => i.version === version && i.status !== "deregistered");
  // Instances the route lists but the registry no longer has stay editable (and visible).
  const ids = [...new Set([...known.map((i) => i.instanceId), ...(listed ?? []).map((i) => i.instanceId)])];

  return (
    <details
      className="ml-[5.75rem] text-xs text-muted"
      open={isOpen || listed !== undefined}
      onToggle={(event) => setIsOpen(event.currentTarget.open)}
    >
      <summary className="w-fit cursor-pointer rounded select-none hover:text-ink-soft">
        Advanced: instance weights{listed !== undefined ? ` (${listed.length} listed)` : ""}
      </summary>
      <div className="mt-2 flex flex-col gap-2 rounded-md border border-line bg-canvas/40 px-3 py-2">
        {instances.isPending && listed === undefined ? (
          <p role="status">Loading the instances of {version}…</p>
        ) : instances.isError && ids.length === 0 ? (
          <p role="alert" className="text-bad">
            Could not load the instances: {instances.error.message}
          </p>
        ) : ids.length === 0 ? (
          <p>
            No registered instance of {service} runs {version}.
          </p>
        ) : (
          <>
            <label className="flex items-center gap-2 text-ink-soft">
              <input
                type="checkbox"
                checked={listed !== undefined}
                disabled={isDisabled}
                onChange={(event) => onChange(setInstanceWeightsEnabled(draft, index, event.target.checked ? ids : null))}
              />
              Send {version}&apos;s traffic only to these instances, by relative weight
            </label>
            {listed !== undefined && (
              <ul className="flex flex-col gap-1.5">
                {listed.map((instance) => {
                  const inputId = `${id}-${instance.instanceId}`;
                  return (
                    <li key={instance.instanceId} className="flex items-center gap-2">
                      <label
                        htmlFor={inputId}
                        className="min-w-0 flex-1 truncate font-mono text-ink-soft"
                        title={instance.instanceId}
                      >
                        {instance.instanceId}
                      </label>
                      <input
                        id={inputId}
                        type="number"
                        min={0}
                        max={100}
                        step={1}
                        value={instance.weight}
                        disabled={isDisabled}
                        onChange={(event) =>
                          onChange(setInstanceWeight(draft, index, instance.instanceId, Number(event.target.value)))
                        }
                        aria-label={`Relative weight of ${instance.instanceId}`}
                        className="h-7 w-16 rounded-md border border-line-strong bg-panel-raised px-2 text-right text-ink tabular-nums"
                      />
                    </li>
                  );
                })}
              </ul>
            )}
          </>
        )}
      </div>
    </details>
  );
}
