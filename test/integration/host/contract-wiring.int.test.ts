// The preload/contract wiring without Electron: handlers registered on an ipcMain look-alike, called exactly the
// way ipcMain.handle listeners are (event first, then the spread arguments), through the same bridge builder the
// preload uses.
import { afterEach, expect, test } from 'vitest'
import { registerContractHandlers, type IpcMainLike } from '../../../src/main/electron/register-ipc'
import { createContractHandlers } from '../../../src/main/host/contract-handlers'
import { NodeHost } from '../../../src/main/host/node-host'
import { buildBridge } from '../../../src/shared/bridge'
import { METHOD_NAMES, channelFor } from '../../../src/shared/methods'
import type { AppUpdate } from '../../../src/shared/snapshots'
import { waitFor } from '../../helpers/wait-for'

type Listener = Parameters<IpcMainLike['handle']>[1]

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>()
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  invoke(url: string, channel: string, args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel)
    if (!listener) return Promise.reject(new Error(`No handler registered for '${channel}'`))
    return Promise.resolve(listener({ senderFrame: { url } }, ...args))
  }
}

let host: NodeHost | null = null
afterEach(async () => {
  await host?.shutdown()
  host = null
})

test('every contract method is registered once on its channel, and calls round-trip through the bridge', async () => {
  const updates: AppUpdate[] = []
  host = new NodeHost({ settingsFile: null, firstLaunchNode: false, onUpdate: (u) => updates.push(u) })
  await host.load()
  const ipc = new FakeIpcMain()
  const unregister = registerContractHandlers(
    ipc,
    createContractHandlers(host),
    (url) => url === 'file:///app/index.html'
  )
  expect([...ipc.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(channelFor).sort())

  const bridge = buildBridge({
    call: (method, args) => ipc.invoke('file:///app/index.html', channelFor(method), args),
    subscribe: () => () => undefined
  })
  expect(Object.keys(bridge).sort()).toEqual([...METHOD_NAMES, 'onUpdate'].sort())

  const created = await bridge.createNode({
    name: 'Wired',
    ip: '127.0.0.1',
    port: 0,
    lan: { enabled: false }
  })
  expect(created.ok).toBe(true)
  if (!created.ok) return
  expect(created.value).toMatchObject({ state: 'serving', config: { name: 'Wired' } })
  const renamed = await bridge.renameNode(created.value.id, 'Rewired')
  expect(renamed).toMatchObject({ ok: true, value: { config: { name: 'Rewired' } } })
  await waitFor(() => updates.some((u) => u.nodes.some((n) => n.config.name === 'Rewired')))

  // Bad arguments never reach the host; a foreign frame is refused.
  expect(await bridge.stopNode(42 as unknown as string)).toMatchObject({
    ok: false,
    error: { name: 'ValidationError' }
  })
  expect(await ipc.invoke('https://evil.example/', channelFor('getState'), [])).toMatchObject({
    ok: false,
    error: { name: 'ForbiddenError' }
  })

  unregister()
  expect(ipc.handlers.size).toBe(0)
})
