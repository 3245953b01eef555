// Peer address text as a person types it: 'ip:port', '[v6]:port', 'Name@ip:port', with an optional leading '*' (the
// paired marker of toString()). A browser-safe mirror of src/main/chaski/address.ts (no node:net) so the UI can
// validate as you type; the library stays the final judge when the host connects. Spec §3.

export interface AddressText {
  ip: string
  port: number
  /** Present when the text had a 'Name@' prefix. */
  name?: string
}

export type AddressParse = { ok: true; address: AddressText } | { ok: false; message: string }

export const ADDRESS_EXAMPLE = '127.0.0.1:8511, [::1]:8511 or Name@127.0.0.1:8511'

// Same grammar as Node's net.isIPv4 / isIPv6: no leading zeros in IPv4 parts, 1–4 hex digits per IPv6 group,
// an embedded IPv4 tail, and an optional zone id ('%eth0').
const V4_PART = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)'
const V4 = new RegExp(`^${V4_PART}(?:\\.${V4_PART}){3}$`)
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/
const ZONE = /^[0-9a-zA-Z.:-]+$/

/** 4 for IPv4 text, 6 for IPv6 text, 0 for anything else (like node:net isIP). */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (V4.test(text)) return 4
  return isIpv6(text) ? 6 : 0
}

function isIpv6(text: string): boolean {
  let body = text
  const percent = body.indexOf('%')
  if (percent >= 0) {
    if (!ZONE.test(body.slice(percent + 1))) return false
    body = body.slice(0, percent)
  }
  const halves = body.split('::')
  if (halves.length > 2) return false
  const groupsOf = (half: string): string[] | null => (half === '' ? [] : half.split(':'))
  const head = groupsOf(halves[0] ?? '')
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : []
  if (!head || !tail) return false
  const all = [...head, ...tail]
  // An IPv4 tail ('::ffff:1.2.3.4') stands for two groups and must come last.
  let count = all.length
  const lastHalf = halves.length === 2 ? tail : head
  const last = lastHalf[lastHalf.length - 1]
  if (last !== undefined && last.includes('.')) {
    if (!V4.test(last)) return false
    all.pop()
    count += 1
  }
  if (!all.every((group) => HEX_GROUP.test(group))) return false
  return halves.length === 2 ? count <= 7 : count === 8
}

/** Lower-cases IPv6 text and strips an IPv4-mapped prefix, as the library does, so one peer has one key. */
export function normalizeIpText(ip: string): string {
  const lower = ip.toLowerCase()
  if (lower.startsWith('::ffff:') && V4.test(lower.slice(7))) return lower.slice(7)
  return lower
}

export function formatAddressText(ip: string, port: number): string {
  return ipVersion(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`
}

/** Parses what the person typed; the message names the first problem in the same words as the library. */
export function parseAddressText(text: string, maxLength = 300): AddressParse {
  const fail = (message: string): AddressParse => ({ ok: false, message })
  if (text.length > maxLength) return fail(`an address is at most ${maxLength} characters`)
  let rest = text.trim()
  if (rest === '') return fail(`enter an address like ${ADDRESS_EXAMPLE}`)
  if (rest.startsWith('*')) rest = rest.slice(1)
  let name: string | undefined
  const at = rest.lastIndexOf('@')
  if (at >= 0) {
    name = rest.slice(0, at)
    rest = rest.slice(at + 1)
  }
  let ipText: string
  let portText: string
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']')
    if (close < 0 || rest[close + 1] !== ':') return fail(`expected '[ipv6]:port', got '${text.trim()}'`)
    ipText = rest.slice(1, close)
    portText = rest.slice(close + 2)
  } else {
    const colon = rest.lastIndexOf(':')
    if (colon < 0) return fail(`expected 'ip:port', got '${text.trim()}'`)
    ipText = rest.slice(0, colon)
    portText = rest.slice(colon + 1)
    if (ipText.includes(':')) return fail(`IPv6 addresses need brackets: '[${ipText}]:${portText}'`)
  }
  if (ipVersion(ipText) === 0) return fail(`not an IPv4/IPv6 address: '${ipText}'`)
  if (!/^\d{1,5}$/.test(portText)) return fail(`bad port '${portText}'`)
  const port = Number(portText)
  if (port < 1 || port > 65535) return fail(`port ${port} is out of range (1–65535)`)
  const address: AddressText = { ip: normalizeIpText(ipText), port }
  if (name !== undefined && name !== '') address.name = name
  return { ok: true, address }
}
