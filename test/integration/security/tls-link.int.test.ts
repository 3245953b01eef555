// Verified TLS links over real sockets on loopback (issue #13): who each side is sure it talks to, what a relay in the
// middle can and cannot do, what a wiretap sees, and how the primitive refuses plaintext, silent, keyless and foreign
// peers. The tests' in-band messages (JSON lines) stand in for the secure handshake's frames.
import { describe, expect, it } from 'vitest'
import type net from 'node:net'
import tls from 'node:tls'
import { once } from 'node:events'
import { generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto'
import { spawn } from 'node:child_process'
import path from 'node:path'
import 'reflect-metadata'
import { X509CertificateGenerator } from '@peculiar/x509'
import {
  checkComparisonReveal,
  comparisonCode,
  createComparisonCommitment,
  createComparisonNonce
} from '../../../src/main/chaski/security/comparison-code'
import {
  networkKeyProofs,
  parseNetworkKeyText,
  verifyNetworkKeyProofs
} from '../../../src/main/chaski/security/network-key'
import { createNodeCertificate } from '../../../src/main/chaski/security/certificate'
import { generateNodeKey } from '../../../src/main/chaski/security/node-key'
import { sniffConnection } from '../../../src/main/chaski/security/transport-sniff'
import {
  secureAccept,
  secureDial,
  verifyClaimedId,
  type TlsCredentials,
  type VerifiedTlsLink
} from '../../../src/main/chaski/security/tls-link'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { HOST, JsonLines, newCredentials, useTlsNet, type Accepted } from './tls-peers'

const REPO_ROOT = path.resolve(__dirname, '../../..')
const RAW_DESTROY_CHILD = path.join(__dirname, 'raw-destroy-child.ts')

const net$ = useTlsNet()
// Protocol version 1 nodes (secure: false): the plaintext peers a secure link must tell apart.
const makeNode = useNodes({ secure: false })

/** The error `promise` rejects with (a resolved promise fails the test). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: Error) => err
  )
}

function linkOf(outcome: Accepted): VerifiedTlsLink {
  if (!outcome.link) throw outcome.error
  return outcome.link
}

describe('two nodes', () => {
  it('link over TLS 1.3 and each knows the other by its key: ids, keys and channel binding agree', async () => {
    const a = await newCredentials()
    const b = await newCredentials()
    const listener = await net$.listen(b)
    const fromA = await net$.dial(listener.port, a, { expectedPeerId: b.key.id })
    const atB = linkOf(await listener.next())

    expect(fromA.peerId).toBe(b.key.id)
    expect(atB.peerId).toBe(a.key.id)
    expect(fromA.peerSpki.equals(b.key.spki)).toBe(true)
    expect(atB.peerSpki.equals(a.key.spki)).toBe(true)
    expect([fromA.role, atB.role]).toEqual(['dialler', 'acceptor'])
    expect(fromA.socket.getProtocol()).toBe('TLSv1.3')
    expect(fromA.cipher).toMatch(/^TLS_/)
    expect(fromA.channelBinding).toHaveLength(32)
    expect(fromA.channelBinding.equals(atB.channelBinding)).toBe(true)
    expect(() => verifyClaimedId(atB, a.key.id)).not.toThrow()
    expect(() => verifyClaimedId(fromA, b.key.id)).not.toThrow()

    // The link carries data both ways.
    const lines = new JsonLines(atB.socket)
    new JsonLines(fromA.socket).send({ hello: 'b' })
    expect(await lines.next()).toEqual({ hello: 'b' })
  })

  it('show both people the same comparison code when linked directly', async () => {
    const a = await newCredentials()
    const b = await newCredentials()
    const listener = await net$.listen(b)
    const fromA = await net$.dial(listener.port, a)
    const atB = linkOf(await listener.next())
    const [codeAtA, codeAtB] = await Promise.all([
      runComparison(fromA, a.key.spki),
      runComparison(atB, b.key.spki)
    ])
    expect(codeAtA).toMatch(/^\d{3} \d{3}$/)
    expect(codeAtA).toBe(codeAtB)
  })

  it('link when both hold the network key, and refuse a peer that holds another', async () => {
    const fleet = parseNetworkKeyText(randomBytes(32).toString('hex'), 'fleet')
    const stranger = parseNetworkKeyText(randomBytes(32).toString('hex'), 'stranger')
    const b = await newCredentials()
    const listener = await net$.listen(b)
    for (const [dialler, accepted] of [
      [fleet, true],
      [stranger, false]
    ] as const) {
      const fromA = await net$.dial(listener.port, await newCredentials())
      const atB = linkOf(await listener.next())
      const send = (link: VerifiedTlsLink, set: typeof fleet): void =>
        new JsonLines(link.socket).send({ proofs: networkKeyProofs(set, link).map((p) => p.toString('hex')) })
      send(fromA, dialler)
      send(atB, fleet)
      const got = await new JsonLines(atB.socket).next<{ proofs: string[] }>()
      const proofs = got.proofs.map((h) => Buffer.from(h, 'hex'))
      if (accepted) expect(verifyNetworkKeyProofs(fleet, atB, proofs)).toBe(0)
      else expect(() => verifyNetworkKeyProofs(fleet, atB, proofs)).toThrow(/does not hold our network key/)
    }
  })

  it('a second link between the same two nodes has another channel binding', async () => {
    const a = await newCredentials()
    const b = await newCredentials()
    const listener = await net$.listen(b)
    const first = await net$.dial(listener.port, a)
    const second = await net$.dial(listener.port, a)
    expect(first.channelBinding.equals(second.channelBinding)).toBe(false)
  })
})

describe('a node presenting the id of another', () => {
  it('is refused by the acceptor: the id it claims is not the id of the key it proved', async () => {
    const victim = generateNodeKey()
    const impostor = await newCredentials()
    const b = await newCredentials()
    const listener = await net$.listen(b)
    const link = await net$.dial(listener.port, impostor)
    new JsonLines(link.socket).send({ id: victim.id })
    const atB = linkOf(await listener.next())
    const claim = await new JsonLines(atB.socket).next<{ id: string }>()
    let error: unknown
    try {
      verifyClaimedId(atB, claim.id)
    } catch (err) {
      error = err
    }
    expect(error).toMatchObject({
      name: 'IdentityMismatchError',
      claimedId: victim.id,
      provenId: impostor.key.id
    })
    expect((error as Error).message).toContain(victim.id)
  })

  it('is refused by a dialler that dialled for the real node, before any frame is sent', async () => {
    const real = generateNodeKey()
    const impostor = await newCredentials()
    const listener = await net$.listen(impostor)
    const error = await rejection(
      net$.dial(listener.port, await newCredentials(), { expectedPeerId: real.id })
    )
    expect(error).toMatchObject({
      name: 'IdentityMismatchError',
      claimedId: real.id,
      provenId: impostor.key.id
    })
    // The dialler closed the connection: the impostor's end sees it close, during or right after its handshake.
    const atImpostor = await listener.next()
    if (atImpostor.error) expect(atImpostor.error.name).toBe('SecureHandshakeError')
    else {
      const socket = atImpostor.link.socket
      await waitFor(() => socket.destroyed || socket.readableEnded, {
        message: 'the impostor sees the link closed'
      })
    }
  })
})

/**
 * A man in the middle: it accepts the dialler's TLS with its own key, dials the real acceptor with its own key, and
 * passes every in-band message on. Returns the links at the two victims and the relay's two links.
 */
async function relayBetween(
  a: TlsCredentials,
  b: TlsCredentials,
  onRelay: (towardsA: VerifiedTlsLink, towardsB: VerifiedTlsLink) => void
): Promise<{ atA: VerifiedTlsLink; atB: VerifiedTlsLink }> {
  const relay = await newCredentials()
  const bListener = await net$.listen(b)
  const relayListener = await net$.listen(relay)
  const atA = await net$.dial(relayListener.port, a)
  const towardsA = linkOf(await relayListener.next())
  const towardsB = await net$.dial(bListener.port, relay)
  const atB = linkOf(await bListener.next())
  onRelay(towardsA, towardsB)
  return { atA, atB }
}

describe('a relay that terminates TLS with its own key and dials the other side (man in the middle)', () => {
  it('cannot pass for either side: each sees the relay key under the id the other claims', async () => {
    const a = await newCredentials()
    const b = await newCredentials()
    const { atA, atB } = await relayBetween(a, b, (towardsA, towardsB) => {
      // Plain forwarding of whatever each side says.
      towardsA.socket.pipe(towardsB.socket)
      towardsB.socket.pipe(towardsA.socket)
    })
    new JsonLines(atA.socket).send({ id: a.key.id })
    new JsonLines(atB.socket).send({ id: b.key.id })
    const claimAtB = await new JsonLines(atB.socket).next<{ id: string }>()
    const claimAtA = await new JsonLines(atA.socket).next<{ id: string }>()
    expect(claimAtB.id).toBe(a.key.id)
    expect(claimAtA.id).toBe(b.key.id)
    expect(() => verifyClaimedId(atB, claimAtB.id)).toThrow(
      expect.objectContaining({ name: 'IdentityMismatchError' })
    )
    expect(() => verifyClaimedId(atA, claimAtA.id)).toThrow(
      expect.objectContaining({ name: 'IdentityMismatchError' })
    )
    expect(atA.peerId).not.toBe(b.key.id)
    expect(atB.peerId).not.toBe(a.key.id)
  })

  it('cannot dial as the real node either: a dialler that expects b refuses the relay', async () => {
    const a = await newCredentials()
    const b = await newCredentials()
    const relay = await newCredentials()
    const relayListener = await net$.listen(relay)
    const error = await rejection(net$.dial(relayListener.port, a, { expectedPeerId: b.key.id }))
    expect(error.name).toBe('IdentityMismatchError')
  })

  it('cannot pass on a network-key proof: it is bound to the link it was made on', async () => {
    const fleet = parseNetworkKeyText(randomBytes(32).toString('hex'), 'fleet')
    const a = await newCredentials()
    const b = await newCredentials()
    const { atA, atB } = await relayBetween(a, b, (towardsA, towardsB) => {
      towardsA.socket.pipe(towardsB.socket)
      towardsB.socket.pipe(towardsA.socket)
    })
    const proofs = (link: VerifiedTlsLink): string[] =>
      networkKeyProofs(fleet, link).map((p) => p.toString('hex'))
    new JsonLines(atA.socket).send({ proofs: proofs(atA) })
    new JsonLines(atB.socket).send({ proofs: proofs(atB) })
    const atBGot = await new JsonLines(atB.socket).next<{ proofs: string[] }>()
    const atAGot = await new JsonLines(atA.socket).next<{ proofs: string[] }>()
    const asBytes = (hex: string[]): Buffer[] => hex.map((h) => Buffer.from(h, 'hex'))
    expect(() => verifyNetworkKeyProofs(fleet, atB, asBytes(atBGot.proofs))).toThrow(/does not hold/)
    expect(() => verifyNetworkKeyProofs(fleet, atA, asBytes(atAGot.proofs))).toThrow(/does not hold/)
  })

  it('cannot show both people the same comparison code: passed on, the commitment fails; played along, the codes differ', async () => {
    const a = await newCredentials()
    const b = await newCredentials()
    // 1. The relay passes the exchange on untouched: b finds a's reveal does not match a's commitment on b's link.
    const passed = await relayBetween(a, b, (towardsA, towardsB) => {
      towardsA.socket.pipe(towardsB.socket)
      towardsB.socket.pipe(towardsA.socket)
    })
    const aLines = new JsonLines(passed.atA.socket)
    const bLines = new JsonLines(passed.atB.socket)
    const aCommit = createComparisonCommitment(passed.atA.channelBinding)
    aLines.send({ commit: aCommit.commitment.toString('hex') })
    const commitAtB = Buffer.from((await bLines.next<{ commit: string }>()).commit, 'hex')
    bLines.send({ nonce: createComparisonNonce().toString('hex') })
    await aLines.next()
    aLines.send({ reveal: aCommit.nonce.toString('hex') })
    const revealAtB = Buffer.from((await bLines.next<{ reveal: string }>()).reveal, 'hex')
    expect(() => checkComparisonReveal(passed.atB.channelBinding, commitAtB, revealAtB)).toThrow(
      expect.objectContaining({ name: 'ComparisonCommitmentError' })
    )

    // 2. The relay plays each exchange itself, with its own nonces: every check passes, and each victim agrees with
    // the relay on its own link, but the two victims' codes differ (they would match by chance once in a million
    // attempts, and each attempt shows the two people different codes).
    let relayCodes!: Promise<[string, string]>
    const played = await relayBetween(a, b, (towardsA, towardsB) => {
      relayCodes = Promise.all([
        runComparison(towardsA, ownSpki(towardsA)),
        runComparison(towardsB, ownSpki(towardsB))
      ])
    })
    const [codeAtA, codeAtB] = await Promise.all([
      runComparison(played.atA, a.key.spki),
      runComparison(played.atB, b.key.spki)
    ])
    const [relayWithA, relayWithB] = await relayCodes
    expect(codeAtA).toMatch(/^\d{3} \d{3}$/)
    expect(relayWithA).toBe(codeAtA)
    expect(relayWithB).toBe(codeAtB)
    expect(codeAtA).not.toBe(codeAtB)
  })
})

/** Our own key on `link`, from the certificate we presented. */
function ownSpki(link: VerifiedTlsLink): Buffer {
  return link.socket.getX509Certificate()!.publicKey.export({ type: 'spki', format: 'der' })
}

/** The comparison exchange (comparison-code.ts) from `link`'s end, over JSON lines; resolves with the code. */
async function runComparison(link: VerifiedTlsLink, ownKey: Buffer): Promise<string> {
  const lines = new JsonLines(link.socket)
  const hex = (b: Buffer): string => b.toString('hex')
  const bytes = (h: unknown): Buffer => Buffer.from(String(h), 'hex')
  let diallerNonce: Buffer
  let acceptorNonce: Buffer
  if (link.role === 'dialler') {
    const mine = createComparisonCommitment(link.channelBinding)
    lines.send({ commit: hex(mine.commitment) })
    acceptorNonce = bytes((await lines.next()).nonce)
    lines.send({ reveal: hex(mine.nonce) })
    diallerNonce = mine.nonce
  } else {
    const commitment = bytes((await lines.next()).commit)
    acceptorNonce = createComparisonNonce()
    lines.send({ nonce: hex(acceptorNonce) })
    diallerNonce = bytes((await lines.next()).reveal)
    checkComparisonReveal(link.channelBinding, commitment, diallerNonce)
  }
  return comparisonCode({
    channelBinding: link.channelBinding,
    keys: [ownKey, link.peerSpki],
    diallerNonce,
    acceptorNonce
  })
}

describe('a wiretap between two nodes (a relay that records every byte it passes on)', () => {
  const secret = {
    name: 'Alice-Workstation-7f3e',
    topic: 'payroll/quarterly-7f3e',
    payload: 'the-launch-code-is-7f3e9c'
  }
  const markers = Object.values(secret)

  it('sees only ciphertext on a secure link: no name, topic or payload, in either direction', async () => {
    const a = await newCredentials()
    const b = await newCredentials()
    const listener = await net$.listen(b)
    const recorder = await net$.recordingRelay(listener.port)
    const fromA = await net$.dial(recorder.port, a, { expectedPeerId: b.key.id })
    const atB = linkOf(await listener.next())
    const atBLines = new JsonLines(atB.socket)
    const atALines = new JsonLines(fromA.socket)
    for (let i = 0; i < 20; i++) {
      atALines.send(secret)
      atBLines.send(secret)
    }
    for (let i = 0; i < 20; i++) {
      expect(await atBLines.next()).toEqual(secret)
      expect(await atALines.next()).toEqual(secret)
    }
    const wire = recorder.captured()
    expect(wire.length).toBeGreaterThan(20 * 2 * JSON.stringify(secret).length)
    expect(wire[0]).toBe(0x16) // a TLS handshake record: the recorder did see the link from its first byte
    for (const marker of markers) {
      expect(wire.includes(Buffer.from(marker)), marker).toBe(false)
      expect(wire.includes(Buffer.from(marker, 'utf16le')), marker).toBe(false)
    }
  })

  it('(control) sees all of it on a plaintext link, so the check above can fail', async () => {
    const port = await net$.listenRaw((socket) => socket.pipe(socket))
    const recorder = await net$.recordingRelay(port)
    const socket = net$.tcp(recorder.port)
    const lines = new JsonLines(socket)
    lines.send(secret)
    expect(await lines.next()).toEqual(secret)
    for (const marker of markers) expect(recorder.captured().includes(Buffer.from(marker))).toBe(true)
  })
})

describe('peers that are not secure ChaskiNodes', () => {
  it('a plaintext (protocol version 1) node: a secure dial to it fails with PlaintextPeerError', async () => {
    const v1 = await makeNode({ name: 'plain-v1' })
    const error = await rejection(net$.dial(v1.port, await newCredentials()))
    expect(error.name).toBe('PlaintextPeerError')
    expect(error.message).toContain(`127.0.0.1:${v1.port}`)
  })

  it('a plaintext node dialling a secure one is told apart by its first byte; a TLS dial goes on to link', async () => {
    const b = await newCredentials()
    const kinds: string[] = []
    const links: Promise<VerifiedTlsLink>[] = []
    const port = await net$.listenRaw((socket) => {
      void sniffConnection(socket).then((kind) => {
        kinds.push(kind)
        if (kind === 'tls') links.push(secureAccept(socket, b))
        else socket.destroy()
      })
    })
    const v1 = await makeNode({ name: 'plain-v1' })
    await rejection(v1.connect(`127.0.0.1:${port}`))
    const a = await newCredentials()
    const fromA = await net$.dial(port, a)
    await waitFor(() => links.length === 1)
    const atB = await links[0]!
    expect(kinds).toEqual(['plaintext', 'tls'])
    expect(atB.peerId).toBe(a.key.id)
    expect(fromA.peerId).toBe(b.key.id)
  })

  it('a TLS client without a certificate is refused by the acceptor (no key, no id)', async () => {
    const listener = await net$.listen(await newCredentials())
    const client = net$.track(
      tls.connect({ host: HOST, port: listener.port, rejectUnauthorized: false, ALPNProtocols: ['chaski/2'] })
    )
    client.on('error', () => {})
    const outcome = await listener.next()
    expect(outcome.error?.name).toBe('PeerKeyError')
    expect(outcome.error?.message).toMatch(/no certificate/)
  })

  it('a peer whose certificate carries another kind of key (Ed25519) is refused', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const subtle = webcrypto.subtle
    const keys = {
      privateKey: await subtle.importKey(
        'pkcs8',
        privateKey.export({ type: 'pkcs8', format: 'der' }),
        'Ed25519',
        false,
        ['sign']
      ),
      publicKey: await subtle.importKey(
        'spki',
        publicKey.export({ type: 'spki', format: 'der' }),
        'Ed25519',
        true,
        ['verify']
      )
    }
    const certificate = await X509CertificateGenerator.createSelfSigned(
      { name: 'CN=ed25519', keys, signingAlgorithm: { name: 'Ed25519' } },
      webcrypto as never
    )
    const context = tls.createSecureContext({
      key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      cert: certificate.toString('pem'),
      minVersion: 'TLSv1.3'
    })
    const listener = await net$.listen(await newCredentials())
    const client = net$.track(
      tls.connect({
        host: HOST,
        port: listener.port,
        secureContext: context,
        rejectUnauthorized: false,
        ALPNProtocols: ['chaski/2']
      })
    )
    client.on('error', () => {})
    const outcome = await listener.next()
    expect(outcome.error?.name).toBe('PeerKeyError')
    expect(outcome.error?.message).toMatch(/ed25519 key; node keys are ECDSA P-256/)
  })

  it('a TLS service of another kind (no chaski/2 application protocol) is refused', async () => {
    const other = await newCredentials()
    const server = tls.createServer({
      key: other.key.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      cert: other.certificate
    })
    server.on('secureConnection', (socket) => socket.on('error', () => {}))
    server.listen(0, HOST)
    await once(server, 'listening')
    try {
      const port = (server.address() as net.AddressInfo).port
      const error = await rejection(net$.dial(port, await newCredentials()))
      expect(error.name).toBe('SecureHandshakeError')
      expect(error.message).toMatch(/chaski\/2/)
    } finally {
      server.close()
    }
  })
})

