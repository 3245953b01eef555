// Coalesces state changes into at most one AppUpdate per interval (default 100 ms: ≤ 10 updates a second), so a
// busy network never turns into one IPC message per network message. Changes only mark things dirty; the snapshot
// work happens once per flush.
import type {
  AppNotice,
  AppUpdate,
  GraphModelSnapshot,
  HostEvent,
  NodeSnapshot,
  Preferences,
  ReceivedMessage
} from '../../shared/snapshots'

export const UPDATE_INTERVAL_MS = 100

export interface UpdateSources {
  snapshotNode(id: string): NodeSnapshot | null
  graph(): GraphModelSnapshot
  preferences(): Preferences
  notices(): AppNotice[]
}

export class UpdateCoalescer {
  private readonly dirtyNodes = new Set<string>()
  private readonly removed = new Set<string>()
  private events: HostEvent[] = []
  /** Built lazily at flush: a flood of messages costs a closure each, not a preview each. */
  private messages: (() => ReceivedMessage)[] = []
  private graphDirty = false
  private preferencesDirty = false
  private noticesDirty = false
  private timer: NodeJS.Timeout | null = null
  private lastFlush = 0
  private seq = 0
  private closed = false

  constructor(
    private readonly sources: UpdateSources,
    private readonly publish: (update: AppUpdate) => void,
    private readonly intervalMs = UPDATE_INTERVAL_MS
  ) {}

  nodeChanged(id: string, graphToo = true): void {
    this.dirtyNodes.add(id)
    if (graphToo) this.graphDirty = true
    this.schedule()
  }

  nodeRemoved(id: string): void {
    this.dirtyNodes.delete(id)
    this.removed.add(id)
    this.graphDirty = true
    this.schedule()
  }

  event(event: HostEvent): void {
    this.events.push(event)
    this.schedule()
  }

  message(make: () => ReceivedMessage, maxPending: number): void {
    this.messages.push(make)
    // Under a flood only the newest matter to the UI: keep the pending list bounded.
    if (this.messages.length > maxPending) this.messages.splice(0, this.messages.length - maxPending)
    this.schedule()
  }

  preferencesChanged(): void {
    this.preferencesDirty = true
    this.schedule()
  }

  noticesChanged(): void {
    this.noticesDirty = true
    this.schedule()
  }

  /** Stops the timer; pending changes are dropped (used at shutdown). */
  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(): void {
    if (this.timer || this.closed) return
    const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now())
    this.timer = setTimeout(() => this.flush(), wait)
    this.timer.unref?.()
  }

  private flush(): void {
    this.timer = null
    this.lastFlush = Date.now()
    const nodes: NodeSnapshot[] = []
    for (const id of this.dirtyNodes) {
      const snapshot = this.sources.snapshotNode(id)
      if (snapshot) nodes.push(snapshot)
    }
    const update: AppUpdate = {
      seq: ++this.seq,
      nodes,
      removedNodeIds: [...this.removed],
      graph: this.graphDirty ? this.sources.graph() : null,
      events: this.events,
      messages: this.messages.map((make) => make()),
      preferences: this.preferencesDirty ? this.sources.preferences() : null,
      notices: this.noticesDirty ? this.sources.notices() : null
    }
    this.dirtyNodes.clear()
    this.removed.clear()
    this.events = []
    this.messages = []
    this.graphDirty = this.preferencesDirty = this.noticesDirty = false
    this.publish(update)
  }
}
