import { describe, expect, test } from 'vitest'
import { parseArguments } from '../../../src/shared/contract'
import { defaultNodeConfig } from '../../../src/main/host/node-config'
import { freeNodeName } from '../../../src/shared/node-defaults'
import {
  defaultNodeForm,
  fieldProblem,
  formFromConfig,
  formProblems,
  restartNeededFor,
  toCreateInput,
  toEditInput,
  topicProblem,
  type NodeForm,
  type NodeFormField
} from '../../../src/renderer/src/composables/node-form'

describe('create-node form', () => {
  test('defaults are the host defaults; the address is where the host lists new nodes, the port left for it to pick', () => {
    const { id: _id, name: _name, ...hostDefaults } = defaultNodeConfig()
    const { name, ...form } = defaultNodeForm([], { ip: '0.0.0.0' })
    expect(form).toEqual({ ...hostDefaults, ip: '0.0.0.0', port: null })
    expect(name).toBe('Node1')
    // Left empty, the port is not sent: the host gives the first free one of its range, and keeps it.
    expect(formProblems(defaultNodeForm())).toEqual({})
    expect(toCreateInput(defaultNodeForm())).not.toHaveProperty('port')
  })

  test('an edit starts from the node and sends only what changed, naming what waits for a restart', () => {
    const config = { ...defaultNodeConfig(), name: 'Desk', port: 8512, subscriptions: ['A'] }
    const form = formFromConfig(config)
    expect(toEditInput(form, config)).toEqual({})
    expect(fieldProblem({ ...form, port: null }, 'port', [], 'edit')).toBe('port is required')
    const changed = { ...form, name: 'Desk2', ttl: 9, port: 8600, subscriptions: ['A', 'B'] }
    changed.lan = { ...form.lan, enabled: false }
    expect(toEditInput(changed, config)).toEqual({
      name: 'Desk2',
      port: 8600,
      ttl: 9,
      subscriptions: ['A', 'B'],
      lan: { enabled: false, autoConnect: true, interfaces: [] }
    })
    expect(restartNeededFor(changed, config)).toEqual(['port', 'ttl'])
    expect(parseArguments('editNode', ['id', toEditInput(changed, config)]).ok).toBe(true)
  })

  test('the suggested name is the first free NodeN', () => {
    expect(freeNodeName([])).toBe('Node1')
    expect(freeNodeName(['Node1', 'Node2', 'Node4'])).toBe('Node3')
    expect(defaultNodeForm(['Node1']).name).toBe('Node2')
  })

  test('a valid form becomes an input the contract accepts', () => {
    const form = { ...defaultNodeForm(), name: ' Desk ', subscriptions: ['A', 'B', 'A'], port: 8511 }
    expect(formProblems(form)).toEqual({})
    const input = toCreateInput(form)
    expect(input).toMatchObject({ name: 'Desk', port: 8511, subscriptions: ['A', 'B'] })
    expect(parseArguments('createNode', [input]).ok).toBe(true)
  })

  const refused: [NodeFormField, Partial<NodeForm>, string][] = [
    ['name', { name: '' }, 'name must not be empty'],
    ['name', { name: 'x'.repeat(65) }, 'at most 64'],
    ['ip', { ip: '' }, 'ip is required'],
    ['ip', { ip: '1.2.3' }, "not an IPv4/IPv6 address: '1.2.3'"],
    ['ip', { ip: '[::1]' }, 'without brackets'],
    ['port', { port: 70000 }, 'port must be at most 65535'],
    ['port', { port: 1.5 }, 'whole number'],
    ['ttl', { ttl: 256 }, 'ttl must be at most 255'],
    ['maxConnections', { maxConnections: 0 }, 'maxConnections must be at least 1'],
    ['reconnections', { reconnections: -1 }, 'reconnections must be at least 0'],
    ['messagesPoolMaxSize', { messagesPoolMaxSize: 0 }, 'at least 1'],
    ['subscriptions', { subscriptions: ['All'] }, 'reserved'],
    ['subscriptions', { subscriptions: ['ok', ' '] }, 'must not be empty']
  ]
  test.each(refused)('%s: %j is refused with "%s"', (field, patch, message) => {
    const form = { ...defaultNodeForm(), ...patch }
    expect(fieldProblem(form, field)).toContain(message)
    expect(formProblems(form)[field]).toContain(message)
    expect(Object.keys(formProblems(form))).toEqual([field])
  })

  test('IPv6 and every-interface addresses are fine', () => {
    for (const ip of ['::1', '0.0.0.0', '::', 'fe80::1%lo', '10.231.0.1'])
      expect(fieldProblem({ ...defaultNodeForm(), ip }, 'ip')).toBeNull()
  })

  test('a topic typed into a chip input', () => {
    expect(topicProblem('news')).toBeNull()
    expect(topicProblem('@')).toContain('reserved')
    expect(topicProblem('news', ['news'])).toContain('already')
    expect(topicProblem('x'.repeat(129))).toContain('at most 128')
  })
})

describe('local node names', () => {
  test('a name another local node has (trimmed, any case, any Unicode form) is a problem', () => {
    const form = { ...defaultNodeForm(), name: ' HUB ' }
    expect(fieldProblem(form, 'name', ['Hub', 'Other'])).toBe("a local node is already named 'Hub'")
    expect(fieldProblem({ ...form, name: 'Cafe\u0301' }, 'name', ['Café'])).toBe(
      "a local node is already named 'Café'"
    )
    expect(fieldProblem({ ...form, name: 'Hub2' }, 'name', ['Hub'])).toBeNull()
    expect(formProblems(form, ['hub'])).toHaveProperty('name')
  })
})
