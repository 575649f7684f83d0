import { z } from "zod";
import { getPrisma } from "@/lib/db/pool";
import { SPAN_KIND_BY_NAME, SPAN_KIND_NAMES, type SpanKindName, spanKindName } from "@/lib/jaeger/span-kind";

export type OperationSummary = { name: string; spanKind: SpanKindName };

const inputSchema = z.object({
  service: z.string().min(1, "service must not be empty"),
  spanKind: z.enum(SPAN_KIND_NAMES).optional(),
});

/**
 * Span names a service has produced, with their span kind ("server", "client", …, "" when
 * unspecified), from the `operations` catalogue, sorted by name (code point order) then kind. `spanKind`
 * narrows the list to one kind.
 */
export async function listOperations(service: string, spanKind?: SpanKindName): Promise<OperationSummary[]> {
  const input = inputSchema.parse({ service, spanKind });
  const rows = await getPrisma().operation.findMany({
    where: {
      serviceName: input.service,
      ...(input.spanKind === undefined ? {} : { spanKind: SPAN_KIND_BY_NAME[input.spanKind] }),
    },
    select: { name: true, spanKind: true },
  });
  // Sorted here by code point (as Jaeger's Go sort.Strings does), not by the database collation.
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.spanKind - b.spanKind));
  return rows.map((row) => ({ name: row.name, spanKind: spanKindName(row.spanKind) }));
}
