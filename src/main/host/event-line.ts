// Event log lines built from the app's own words and pieces that came from the network (peer names, close reasons,
// error texts). The pieces stay marked, so the dashboard shows them escaped and isolated (<bdi>): a name with a
// right-to-left override cannot turn "on the LAN (127.0.0.1:55673)" around.
import type { TextPart } from '../../shared/snapshots'

/** Marks text that came from a peer. */
export function untrusted(text: string): TextPart {
  return { text, untrusted: true }
}

/** line`connected to ${untrusted(name)} (${address})`: our words are plain parts, marked values stay marked. */
export function line(strings: TemplateStringsArray, ...values: (string | number | TextPart)[]): TextPart[] {
  const parts: TextPart[] = []
  const plain = (text: string): void => {
    if (text === '') return
    const last = parts[parts.length - 1]
    if (last && !last.untrusted) last.text += text
    else parts.push({ text })
  }
  strings.forEach((text, i) => {
    plain(text)
    if (i >= values.length) return
    const value = values[i]!
    if (typeof value === 'object') {
      if (value.untrusted) parts.push(value)
      else plain(value.text)
    } else plain(String(value))
  })
  return parts
}

/** The whole line as one string (the event's `text`). */
export function lineText(parts: readonly TextPart[]): string {
  return parts.map((part) => part.text).join('')
}
