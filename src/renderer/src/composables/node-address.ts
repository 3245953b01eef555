// Which address of a node to show where there is room for one (sidebar, header): one a peer could dial. A node on
// 0.0.0.0 / :: listens on every interface, and "0.0.0.0:8511" is not an address to give anyone: show the first
// address of an interface others can reach (the Overview lists them all, with copy buttons). Pure, unit-tested.
import type { NodeSnapshot } from '../../../shared/snapshots'

export function isWildcard(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::'
}

/** The address to show for a node in one line, or null when it does not listen. */
export function shownAddress(node: Pick<NodeSnapshot, 'address' | 'reachableAt' | 'config'>): string | null {
  if (node.address === null) return null
  if (!isWildcard(node.config.ip)) return node.address
  const best = node.reachableAt.find((a) => !a.loopback) ?? node.reachableAt[0]
  return best?.address ?? node.address
}

/** Every address it can be reached at, one per line (a title for the one shown). */
export function reachableTitle(node: Pick<NodeSnapshot, 'reachableAt'>): string {
  return node.reachableAt
    .map(
      (a) => `${a.address}${a.interface ? ` (${a.interface}${a.loopback ? ', this machine only' : ''})` : ''}`
    )
    .join('\n')
}

/** Where a node listens, in words: 'every interface, port 8511' or '127.0.0.1, port 8511'. */
export function listenText(config: Pick<NodeSnapshot['config'], 'ip' | 'port'>): string {
  const where =
    config.ip === '0.0.0.0' ? 'every IPv4 interface' : config.ip === '::' ? 'every interface' : config.ip
  return config.port === 0 ? `${where}, any free port` : `${where}, port ${config.port}`
}
