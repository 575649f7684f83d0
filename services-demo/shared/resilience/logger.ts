/**
 * The logger the resilience library writes to. Console-compatible on purpose (`console` fits), so
 * the service processes decide where lines go; the library never writes to stdout on its own.
 */
export type ResilienceLogger = {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
};

export const silentLogger: ResilienceLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
