// `update` (docs/PROTOCOL.md §4): the sender's name, subscriptions or paired flag changed; sent to every edge.
import { MAX_NAME_BYTES, MAX_SUBSCRIPTIONS, MAX_TOPIC_BYTES } from '../constants'
import type { LinkedEdge } from '../linked-edge'
import { bool, obj, str, strList } from '../wire-fields'
import { defineCommand } from './command'

export interface UpdateData {
  name: string
  subscriptions: string[]
  paired: boolean
}

export interface UpdateReceiver {
  onUpdate(edge: LinkedEdge, data: UpdateData): void
}

export function readUpdate(value: unknown): UpdateData {
  const data = obj(value, 'update')
  return {
    name: str(data, 'name', 'update', MAX_NAME_BYTES),
    subscriptions: strList(data, 'subscriptions', 'update', MAX_SUBSCRIPTIONS, MAX_TOPIC_BYTES),
    paired: bool(data, 'paired', 'update')
  }
}

export const updateCommand = defineCommand<UpdateData>()({
  name: 'update',
  topic: 'control',
  beforeHandshake: false,
  read: readUpdate,
  handle(context: { connections: UpdateReceiver }, link, data) {
    context.connections.onUpdate(link.edge!, data)
  }
})
