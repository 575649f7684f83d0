/**
 * A minimal leveled logger: one line per message on stderr (warn/error) or stdout, with
 * optional key=value fields. Kept tiny on purpose; receivers and the server take a
 * `Logger` so tests can capture lines instead of printing them.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;
export type LogMethod = (message: string, fields?: LogFields) => void;
export type Logger = Record<LogLevel, LogMethod>;

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Formats fields as ` key=value` pairs; strings with spaces or quotes are JSON-quoted. */
export function formatFields(fields: LogFields | undefined): string {
  if (!fields) return "";
  let out = "";
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    let text: string;
    if (typeof value === "string") text = /^[\w.:/@+-]*$/.test(value) && value.length > 0 ? value : JSON.stringify(value);
    else if (typeof value === "bigint") text = value.toString();
    else if (value instanceof Error) text = JSON.stringify(value.message);
    else text = JSON.stringify(value) ?? String(value);
    out += ` ${key}=${text}`;
  }
  return out;
}

export function createLogger(options: {
  level: LogLevel;
  name?: string;
  write?: (level: LogLevel, line: string) => void;
}): Logger {
  const threshold = LEVEL_RANK[options.level];
  const prefix = options.name ? `[${options.name}] ` : "";
  const write =
    options.write ??
    ((level: LogLevel, line: string) => {
      if (level === "warn" || level === "error") process.stderr.write(`${line}\n`);
      else process.stdout.write(`${line}\n`);
    });
  const method =
    (level: LogLevel): LogMethod =>
    (message, fields) => {
      if (LEVEL_RANK[level] < threshold) return;
      write(level, `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${prefix}${message}${formatFields(fields)}`);
    };
  return { debug: method("debug"), info: method("info"), warn: method("warn"), error: method("error") };
}

/** A logger that drops everything (tests that do not inspect logs). */
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
