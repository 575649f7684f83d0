import { Icon, type IconProps } from "@/components/ui/icons";

/** Icons of the topology's node kinds, in the app's 24×24 stroke frame (components/ui/icons). */

/** An instrumented service: a box with its ports. */
export const ServiceNodeIcon = (props: IconProps) => (
  <Icon {...props}>
    <rect x="4" y="5" width="16" height="14" rx="2.5" />
    <path d="M8 10h8M8 14h5" />
  </Icon>
);

/** A database: the usual cylinder. */
export const DatabaseIcon = (props: IconProps) => (
  <Icon {...props}>
    <ellipse cx="12" cy="5.5" rx="7" ry="2.5" />
    <path d="M5 5.5v13c0 1.4 3.1 2.5 7 2.5s7-1.1 7-2.5v-13" />
    <path d="M5 12c0 1.4 3.1 2.5 7 2.5s7-1.1 7-2.5" />
  </Icon>
);

/** A message broker: a queue of envelopes. */
export const BrokerIcon = (props: IconProps) => (
  <Icon {...props}>
    <rect x="3.5" y="7" width="13" height="10" rx="1.5" />
    <path d="m3.5 8 6.5 5 6.5-5" />
    <path d="M19.5 9v6M22 10.5v3" />
  </Icon>
);

/** An external (uninstrumented) service: a globe. */
export const ExternalIcon = (props: IconProps) => (
  <Icon {...props}>
    <circle cx="12" cy="12" r="8.5" />
    <path d="M3.5 12h17M12 3.5c2.3 2.4 3.4 5.2 3.4 8.5s-1.1 6.1-3.4 8.5c-2.3-2.4-3.4-5.2-3.4-8.5S9.7 5.9 12 3.5Z" />
  </Icon>
);

export const FocusIcon = (props: IconProps) => (
  <Icon {...props}>
    <circle cx="12" cy="12" r="3" />
    <path d="M12 3v3M12 18v3M3 12h3M18 12h3" />
  </Icon>
);

export const SearchIcon = (props: IconProps) => (
  <Icon {...props}>
    <circle cx="11" cy="11" r="6.5" />
    <path d="m16 16 4.5 4.5" />
  </Icon>
);

export const DownloadIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M12 4v11M7.5 10.5 12 15l4.5-4.5" />
    <path d="M5 19.5h14" />
  </Icon>
);

export const CloseIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="m6 6 12 12M18 6 6 18" />
  </Icon>
);
