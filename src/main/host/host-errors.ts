// Errors of the node host, and the translation of library / system errors into sentences a person can act on.
// The error's `name` survives IPC and WebSocket hops; the message is what the UI shows.
import { previewValue } from '../../shared/value-preview'

/** Thrown when a call names a node that does not exist (any more). */
export class UnknownNodeError extends Error {
  override name = 'UnknownNodeError'
}

/** Thrown when a call names a peer that the node has no edge to, or a LAN peer it has not heard. */
export class UnknownPeerError extends Error {
  override name = 'UnknownPeerError'
}

/** Thrown when an action needs a serving node. */
export class NodeNotServingError extends Error {
  override name = 'NodeNotServingError'
}

/** Thrown when the peer that answered has another name than the 'Name@' part of the address typed. */
export class PeerNameMismatchError extends Error {
  override name = 'PeerNameMismatchError'
}

/** Thrown when a local node would get the name another local node already has. */
export class DuplicateNodeNameError extends Error {
  override name = 'DuplicateNodeNameError'
}

/** Thrown when a host name typed in the connect box does not resolve to an address. */
export class HostNameNotFoundError extends Error {
  override name = 'HostNameNotFoundError'
}

/** Thrown when arguments from the UI, CLI or a WebSocket client do not match the contract. */
export class ValidationError extends Error {
  override name = 'ValidationError'
}

/** Thrown when a change would pass one of the limits in src/shared/limits.ts (the settings file could not hold it). */
export class LimitError extends Error {
  override name = 'LimitError'
}

const SYSTEM_HINTS: Record<string, (target: string) => string> = {
  ECONNREFUSED: (t) => `connection refused by ${t} — is a node listening there?`,
  EHOSTUNREACH: (t) => `${t} cannot be reached from this machine — check the address and your network`,
  ENETUNREACH: (t) => `no route to ${t} — check the address and your network`,
  ETIMEDOUT: (t) => `${t} did not answer in time — is it online and not blocked by a firewall?`,
  ECONNRESET: (t) => `${t} reset the connection — it may have stopped or refused us`,
  EADDRINUSE: (t) => `${t} is already in use — pick another port, or 0 for any free port`,
  EADDRNOTAVAIL: (t) => `${t} is not an address of this machine — pick one of its interfaces or 0.0.0.0`,
  EACCES: (t) => `not allowed to listen on ${t} — ports below 1024 need extra rights; pick a higher port`
}

/** Turns any thrown value into { name, message } with a message that says what to do next. */
export function describeError(err: unknown, target?: string): { name: string; message: string } {
  if (!(err instanceof Error)) return { name: 'Error', message: previewValue(err, { maxChars: 300 }) }
  const code = (err as NodeJS.ErrnoException).code ?? findCode(err)
  if (code && target && SYSTEM_HINTS[code]) return { name: err.name, message: SYSTEM_HINTS[code](target) }
  return { name: err.name, message: err.message }
}

function findCode(err: Error): string | undefined {
  const cause = (err as { cause?: unknown }).cause
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? findCode(cause)
  const match = /\b(E[A-Z]{4,})\b/.exec(err.message)
  return match?.[1]
}
