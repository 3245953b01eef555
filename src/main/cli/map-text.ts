// The map a node holds (src/shared/network-map.ts) as text for `chaski map`: a table for people, and DOT for
// graphviz. Names and addresses come from the network: sanitized for the terminal, quoted and escaped in DOT.
import { linkRttMs, type MapNode, type NetworkMap } from '../../shared/network-map'
import { formatAddress } from '../chaski/index'
import { formatMs, sanitize } from './output'

function nodeLabel(node: MapNode): string {
  const name = node.name === '' ? node.id.slice(0, 8) : node.name
  return node.port > 0 ? `${name}@${formatAddress(node.ip, node.port)}` : name
}

function knownText(node: MapNode): string {
  if (node.known === 'local') return 'this node'
  if (node.known === 'direct') return 'direct peer'
  if (node.known === 'lan') return 'heard on the LAN'
  return `${node.hops} hops${node.advertised ? '' : ', listed by others'}`
}

function ageText(ageMs: number | null): string {
  if (ageMs === null) return ''
  return ageMs < 1000 ? 'just now' : `${Math.round(ageMs / 1000)} s ago`
}

/** Human text: the nodes nearest first, then the links. */
export function mapText(map: NetworkMap, address: string): string {
  const byId = new Map(map.nodes.map((node) => [node.id, node]))
  const lines = [
    `map held by ${address}: ${map.nodes.length} nodes, ${map.links.length} links (depth ${map.depth})` +
      (map.truncated > 0 ? `, ${map.truncated} more nodes left out` : '')
  ]
  lines.push('nodes:')
  for (const node of map.nodes) {
    const age = ageText(node.ageMs)
    lines.push(`  ${sanitize(nodeLabel(node))}  (${knownText(node)}${age ? `, advert ${age}` : ''})`)
  }
  lines.push('links:')
  for (const link of map.links) {
    const a = byId.get(link.a)!
    const b = byId.get(link.b)!
    const rtt = linkRttMs(link)
    lines.push(
      `  ${sanitize(nodeLabel(a))} -- ${sanitize(nodeLabel(b))}  ` +
        `${rtt === null ? 'rtt ?' : `rtt ${formatMs(rtt)} ms`}` +
        `${link.confirmed ? '' : ' (reported by one end)'}${link.state === 'reconnecting' ? ' (reconnecting)' : ''}`
    )
  }
  return lines.join('\n')
}

/** A DOT string literal: unsafe characters shown as escapes (sanitize), then quotes and backslashes escaped. */
function dotString(text: string): string {
  return `"${sanitize(text).replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/** Graphviz DOT: one node per map node, dashed edges for links reported by one end only. */
export function mapDot(map: NetworkMap): string {
  const lines = ['graph chaski {', '  node [shape=box];']
  for (const node of map.nodes) {
    const style = node.known === 'local' ? ', style=bold' : node.known === 'lan' ? ', style=dotted' : ''
    lines.push(
      `  ${dotString(node.id)} [label=${dotString(`${nodeLabel(node)}, ${knownText(node)}`)}${style}];`
    )
  }
  for (const link of map.links) {
    const rtt = linkRttMs(link)
    const attributes = [
      ...(rtt === null ? [] : [`label=${dotString(`${formatMs(rtt)} ms`)}`]),
      ...(link.confirmed ? [] : ['style=dashed'])
    ]
    lines.push(
      `  ${dotString(link.a)} -- ${dotString(link.b)}${attributes.length ? ` [${attributes.join(', ')}]` : ''};`
    )
  }
  lines.push('}')
  return lines.join('\n')
}
