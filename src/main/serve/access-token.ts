// The browser host's access token (like Jupyter's): generated at start or given with --token, required on every
// request and on the WebSocket. Compared in constant time.
import { randomBytes, timingSafeEqual } from 'node:crypto'

export const TOKEN_COOKIE = 'chaski_token'

export function generateToken(): string {
  return randomBytes(24).toString('base64url')
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The token from `?token=` or from our cookie. */
export function tokenFromRequest(url: URL, cookieHeader: string | undefined): string | null {
  const fromQuery = url.searchParams.get('token')
  if (fromQuery) return fromQuery
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='))
  }
  return null
}
