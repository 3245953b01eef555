// Message ids (ids.ts): written as bytes into frames, they must be the same kind of id nextMessageId() returns,
// of exactly the size announced beforehand (frames are measured before they are written).
import { describe, expect, it } from 'vitest'
import { nextMessageId, nextMessageIdSize, writeNextMessageId } from '../../../src/main/chaski/ids'

const buf = Buffer.alloc(64)

/** Writes one id at offset 3; `ok` says the bytes are a fixstr of the written length and nothing more. */
function written(): { size: number; text: string; predicted: number; ok: boolean } {
  const predicted = nextMessageIdSize()
  buf.fill(0xff)
  const end = writeNextMessageId(buf, 3)
  const ok = (buf[3]! & 0xe0) === 0xa0 && end === 3 + 1 + (buf[3]! & 0x1f) && buf[end] === 0xff
  return { size: end - 3, text: buf.toString('latin1', 4, end), predicted, ok }
}

describe('message ids', () => {
  it('bytes and strings share the prefix and the counter', () => {
    const a = nextMessageId()
    const b = written()
    expect(b.ok).toBe(true)
    const c = nextMessageId()
    const prefix = a.slice(0, a.indexOf('-') + 1)
    expect(prefix).toMatch(/^[0-9a-f]{16}-$/)
    for (const id of [b.text, c]) expect(id.startsWith(prefix)).toBe(true)
    const counter = (id: string): number => parseInt(id.slice(prefix.length), 36)
    expect(counter(b.text)).toBe(counter(a) + 1)
    expect(counter(c)).toBe(counter(b.text) + 1)
  })

  it('the announced size is exact, also when the counter gains a digit', () => {
    // Crosses 36^2 and 36^3 whatever the counter is now (other tests in this process may have used ids).
    const sizes = new Set<number>()
    const wrong: unknown[] = []
    let previous = -1
    for (let i = 0; i < 50_000; i++) {
      const id = written()
      // The digits are counted up in place (ids.ts countUp): each id's counter is the one before it plus one.
      const counter = parseInt(id.text.slice(17), 36)
      if (!id.ok || id.size !== id.predicted || !/^[0-9a-f]{16}-[0-9a-z]+$/.test(id.text)) wrong.push(id)
      if (previous >= 0 && counter !== previous + 1) wrong.push({ ...id, previous })
      previous = counter
      sizes.add(id.size)
    }
    expect(wrong).toEqual([])
    expect(sizes.size).toBeGreaterThan(1)
  })
})
