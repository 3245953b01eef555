// Text from the network (node names, topics, message previews, close reasons) shown to a person: every character
// that could hide, reorder or rewrite what is on screen is replaced by a visible escape, e.g. U+202E (right-to-left
// override) becomes ⟨U+202E⟩. One function for the dashboard and the CLI, so a peer cannot disguise its address in
// either. Pure: no DOM or Node APIs (the renderer and src/main both import it).

/** One run of the displayed text: plain characters, or one unsafe character shown as its escape. */
export interface DisplayPart {
  text: string
  /** The code point this part stands for, when it is an escape. */
  codePoint?: number
}

export interface DisplayOptions {
  /** Keep line feeds and tabs (a multi-line message preview); otherwise they are escaped like any control. */
  multiline?: boolean
  /** How an escape reads. @default '⟨U+XXXX⟩' */
  escape?: (codePoint: number) => string
}

// Controls (C0, DEL, C1), format characters (bidi embeddings, overrides, isolates and marks, zero-width space /
// joiners, BOM, tags...), line and paragraph separators, lone surrogates, and the other code points Unicode says
// render as nothing (Hangul fillers, Mongolian variation selectors, U+034F...).
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u
const PICTOGRAPH = /\p{Extended_Pictographic}/u
const ZWJ = 0x200d
const VS15 = 0xfe0e
const VS16 = 0xfe0f

/** U+202E → '⟨U+202E⟩'. */
export function angleEscape(codePoint: number): string {
  return `⟨U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}⟩`
}

/** U+202E → '\u{202e}' (what a terminal shows: the form JavaScript and Rust would read back). */
export function braceEscape(codePoint: number): string {
  return `\\u{${codePoint.toString(16)}}`
}

/**
 * Emoji keep their joiners and presentation selectors (👩‍💻, ❤️): a zero-width joiner between two pictographs, or
 * VS15/VS16 right after one, hides nothing. Anywhere else they are escaped like the other invisible characters.
 */
function emojiGlue(chars: readonly string[], i: number, codePoint: number): boolean {
  const before = chars[i - 1]
  if (before === undefined) return false
  const afterPictograph = PICTOGRAPH.test(before)
  if (codePoint === VS15 || codePoint === VS16) return afterPictograph
  if (codePoint !== ZWJ) return false
  const after = chars[i + 1]
  const beforeOk =
    afterPictograph || ((before === '\ufe0f' || before === '\ufe0e') && PICTOGRAPH.test(chars[i - 2] ?? ''))
  return beforeOk && after !== undefined && PICTOGRAPH.test(after)
}

/** Splits text into plain runs and escapes of unsafe characters (for the dashboard, which styles the escapes). */
export function displayParts(text: string, options: DisplayOptions = {}): DisplayPart[] {
  const escape = options.escape ?? angleEscape
  const chars = Array.from(text)
  const parts: DisplayPart[] = []
  let plain = ''
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!
    const codePoint = char.codePointAt(0)!
    const unsafe =
      UNSAFE.test(char) &&
      !(options.multiline && (char === '\n' || char === '\t')) &&
      !emojiGlue(chars, i, codePoint)
    if (!unsafe) {
      plain += char
      continue
    }
    if (plain !== '') parts.push({ text: plain })
    plain = ''
    parts.push({ text: escape(codePoint), codePoint })
  }
  if (plain !== '') parts.push({ text: plain })
  return parts
}

/** The text with every unsafe character replaced by its escape. */
export function displayText(text: string, options: DisplayOptions = {}): string {
  return displayParts(text, options)
    .map((part) => part.text)
    .join('')
}

const UNSAFE_EVERYWHERE = new RegExp(UNSAFE.source, 'gu')

/**
 * JSON text with every unsafe character inside its strings written as a \uXXXX escape: a parser reads back the same
 * value, and a terminal showing the line has nothing to reorder or hide. (JSON.stringify escapes only C0 controls.)
 */
export function escapeUnsafeInJson(json: string): string {
  return json.replace(UNSAFE_EVERYWHERE, (char) => {
    let out = ''
    for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`
    return out
  })
}
