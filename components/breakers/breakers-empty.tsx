import { BREAKER_STATE_DISPLAY } from "./breaker-state-display";

const EXAMPLE_REPORT = `"breakers": [{
  "targetService": "payments", "targetInstanceId": "payments-1", "targetVersion": "v1",
  "state": "closed", "stateSince": "2026-11-21T10:00:00Z",
  "calls": 12, "failedCalls": 1, "slowCalls": 0, "failureRate": 8.3, "slowCallRate": 0,
  "notPermittedCalls": 0,
  "config": { "failureRateThreshold": 50, "slowCallDurationMs": 1000, "slowCallRateThreshold": 100,
              "windowMs": 10000, "minimumCalls": 5, "openWaitMs": 5000, "halfOpenCalls": 3 },
  "transitions": []
}]`;

const Code = ({ children }: { children: string }) => (
  <code className="rounded bg-panel-raised px-1 py-px font-mono text-[12.5px] text-ink-soft">{children}</code>
);

/** No breaker anywhere yet: where breakers come from and how to get some. */
export function BreakersEmpty({ isLive }: { isLive: boolean }) {
  const Icon = BREAKER_STATE_DISPLAY.closed.icon;
  return (
    <section
      aria-labelledby="breakers-empty-title"
      className="rounded-lg border border-line bg-panel"
      data-testid="breakers-empty"
    >
      <div className="flex items-start gap-4 border-b border-line px-6 py-6">
        <span className="flex size-11 shrink-0 items-center justify-center rounded-lg border border-accent/25 bg-accent/10 text-accent">
          <Icon className="size-5" />
        </span>
        <div className="min-w-0">
          <h2 id="breakers-empty-title" className="text-base font-semibold text-ink">
            No breakers reported yet
          </h2>
          <p className="mt-1 max-w-3xl text-sm text-muted">
            Breakers come from the heartbeats of services that use the resilience library: every caller owns one circuit breaker
            per upstream instance it calls, and reports each one&apos;s state, sliding-window counts, configuration and
            transitions in <Code>POST /api/v1/heartbeats</Code>. They appear here within a heartbeat of being reported.
          </p>
          {isLive && (
            <p className="mt-2 flex items-center gap-2 text-xs text-faint">
              <span aria-hidden="true" className="size-1.5 animate-pulse-dot rounded-full bg-ok" />
              Waiting for heartbeats. This page refreshes by itself.
            </p>
          )}
        </div>
      </div>
      <div className="grid gap-6 px-6 py-5 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.3fr)]">
        <ol className="list-decimal space-y-3 pl-5 text-sm text-ink-soft marker:text-faint">
          <li>
            <span className="font-medium text-ink">Run the demo shop</span>: <Code>npm start</Code> starts it with Breakwater (or{" "}
            <Code>npm run demo</Code> next to a running Breakwater). Its gateway and orders instances own breakers; put a fault on{" "}
            <Code>payments-1</Code> to see one open.
          </li>
          <li>
            <span className="font-medium text-ink">Or report your own</span>: add a <Code>breakers</Code> array to each
            caller&apos;s heartbeat, one entry per upstream instance, as on the right. The schema is{" "}
            <Code>breakerReportSchema</Code> in <Code>lib/control/contract.ts</Code>.
          </li>
          <li>
            <span className="font-medium text-ink">Read more</span> in <Code>services-demo/README.md</Code>, sections
            &ldquo;Resilience and who owns what&rdquo; and &ldquo;Heartbeats and discovery&rdquo;.
          </li>
        </ol>
        <figure className="min-w-0">
          <figcaption className="mb-1.5 text-xs text-faint">Part of a heartbeat body (JSON)</figcaption>
          <pre className="overflow-x-auto rounded-md border border-line bg-canvas px-4 py-3 font-mono text-[12px] leading-relaxed text-ink-soft">
            <code>{EXAMPLE_REPORT}</code>
          </pre>
        </figure>
      </div>
    </section>
  );
}
