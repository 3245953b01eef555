// The saved-settings file format: versioned JSON, validated on load with the same schemas (and the same limits,
// src/shared/limits.ts) the contract and the host use, so the host never saves what this would reject.
import * as v from 'valibot'
import { NodeConfigSchema, PreferencesPatchSchema } from '../../shared/contract'
import { LIMITS } from '../../shared/limits'
import type { NodeConfig, Preferences } from '../../shared/snapshots'

export const SETTINGS_VERSION = 1

/**
 * A node as saved: its options, and what it remembers of its network (known peers, recent peers, LAN devices).
 * `memory` is checked entry by entry when it is read (node-memory.ts), so a damaged entry never costs the node.
 */
export type SavedNode = NodeConfig & { memory?: unknown }

export interface Settings {
  version: typeof SETTINGS_VERSION
  nodes: SavedNode[]
  preferences: Preferences
  window: WindowBounds | null
}

export interface WindowBounds {
  x: number
  y: number
  width: number
  height: number
  maximized: boolean
}

const WindowBoundsSchema = v.strictObject({
  x: v.pipe(v.number(), v.integer()),
  y: v.pipe(v.number(), v.integer()),
  width: v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(20_000)),
  height: v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(20_000)),
  maximized: v.boolean()
})

export const SettingsSchema = v.strictObject({
  version: v.literal(
    SETTINGS_VERSION,
    `unsupported settings version (this app reads version ${SETTINGS_VERSION})`
  ),
  nodes: v.pipe(
    v.array(
      v.strictObject({
        ...NodeConfigSchema.entries,
        // Settings saved before issue #13 have no trust options: such nodes load with the defaults.
        trust: v.optional(NodeConfigSchema.entries.trust, 'tofu'),
        insecure: v.optional(NodeConfigSchema.entries.insecure, false),
        memory: v.optional(v.unknown())
      })
    ),
    v.maxLength(LIMITS.nodes, `at most ${LIMITS.nodes} nodes`),
    v.check((nodes) => new Set(nodes.map((n) => n.id)).size === nodes.length, 'two nodes share an id')
  ),
  preferences: v.strictObject({
    theme: v.picklist(['system', 'light', 'dark']),
    recentAddresses: v.nonNullable(PreferencesPatchSchema.entries.recentAddresses.wrapped)
  }),
  window: v.nullable(WindowBoundsSchema)
})

export const DEFAULT_PREFERENCES: Preferences = { theme: 'system', recentAddresses: [] }

/** Describes the first problem in words, with where it is ("nodes.0.port: port must be at most 65535"). */
export function validateSettings(
  data: unknown
): { ok: true; settings: Settings } | { ok: false; message: string } {
  const result = v.safeParse(SettingsSchema, data)
  if (result.success) return { ok: true, settings: result.output as Settings }
  return { ok: false, message: firstProblem(result.issues) }
}

/** True when the settings file can hold these window bounds. */
export function windowBoundsFit(bounds: WindowBounds): boolean {
  return v.safeParse(WindowBoundsSchema, bounds).success
}

/** Null when the settings file could hold this node's config, else the first problem in words. */
export function nodeConfigProblem(config: NodeConfig): string | null {
  const result = v.safeParse(NodeConfigSchema, config)
  return result.success ? null : firstProblem(result.issues)
}

function firstProblem(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): string {
  const issue = issues[0]
  const path = issue.path?.map((p) => String(p.key)).join('.')
  return `${path ? `${path}: ` : ''}${issue.message}`
}
