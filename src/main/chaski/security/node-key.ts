// The node's key pair (issue #13 "Identity"): ECDSA P-256 (constants.ts says why not Ed25519), created on first
// start and kept in a key file. The file IS the node's identity, so the loader never rewrites, repairs or replaces
// an existing file: a corrupt or unreadable one is refused with an error that says what to do, and left as it is.
//
// Key file format (text, mode 0600):
//
//   # Chaski node key. This file is the node's identity: keep it private (mode 0600) and back it up. ...
//   # id: <the node id this key gives>
//   -----BEGIN PRIVATE KEY-----
//   <PKCS #8 DER, base64>
//   -----END PRIVATE KEY-----
//
// Lines before the PEM block are comments. The `# id:` line is optional (a key made with
// `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` works as it is); when present, the key must give
// that id, which catches a damaged key that still parses (any 256-bit scalar is a valid private key).
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createLogger } from '../logger'
import { NODE_KEY_CURVE } from './constants'
import { KeyFileCorruptError, KeyFileError, KeyFilePermissionsError } from './errors'
import { nodeIdFromSpki } from './node-id'
import { p256Spki } from './spki'
import { readProtectedFile, writeNewFile, type KeyFileOptions } from './protected-file'

export type { KeyFileOptions, KeyFilePermissions } from './protected-file'

const log = createLogger('chaski:security')

export interface NodeKey {
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  /** The public key as SubjectPublicKeyInfo DER: what the id is derived from and what peers see. */
  readonly spki: Buffer
  /** The node id (node-id.ts). */
  readonly id: string
}

/** True when `key` is an EC private or public key on P-256. */
export function isNodeKeyType(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === NODE_KEY_CURVE
}

/** A NodeKey around a P-256 private key; throws KeyFileCorruptError for any other kind of key. */
export function nodeKeyFromPrivateKey(privateKey: KeyObject, source = 'the key'): NodeKey {
  if (privateKey.type !== 'private' || !isNodeKeyType(privateKey)) {
    const kind = privateKey.asymmetricKeyType ?? privateKey.type
    const curve = privateKey.asymmetricKeyDetails?.namedCurve
    throw new KeyFileCorruptError(
      `${source} is a ${kind}${curve ? ` ${curve}` : ''} key; a node key is an ECDSA P-256 private key`
    )
  }
  const publicKey = createPublicKey(privateKey)
  const spki = p256Spki(publicKey)
  return { privateKey, publicKey, spki, id: nodeIdFromSpki(spki) }
}

/** A new random node key. */
export function generateNodeKey(): NodeKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: NODE_KEY_CURVE })
  return nodeKeyFromPrivateKey(privateKey)
}

/** The key file's text (format above). */
export function encodeNodeKeyFile(key: NodeKey): string {
  const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' })
  return (
    "# Chaski node key. This file is the node's identity: keep it private (mode 0600) and back it up.\n" +
    '# Losing or replacing it gives the node a new id, which peers that trusted the old one refuse.\n' +
    `# id: ${key.id}\n` +
    pem
  )
}

const ID_LINE = /^# id: (\S*)\s*$/m

/** Parses a key file's text; throws KeyFileCorruptError naming `file` when it is not a node key. */
export function parseNodeKeyFile(text: string, file: string): NodeKey {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey({ key: text, format: 'pem' })
  } catch (err) {
    throw new KeyFileCorruptError(
      corruptMessage(file, `it holds no readable private key (${(err as Error).message})`)
    )
  }
  let key: NodeKey
  try {
    key = nodeKeyFromPrivateKey(privateKey, 'it')
  } catch (err) {
    throw new KeyFileCorruptError(corruptMessage(file, (err as Error).message))
  }
  const recorded = ID_LINE.exec(text)?.[1]
  if (recorded !== undefined && recorded !== key.id) {
    throw new KeyFileCorruptError(
      corruptMessage(file, `its key gives the id ${key.id}, not the id ${recorded} written in the file`)
    )
  }
  return key
}

function corruptMessage(file: string, why: string): string {
  return (
    `the node key file ${file} is not a valid node key: ${why}. It was left untouched, because it holds this ` +
    "node's identity: restore it from a backup, or move it away to start with a new identity (a new node id, " +
    'which peers that trusted the old one will refuse)'
  )
}

/** Reads an existing node key file (never writes it). */
export async function readNodeKeyFile(file: string, options: KeyFileOptions = {}): Promise<NodeKey> {
  let text: string
  try {
    text = await readProtectedFile(file, 'node key file', options)
  } catch (err) {
    throw asKeyFileError(err, file)
  }
  return parseNodeKeyFile(text, file)
}

function asKeyFileError(err: unknown, file: string): Error {
  if (err instanceof KeyFileError || err instanceof KeyFilePermissionsError) return err
  const code = (err as NodeJS.ErrnoException).code ?? null
  return new KeyFileError(`cannot read the node key file ${file}: ${code ?? (err as Error).message}`, code)
}

/**
 * The node's key: read from `file`, or created there on first start (mode 0600, never over an existing file, even
 * one created concurrently by another process). `created` says which, so the caller can say "new identity".
 */
export async function loadOrCreateNodeKey(
  file: string,
  options: KeyFileOptions = {},
  /** The key to save when there is none yet (a node whose id was chosen before its first start). */
  newKey: () => NodeKey = generateNodeKey
): Promise<{ key: NodeKey; created: boolean }> {
  try {
    return { key: await readNodeKeyFile(file, options), created: false }
  } catch (err) {
    if (!(err instanceof KeyFileError) || err.code !== 'ENOENT') throw err
  }
  const key = newKey()
  const created = await writeNewFile(file, encodeNodeKeyFile(key))
  if (!created) return { key: await readNodeKeyFile(file, options), created: false }
  log.info('created a new node key', { file, id: key.id })
  return { key, created: true }
}
