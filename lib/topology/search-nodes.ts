/**
 * Node search: case-insensitive substring match on the node name, every whitespace-separated
 * term must match somewhere (so "ord pay" finds nothing but "pay" finds payments). Matches are
 * returned in display order (the given order) so Enter can step through them.
 */
export function searchNodes<N extends { id: string }>(nodes: readonly N[], query: string): string[] {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [];
  return nodes.filter((node) => terms.every((term) => node.id.toLowerCase().includes(term))).map((node) => node.id);
}

/** The match after `current` (the first when `current` is not a match), wrapping around. */
export function nextMatch(matches: readonly string[], current: string | null, step: 1 | -1 = 1): string | null {
  if (matches.length === 0) return null;
  const index = current === null ? -1 : matches.indexOf(current);
  if (index === -1) return step === 1 ? matches[0] : matches[matches.length - 1];
  return matches[(index + step + matches.length) % matches.length];
}
