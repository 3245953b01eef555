// Named loggers (`chaski:node`, `chaski:discovery`...). Library code logs only through here, never bare console.
// Default sink: warn/error to stderr; debug/info only when CHASKI_DEBUG is set ('1', '*' or a name prefix list).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface LogRecord {
  level: LogLevel
  name: string
  message: string
  fields?: Record<string, unknown>
}

export type LogSink = (record: LogRecord) => void

export interface Logger {
  readonly name: string
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

const LEVEL_ORDER: Record<LogLevel | 'silent', number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99
}

function debugEnabledFor(name: string): boolean {
  const spec = process.env.CHASKI_DEBUG
  if (!spec || spec === '0' || spec === 'false') return false
  if (spec === '1' || spec === '*' || spec === 'true') return true
  return spec.split(',').some((prefix) => prefix.trim() !== '' && name.startsWith(prefix.trim()))
}

function formatFields(fields?: Record<string, unknown>): string {
  if (!fields) return ''
  const parts: string[] = []
  for (const [key, value] of Object.entries(fields)) {
    const text = value instanceof Error ? `${value.name}: ${value.message}` : String(value)
    parts.push(`${key}=${text}`)
  }
  return parts.length ? ' ' + parts.join(' ') : ''
}

/** Default sink: one line per record on stderr. */
export const stderrSink: LogSink = (record) => {
  process.stderr.write(`[${record.name}] ${record.level}: ${record.message}${formatFields(record.fields)}\n`)
}

let sink: LogSink = stderrSink
let minLevel: LogLevel | 'silent' = 'warn'

/** Replace where log records go (tests pass a collector or `() => {}`). Returns the previous sink. */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink
  sink = next
  return previous
}

/** Lowest level written ('warn' by default; 'silent' mutes everything). CHASKI_DEBUG still enables debug. */
export function setLogLevel(level: LogLevel | 'silent'): void {
  minLevel = level
}

// Loggers are stateless apart from their name: one per name, shared (1000 nodes need not 1000 loggers).
const loggers = new Map<string, Logger>()

export function createLogger(name: string): Logger {
  let logger = loggers.get(name)
  if (!logger) {
    logger = makeLogger(name)
    loggers.set(name, logger)
  }
  return logger
}

function makeLogger(name: string): Logger {
  const debugOn = debugEnabledFor(name)
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    const enabled = LEVEL_ORDER[level] >= LEVEL_ORDER[minLevel] || (debugOn && minLevel !== 'silent')
    if (!enabled) return
    try {
      sink({ level, name, message, fields })
    } catch {
      // A faulty sink must never break the network code that logs.
    }
  }
  return {
    name,
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields)
  }
}
