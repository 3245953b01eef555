// Link security (issue #13): node keys and ids, certificates, verified TLS links, the network key, the comparison
// code. Nothing here is wired into ChaskiNode yet: the transport seam (issue #12) will call secureDial/secureAccept.
export {
  generateNodeKey,
  loadOrCreateNodeKey,
  readNodeKeyFile,
  parseNodeKeyFile,
  encodeNodeKeyFile,
  nodeKeyFromPrivateKey,
  isNodeKeyType
} from './node-key'
export type { NodeKey, KeyFileOptions, KeyFilePermissions } from './node-key'
export { nodeIdFromSpki, nodeIdOf, isNodeId, formatNodeId, shortNodeId, parseNodeId } from './node-id'
export { createNodeCertificate } from './certificate'
export { createTlsCredentials, secureDial, secureAccept, verifyClaimedId } from './tls-link'
export type { TlsCredentials, VerifiedTlsLink, LinkRole, SecureLinkOptions } from './tls-link'
export { sniffConnection } from './transport-sniff'
export type { ConnectionKind } from './transport-sniff'
export {
  loadNetworkKeyFile,
  parseNetworkKeyText,
  generateNetworkKeyText,
  networkKeyProofs,
  verifyNetworkKeyProofs,
  isNetworkKeySet
} from './network-key'
export type { NetworkKeySet, ProofLink } from './network-key'
export {
  createComparisonCommitment,
  createComparisonNonce,
  checkComparisonReveal,
  comparisonCode
} from './comparison-code'
export type { ComparisonCommitment, ComparisonInput } from './comparison-code'
export * from './errors'
