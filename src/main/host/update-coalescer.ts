// Coalesces state changes into at most one AppUpdate per interval (default 100 ms: ≤ 10 updates a second), so a
// busy network never turns into one IPC message per network message. Changes only mark things dirty; the snapshot
// work happens once per flush. A flush runs in a timer, where an exception would end the process: each part of the
// update is built under a guard, so one node whose snapshot fails is left out (and reported), not everyone.
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
  /** A part of an update could not be built (`nodeId` null: not one node's part); it was left out. */
  failed?(nodeId: string | null, what: string, err: unknown): void
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
    let update: AppUpdate
    try {
      update = this.build()
    } catch (err) {
      this.report(null, 'building an update', err)
      return
    }
    try {
      this.publish(update)
    } catch (err) {
      this.report(null, 'publishing an update', err)
    }
  }

  private build(): AppUpdate {
    const nodes: NodeSnapshot[] = []
    for (const id of this.dirtyNodes) {
      const snapshot = this.guard(id, 'building its snapshot', () => this.sources.snapshotNode(id))
      if (snapshot) nodes.push(snapshot)
    }
    const messages: ReceivedMessage[] = []
    for (const make of this.messages) {
      const message = this.guard(null, 'building a received message entry', make)
      if (message) messages.push(message)
    }
    const update: AppUpdate = {
      seq: ++this.seq,
      nodes,
      removedNodeIds: [...this.removed],
      graph: this.graphDirty ? this.guard(null, 'building the graph', () => this.sources.graph()) : null,
      events: this.events,
      messages,
      preferences: this.preferencesDirty ? this.sources.preferences() : null,
      notices: this.noticesDirty ? this.sources.notices() : null
    }
    this.dirtyNodes.clear()
    this.removed.clear()
    this.events = []
    this.messages = []
    this.graphDirty = this.preferencesDirty = this.noticesDirty = false
    return update
  }

  private guard<T>(nodeId: string | null, what: string, make: () => T): T | null {
    try {
      return make()
    } catch (err) {
      this.report(nodeId, what, err)
      return null
    }
  }

  private report(nodeId: string | null, what: string, err: unknown): void {
    try {
      this.sources.failed?.(nodeId, what, err)
    } catch {
      // the reporter itself failed: nothing more can be done from a timer
    }
  }
}
