import { describe, expect, test } from 'vitest'
import { chooseEncoding } from '../../../src/main/serve/static-files'

describe('chooseEncoding', () => {
  test('brotli over gzip on a tie; the higher q wins; q=0 refuses', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br')
    expect(chooseEncoding('gzip, deflate')).toBe('gzip')
    expect(chooseEncoding('br;q=0.5, gzip;q=0.8')).toBe('gzip')
    expect(chooseEncoding('br;q=0, gzip;q=0')).toBeNull()
    expect(chooseEncoding('identity')).toBeNull()
    expect(chooseEncoding(undefined)).toBeNull()
  })

  test('* stands for any coding not named; odd spacing, case and repeated headers are read', () => {
    expect(chooseEncoding('*')).toBe('br')
    expect(chooseEncoding('*;q=0.5, br;q=0')).toBe('gzip')
    expect(chooseEncoding(' GZIP ; Q=1 ')).toBe('gzip')
    expect(chooseEncoding(['deflate', 'gzip'])).toBe('gzip')
  })

  test('malformed weights count as refusals, never as a crash', () => {
    expect(chooseEncoding('br;q=abc, gzip')).toBe('gzip')
    expect(chooseEncoding(';;;,,,')).toBeNull()
    expect(chooseEncoding('br;q=7')).toBe('br')
  })
})
