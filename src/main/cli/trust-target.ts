// Which node and which peer `chaski trust accept|reject|revoke <peer>` means, from the running host's state. A peer
// is named by its id (grouped as shown, or canonical), the start of it (at least 4 characters: the short id people
// read out is enough), or its name; a node by its name or id, or left out when only one node has such a peer.
import { displayNodeId, parseNodeIdText } from '../../shared/node-id-text'
import type { NodeSnapshot } from '../../shared/snapshots'

export type TrustVerb = 'accept' | 'reject' | 'revoke' | 'unrevoke'

interface Candidate {
  node: NodeSnapshot
  id: string
  name: string
}

export function findTrustTarget(
  nodes: readonly NodeSnapshot[],
  verb: TrustVerb,
  peerText: string,
  nodeText: string | undefined
): { ok: true; node: NodeSnapshot; peerId: string; name: string } | { ok: false; message: string } {
  const scope = nodeText === undefined ? nodes : nodes.filter((n) => nodeMatches(n, nodeText))
  if (nodeText !== undefined && scope.length === 0)
    return {
      ok: false,
      message: `no local node is named or has the id '${nodeText}' (nodes: ${nodes.map((n) => n.config.name).join(', ') || 'none'})`
    }
  const candidates = scope.flatMap((node) => candidatesOf(node, verb))
  const matches = candidates.filter((c) => peerMatches(c, peerText))
  const distinct = [...new Map(matches.map((c) => [`${c.node.id}|${c.id}`, c])).values()]
  const what =
    verb === 'revoke' ? 'trusted or linked' : verb === 'unrevoke' ? 'revoked' : 'waiting for approval'
  if (distinct.length === 0)
    return {
      ok: false,
      message:
        candidates.length === 0
          ? `no peer is ${what}${nodeText === undefined ? '' : ` on ${scope[0]!.config.name}`}`
          : `no peer ${what} matches '${peerText}'; run 'chaski trust list'`
    }
  if (distinct.length > 1)
    return {
      ok: false,
      message:
        `'${peerText}' matches ${distinct.length} peers: ` +
        distinct.map((c) => `${c.name} ${displayNodeId(c.id)} on ${c.node.config.name}`).join('; ') +
        '; give more of the id' +
        (new Set(distinct.map((c) => c.node.id)).size > 1 ? ' or --node' : '')
    }
  const [hit] = distinct
  return { ok: true, node: hit!.node, peerId: hit!.id, name: hit!.name }
}

function candidatesOf(node: NodeSnapshot, verb: TrustVerb): Candidate[] {
  if (verb === 'unrevoke') return node.trust.revoked.map((p) => ({ node, id: p.id, name: p.name }))
  if (verb !== 'revoke') return node.trust.pending.map((p) => ({ node, id: p.id, name: p.name }))
  return [
    ...node.trust.trusted.map((p) => ({ node, id: p.id, name: p.name })),
    ...node.edges.filter((e) => e.state === 'connected').map((e) => ({ node, id: e.peerId, name: e.name })),
    ...node.trust.pending.map((p) => ({ node, id: p.id, name: p.name }))
  ].filter((c) => !node.trust.revoked.some((r) => r.id === c.id))
}

function nodeMatches(node: NodeSnapshot, text: string): boolean {
  return (
    node.config.name === text ||
    node.id === text ||
    (node.nodeId !== undefined && idMatches(node.nodeId, text, false))
  )
}

function peerMatches(candidate: Candidate, text: string): boolean {
  return candidate.name === text || idMatches(candidate.id, text, true)
}

/** The whole id in any form, or (`prefix`) its start, canonical or grouped, at least 4 characters. */
function idMatches(id: string, text: string, prefix: boolean): boolean {
  const parsed = parseNodeIdText(text)
  if (parsed.ok) return parsed.id === id
  if (text === id) return true
  if (!prefix) return false
  const compact = text.replace(/[\s-]/g, '').toLowerCase()
  if (compact.length < 4) return false
  const grouped = displayNodeId(id).replace(/-/g, '').toLowerCase()
  return id.startsWith(compact) || grouped.startsWith(compact)
}
