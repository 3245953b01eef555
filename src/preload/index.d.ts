export {}

declare global {
  interface Window {
    /** Present only inside the desktop app (the preload bridge). */
    chaskiInfo?: { platform: string }
  }
}
