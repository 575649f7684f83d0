import { CopyButton } from "@/components/ui/copy-button";
import { SignalIcon } from "@/components/ui/icons";
import type { ServerInfo } from "@/lib/query-client/schemas";
import { buildSetupSnippets, listIngestEndpoints } from "@/lib/ui/exporter-setup";
import { SnippetTabs } from "./snippet-tabs";

/**
 * The empty state of the Overview: nothing has arrived yet, so say exactly where to send
 * spans, with this server's real host and ports, ready to copy.
 */
export function SetupGuide({ info, isLive }: { info: ServerInfo; isLive: boolean }) {
  const endpoints = listIngestEndpoints(info);
  return (
    <section aria-labelledby="setup-title" className="overflow-hidden rounded-lg border border-line bg-panel">
      <div className="relative border-b border-line px-6 py-7 wide:px-8">
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-0 bg-[radial-gradient(ellipse_at_top_left,rgba(56,189,248,0.10),transparent_55%)]"
        />
        <div className="relative flex items-start gap-4">
          <span className="flex size-11 shrink-0 items-center justify-center rounded-lg border border-accent/25 bg-accent/10 text-accent">
            <SignalIcon className="size-5" />
          </span>
          <div className="min-w-0">
            <h2 id="setup-title" className="text-base font-semibold text-ink">
              No spans received yet
            </h2>
            <p className="mt-1 max-w-2xl text-sm text-muted">
              Point an OpenTelemetry exporter at Breakwater. Services appear here as soon as their first span arrives
              {isLive ? " — this page updates by itself." : "; live refresh is paused, so resume it to see them."}
            </p>
            {isLive && (
              <p className="mt-3 inline-flex items-center gap-2 text-xs text-ink-soft">
                <span aria-hidden="true" className="size-1.5 animate-pulse-dot rounded-full bg-accent" />
                Waiting for data
              </p>
            )}
          </div>
        </div>
      </div>

      <div className="grid gap-8 px-6 py-6 wide:px-8 xl:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
        <div>
          <h3 className="text-xs font-semibold tracking-wider text-faint uppercase">Endpoints</h3>
          <ul className="mt-3 flex flex-col gap-2">
            {endpoints.map((endpoint) => (
              <li key={endpoint.id} className="flex items-center gap-3 rounded-md border border-line bg-canvas/50 px-3 py-2.5">
                <div className="min-w-0 flex-1">
                  <p className="text-xs text-muted">
                    <span className="font-medium text-ink-soft">{endpoint.label}</span> · {endpoint.protocol}
                  </p>
                  <p className="mt-0.5 truncate font-mono text-[13px] text-ink" data-testid={`endpoint-${endpoint.id}`}>
                    {endpoint.url}
                  </p>
                </div>
                <CopyButton text={endpoint.url} label={`${endpoint.label} endpoint`} />
              </li>
            ))}
          </ul>
          {info.isIngestTokenRequired ? (
            <p className="mt-4 rounded-md border border-warn/25 bg-warn/5 px-3 py-2.5 text-sm text-ink-soft">
              <span className="font-medium text-ink">Ingest tokens are on.</span> Send{" "}
              <code className="font-mono text-[12.5px] text-ink">Authorization: Bearer &lt;token&gt;</code> with every request;
              ask your Breakwater operator for a token.
            </p>
          ) : (
            <p className="mt-4 text-sm text-muted">No ingest token is required by this server.</p>
          )}
          {info.role === "ui" && (
            <p className="mt-3 rounded-md border border-line px-3 py-2.5 text-sm text-muted">
              This server runs the dashboard only (role <code className="font-mono">ui</code>): send spans to your Breakwater
              ingest servers instead.
            </p>
          )}
        </div>
        <div className="min-w-0">
          <h3 className="mb-1 text-xs font-semibold tracking-wider text-faint uppercase">Configure your exporter</h3>
          <SnippetTabs snippets={buildSetupSnippets(info)} />
        </div>
      </div>
    </section>
  );
}
