import type { ReactNode, SVGProps } from "react";

/**
 * The app's icon set: simple 24×24 stroke icons drawn for Breakwater (no icon dependency).
 * Decorative by default (aria-hidden); give the surrounding control an accessible name.
 */

export type IconProps = Omit<SVGProps<SVGSVGElement>, "children">;

/** The shared 24×24 stroke icon frame; `strokeWidth` may be overridden (e.g. 2 for bolder state icons). */
export function Icon({ children, className = "size-4", ...props }: IconProps & { children: ReactNode }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      className={className}
      {...props}
    >
      {children}
    </svg>
  );
}

export const LogoMark = ({ className = "size-6", ...props }: IconProps) => (
  <svg viewBox="0 0 32 32" aria-hidden="true" focusable="false" className={className} {...props}>
    <rect width="32" height="32" rx="8" fill="#0c4a6e" />
    <path d="M5 19c3.5 0 3.5-3 7-3s3.5 3 7 3 3.5-3 7-3" fill="none" stroke="#7dd3fc" strokeWidth="2.2" strokeLinecap="round" />
    <path
      d="M5 24c3.5 0 3.5-3 7-3s3.5 3 7 3 3.5-3 7-3"
      fill="none"
      stroke="#38bdf8"
      strokeWidth="2.2"
      strokeLinecap="round"
      opacity=".55"
    />
    <path d="M8 12.5h16" stroke="#e0f2fe" strokeWidth="2.6" strokeLinecap="round" />
    <path d="M11 8.5h10" stroke="#e0f2fe" strokeWidth="2.6" strokeLinecap="round" opacity=".8" />
  </svg>
);

export const OverviewIcon = (props: IconProps) => (
  <Icon {...props}>
    <rect x="3.5" y="3.5" width="7" height="7" rx="1.5" />
    <rect x="13.5" y="3.5" width="7" height="7" rx="1.5" />
    <rect x="3.5" y="13.5" width="7" height="7" rx="1.5" />
    <rect x="13.5" y="13.5" width="7" height="7" rx="1.5" />
  </Icon>
);

export const TopologyIcon = (props: IconProps) => (
  <Icon {...props}>
    <circle cx="5.5" cy="12" r="2.5" />
    <circle cx="18.5" cy="5.5" r="2.5" />
    <circle cx="18.5" cy="18.5" r="2.5" />
    <path d="M7.8 10.9 16.2 6.6M7.8 13.1l8.4 4.3M18.5 8v8" />
  </Icon>
);

export const ServicesIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M12 3 20 7.5v9L12 21l-8-4.5v-9L12 3Z" />
    <path d="M4 7.5 12 12l8-4.5M12 12v9" />
  </Icon>
);

export const TracesIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M3.5 5h10M6.5 9.5h11M9.5 14h7M12.5 18.5h8" />
  </Icon>
);

export const BreakersIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M13 2.5 5 13.5h6l-1 8 8-11h-6l1-8Z" />
  </Icon>
);

export const TrafficIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M3 12h6c2 0 3-1.5 4-3.5S15 5 17 5h4M9 12c2 0 3 1.5 4 3.5S15 19 17 19h4" />
    <path d="m18.5 2.5 2.5 2.5-2.5 2.5M18.5 16.5l2.5 2.5-2.5 2.5" />
  </Icon>
);

export const PauseIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M9 5v14M15 5v14" strokeWidth={2.25} />
  </Icon>
);

export const PlayIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M7 4.5v15l12-7.5-12-7.5Z" />
  </Icon>
);

export const CopyIcon = (props: IconProps) => (
  <Icon {...props}>
    <rect x="8.5" y="8.5" width="12" height="12" rx="2" />
    <path d="M15.5 8.5V5.5a2 2 0 0 0-2-2h-8a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h3" />
  </Icon>
);

export const CheckIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="m4.5 12.5 5 5 10-11" />
  </Icon>
);

export const AlertIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M12 3.5 2.5 20h19L12 3.5Z" />
    <path d="M12 10v4.5M12 17.2v.1" />
  </Icon>
);

export const RetryIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M20 12a8 8 0 1 1-2.34-5.66" />
    <path d="M20 4v5h-5" />
  </Icon>
);

export const SortIcon = ({ direction, ...props }: IconProps & { direction: "asc" | "desc" | "none" }) => (
  <Icon {...props}>
    <path d="m8 9.5 4-4 4 4" opacity={direction === "desc" ? 0.3 : 1} />
    <path d="m8 14.5 4 4 4-4" opacity={direction === "asc" ? 0.3 : 1} />
  </Icon>
);

export const SignalIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M12 12h.01" strokeWidth={3} />
    <path d="M8.5 15.5a5 5 0 0 1 0-7M15.5 8.5a5 5 0 0 1 0 7M5.6 18.4a9 9 0 0 1 0-12.8M18.4 5.6a9 9 0 0 1 0 12.8" />
  </Icon>
);
