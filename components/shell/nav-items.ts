import type { ComponentType } from "react";
import {
  BreakersIcon,
  type IconProps,
  OverviewIcon,
  ServicesIcon,
  TopologyIcon,
  TracesIcon,
  TrafficIcon,
} from "@/components/ui/icons";

export type NavItem = { href: string; label: string; icon: ComponentType<IconProps> };
export type NavGroup = { label: string; items: NavItem[] };

export const NAV_GROUPS: NavGroup[] = [
  {
    label: "Observe",
    items: [
      { href: "/", label: "Overview", icon: OverviewIcon },
      { href: "/topology", label: "Topology", icon: TopologyIcon },
      { href: "/services", label: "Services", icon: ServicesIcon },
      { href: "/traces", label: "Traces", icon: TracesIcon },
    ],
  },
  {
    label: "Control",
    items: [
      { href: "/breakers", label: "Breakers", icon: BreakersIcon },
      { href: "/traffic", label: "Traffic", icon: TrafficIcon },
    ],
  },
];
