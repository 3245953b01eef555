// The browser host's access token (like Jupyter's): generated at start or given with --token. It is never stored in
// a cookie: cookies are not separated by port, so every other HTTP service on the same address would receive it.
// The dashboard's HTML page is requested with `?token=` (the URL `chaski serve` prints); the page's script then
// offers the token as a WebSocket subprotocol (`chaski.token.<token>`, beside `chaski.v1`), which only that one
// connection carries and which the server checks before accepting the upgrade. Compared in constant time.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { WS_SUBPROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../../shared/ws-protocol'

/** What a token may look like: it travels in a URL and in a Sec-WebSocket-Protocol value (RFC 7230 token chars). */
export const TOKEN_PATTERN = /^[\w.~-]{8,200}$/

/**
 * 24 random bytes, base64url; drawn again when it would start with '-' (1 in 64): a person passes the printed token
 * back as `--token <t>`, where a leading '-' reads as an option and serve refuses to start.
 */
export function generateToken(): string {
  for (;;) {
    const token = randomBytes(24).toString('base64url')
    if (!token.startsWith('-')) return token
  }
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The subprotocols a WebSocket client offered (Sec-WebSocket-Protocol, comma-separated). */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '')
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .slice(0, 8)
}

/** The token offered as `chaski.token.<token>` beside `chaski.v1`, or null. */
export function tokenFromProtocols(protocols: readonly string[]): string | null {
  if (!protocols.includes(WS_SUBPROTOCOL)) return null
  const offered = protocols.find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX))
  return offered ? offered.slice(WS_TOKEN_PROTOCOL_PREFIX.length) : null
}
