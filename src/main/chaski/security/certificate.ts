// The node's self-signed X.509 certificate (issue #13): TLS needs a certificate to carry the node's public key, and
// node:crypto parses certificates but cannot create one, so @peculiar/x509 builds it (over WebCrypto, signed with
// the node key; no ASN.1 of ours). Peers never trust the certificate's content: only its public key counts, checked
// against the id the peer claims (tls-link.ts). It is made in memory at each start; only the key is kept on disk.
// `reflect-metadata` must load before @peculiar/x509: its dependency tsyringe refuses to load without it.
import 'reflect-metadata'
import {
  X509CertificateGenerator,
  KeyUsagesExtension,
  KeyUsageFlags,
  BasicConstraintsExtension
} from '@peculiar/x509'
import { webcrypto } from 'node:crypto'
import { CERTIFICATE_BACKDATE_MS, CERTIFICATE_NOT_AFTER } from './constants'
import type { NodeKey } from './node-key'

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const

/** PEM of a new self-signed certificate for `key` (subject and issuer `CN=<node id>`). */
export async function createNodeCertificate(key: NodeKey, now = new Date()): Promise<string> {
  const subtle = webcrypto.subtle
  // Through JWK: Node 20's OpenSSL 3 decodes PKCS #8 and SPKI several times slower (measured 1.3 ms against 0.5).
  const jwk = key.privateKey.export({ format: 'jwk' })
  const privateKey = await subtle.importKey('jwk', jwk, EC_P256, false, ['sign'])
  const publicKey = await subtle.importKey(
    'jwk',
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
    EC_P256,
    true,
    ['verify']
  )
  const certificate = await X509CertificateGenerator.createSelfSigned(
    {
      name: `CN=${key.id}`,
      notBefore: new Date(now.getTime() - CERTIFICATE_BACKDATE_MS),
      notAfter: CERTIFICATE_NOT_AFTER,
      keys: { privateKey, publicKey },
      signingAlgorithm: SIGNING,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true)
      ]
    },
    webcrypto as unknown as Parameters<typeof X509CertificateGenerator.createSelfSigned>[1]
  )
  // A certificate for another key than ours would be a bug here, and would break every link: check it once.
  if (!Buffer.from(certificate.publicKey.rawData).equals(key.spki)) {
    throw new Error('the generated certificate does not carry the node key')
  }
  return certificate.toString('pem')
}
