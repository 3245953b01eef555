// Reading text out of received bytes on per-frame paths. Buffer's own utf8Slice/latin1Slice skip the argument
// handling of toString() (measurable per frame); they are not in the typings, so fallbacks keep this portable.

interface DirectSlices {
  utf8Slice(start: number, end: number): string
  latin1Slice(start: number, end: number): string
}

const proto = Buffer.prototype as unknown as Partial<DirectSlices>
const direct = typeof proto.utf8Slice === 'function' && typeof proto.latin1Slice === 'function'

export function utf8Slice(buf: Buffer, start: number, end: number): string {
  return direct ? (buf as unknown as DirectSlices).utf8Slice(start, end) : buf.toString('utf8', start, end)
}

/** For bytes known to be ASCII (ids): no UTF-8 decoding. */
export function latin1Slice(buf: Buffer, start: number, end: number): string {
  return direct
    ? (buf as unknown as DirectSlices).latin1Slice(start, end)
    : buf.toString('latin1', start, end)
}
