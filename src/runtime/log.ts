// Logs with winston: JSON lines in a cluster (stdout not a terminal), readable lines on
// a terminal. Decisions are logged one per line with pod, node and reason.
import winston from 'winston';

export type Logger = winston.Logger;

export interface LoggerOptions {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly format: 'auto' | 'json' | 'text';
  /** Whether stdout is a terminal (for format auto). */
  readonly isTTY: boolean;
  /** Where lines go; default stdout. Tests pass a stream. */
  readonly stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const json = options.format === 'json' || (options.format === 'auto' && !options.isTTY);
  const format = json
    ? winston.format.combine(winston.format.timestamp(), winston.format.json())
    : winston.format.combine(
        winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
        winston.format.printf((info) => {
          const { timestamp, level, message, ...fields } = info;
          const rest = Object.entries(fields)
            .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
            .join(' ');
          return `${String(timestamp)} ${level.padEnd(5)} ${String(message)}${rest === '' ? '' : ` ${rest}`}`;
        }),
      );
  return winston.createLogger({
    level: options.level,
    format,
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout })],
  });
}

/** A logger that drops everything (tests that do not look at logs). */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
