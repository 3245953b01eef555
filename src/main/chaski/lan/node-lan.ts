// The glue between a node and LAN discovery, so the node only creates, starts and stops it: announces on every
// change of name, subscriptions or paired state, keeps each peer's `connected` flag true to the edges, re-emits
// the lan-peer-* events on the node, and runs auto-connect when asked to. It sees the node only through LanHost.
import type { Clock } from '../clock'
import type { ChaskiNodeEvents } from '../events'
import type { Logger } from '../logger'
import type { NetworkKeySet } from '../security/network-key'
import { LanAutoConnect } from './auto-connect'
import type { AutoConnectHost } from './auto-connect'
import { LanDiscovery } from './lan-discovery'
import type { LanDiscoveryInit } from './lan-discovery'
import type { LanOptions } from './options'
import type { LanPeer } from './peer-table'

type LanEventName = 'lan-peer-seen' | 'lan-peer-updated' | 'lan-peer-lost'
type Listener<K extends keyof ChaskiNodeEvents> = (payload: ChaskiNodeEvents[K]) => void

/** What LAN discovery needs from its node. */
export interface LanHost extends AutoConnectHost {
  readonly name: string
  /** The listening port (known once the node listens). */
  readonly port: number
  /** The listening ip, as announced. */
  readonly ip: string
  readonly paired: boolean
  readonly root: boolean
  /** Beacons are authenticated with it, and only authenticated beacons are heard (null: none). */
  readonly networkKey: NetworkKeySet | null
  /** The protocol version of our links, as beacons announce it: 2 (TLS) or 1 (a plaintext node). */
  readonly linkVersion: number
  /** The node's logger (LAN discovery logs as its 'lan' component). */
  readonly log: Logger
  readonly clock: Clock
  /** Fast edge lookup by peer id. */
  isConnected(id: string): boolean
  /** Emits on the node. */
  emit<K extends LanEventName>(event: K, payload: ChaskiNodeEvents[K]): void
  /** The node's events this glue follows. */
  on<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): unknown
  off<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): unknown
}

export interface NodeLanInit {
  /** Test seams passed to LanDiscovery (env cap source, interface list, poll period). */
  discovery?: Pick<LanDiscoveryInit, 'env' | 'networkInterfaces' | 'interfacePollMs'>
}

const CHANGES_WORTH_A_DIAL: ReadonlySet<keyof LanPeer> = new Set<keyof LanPeer>([
  'subscriptions',
  'ip',
  'port',
  'connected',
  'v'
])

export class NodeLan {
  readonly discovery: LanDiscovery
  private readonly autoConnect: LanAutoConnect | null
  private readonly unsubscribe: (() => void)[] = []

  constructor(
    private readonly host: LanHost,
    options: LanOptions | true,
    init: NodeLanInit = {}
  ) {
    const log = host.log.child('lan')
    this.discovery = new LanDiscovery({
      options,
      logger: log,
      clock: host.clock,
      isConnected: (id) => host.isConnected(id),
      networkKey: host.networkKey,
      self: () => ({
        id: host.id,
        name: host.name,
        v: host.linkVersion,
        ip: host.ip,
        port: host.port,
        subscriptions: host.subscriptions,
        paired: host.paired,
        root: host.root
      }),
      ...init.discovery
    })
    this.autoConnect = this.discovery.options.autoConnect
      ? new LanAutoConnect(host, () => this.discovery.peers, host.log.child('lan:auto-connect'), host.clock)
      : null

    this.discovery.on('lan-peer-seen', (event) => {
      host.emit('lan-peer-seen', event)
      this.autoConnect?.schedule()
    })
    this.discovery.on('lan-peer-updated', (event) => {
      host.emit('lan-peer-updated', event)
      if (event.changes.some((change) => CHANGES_WORTH_A_DIAL.has(change))) this.autoConnect?.schedule()
    })
    this.discovery.on('lan-peer-lost', (event) => {
      host.emit('lan-peer-lost', event)
      this.autoConnect?.onPeerLost(event.peer)
    })

    const announce = (): void => this.discovery.announce()
    this.listen('name-changed', announce)
    this.listen('paired', announce)
    this.listen('unpaired', announce)
    this.listen('subscriptions-changed', () => {
      announce()
      this.autoConnect?.schedule()
    })
    this.listen('edge-added', ({ edge }) => {
      this.discovery.refreshConnected(edge.id)
      this.autoConnect?.onEdgeAdded(edge)
    })
    this.listen('edge-removed', ({ edge, reason }) => {
      this.discovery.refreshConnected(edge.id)
      this.autoConnect?.onEdgeRemoved(edge, reason)
    })
  }

  get peers(): ReadonlyMap<string, LanPeer> {
    return this.discovery.peers
  }

  /** Call once the node listens (its port is known). */
  async start(): Promise<void> {
    await this.discovery.start()
  }

  /** Says goodbye and closes the LAN sockets; auto-connect dials nothing more. */
  async stop(): Promise<void> {
    this.autoConnect?.stop()
    for (const off of this.unsubscribe.splice(0)) off()
    await this.discovery.stop()
  }

  private listen<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): void {
    this.host.on(event, listener)
    this.unsubscribe.push(() => this.host.off(event, listener))
  }
}
