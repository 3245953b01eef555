// Which options of a running node only take effect at its next start. The library fixes most options when the node
// is made; the host applies the name, the subscriptions, the LAN settings and "start with the app" to a running node,
// and everything else waits for a restart (the dashboard says so before saving, and offers to do it in one click).
// Shared: the host computes a node's pending options with it, the edit dialog its warning.
import type { NodeConfig, RestartOption } from './snapshots'

export const RESTART_OPTIONS: readonly RestartOption[] = [
  'ip',
  'port',
  'ttl',
  'root',
  'paired',
  'maxConnections',
  'reconnections',
  'keepAlive',
  'messagePropagation',
  'messagesPoolMaxSize',
  'trust',
  'insecure'
]

/** The options of `config` that differ from those the node runs with (`running`); empty when none. */
export function optionsAwaitingRestart(running: NodeConfig, config: NodeConfig): RestartOption[] {
  return RESTART_OPTIONS.filter((key) => running[key] !== config[key])
}
