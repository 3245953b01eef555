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
  { name: 'events', label: 'Events' }
] as const

/**
 * What the Graph and Latency matrix tabs cover: the host's own nodes with their direct and LAN peers, or the whole
 * network as the selected node knows it from neighbour adverts (its map).
 */
export type NetworkScope = 'mine' | 'network'

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
  /** Shared by the Graph and Latency matrix tabs: switching one switches both. */
  const networkScope = ref<NetworkScope>('mine')
  return { activeTab, createDialogOpen, editNodeId, eventNodeId, eventKinds, messageTopic, networkScope }
})
