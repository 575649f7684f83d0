/**
 * The attribute-filter syntax of the Traces page (one filter per `attr=` URL parameter;
 * several filters all have to hold). A trace matches when one span of the chosen service
 * satisfies every filter; an attribute counts when the span or its resource carries it.
 *
 *   key                     the attribute is present
 *   !key                    the attribute is absent
 *   key=a|b                 present and equal to a or b ("|" is OR)
 *   key!=a|b                present and equal to neither a nor b
 *   !key=a|b                not equal to a or b, absence included (negation of key=a|b)
 *   key>n, >=, <, <=        present, numeric, and compared with the number n
 *
 * Values compare as written and, when they read as a number or true/false, also as that
 * JSON type (so `http.response.status_code=500` finds the integer 500). `\|` and `\\` write
 * a literal "|" and "\" inside a value. Whitespace around the key and each value is ignored.
 */

export type AttributeComparator = ">" | ">=" | "<" | "<=";

export type AttributeTest =
  | { op: "exists" }
  | { op: "in"; values: string[] }
  | { op: "notIn"; values: string[] }
  | { op: "compare"; comparator: AttributeComparator; value: number };

export type AttributeFilter = {
  key: string;
  test: AttributeTest;
  /** The whole test is negated (`!key…`): a span without the attribute passes. */
  isNegated: boolean;
};

export type ParsedAttributeFilter = { ok: true; filter: AttributeFilter } | { ok: false; error: string };

/** Longest operators first, so ">=" is not read as ">" followed by a value "=…". */
const OPERATORS = ["!=", ">=", "<=", "=", ">", "<"] as const;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
export const ATTRIBUTE_FILTER_MAX_LENGTH = 1_000;
export const ATTRIBUTE_FILTER_MAX_VALUES = 50;

/** Splits on unescaped "|", resolving `\|` and `\\`; another escaped character stays as written. */
function splitValues(text: string): string[] {
  const values: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\" && (text[i + 1] === "|" || text[i + 1] === "\\")) {
      current += text[i + 1];
      i++;
    } else if (char === "|") {
      values.push(current.trim());
      current = "";
    } else {
      current += char;
    }
  }
  values.push(current.trim());
  return values;
}

/** The first operator outside the key: keys may not contain "=", "<", ">" or a "!" before "=". */
function findOperator(text: string): { index: number; operator: (typeof OPERATORS)[number] } | undefined {
  for (let i = 0; i < text.length; i++) {
    for (const operator of OPERATORS) {
      if (text.startsWith(operator, i)) return { index: i, operator };
    }
  }
  return undefined;
}

export function parseAttributeFilter(input: string): ParsedAttributeFilter {
  let text = input.trim();
  if (text === "") return { ok: false, error: "empty filter" };
  if (text.length > ATTRIBUTE_FILTER_MAX_LENGTH) {
    return { ok: false, error: `a filter may be at most ${ATTRIBUTE_FILTER_MAX_LENGTH} characters` };
  }
  const isNegated = text.startsWith("!");
  if (isNegated) text = text.slice(1).trimStart();

  const found = findOperator(text);
  const key = (found === undefined ? text : text.slice(0, found.index)).trim();
  if (key === "") return { ok: false, error: `"${input.trim()}" has no attribute key` };
  if (found === undefined) return { ok: true, filter: { key, test: { op: "exists" }, isNegated } };

  const rest = text.slice(found.index + found.operator.length);
  if (found.operator === "=" || found.operator === "!=") {
    if (isNegated && found.operator === "!=") {
      return { ok: false, error: `"${input.trim()}" negates twice; write ${key}=… instead` };
    }
    const values = splitValues(rest);
    if (values.length > ATTRIBUTE_FILTER_MAX_VALUES) {
      return { ok: false, error: `at most ${ATTRIBUTE_FILTER_MAX_VALUES} alternatives per filter` };
    }
    if (values.some((value) => value === "") && values.length > 1) {
      return { ok: false, error: `"${input.trim()}" has an empty alternative` };
    }
    const unique = [...new Set(values)];
    return { ok: true, filter: { key, test: { op: found.operator === "=" ? "in" : "notIn", values: unique }, isNegated } };
  }

  const valueText = rest.trim();
  if (!NUMBER.test(valueText)) {
    return { ok: false, error: `"${found.operator}" compares numbers; "${valueText}" is not a number` };
  }
  return {
    ok: true,
    filter: { key, test: { op: "compare", comparator: found.operator, value: Number(valueText) }, isNegated },
  };
}

const escapeValue = (value: string) => value.replaceAll("\\", "\\\\").replaceAll("|", "\\|");

/** The canonical text of a filter; parseAttributeFilter(formatAttributeFilter(f)) equals f. */
export function formatAttributeFilter(filter: AttributeFilter): string {
  const prefix = filter.isNegated ? "!" : "";
  const { test } = filter;
  switch (test.op) {
    case "exists":
      return `${prefix}${filter.key}`;
    case "in":
      return `${prefix}${filter.key}=${test.values.map(escapeValue).join("|")}`;
    case "notIn":
      return `${prefix}${filter.key}!=${test.values.map(escapeValue).join("|")}`;
    case "compare":
      return `${prefix}${filter.key}${test.comparator}${test.value}`;
  }
}
