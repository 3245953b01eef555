// The create and edit dialogs' model: every NodeConfig option (defaults filled in for a new node, the node's own for
// an edit), validation per field as the person types (the contract's own schemas, so the dialog and the host agree),
// and the createNode / editNode input. Pure, unit-tested.
import * as v from 'valibot'
import { NodeConfigSchema, TopicSchema, type NodeConfigInput } from '../../../shared/contract'
import { ipVersion } from '../../../shared/address-text'
import { freeNodeName, nodeDefaults, sameNodeName } from '../../../shared/node-defaults'
import { optionsAwaitingRestart } from '../../../shared/restart-options'
import type { NewNodeDefaults, NodeConfig, RestartOption, TrustPolicyName } from '../../../shared/snapshots'

export interface NodeForm {
  name: string
  ip: string
  /** null: a new node takes the first free port of the range (the host picks it and keeps it). */
  port: number | null
  subscriptions: string[]
  ttl: number | null
  root: boolean
  paired: boolean
  maxConnections: number | null
  reconnections: number | null
  keepAlive: boolean
  messagePropagation: boolean
  messagesPoolMaxSize: number | null
  lan: { enabled: boolean; autoConnect: boolean; interfaces: string[] }
  autoStart: boolean
  trust: TrustPolicyName
  insecure: boolean
}

export type NodeFormField =
  | 'name'
  | 'ip'
  | 'port'
  | 'subscriptions'
  | 'ttl'
  | 'maxConnections'
  | 'reconnections'
  | 'messagesPoolMaxSize'
  | 'lan.interfaces'

export const NODE_FORM_FIELDS: readonly NodeFormField[] = [
  'name',
  'ip',
  'port',
  'subscriptions',
  'ttl',
  'maxConnections',
  'reconnections',
  'messagesPoolMaxSize',
  'lan.interfaces'
]

/**
 * Defaults of docs/SEMANTICS.md §1 and of the app, shared with the host (src/shared/node-defaults.ts); the address
 * and the port as the host chooses them for this machine (`defaults`): the port left empty means the first free one.
 */
export function defaultNodeForm(
  takenNames: readonly string[] = [],
  defaults?: Pick<NewNodeDefaults, 'ip'>
): NodeForm {
  const base = nodeDefaults()
  return {
    name: freeNodeName(takenNames),
    ...base,
    ip: defaults?.ip ?? base.ip,
    port: null,
    lan: { ...base.lan, interfaces: [...base.lan.interfaces] }
  }
}

/** The edit dialog's starting point: the node's own options. */
export function formFromConfig(config: NodeConfig): NodeForm {
  const { id: _id, ...rest } = config
  return {
    ...rest,
    subscriptions: [...config.subscriptions],
    lan: { ...config.lan, interfaces: [...config.lan.interfaces] }
  }
}

function firstIssue(schema: v.GenericSchema, value: unknown): string | null {
  const result = v.safeParse(schema, value)
  return result.success ? null : (result.issues[0]?.message ?? 'invalid value')
}

const fields = NodeConfigSchema.entries

/** Why a topic typed into a chip input cannot be added, or null. */
export function topicProblem(topic: string, existing: readonly string[] = []): string | null {
  const problem = firstIssue(TopicSchema, topic)
  if (problem) return problem
  return existing.includes(topic.trim()) ? `'${topic.trim()}' is already in the list` : null
}

/** A name another local node already has (the host refuses it too): two nodes must be told apart. */
export function takenNameProblem(name: string, takenNames: readonly string[]): string | null {
  const taken = takenNames.find((other) => sameNodeName(other, name))
  return taken === undefined ? null : `a local node is already named '${taken}'`
}

