// What a person is told after a connect: connected, or that the two were connected already (nothing new happened).
import type { ConnectOutcome } from '../../../shared/contract'

export function connectedText(outcome: ConnectOutcome): string {
  return outcome.alreadyConnected
    ? `Already connected to ${outcome.name} (${outcome.address})`
    : `Connected to ${outcome.name} (${outcome.address})`
}
