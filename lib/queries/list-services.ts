import { getPrisma } from "@/lib/db/pool";

export type ServiceSummary = {
  name: string;
  spanCount: number;
  /** ISO 8601. */
  firstSeen: string;
  /** ISO 8601. */
  lastSeen: string;
};

/** Every service that has sent spans, from the `services` catalogue, sorted by name. */
export async function listServices(): Promise<ServiceSummary[]> {
  const rows = await getPrisma().service.findMany();
  // Sorted by code point (as Jaeger's Go sort.Strings does), independent of the database collation.
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return rows.map((row) => ({
    name: row.name,
    // A running count; a double is exact up to 2^53 spans, far beyond what one instance stores.
    spanCount: Number(row.spanCount),
    firstSeen: row.firstSeen.toISOString(),
    lastSeen: row.lastSeen.toISOString(),
  }));
}
