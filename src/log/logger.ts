// winston, JSON in production and readable lines in a terminal; one child logger per component.
import winston from 'winston';

export type Logger = winston.Logger;

/** Errors nested in metadata lose message and stack in winston's JSON format: serialize them here. */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> | string {
  if (!(err instanceof Error)) return String(err);
  const out: Record<string, unknown> = { name: err.name, message: err.message, stack: err.stack };
  if (err.cause !== undefined && depth < 5) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

export function createLogger(level: string, json = !process.stdout.isTTY): Logger {
  const format = json
    ? winston.format.combine(winston.format.timestamp(), winston.format.json())
    : winston.format.combine(
        winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
        winston.format.printf(({ timestamp, level: lvl, message, component, ...meta }) => {
          const rest = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
          return `${String(timestamp)} ${lvl} [${String(component ?? 'procflow')}] ${String(message)}${rest}`;
        }),
      );
  return winston.createLogger({ level, format, transports: [new winston.transports.Console({ stderrLevels: ['error'] })] });
}
