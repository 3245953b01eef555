// `map_request` (docs/PROTOCOL.md §12 "On demand"): a peer asks for the map this node holds, up to `depth` hops and
// `max` nodes; answered with `map_reply` (map-reply.ts). The engine is map/node-map.ts.
import { MAP_MAX_DEPTH, MAP_MAX_NODES } from '../map/limits'
import type { PeerLink } from '../peer-link'
import { int, obj } from '../wire-fields'
import { defineCommand } from './command'

export interface MapRequestData {
  /** Echoed in the reply. */
  request: number
  depth: number
  max: number
}

export interface MapRequestReceiver {
  onMapRequest(link: PeerLink, data: MapRequestData): void
}

export function readMapRequest(value: unknown): MapRequestData {
  const data = obj(value, 'map_request')
  return {
    request: int(data, 'request', 'map_request', 0, 0xffffffff),
    depth: int(data, 'depth', 'map_request', 0, MAP_MAX_DEPTH),
    max: int(data, 'max', 'map_request', 1, MAP_MAX_NODES)
  }
}

export const mapRequestCommand = defineCommand<MapRequestData>()({
  name: 'map_request',
  topic: 'control',
  beforeHandshake: false,
  read: readMapRequest,
  handle(context: { map: MapRequestReceiver }, link, data) {
    context.map.onMapRequest(link, data)
  }
})
