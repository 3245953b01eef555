// The contract's method names and the IPC channel names derived from them. Runtime-free on purpose: the sandboxed
// preload imports only this file.
export const METHOD_NAMES = [
  'getState',
  'createNode',
  'startNode',
  'stopNode',
  'removeNode',
  'renameNode',
  'subscribe',
  'unsubscribe',
  'setLan',
  'connect',
  'disconnect',
  'discovery',
  'ping',
  'publish',
  'setPreferences',
  'dismissNotice',
  'forgetLanPeer',
  'editNode',
  'restartNode',
  'setKnownPeer',
  'forgetKnownPeer',
  'getMap',
  'acceptPeer',
  'rejectPeer',
  'revokePeer',
  'unrevokePeer'
] as const

export type MethodName = (typeof METHOD_NAMES)[number]

/** Every channel carries this prefix; the preload refuses anything else. */
export const CHANNEL_PREFIX = 'chaski:'
export const UPDATE_CHANNEL = `${CHANNEL_PREFIX}update`

export function channelFor(method: MethodName): string {
  return `${CHANNEL_PREFIX}invoke:${method}`
}

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && (METHOD_NAMES as readonly string[]).includes(value)
}