/** What is wrong with one field, in words the person can act on; null when it is fine. */
export function fieldProblem(
  form: NodeForm,
  field: NodeFormField,
  takenNames: readonly string[] = [],
  mode: 'create' | 'edit' = 'create'
): string | null {
  const number = (value: number | null, schema: v.GenericSchema, label: string) =>
    value === null ? `${label} is required` : firstIssue(schema, value)
  switch (field) {
    case 'name':
      return firstIssue(fields.name, form.name) ?? takenNameProblem(form.name, takenNames)
    case 'ip': {
      const ip = form.ip.trim()
      if (ip === '') return 'ip is required (127.0.0.1 for this machine only, 0.0.0.0 for every interface)'
      if (/^\[.*\]$/.test(ip)) return 'write an IPv6 address without brackets, e.g. ::1'
      return ipVersion(ip) === 0 ? `not an IPv4/IPv6 address: '${ip}'` : null
    }
    case 'port':
      // Empty: the host picks the first free port (new nodes only; an edit keeps a number).
      return form.port === null && mode === 'create' ? null : number(form.port, fields.port, 'port')
    case 'subscriptions':
      return firstIssue(fields.subscriptions, form.subscriptions)
    case 'ttl':
      return number(form.ttl, fields.ttl, 'ttl')
    case 'maxConnections':
      return number(form.maxConnections, fields.maxConnections, 'maxConnections')
    case 'reconnections':
      return number(form.reconnections, fields.reconnections, 'reconnections')
    case 'messagesPoolMaxSize':
      return number(form.messagesPoolMaxSize, fields.messagesPoolMaxSize, 'messagesPoolMaxSize')
    case 'lan.interfaces':
      return firstIssue(fields.lan.entries.interfaces, form.lan.interfaces)
  }
}

export function formProblems(
  form: NodeForm,
  takenNames: readonly string[] = [],
  mode: 'create' | 'edit' = 'create'
): Partial<Record<NodeFormField, string>> {
  const problems: Partial<Record<NodeFormField, string>> = {}
  for (const field of NODE_FORM_FIELDS) {
    const problem = fieldProblem(form, field, takenNames, mode)
    if (problem) problems[field] = problem
  }
  return problems
}

/** The createNode argument; call only when formProblems() is empty. */
export function toCreateInput(form: NodeForm): NodeConfigInput {
  const required = (value: number | null, label: string): number => {
    if (value === null) throw new Error(`${label} is required`)
    return value
  }
  return {
    name: form.name.trim(),
    ip: form.ip.trim(),
    ...(form.port === null ? {} : { port: form.port }),
    subscriptions: [...new Set(form.subscriptions.map((t) => t.trim()))],
    ttl: required(form.ttl, 'ttl'),
    root: form.root,
    paired: form.paired,
    maxConnections: required(form.maxConnections, 'maxConnections'),
    reconnections: required(form.reconnections, 'reconnections'),
    keepAlive: form.keepAlive,
    messagePropagation: form.messagePropagation,
    messagesPoolMaxSize: required(form.messagesPoolMaxSize, 'messagesPoolMaxSize'),
    lan: {
      enabled: form.lan.enabled,
      autoConnect: form.lan.autoConnect,
      interfaces: [...form.lan.interfaces]
    },
    autoStart: form.autoStart,
    trust: form.trust,
    insecure: form.insecure
  }
}

/** The editNode argument: only the options that differ from the node's (call only when formProblems() is empty). */
export function toEditInput(form: NodeForm, config: NodeConfig): NodeConfigInput {
  const next = { ...toCreateInput(form), port: form.port ?? config.port }
  const changed: NodeConfigInput = {}
  for (const key of Object.keys(next) as (keyof typeof next)[]) {
    if (key === 'lan') continue
    if (JSON.stringify(next[key]) !== JSON.stringify(config[key]))
      Object.assign(changed, { [key]: next[key] })
  }
  const lan = next.lan ?? {}
  if (JSON.stringify({ ...config.lan, ...lan }) !== JSON.stringify(config.lan)) changed.lan = lan
  return changed
}

/** The options this edit changes that a running node only takes at its next start. */
export function restartNeededFor(form: NodeForm, config: NodeConfig): RestartOption[] {
  const input = toEditInput(form, config)
  return optionsAwaitingRestart(config, { ...config, ...input, lan: config.lan } as NodeConfig)
}
