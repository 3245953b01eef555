// Issue #11 row 7: a 27-byte UDP status request got up to a 62 KB answer (to whatever source address the request
// claims: 3× to 2,314× amplification), and the response rate limit was global, so one flooding source made other
// sources' requests fail. Now an answer is never larger than 3× its request (a status too big for it says so in a
// few bytes and the requester is pointed to TCP), requestStatus() pads its request so a normal status fits, and
// responses are rate limited per source address as well as overall (docs/PROTOCOL.md §9).
import { createSocket, type Socket } from 'node:dgram'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requestStatus } from '../../../src/main/chaski/index'
import { waitFor } from '../../helpers/wait-for'
import { runCli } from '../cli/cli-process'
import { ChildNode, mapOf, plain } from './raw-peer'

/** 64 topics of 128 bytes: a status of about 8.6 KB. */
const MANY_TOPICS = Array.from({ length: 64 }, (_, i) => `${String(i).padStart(3, '0')}-${'t'.repeat(124)}`)

let big: ChildNode
let small: ChildNode
let socket: Socket
const answers: Buffer[] = []

beforeAll(async () => {
  ;[big, small] = await Promise.all([
    ChildNode.start({ name: 'big', subscriptions: MANY_TOPICS, keepAlive: false }),
    ChildNode.start({ name: 'small', subscriptions: ['a', 'b'], keepAlive: false })
  ])
  socket = createSocket('udp4')
  socket.on('message', (answer) => answers.push(answer))
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
})

afterAll(async () => {
  socket.close()
  await Promise.all([big.kill(), small.kill()])
})

/** A status request datagram of exactly `size` bytes (the smallest is 27: 'CKS1' + {command, id: 'abc'}). */
function request(size: number): Buffer {
  const bare = Buffer.concat([
    Buffer.from('CKS1'),
    mapOf([
      ['command', plain('status')],
      ['id', plain('abc')]
    ])
  ])
  if (size === bare.length) return bare
  // A third entry pads it: key 'pad' and a string whose header grows with it.
  for (let n = size - bare.length - 4; n >= 0; n--) {
    const padded = Buffer.concat([
      Buffer.from('CKS1'),
      mapOf([
        ['command', plain('status')],
        ['id', plain('abc')],
        ['pad', plain(' '.repeat(n))]
      ])
    ])
    if (padded.length === size) return padded
  }
  throw new Error(`cannot build a ${size}-byte request`)
}

/** Sends one request and returns the bytes of the answer. */
async function answerTo(bytes: Buffer, port: number): Promise<Buffer> {
  const before = answers.length
  socket.send(bytes, port, '127.0.0.1')
  await waitFor(() => answers.length > before, { timeoutMs: 2_000, message: 'an answer' })
  return answers[before]!
}

describe('UDP status answers', () => {
  it.each([27, 65, 300, 1200, 2731])('are at most 3× a request of %i bytes', async (size) => {
    for (const node of [big, small]) {
      const answer = await answerTo(request(size), node.port)
      expect(answer.length, `answer of ${answer.length} bytes to a ${size}-byte request`).toBeLessThanOrEqual(
        3 * size
      )
    }
  })

  it('a status too large for its request says so, and requestStatus() points to TCP', async () => {
    expect((await requestStatus('127.0.0.1', small.port)).name).toBe('small')
    await expect(requestStatus('127.0.0.1', big.port)).rejects.toMatchObject({
      name: 'StatusTooLargeError',
      message: expect.stringMatching(/chaski ping 127\.0\.0\.1:\d+/)
    })
    const cli = await runCli(['status', `127.0.0.1:${big.port}`])
    expect(cli.exitInfo.code).toBe(1)
    expect(cli.stderr).toMatch(/too large.*chaski ping/)
  })

  it('a flood from one source does not make requests from another fail', async () => {
    const flooder = createSocket('udp4')
    await new Promise<void>((resolve) => flooder.bind(0, '127.0.0.2', resolve))
    let flooding = true
    let sent = 0
    const flood = (async () => {
      const datagram = request(27)
      // Evenly spread, about 3,000 requests a second: every millisecond or so, a few.
      while (flooding) {
        for (let i = 0; i < 3; i++) flooder.send(datagram, small.port, '127.0.0.1')
        sent += 3
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
    })()
    try {
      // Long enough for the flood to spend any burst allowance the node has.
      await waitFor(() => sent >= 3_000, { message: 'the flood to be under way' })
      let answered = 0
      for (let i = 0; i < 10; i++) {
        const status = await requestStatus('127.0.0.1', small.port, { timeoutMs: 1_000 }).catch(() => null)
        if (status?.name === 'small') answered++
        await new Promise((resolve) => setTimeout(resolve, 20)) // spread over the flood, as separate users are
      }
      expect(answered, 'legitimate requests answered during the flood').toBe(10)
    } finally {
      flooding = false
      await flood
      flooder.close()
    }
  })
})
