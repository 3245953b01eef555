// The Web Worker that runs the graph's force layout (layout-engine.ts) off the page's thread: the page sends the
// shape of the graph and drags, the worker answers every tick with the positions, transferred, not copied.
import { createLayoutEngine } from './layout-engine'
import type { LayoutRequest, LayoutResponse } from './layout-messages'

interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null
  postMessage(message: LayoutResponse, transfer?: Transferable[]): void
}

const scope = self as unknown as WorkerScope
let generation = 0

const engine = createLayoutEngine({
  tick(positions) {
    const copy = new Float32Array(positions)
    scope.postMessage({ type: 'tick', generation, positions: copy }, [copy.buffer])
  },
  end() {
    scope.postMessage({ type: 'end', generation })
  }
})

scope.onmessage = ({ data }) => {
  switch (data.type) {
    case 'graph':
      generation = data.generation
      engine.setGraph(data.nodes, data.links, data.alpha)
      break
    case 'pin':
      engine.pin(data.index, data.at)
      break
    case 'stop':
      engine.stop()
      break
  }
}
