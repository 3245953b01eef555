// Defaults of a new local node: the library's (spec §1) plus the app's (LAN discovery on, start with the app).
// One definition for the host (src/main/host/node-config.ts) and the create-node dialog.
import { NODE_OPTION_DEFAULTS } from './limits'
import type { NodeConfig } from './snapshots'

export type NodeDefaults = Omit<NodeConfig, 'id' | 'name'>

export function nodeDefaults(): NodeDefaults {
  return {
    ip: '127.0.0.1',
    port: 0,
    subscriptions: [],
    ttl: NODE_OPTION_DEFAULTS.ttl,
    root: false,
    paired: false,
    maxConnections: NODE_OPTION_DEFAULTS.maxConnections,
    reconnections: NODE_OPTION_DEFAULTS.reconnections,
    keepAlive: true,
    messagePropagation: false,
    messagesPoolMaxSize: NODE_OPTION_DEFAULTS.messagesPoolMaxSize,
    lan: { enabled: true, autoConnect: true, interfaces: [] },
    autoStart: true,
    // A desktop node pins the first key it meets at each address (issue #13); plaintext peers are refused.
    trust: 'tofu',
    insecure: false
  }
}

/** The first free '<base><n>' among the names in use (new nodes get distinct names). */
export function freeNodeName(taken: Iterable<string>, base = 'Node'): string {
  const names = new Set(taken)
  for (let i = 1; ; i++) if (!names.has(`${base}${i}`)) return `${base}${i}`
}

/** Two local node names a person would take for one: compared trimmed, case-insensitively, in one Unicode form. */
export function sameNodeName(a: string, b: string): boolean {
  const key = (name: string) => name.trim().normalize('NFC').toLocaleLowerCase('en')
  return key(a) === key(b)
}
