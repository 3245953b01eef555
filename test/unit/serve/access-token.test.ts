// The access token `chaski serve` makes up: a person starting serve again with the printed token (`--token <t>`, as
// the browser tests' restart does) must not have it read as an option.
import { describe, expect, it } from 'vitest'
import { TOKEN_PATTERN, generateToken } from '../../../src/main/serve/access-token'

describe('generateToken', () => {
  it('never starts with "-", so `--token <t>` takes it as the value (2000 tokens; 1 in 64 did before)', () => {
    const tokens = Array.from({ length: 2000 }, generateToken)
    expect(tokens.filter((t) => t.startsWith('-'))).toEqual([])
    for (const token of tokens) expect(token).toMatch(TOKEN_PATTERN)
    expect(new Set(tokens).size).toBe(tokens.length)
  })
})
