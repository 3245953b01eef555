// Public API of the ChaskiNode library (Node-only: never imports electron or vue).
export { ChaskiNode } from './node'
export type { ConnectTarget, DiscoveryOptions, PingOptions, PublishOptions } from './node'
export { Edge } from './edge'
export type { EdgeDirection, PeerRef } from './edge'
export type { ChaskiNodeOptions, NormalizedOptions, LanOptions } from './options'
export { LanDiscovery, resolveLanInterfaces, parseLanInterfacesCap, lanDefaults } from './lan/index'
export type {
  LanPeer,
  LanPeerLostReason,
  LanInterface,
  LanDiscoveryEvents,
  BeaconRejectedError
} from './lan/index'
export { normalizeOptions } from './options'
export type {
  ChaskiNodeEvents,
  ChaskiNodeEventMap,
  DiscoveryOutcome,
  DiscoveryResult,
  NodeStatus,
  ProtocolErrorEvent,
  IdentityChangedEvent,
  PeerRefusedEvent,
  RemovalReason
} from './events'
export { RECONNECTING_REASONS } from './events'
export type { ReconnectState } from './reconnect'
export { requestStatus } from './udp-status'
export type { StatusResponse, RequestStatusOptions } from './udp-status'
export { parseAddress, formatAddress } from './address'
export type { PeerAddress } from './address'
export type { Codec, Serializer, Deserializer } from './codec'
export { systemClock } from './clock'
export type { Clock, ClockTimer } from './clock'
export { msgpackCodec } from './codec'
export { EdgeLatency, updateLatencyEstimate } from './latency'
export { createLogger, setLogLevel, setLogSink } from './logger'
export type { LogLevel, LogRecord, LogSink, Logger } from './logger'
export * as security from './security/index'
export {
  IdentityMismatchError,
  PlaintextPeerError,
  PlaintextRefusedError,
  SecureHandshakeError,
  SecureHandshakeTimeoutError,
  PeerKeyError
} from './security/errors'
export type { NodeKey } from './security/index'
export type { TrustedPeer, TrustPolicy } from './trust'
export type { PendingEndedEvent, PendingOutcome, PendingPeer } from './approval'
export {
  PLAINTEXT_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  MIN_PROTOCOL_VERSION,
  DEFAULT_MAX_FRAME_SIZE,
  FAVOURITE_PORTS
} from './constants'
export * from './errors'
export {
  VivaldiClient,
  parseCoordinate,
  estimateRttMs,
  InvalidCoordinateError,
  InvalidRttError,
  type Coordinate,
  type VivaldiClientInit,
  type VivaldiConfig
} from './coordinates/index'
export type { AdvertStats } from './map/node-map'
export type { AdvertOptions } from './map/options'
export { MAP_MAX_DEPTH, MAP_MAX_NODES, ADVERT_MAX_BYTES, ADVERT_MAX_NEIGHBOURS } from './map/limits'
export type { NetworkMap, MapNode, MapLink, MapNodeKnown, MapCoordinate } from '../../shared/network-map'
