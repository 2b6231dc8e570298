// The scheduler's log: JSON lines in a cluster (stdout not a terminal), readable lines on a
// terminal. Decisions are logged one per line with pod, node and reason.
//
// Lines are gathered and written once per turn of the event loop: a pass that binds 5,000
// pods logs 5,000 lines, and one write per line cost more CPU (taken from the API server on
// a small machine) than the binds' own requests. A line is never held longer than that turn.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFields = Readonly<Record<string, unknown>>;

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: 'auto' | 'json' | 'text';
  /** Whether stdout is a terminal (for format auto). */
  readonly isTTY: boolean;
  /** Where lines go; default stdout. Tests pass a stream. */
  readonly stream?: NodeJS.WritableStream;
  /** The clock of the timestamps (tests). */
  readonly now?: () => Date;
}

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export class Logger {
  private readonly rank: number;
  private readonly json: boolean;
  private readonly now: () => Date;
  private readonly stream: NodeJS.WritableStream | undefined;
  private pending: string[] = [];
  private scheduled = false;

  /** `silent`: writes nothing at all. */
  constructor(options: LoggerOptions, silent = false) {
    this.stream = silent ? undefined : (options.stream ?? process.stdout);
    this.rank = RANK[options.level];
    this.json = options.format === 'json' || (options.format === 'auto' && !options.isTTY);
    this.now = options.now ?? (() => new Date());
  }

  log(level: LogLevel, message: string, fields?: LogFields): void {
    this.line(level, message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.line('error', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.line('warn', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.line('info', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.line('debug', message, fields);
  }

  /** Writes what is gathered and waits until the stream took it (or 1 s, never hanging on a stuck stream). */
  async flush(): Promise<void> {
    const text = this.take();
    const stream = this.stream;
    if (text === '' || stream === undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1_000);
      timer.unref();
      stream.write(text, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private line(level: LogLevel, message: string, fields: LogFields | undefined): void {
    if (RANK[level] > this.rank || this.stream === undefined) return;
    this.pending.push(
      this.json ? jsonLine(level, message, fields, this.now()) : textLine(level, message, fields, this.now()),
    );
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        const text = this.take();
        if (text !== '') this.stream?.write(text);
      });
    }
  }

  private take(): string {
    this.scheduled = false;
    if (this.pending.length === 0) return '';
    const text = this.pending.join('');
    this.pending = [];
    return text;
  }
}

export function createLogger(options: LoggerOptions): Logger {
  return new Logger(options);
}

/** A logger that drops everything (tests that do not look at logs). */
export function silentLogger(): Logger {
  return new Logger({ level: 'error', format: 'json', isTTY: false }, true);
}

/** `{"level":…,"message":…,<fields>,"timestamp":…}`: the fields cannot replace the level, message or time. */
function jsonLine(level: LogLevel, message: string, fields: LogFields | undefined, at: Date): string {
  const record: Record<string, unknown> = { level, message };
  if (fields !== undefined) {
    for (const [k, v] of Object.entries(fields)) if (!(k in record) && k !== 'timestamp') record[k] = v;
  }
  record['timestamp'] = at.toISOString();
  return `${stringify(record)}\n`;
}

function textLine(level: LogLevel, message: string, fields: LogFields | undefined, at: Date): string {
  const rest =
    fields === undefined
      ? ''
      : Object.entries(fields)
          .map(([k, v]) => ` ${k}=${typeof v === 'string' && !/\s/.test(v) && v !== '' ? v : stringify(v)}`)
          .join('');
  return `${clock(at)} ${level.padEnd(5)} ${message}${rest}\n`;
}

/** HH:mm:ss.SSS in local time. */
function clock(at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`;
}

/** JSON of a value, errors as their message, and never a throw (a cycle or a bigint becomes text). */
function stringify(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof Error) return v.message;
      if (typeof v === 'bigint') return v.toString();
      return v;
    });
  } catch (err) {
    // A cycle (the one failure a plain field can cause) is named, not printed.
    return JSON.stringify(`unprintable: ${err instanceof Error ? err.message : 'unknown'}`);
  }
}
