// LAN discovery: public surface. See lan-discovery.ts and docs/PROTOCOL.md ("LAN beacons").
export { LanDiscovery } from './lan-discovery'
export type {
  LanDiscoveryEvents,
  LanDiscoveryInit,
  LanDiscoveryStats,
  LanPeerLostReason,
  LanSelf
} from './lan-discovery'
export type { LanPeer } from './peer-table'
export { normalizeLanOptions } from './options'
export type { LanOptions, NormalizedLanOptions } from './options'
export { resolveLanInterfaces, parseLanInterfacesCap, interfaceForSource } from './interfaces'
export type { LanInterface, NetworkInterfaceMap } from './interfaces'
export { decodeBeacon, encodeBeacon, BEACON_FORMAT_VERSION } from './beacon-codec'
export type { Beacon, BeaconKind, BeaconDecodeResult } from './beacon-codec'
export { BeaconRejectedError, BeaconEncodeError, LanOptionsError } from './errors'
export type { BeaconRejectReason } from './errors'
export * as lanDefaults from './constants'
