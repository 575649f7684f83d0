import { TrafficIcon } from "@/components/ui/icons";
import { Panel } from "@/components/ui/panel";

/** No routes yet: routes are declared by the gateway that serves them, not created here. */
export function TrafficEmpty() {
  return (
    <Panel className="px-6 py-10 text-center" labelledBy="traffic-empty-title">
      <span className="mx-auto flex size-10 items-center justify-center rounded-full bg-accent/10 text-accent">
        <TrafficIcon className="size-5" />
      </span>
      <h2 id="traffic-empty-title" className="mt-3 text-sm font-semibold text-ink">
        No routes yet
      </h2>
      <div className="mx-auto mt-2 max-w-2xl space-y-2 text-sm text-muted">
        <p>
          A route is a service behind a gateway, with a weight per version. Gateways declare the routes they serve when they start
          (<code className="font-mono text-ink-soft">POST /api/v1/routes</code>), then watch discovery for weight changes — this
          page lists them as soon as one does.
        </p>
        <p>
          To try it, run <code className="font-mono text-ink-soft">npm start</code> (it starts the demo shop, whose gateway
          declares <span className="text-ink-soft">orders</span> v1 90 % / v2 10 % and{" "}
          <span className="text-ink-soft">catalog</span>), or <code className="font-mono text-ink-soft">npm run demo</code>{" "}
          against a Breakwater that is already running.
        </p>
      </div>
    </Panel>
  );
}
