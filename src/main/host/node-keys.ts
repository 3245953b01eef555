// Where the host keeps each local node's identity key (issue #13): beside the settings file, one file per node
// (`<settings dir>/keys/<node>.key`, mode 0600 in a 0700 folder, made on the node's first start and never replaced:
// it is the node's identity, and peers that pinned it refuse a new one). Without a settings file (a `chaski serve`
// without --config) the keys last as long as the process, so a node keeps its id across its stops and starts.
import { createHash } from 'node:crypto'
import path from 'node:path'
import { generateNodeKey, loadOrCreateNodeKey, type NodeKey } from '../chaski/security/index'

/** A config id used as a file name as it is only when it cannot name another path. */
const SAFE_NAME = /^[A-Za-z0-9-]{1,64}$/

export class NodeKeyStore {
  private readonly cache = new Map<string, NodeKey>()
  /** Keys of nodes created by this host, not saved yet (saved on the node's first start). */
  private readonly fresh = new Map<string, NodeKey>()

  /** `settingsFile`: null keeps keys in memory. */
  constructor(private readonly settingsFile: string | null) {}

  /** The folder of the key files, or null (in memory). */
  get folder(): string | null {
    return this.settingsFile === null ? null : path.join(path.dirname(this.settingsFile), 'keys')
  }

  /** The key file of a node, or null (in memory). */
  fileOf(nodeId: string): string | null {
    const folder = this.folder
    if (folder === null) return null
    const name = SAFE_NAME.test(nodeId)
      ? nodeId
      : createHash('sha256').update(nodeId).digest('hex').slice(0, 32)
    return path.join(folder, `node-${name}.key`)
  }

  /**
   * A key for a node being created: its id becomes the node's config id, so the host and its peers know the node by
   * one id. Saved on the node's first start.
   */
  newNodeKey(): NodeKey {
    const key = generateNodeKey()
    this.fresh.set(key.id, key)
    return key
  }

  /** The node's key: read from its file, made on first use. Rejects with a clear error for a bad file. */
  async keyOf(nodeId: string): Promise<NodeKey> {
    const cached = this.cache.get(nodeId)
    if (cached) return cached
    const file = this.fileOf(nodeId)
    const make = (): NodeKey => this.fresh.get(nodeId) ?? generateNodeKey()
    const key = file === null ? make() : (await loadOrCreateNodeKey(file, {}, make)).key
    this.fresh.delete(nodeId)
    this.cache.set(nodeId, key)
    return key
  }
}
