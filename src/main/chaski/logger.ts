// Loggers. Library code logs only through here, never bare console. Each node has its own logger and one per
// component ('chaski:node', 'chaski:connections', 'chaski:discovery', 'chaski:pings', 'chaski:lan', ...), and every
// record says which node wrote it (its name and id), so the logs of many nodes in one process can be told apart.
// Levels: debug < info < warn < error. Default sink: warn and error to stderr; debug and info when CHASKI_DEBUG is
// set ('1', '*' or a comma list of logger-name prefixes, e.g. 'chaski:discovery,chaski:lan').

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface LogRecord {
  level: LogLevel
  /** The component: 'chaski:discovery'... */
  name: string
  message: string
  fields?: Record<string, unknown>
  /** The node that wrote it (absent for records not tied to one node). */
  node?: { id: string; name: string }
}

export type LogSink = (record: LogRecord) => void

export interface Logger {
  readonly name: string
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
  /** The logger of a component of the same node ('discovery' -> 'chaski:discovery'). */
  child(component: string): Logger
}

const LEVEL_ORDER: Record<LogLevel | 'silent', number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99
}

// CHASKI_DEBUG is read once per logger name (there are a dozen names, whatever the number of nodes).
const debugByName = new Map<string, boolean>()

function debugEnabledFor(name: string): boolean {
  let enabled = debugByName.get(name)
  if (enabled === undefined) {
    const spec = process.env.CHASKI_DEBUG
    if (!spec || spec === '0' || spec === 'false') enabled = false
    else if (spec === '1' || spec === '*' || spec === 'true') enabled = true
    else enabled = spec.split(',').some((prefix) => prefix.trim() !== '' && name.startsWith(prefix.trim()))
    debugByName.set(name, enabled)
  }
  return enabled
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

/** `"Alice" 6f1c1d2e`: the node's name (quoted, control characters escaped) and the start of its id. */
function formatNode(node: { id: string; name: string }): string {
  return ` ${JSON.stringify(node.name)} ${node.id.slice(0, 8)}`
}

/** Default sink: one line per record on stderr. */
export const stderrSink: LogSink = (record) => {
  const node = record.node ? formatNode(record.node) : ''
  process.stderr.write(
    `[${record.name}${node}] ${record.level}: ${record.message}${formatFields(record.fields)}\n`
  )
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

function write(
  level: LogLevel,
  name: string,
  node: LogOwner | null,
  message: string,
  fields: Record<string, unknown> | undefined
): void {
  const enabled =
    LEVEL_ORDER[level] >= LEVEL_ORDER[minLevel] || (minLevel !== 'silent' && debugEnabledFor(name))
  if (!enabled) return
  const record: LogRecord = { level, name, message, fields }
  if (node !== null) record.node = { id: node.id, name: node.name }
  try {
    sink(record)
  } catch {
    // A faulty sink must never break the network code that logs.
  }
}

/** The node a logger speaks for: read at each record, so a rename shows at once. */
export interface LogOwner {
  readonly id: string
  readonly name: string
}

/** A component's logger: its name and its node (null: not tied to a node). Methods live on the prototype. */
class ComponentLogger implements Logger {
  constructor(
    readonly name: string,
    private readonly node: LogOwner | null
  ) {}

  debug(message: string, fields?: Record<string, unknown>): void {
    write('debug', this.name, this.node, message, fields)
  }

  info(message: string, fields?: Record<string, unknown>): void {
    write('info', this.name, this.node, message, fields)
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    write('warn', this.name, this.node, message, fields)
  }

  error(message: string, fields?: Record<string, unknown>): void {
    write('error', this.name, this.node, message, fields)
  }

  child(component: string): Logger {
    return new ComponentLogger(`chaski:${component}`, this.node)
  }
}

/** A node's logger ('chaski:node'); its components' loggers come from child(). */
export function nodeLogger(node: LogOwner): Logger {
  return new ComponentLogger('chaski:node', node)
}

// Loggers not tied to a node are stateless apart from their name: one per name, shared.
const loggers = new Map<string, Logger>()

/** A logger not tied to a node (standalone tools: requestStatus(), a LanDiscovery made on its own). */
export function createLogger(name: string): Logger {
  let logger = loggers.get(name)
  if (!logger) {
    logger = new ComponentLogger(name, null)
    loggers.set(name, logger)
  }
  return logger
}
