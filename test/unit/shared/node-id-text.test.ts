// Node ids as people read them (src/shared/node-id-text.ts): one module for the library, the CLI and the dashboard.
import { describe, expect, test } from 'vitest'
import {
  displayNodeId,
  groupNodeId,
  nodeIdGroups,
  parseNodeIdText,
  shortGroupedNodeId
} from '../../../src/shared/node-id-text'
import { formatNodeId } from '../../../src/main/chaski/security/node-id'
import { generateNodeKey } from '../../../src/main/chaski/security/node-key'

describe('node id text', () => {
  const id = generateNodeKey().id

  test('grouped like Syncthing: 8 groups of 7 with check characters; the library shows the same', () => {
    const grouped = groupNodeId(id)!
    expect(grouped).toMatch(/^[A-Z2-7]{7}(-[A-Z2-7]{7}){7}$/)
    expect(formatNodeId(id)).toBe(grouped)
    expect(nodeIdGroups(id)).toEqual(grouped.split('-'))
    expect(shortGroupedNodeId(id)).toBe(grouped.split('-').slice(0, 2).join('-'))
  })

  test('read back from the grouped form, any case, spaces or dashes; a typo is caught by its group', () => {
    const grouped = groupNodeId(id)!
    expect(parseNodeIdText(grouped)).toEqual({ ok: true, id })
    expect(parseNodeIdText(grouped.toLowerCase().replace(/-/g, ' '))).toEqual({ ok: true, id })
    const typo = grouped.slice(0, 9) + (grouped[9] === 'A' ? 'B' : 'A') + grouped.slice(10)
    const parsed = parseNodeIdText(typo)
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.message).toMatch(/has a typo: group 2 ends with the wrong check character/)
  })

  test('older ids (plaintext nodes, UUIDs) are shown as they are, never grouped', () => {
    const uuid = '7d8f2c1e-0b6a-4c51-9f6e-2a1b3c4d5e6f'
    expect(groupNodeId(uuid)).toBeNull()
    expect(displayNodeId(uuid)).toBe(uuid)
    expect(nodeIdGroups(uuid)).toEqual([uuid])
  })
})
