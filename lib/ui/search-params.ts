/** A query string with one parameter set (or removed when `value` is null), keeping the rest. */
export function withSearchParam(search: string, key: string, value: string | null): string {
  const params = new URLSearchParams(search);
  if (value === null) params.delete(key);
  else params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The first value of a Next.js `searchParams` entry. */
export function firstParam(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A server page's `searchParams` (a plain object) as URLSearchParams, the first value of each
 * parameter: what every page's parse functions read (they take any `{ get(name) }`).
 */
export function toSearchParams(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(record)) {
    const first = firstParam(value);
    if (first !== undefined) params.set(name, first);
  }
  return params;
}
