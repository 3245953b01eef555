// How many nodes of the selected node's map the "your nodes" scope leaves out (components/map/NetworkScope.vue
// shows the count, so the graph never hides most of the network without saying so).
import type { NetworkMap } from '../../../shared/network-map'
import type { GraphModelSnapshot, NodeSnapshot } from '../../../shared/snapshots'

export function nodesOutsideGraph(
  map: NetworkMap | null,
  graph: GraphModelSnapshot,
  localNodes: readonly NodeSnapshot[]
): number {
  if (map === null) return 0
  // The graph names local nodes by the host's id, peers by their node id; the map names every node by node id.
  const drawn = new Set(graph.nodes.map((node) => node.id))
  for (const local of localNodes) if (local.nodeId !== undefined) drawn.add(local.nodeId)
  return map.nodes.filter((node) => !drawn.has(node.id)).length
}
