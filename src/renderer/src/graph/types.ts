// What the force graph draws. Kept separate from D3's simulation objects, which the simulation mutates.
export interface GraphNode {
  id: string
  label: string
  topics: string[]
}

export interface GraphLink {
  source: string
  target: string
  latencyMs?: number
}

export interface GraphModel {
  nodes: GraphNode[]
  links: GraphLink[]
}
