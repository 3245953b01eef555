// Option `adverts` of a node (docs/PROTOCOL.md §12): neighbour adverts on or off, and their timing.
import { InvalidOptionError } from '../errors'
import {
  DEFAULT_ADVERT_DEBOUNCE_MS,
  DEFAULT_ADVERT_INTERVAL_MS,
  DEFAULT_ADVERT_TTL,
  MAX_ADVERT_INTERVAL_S,
  DEFAULT_PROBE_INTERVAL_MS,
  MAX_ADVERT_TTL,
  MIN_ADVERT_INTERVAL_S,
  MIN_PROBE_INTERVAL_MS
} from './limits'

export interface AdvertOptions {
  /** Send adverts (others' adverts are still received, stored and forwarded). @default true */
  enabled: boolean
  /** Periodic advert, ms (whole seconds, 1–300 s). @default 30000 */
  intervalMs: number
  /** A change is advertised this long after the last change, ms. @default 1000 */
  debounceMs: number
  /** Hops our adverts travel (1–4). @default 2 */
  ttl: number
  /**
   * Mean gap between latency probes of a random node that is not a peer (its signed advert held), ms, for our
   * Vivaldi coordinate; 0: none. Each gap is this × a random factor in [1, 1.5). @default 10000
   */
  probeIntervalMs: number
}

export const ADVERT_DEFAULTS: Readonly<AdvertOptions> = Object.freeze({
  enabled: true,
  intervalMs: DEFAULT_ADVERT_INTERVAL_MS,
  debounceMs: DEFAULT_ADVERT_DEBOUNCE_MS,
  ttl: DEFAULT_ADVERT_TTL,
  probeIntervalMs: DEFAULT_PROBE_INTERVAL_MS
})

function bad(message: string): never {
  throw new InvalidOptionError(`option 'adverts': ${message}`)
}

function probeInterval(ms: number): number {
  if (ms !== 0 && ms < MIN_PROBE_INTERVAL_MS)
    bad(`'probeIntervalMs' must be 0 (off) or at least ${MIN_PROBE_INTERVAL_MS}`)
  return ms
}

/** `true`/`false` or a partial object → full options; throws InvalidOptionError. */
export function normalizeAdvertOptions(input: unknown): AdvertOptions {
  if (input === undefined || input === true) return { ...ADVERT_DEFAULTS }
  if (input === false) return { ...ADVERT_DEFAULTS, enabled: false }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    bad('must be a boolean or an object')
  const fields = input as Record<string, unknown>
  for (const key of Object.keys(fields))
    if (!['enabled', 'intervalMs', 'debounceMs', 'ttl', 'probeIntervalMs'].includes(key))
      bad(`unknown field '${key}'`)
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const value = fields[key]
    if (value === undefined) return fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      bad(`'${key}' must be an integer in ${min}..${max}`)
    return value
  }
  const enabled = fields.enabled ?? true
  if (typeof enabled !== 'boolean') bad("'enabled' must be a boolean")
  const intervalMs = int(
    'intervalMs',
    ADVERT_DEFAULTS.intervalMs,
    MIN_ADVERT_INTERVAL_S * 1000,
    MAX_ADVERT_INTERVAL_S * 1000
  )
  if (intervalMs % 1000 !== 0) bad("'intervalMs' must be whole seconds")
  return {
    enabled,
    intervalMs,
    debounceMs: int('debounceMs', ADVERT_DEFAULTS.debounceMs, 0, 60_000),
    ttl: int('ttl', ADVERT_DEFAULTS.ttl, 1, MAX_ADVERT_TTL),
    probeIntervalMs: probeInterval(int('probeIntervalMs', ADVERT_DEFAULTS.probeIntervalMs, 0, 3_600_000))
  }
}
