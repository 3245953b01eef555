// Registers the contract handlers on ipcMain. Takes ipcMain's shape, not the module, so tests can call the
// registered listeners exactly the way Electron would, without Electron.
import type { MethodName } from '../../shared/methods'
import { channelFor } from '../../shared/methods'
import type { ContractHandler } from '../host/contract-handlers'

export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame?: { url: string } | null }, ...args: unknown[]) => unknown
  ): void
  removeHandler(channel: string): void
}

/**
 * @param isTrustedSender refuses calls from frames that are not our own page (defence in depth: navigation is
 *   already blocked).
 * @returns a function that removes the handlers again.
 */
export function registerContractHandlers(
  ipcMain: IpcMainLike,
  table: Map<MethodName, ContractHandler>,
  isTrustedSender: (url: string | undefined) => boolean
): () => void {
  const channels: string[] = []
  for (const [method, handler] of table) {
    const channel = channelFor(method)
    channels.push(channel)
    ipcMain.handle(channel, (event, ...args) => {
      if (!isTrustedSender(event.senderFrame?.url)) {
        return {
          ok: false,
          error: { name: 'ForbiddenError', message: 'calls are only accepted from the app window' }
        }
      }
      return handler(args)
    })
  }
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel))
}
