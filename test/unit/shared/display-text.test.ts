import { describe, expect, test } from 'vitest'
import { braceEscape, displayParts, displayText, escapeUnsafeInJson } from '../../../src/shared/display-text'

describe('displayText', () => {
  test('a right-to-left override cannot reverse what follows: it is shown as an escape', () => {
    expect(displayText('Alpha\u202Elive (127.0.0.1:55673)')).toBe('Alpha⟨U+202E⟩live (127.0.0.1:55673)')
  })

  test('every bidi embedding, override, isolate and mark is escaped', () => {
    const bidi = [
      0x200e, 0x200f, 0x061c, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069
    ]
    for (const cp of bidi)
      expect(displayText(`a${String.fromCodePoint(cp)}b`)).toMatch(/^a⟨U\+[0-9A-F]{4}⟩b$/)
  })

  test('zero-width and other invisible characters are escaped, so two names that look alike read differently', () => {
    const invisible = [
      0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x034f, 0x3164, 0x115f, 0x180e, 0xe0041
    ]
    for (const cp of invisible) {
      const text = displayText(`Al${String.fromCodePoint(cp)}pha`)
      expect(text).not.toBe('Alpha')
      expect(text).toContain(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}`)
    }
  })

  test('C0 and C1 controls, DEL, line and paragraph separators and lone surrogates are escaped', () => {
    expect(displayText('a\u0000b\u001b[31mc\u007fd\u0085e\u009bf')).toBe(
      'a⟨U+0000⟩b⟨U+001B⟩[31mc⟨U+007F⟩d⟨U+0085⟩e⟨U+009B⟩f'
    )
    expect(displayText('one\ntwo\tthree\r')).toBe('one⟨U+000A⟩two⟨U+0009⟩three⟨U+000D⟩')
    expect(displayText('x\u2028y\u2029z')).toBe('x⟨U+2028⟩y⟨U+2029⟩z')
    expect(displayText('bad \uD800 half')).toBe('bad ⟨U+D800⟩ half')
  })

  test('multi-line previews keep their line feeds and tabs, nothing else', () => {
    expect(displayText('one\ntwo\tthree\r\u202E', { multiline: true })).toBe(
      'one\ntwo\tthree⟨U+000D⟩⟨U+202E⟩'
    )
  })

  test('ordinary text of any script is left alone, right-to-left letters included', () => {
    for (const text of ['hub', 'ümlaut', 'Ωμέγα', 'שלום', 'مرحبا', '東京', 'naïve café', '1 + 1 = 2']) {
      expect(displayText(text)).toBe(text)
    }
  })

  test('emoji keep their joiners and presentation selectors; a joiner elsewhere is escaped', () => {
    for (const emoji of ['👩‍💻', '❤️', '🏳️‍🌈', '👨‍👩‍👧']) expect(displayText(`dev ${emoji}`)).toBe(`dev ${emoji}`)
    expect(displayText('a\u200Db')).toBe('a⟨U+200D⟩b')
    expect(displayText('👩\u200D')).toBe('👩⟨U+200D⟩')
    expect(displayText('a\uFE0F')).toBe('a⟨U+FE0F⟩')
  })

  test('parts mark each escape with its code point, for the dashboard to style', () => {
    expect(displayParts('ab\u202Ecd')).toEqual([
      { text: 'ab' },
      { text: '⟨U+202E⟩', codePoint: 0x202e },
      { text: 'cd' }
    ])
    expect(displayParts('')).toEqual([])
  })

  test('the terminal form reads like a JavaScript escape', () => {
    expect(displayText('a\u202Eb\u001b', { escape: braceEscape })).toBe('a\\u{202e}b\\u{1b}')
  })
})

describe('escapeUnsafeInJson', () => {
  test('a JSON line keeps the exact value for a parser and shows no raw override or control', () => {
    const value = { name: 'Alpha\u202Elive\u200B\u0085👩‍💻', n: 1 }
    const line = escapeUnsafeInJson(JSON.stringify(value))
    expect(line).toBe('{"name":"Alpha\\u202elive\\u200b\\u0085👩\\u200d💻","n":1}')
    expect(JSON.parse(line)).toEqual(value)
  })
})
