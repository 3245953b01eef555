// Spec §5: the UDP status side channel, its timeout, and garbage datagrams.
import dgram from 'node:dgram'
import { describe, expect, it } from 'vitest'
import { requestStatus } from '../../../src/main/chaski/index'
import { encodeDatagram } from '../../../src/main/chaski/udp-status'
import { msgpackCodec } from '../../../src/main/chaski/codec'
import { useNodes } from '../../helpers/nodes'

const createNode = useNodes({ reconnections: 0 })

async function silentUdpPort(ip = '127.0.0.1'): Promise<{ port: number; close: () => Promise<void> }> {
  const socket = dgram.createSocket(ip.includes(':') ? 'udp6' : 'udp4')
  await new Promise<void>((resolve) => socket.bind({ address: ip, port: 0 }, () => resolve()))
  return { port: socket.address().port, close: () => new Promise((resolve) => socket.close(() => resolve())) }
}

describe('UDP status', () => {
  for (const ip of ['127.0.0.1', '::1']) {
    it(`answers a status request with name, paired map, serving, reconnecting (${ip})`, async () => {
      const node = await createNode({ ip, name: 'statusful', subscriptions: ['a', 'b'] })
      node.subscribe(['c'], { paired: true })
      const status = await requestStatus(ip, node.port, { timeoutMs: 2_000 })
      expect(status.name).toBe('statusful')
      expect({ ...status.paired }).toEqual({ a: false, b: false, c: true })
      expect(status.serving).toBe(true)
      expect(status.reconnecting).toBe(false)
    })
  }

  it('a node asks another node over its own socket', async () => {
    const a = await createNode()
    const b = await createNode({ name: 'B', paired: true, subscriptions: ['t'] })
    const status = await a.requestStatus('127.0.0.1', b.port)
    expect(status.name).toBe('B')
    expect(status.paired.t).toBe(true)
  })

  it('times out with StatusTimeoutError when nobody answers', async () => {
    const silent = await silentUdpPort()
    try {
      const started = Date.now()
      await expect(requestStatus('127.0.0.1', silent.port, { timeoutMs: 150 })).rejects.toMatchObject({
        name: 'StatusTimeoutError'
      })
      expect(Date.now() - started).toBeLessThan(5_000)
      const a = await createNode({ statusTimeoutMs: 150 })
      await expect(a.requestStatus('127.0.0.1', silent.port)).rejects.toMatchObject({
        name: 'StatusTimeoutError'
      })
    } finally {
      await silent.close()
    }
  })

  it('drops garbage datagrams and keeps answering real requests', async () => {
    const node = await createNode({ name: 'robust' })
    const sender = dgram.createSocket('udp4')
    try {
      const garbage = [
        Buffer.from('hello'),
        Buffer.alloc(0),
        Buffer.from('CKS1'),
        Buffer.concat([Buffer.from('CKS1'), Buffer.from([0xc1, 0xff, 0x00])]),
        encodeDatagram(msgpackCodec, { command: 'status' }),
        encodeDatagram(msgpackCodec, { command: 'explode', id: 'x' }),
        encodeDatagram(msgpackCodec, {
          command: 'response',
          id: 'nobody-asked',
          name: 'x',
          paired: {},
          serving: true,
          reconnecting: false
        }),
        encodeDatagram(msgpackCodec, [1, 2, 3]),
        Buffer.alloc(9000, 1)
      ]
      for (const datagram of garbage) {
        await new Promise<void>((resolve) => sender.send(datagram, node.port, '127.0.0.1', () => resolve()))
      }
      for (let i = 0; i < 200; i++) sender.send(Buffer.from([i]), node.port, '127.0.0.1')
      const status = await requestStatus('127.0.0.1', node.port, { timeoutMs: 2_000 })
      expect(status.name).toBe('robust')
      expect(node.running).toBe(true)
    } finally {
      await new Promise<void>((resolve) => sender.close(() => resolve()))
    }
  })

  it('rejects bad arguments clearly', async () => {
    await expect(requestStatus('not-an-ip', 1)).rejects.toMatchObject({ name: 'InvalidOptionError' })
    await expect(requestStatus('127.0.0.1', 0)).rejects.toMatchObject({ name: 'InvalidOptionError' })
  })
})
