// Naive UI's dropdown as a module of its own, so it can load on demand (views/lazy-views.ts): the only dropdown is
// the tab bar's overflow menu, which a wide window never shows.
import { NDropdown } from 'naive-ui'

export default NDropdown
