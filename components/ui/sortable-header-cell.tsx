import { SortIcon } from "@/components/ui/icons";

export type SortDirection = "asc" | "desc";

/**
 * A table header cell whose button sorts by its column: aria-sort on the cell, the sort icon,
 * right-aligned columns with the icon on the left. The caller decides the next sort (e.g.
 * toggling the direction of the active column).
 */
export function SortableHeaderCell({
  label,
  align,
  className,
  activeDirection,
  onSort,
}: {
  label: string;
  align: "left" | "right";
  className: string;
  /** The direction when this column is the active sort; undefined when it is not. */
  activeDirection: SortDirection | undefined;
  onSort: () => void;
}) {
  const isActive = activeDirection !== undefined;
  const ariaSort = activeDirection === "asc" ? "ascending" : activeDirection === "desc" ? "descending" : "none";
  return (
    <th
      scope="col"
      aria-sort={ariaSort}
      className={`px-4 py-0 font-medium ${className} ${align === "right" ? "text-right" : ""}`}
    >
      <button
        type="button"
        onClick={onSort}
        className={[
          "-mx-1.5 inline-flex h-9 items-center gap-1 rounded px-1.5 text-xs tracking-wide whitespace-nowrap uppercase hover:text-ink",
          align === "right" ? "flex-row-reverse" : "",
          isActive ? "text-ink-soft" : "text-faint",
        ].join(" ")}
      >
        {label}
        <SortIcon direction={activeDirection ?? "none"} className={`size-3.5 ${isActive ? "text-accent" : "opacity-50"}`} />
      </button>
    </th>
  );
}
