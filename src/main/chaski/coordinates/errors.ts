// One error class per failure (as ../errors.ts): callers compare `err.name`.

/** Thrown when a coordinate (from the network, a file or a caller) is malformed or out of bounds. */
export class InvalidCoordinateError extends Error {
  override name = 'InvalidCoordinateError'
}

/** Thrown when a round trip fed to an update is not a finite number of ms in 0..MAX_RTT_MS. */
export class InvalidRttError extends Error {
  override name = 'InvalidRttError'
}

/** Thrown when two coordinates of different dimensionality meet (received ones are checked before that). */
export class DimensionalityMismatchError extends Error {
  override name = 'DimensionalityMismatchError'
}
