// What the person is looking at (tab, filters): kept apart from the host's state so views can share it, e.g. the
// graph's click switches the side panel, the sidebar keeps the chosen tab when another node is selected.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { HostEventKind } from '@shared/snapshots'

export const TABS = [
  { name: 'overview', label: 'Overview' },
  { name: 'peers', label: 'Peers' },
  { name: 'lan', label: 'On the LAN' },
  { name: 'graph', label: 'Graph' },
  { name: 'matrix', label: 'Latency matrix' },
  { name: 'discovery', label: 'Discovery' },
  { name: 'messages', label: 'Messages' },
  { name: 'events', label: 'Events' },
  // Last: where the tab bar runs out of room, it is the first to go to the "More" menu.
  { name: 'map', label: 'Network map' }
] as const

export type TabName = (typeof TABS)[number]['name']

export const useViewStore = defineStore('view', () => {
  const activeTab = ref<TabName>('overview')
  const createDialogOpen = ref(false)
  /** The node whose options dialog is open, or null. */
  const editNodeId = ref<string | null>(null)
  /** Events view: '' shows every node, else one node id. */
  const eventNodeId = ref<string>('')
  const eventKinds = ref<HostEventKind[]>([])
  /** Messages view: '' shows every topic. */
  const messageTopic = ref<string>('')
  return { activeTab, createDialogOpen, editNodeId, eventNodeId, eventKinds, messageTopic }
})
