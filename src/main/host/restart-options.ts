// Which options of a running node only take effect at its next start. The library fixes most options when the node
// is made; the host applies the name, the subscriptions and the LAN settings to a running node, and everything else
// waits for a restart (the dashboard says so and offers to do it in one click).
import type { NodeConfig, RestartOption } from '../../shared/snapshots'

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
  'messagesPoolMaxSize'
]

/** The options of `config` that differ from those the node runs with (`running`); empty when none. */
export function optionsAwaitingRestart(running: NodeConfig, config: NodeConfig): RestartOption[] {
  return RESTART_OPTIONS.filter((key) => running[key] !== config[key])
}
