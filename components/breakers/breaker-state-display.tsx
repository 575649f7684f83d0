import type { ComponentType, ReactNode } from "react";
import { Icon, type IconProps } from "@/components/ui/icons";
import type { BreakerState } from "@/lib/control/contract";
import type { SegmentState } from "@/lib/breakers/build-state-segments";

/**
 * How each breaker state looks, in one exhaustive table: a new state in the contract fails
 * to compile here until it has a label, a meaning, an icon and colours. Colour is never the
 * only cue: every use shows the icon and the label too.
 */

/** State icons are drawn a little bolder than the shared ones. */
function StateIcon(props: IconProps & { children: ReactNode }) {
  return <Icon strokeWidth={2} {...props} />;
}

/** A closed circuit: a continuous line through two contacts. */
const ClosedIcon = (props: IconProps) => (
  <StateIcon {...props}>
    <circle cx="5" cy="12" r="2" />
    <circle cx="19" cy="12" r="2" />
    <path d="M7 12h10" />
  </StateIcon>
);

/** An open circuit: the switch arm lifted off the second contact. */
const OpenIcon = (props: IconProps) => (
  <StateIcon {...props}>
    <circle cx="5" cy="15" r="2" />
    <circle cx="19" cy="15" r="2" />
    <path d="M6.8 14 16 6" />
  </StateIcon>
);

/** Half-open: the arm half way, probing. */
const HalfOpenIcon = (props: IconProps) => (
  <StateIcon {...props}>
    <circle cx="5" cy="14" r="2" />
    <circle cx="19" cy="14" r="2" />
    <path d="M7 13.2 16.5 10" />
    <path d="M12 19.5h.01" strokeWidth={2.6} />
  </StateIcon>
);

/** Forced open: held open by hand (a lock). */
const ForcedOpenIcon = (props: IconProps) => (
  <StateIcon {...props}>
    <rect x="5" y="11" width="14" height="9" rx="2" />
    <path d="M8.5 11V8a3.5 3.5 0 0 1 7 0v3" />
  </StateIcon>
);

/** Disabled: the breaker is bypassed. */
const DisabledIcon = (props: IconProps) => (
  <StateIcon {...props}>
    <circle cx="12" cy="12" r="8" />
    <path d="m6.5 17.5 11-11" />
  </StateIcon>
);

/** Unknown: no report covers this time. */
const UnknownIcon = (props: IconProps) => (
  <StateIcon {...props}>
    <circle cx="12" cy="12" r="8" strokeDasharray="3 3" />
    <path d="M10 10a2 2 0 1 1 2.8 1.8c-.5.3-.8.7-.8 1.2" />
    <path d="M12 16h.01" strokeWidth={2.6} />
  </StateIcon>
);

export type StateDisplay = {
  label: string;
  /** One line on what the state means for calls, for tooltips and the legend. */
  meaning: string;
  icon: ComponentType<IconProps>;
  /** Text colour of the label and icon. */
  textClass: string;
  /** Badge surface (tinted background + border). */
  badgeClass: string;
  /** Solid fill of a timeline segment. */
  fillClass: string;
};

export const BREAKER_STATE_DISPLAY: Record<BreakerState, StateDisplay> = {
  closed: {
    label: "Closed",
    meaning: "calls flow normally",
    icon: ClosedIcon,
    textClass: "text-ok",
    badgeClass: "border-ok/30 bg-ok/10",
    fillClass: "bg-ok/70",
  },
  open: {
    label: "Open",
    meaning: "calls are refused (short-circuited) until the open wait elapses",
    icon: OpenIcon,
    textClass: "text-bad",
    badgeClass: "border-bad/60 bg-bad/20",
    fillClass: "bg-bad",
  },
  half_open: {
    label: "Half-open",
    meaning: "a few probe calls decide whether to close or open again",
    icon: HalfOpenIcon,
    textClass: "text-warn",
    badgeClass: "border-warn/50 bg-warn/15",
    fillClass: "bg-warn",
  },
  forced_open: {
    label: "Forced open",
    meaning: "held open by an operator: every call is refused",
    icon: ForcedOpenIcon,
    textClass: "text-fuchsia-300",
    badgeClass: "border-fuchsia-400/50 bg-fuchsia-400/15",
    fillClass: "bg-fuchsia-400",
  },
  disabled: {
    label: "Disabled",
    meaning: "the breaker is bypassed: every call is let through",
    icon: DisabledIcon,
    textClass: "text-muted",
    badgeClass: "border-line-strong bg-panel-raised",
    fillClass: "bg-faint/60",
  },
};

export const UNKNOWN_STATE_DISPLAY: StateDisplay = {
  label: "No data",
  meaning: "no report covers this time (not yet reported, or the owner stopped reporting)",
  icon: UnknownIcon,
  textClass: "text-faint",
  badgeClass: "border-line bg-canvas",
  fillClass: "bg-[repeating-linear-gradient(135deg,var(--color-line-strong)_0_4px,transparent_4px_8px)]",
};

export function segmentStateDisplay(state: SegmentState): StateDisplay {
  return state === "unknown" ? UNKNOWN_STATE_DISPLAY : BREAKER_STATE_DISPLAY[state];
}

/** Icon + label on the state's colours (`sm` inside dense lists). */
export function BreakerStateBadge({ state, size = "md" }: { state: BreakerState; size?: "sm" | "md" }) {
  const display = BREAKER_STATE_DISPLAY[state];
  const Icon = display.icon;
  return (
    <span
      className={[
        "inline-flex items-center gap-1.5 rounded-md border font-semibold whitespace-nowrap",
        display.badgeClass,
        display.textClass,
        size === "sm" ? "px-1.5 py-0.5 text-[11px]" : "px-2 py-1 text-xs",
      ].join(" ")}
      title={`${display.label}: ${display.meaning}`}
    >
      <Icon className={size === "sm" ? "size-3.5" : "size-4"} />
      {display.label}
    </span>
  );
}
