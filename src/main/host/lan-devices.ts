// The devices a node has heard on the LAN, kept after they go quiet (like Syncthing's device list): online while the
// library's LAN table has them, then offline with the time they were last heard, until the person forgets one.
// Bounded; plain data in and out (entries() / the constructor): the host saves it with the node's settings, so the
// list survives restarts (every saved device comes back offline until it is heard again).
import { LIMITS } from '../../shared/limits'
import type { LanPeerSnapshot } from '../../shared/snapshots'

/** Devices kept per node; beyond it the device heard longest ago is dropped first. */
export const LAN_DEVICES_KEPT = LIMITS.lanDevicesPerNode

export class LanDeviceList {
  private readonly devices = new Map<string, LanPeerSnapshot>()

  constructor(
    private readonly capacity: number = LAN_DEVICES_KEPT,
    saved: readonly LanPeerSnapshot[] = []
  ) {
    for (const device of saved) this.devices.set(device.id, { ...device, online: false, connected: false })
    this.trim()
  }

  /**
   * Takes the peers heard right now: each is online (and replaces an offline device at the same address, which a
   * restarted node with a new id leaves behind); every other device is offline. True when the list changed in a way
   * worth saving (a device came, went, or went offline), not for a mere newer `lastSeen`.
   */
  update(live: readonly LanPeerSnapshot[]): boolean {
    let changed = false
    const liveIds = new Set(live.map((peer) => peer.id))
    const liveAddresses = new Set(live.map((peer) => peer.address))
    for (const [id, device] of this.devices) {
      if (liveIds.has(id)) continue
      if (liveAddresses.has(device.address)) {
        this.devices.delete(id)
        changed = true
      } else if (device.online || device.connected) {
        this.devices.set(id, { ...device, online: false, connected: false })
        changed = true
      }
    }
    for (const peer of live) {
      const before = this.devices.get(peer.id)
      if (!before || !before.online || before.name !== peer.name || before.address !== peer.address)
        changed = true
      this.devices.set(peer.id, { ...peer, online: true })
    }
    return this.trim() || changed
  }

  /** Forgets an offline device; false when there is none (an online one would reappear at once). */
  forget(id: string): boolean {
    const device = this.devices.get(id)
    if (!device || device.online) return false
    return this.devices.delete(id)
  }

  get(id: string): LanPeerSnapshot | undefined {
    return this.devices.get(id)
  }

  /** Online devices first, then the most recently heard. */
  list(): LanPeerSnapshot[] {
    return [...this.devices.values()].sort(
      (a, b) => Number(b.online) - Number(a.online) || b.lastSeen - a.lastSeen
    )
  }

  /** Everything worth saving (what the constructor takes back). */
  entries(): LanPeerSnapshot[] {
    return [...this.devices.values()]
  }

  private trim(): boolean {
    if (this.devices.size <= this.capacity) return false
    const oldestFirst = [...this.devices.values()].sort(
      (a, b) => Number(a.online) - Number(b.online) || a.lastSeen - b.lastSeen
    )
    for (const device of oldestFirst.slice(0, this.devices.size - this.capacity))
      this.devices.delete(device.id)
    return true
  }
}