describe('bounded in time', () => {
  it('a dial to a peer that never answers the TLS handshake ends with SecureHandshakeTimeoutError, socket closed', async () => {
    const port = await net$.listenRaw(() => {})
    const socket = net$.tcp(port)
    const t0 = performance.now()
    const error = await rejection(secureDial(socket, await newCredentials(), { timeoutMs: 300 }))
    expect(error.name).toBe('SecureHandshakeTimeoutError')
    expect(performance.now() - t0).toBeLessThan(5_000)
    expect(socket.destroyed).toBe(true)
  })

  it('an inbound connection that sends nothing is dropped after the timeout', async () => {
    const outcomes: Error[] = []
    const sockets: net.Socket[] = []
    const port = await net$.listenRaw((socket) => {
      sockets.push(socket)
      secureAccept(socket, bCredentials!, { timeoutMs: 300 }).catch((err: Error) => outcomes.push(err))
    })
    const bCredentials: TlsCredentials | undefined = await newCredentials()
    net$.tcp(port)
    await waitFor(() => outcomes.length === 1, { message: 'secureAccept gave up' })
    expect(outcomes[0]!.name).toBe('SecureHandshakeTimeoutError')
    expect(sockets[0]!.destroyed).toBe(true)
  })

  it('an aborted dial ends at once with the abort reason', async () => {
    const port = await net$.listenRaw(() => {})
    const controller = new AbortController()
    const pending = secureDial(net$.tcp(port), await newCredentials(), { signal: controller.signal })
    controller.abort(new Error('stopping'))
    expect((await rejection(pending)).message).toBe('stopping')
  })
})

describe('closing the TCP socket under a link', () => {
  it('does not crash the process, and releases every descriptor (a child process links and closes 200 times)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', RAW_DESTROY_CHILD, '200'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null]
    expect({ code, signal, stderr: stderr.slice(-500) }).toEqual({ code: 0, signal: null, stderr: '' })
    const [, rounds, before, after] = stdout.trim().split(' ').map(Number)
    expect(rounds).toBe(200)
    expect(after).toBeLessThanOrEqual(before! + 2)
  })
})

it('certificates are made for the node key and parse in node:crypto', async () => {
  const key = generateNodeKey()
  const pem = await createNodeCertificate(key)
  const { X509Certificate } = await import('node:crypto')
  const certificate = new X509Certificate(pem)
  expect(certificate.publicKey.export({ type: 'spki', format: 'der' }).equals(key.spki)).toBe(true)
  expect(certificate.subject).toBe(`CN=${key.id}`)
  expect(certificate.verify(key.publicKey)).toBe(true)
})
