// `map_reply` (docs/PROTOCOL.md §12 "On demand"): the map a node holds, in answer to our `map_request`. The compact
// form and its reader are map/map-wire.ts.
import type { NetworkMap } from '../../../shared/network-map'
import { readMapReply, type MapReplyData } from '../map/map-wire'
import type { PeerLink } from '../peer-link'
import { defineCommand } from './command'

export interface MapReplyReceiver {
  onMapReply(link: PeerLink, request: number, map: NetworkMap): void
}

export const mapReplyCommand = defineCommand<MapReplyData>()({
  name: 'map_reply',
  topic: 'control',
  beforeHandshake: false,
  read: readMapReply,
  handle(context: { map: MapReplyReceiver }, link, data) {
    context.map.onMapReply(link, data.request, data.map)
  }
})
