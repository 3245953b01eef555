// Views, dialogs and the tab overflow menu that the first paint does not show (the node option dialogs with their form and validator among
// them) load as their own chunks: the first visit parses only the sidebar, header and Overview (Naive's data table
// alone is a large part of the bundle). Once the nodes are on screen they are fetched anyway, so opening a tab or a
// dialog later never waits.
import { defineAsyncComponent, type Component } from 'vue'

const loaders = {
  peers: () => import('./PeersView.vue'),
  lan: () => import('./LanView.vue'),
  discovery: () => import('./DiscoveryView.vue'),
  messages: () => import('./MessagesView.vue'),
  events: () => import('./EventsView.vue'),
  createNode: () => import('../components/CreateNodeDialog.vue'),
  editNode: () => import('../components/EditNodeDialog.vue'),
  renameNode: () => import('../components/RenameNodeDialog.vue'),
  dropdown: () => import('../components/naive-dropdown')
}

export const PeersView: Component = defineAsyncComponent(loaders.peers)
export const LanView: Component = defineAsyncComponent(loaders.lan)
export const DiscoveryView: Component = defineAsyncComponent(loaders.discovery)
export const MessagesView: Component = defineAsyncComponent(loaders.messages)
export const EventsView: Component = defineAsyncComponent(loaders.events)
export const CreateNodeDialog: Component = defineAsyncComponent(loaders.createNode)
export const EditNodeDialog: Component = defineAsyncComponent(loaders.editNode)
export const RenameNodeDialog: Component = defineAsyncComponent(loaders.renameNode)
/** The tab bar's overflow menu (narrow windows only). */
export const LazyDropdown = defineAsyncComponent(loaders.dropdown)

/**
 * Fetches every lazy view and dialog once the nodes are on screen (call it when the first state has been rendered): after the
 * next frame, when the main thread has nothing better to do, so it never competes with the first paint.
 */
export function prefetchViews(): void {
  const idle: (cb: () => void) => void =
    typeof window.requestIdleCallback === 'function'
      ? (cb) => window.requestIdleCallback(cb, { timeout: 2000 })
      : (cb) => setTimeout(cb, 200)
  requestAnimationFrame(() =>
    idle(() => {
      for (const load of Object.values(loaders)) void load().catch(() => undefined)
    })
  )
}
