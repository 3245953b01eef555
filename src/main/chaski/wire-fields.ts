// Readers of untrusted fields (docs/PROTOCOL.md §4): every command's reader validates its data with these. Only own
// properties are read, every field is type-, range- and size-checked, and wire strings are never used as property
// paths (Sets and Maps only). A violation throws ProtocolError naming the command and the field.
import { isIP } from 'node:net'
import { ProtocolError } from './errors'

export type WireObject = Record<string, unknown>

const hasOwn = Object.prototype.hasOwnProperty

export function isWireObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
}

export function get(obj: WireObject, key: string): unknown {
  return hasOwn.call(obj, key) ? obj[key] : undefined
}

export function fail(command: string, message: string): never {
  throw new ProtocolError(`${command}: ${message}`)
}

export function str(
  obj: WireObject,
  key: string,
  command: string,
  maxBytes: number,
  allowEmpty = false
): string {
  const value = get(obj, key)
  if (typeof value !== 'string') fail(command, `field '${key}' must be a string`)
  if (!allowEmpty && value.length === 0) fail(command, `field '${key}' must not be empty`)
  // A UTF-16 unit is at most 3 UTF-8 bytes: short strings need no byte count.
  if (
    value.length > maxBytes ||
    (value.length * 3 > maxBytes && Buffer.byteLength(value, 'utf8') > maxBytes)
  ) {
    fail(command, `field '${key}' longer than ${maxBytes} bytes`)
  }
  return value
}

export function int(obj: WireObject, key: string, command: string, min: number, max: number): number {
  const value = get(obj, key)
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(command, `field '${key}' must be an integer in ${min}..${max}`)
  }
  return value
}

export function bool(obj: WireObject, key: string, command: string): boolean {
  const value = get(obj, key)
  if (typeof value !== 'boolean') fail(command, `field '${key}' must be a boolean`)
  return value
}

/** Exactly `length` bytes (msgpack bin). */
export function bytes(obj: WireObject, key: string, command: string, length: number): Uint8Array {
  const value = get(obj, key)
  if (!(value instanceof Uint8Array) || value.byteLength !== length)
    fail(command, `field '${key}' must be ${length} bytes`)
  return value
}

export function optionalBool(obj: WireObject, key: string, command: string): boolean {
  return get(obj, key) === undefined ? false : bool(obj, key, command)
}

// Addresses repeat (every pong carries one): remember the last few that parsed, bounded.
const knownIps = new Set<string>()

export function ip(obj: WireObject, key: string, command: string): string {
  const value = str(obj, key, command, 64)
  if (knownIps.has(value)) return value
  if (isIP(value) === 0) fail(command, `field '${key}' is not an IP address`)
  if (knownIps.size >= 256) knownIps.clear()
  knownIps.add(value)
  return value
}

export function strList(
  obj: WireObject,
  key: string,
  command: string,
  maxItems: number,
  maxBytes: number
): string[] {
  const value = get(obj, key)
  if (!Array.isArray(value)) fail(command, `field '${key}' must be a list`)
  if (value.length > maxItems) fail(command, `field '${key}' has more than ${maxItems} items`)
  for (const item of value) {
    if (
      typeof item !== 'string' ||
      item.length === 0 ||
      (item.length * 3 > maxBytes && Buffer.byteLength(item, 'utf8') > maxBytes)
    ) {
      fail(command, `field '${key}' must hold non-empty strings of at most ${maxBytes} bytes`)
    }
  }
  return value as string[]
}

/** A command's data must be a map. */
export function obj(data: unknown, command: string): WireObject {
  if (!isWireObject(data)) fail(command, 'data must be a map')
  return data
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(
  obj: WireObject,
  key: string,
  command: string,
  values: readonly T[]
): T {
  const value = get(obj, key)
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value))
    fail(command, `field '${key}' must be ${values.map((v) => `'${v}'`).join(' or ')}`)
  return value as T
}
