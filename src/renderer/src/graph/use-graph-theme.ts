// CSS variables for the graph, the matrix and their legends, taken from Naive UI's current theme so they follow
// whatever the app shows (OS light/dark, or the user's choice) and stay correct if the theme changes live.
import { useThemeVars } from 'naive-ui'
import { computed, type ComputedRef } from 'vue'
import { isDarkColour, latencyRamp } from './graph-scales'

export interface GraphTheme {
  dark: ComputedRef<boolean>
  /** Bind to the component root's `style`. */
  cssVars: ComputedRef<Record<string, string>>
}

export function useGraphTheme(): GraphTheme {
  const vars = useThemeVars()
  const dark = computed(() => isDarkColour(vars.value.bodyColor))
  const cssVars = computed(() => {
    const v = vars.value
    const ramp = latencyRamp(dark.value)
    const css: Record<string, string> = {
      '--graph-fg': v.textColor1,
      '--graph-muted': v.textColor3,
      '--graph-surface': v.cardColor,
      '--graph-border': v.dividerColor,
      '--graph-popover': v.popoverColor,
      '--graph-shadow': v.boxShadow2,
      '--graph-focus': v.primaryColor,
      '--graph-paired': v.warningColor,
      '--graph-warning': v.warningColor,
      '--graph-node-neutral': dark.value ? '#6b6b78' : '#c4c4cf',
      '--graph-link-neutral': dark.value ? '#77778a' : '#a0a0b0',
      '--graph-empty-cell': dark.value ? 'rgba(255, 255, 255, 0.04)' : 'rgba(0, 0, 0, 0.035)',
      '--graph-font': v.fontFamily
    }
    ramp.forEach((c, i) => (css[`--graph-lat-${i}`] = c))
    return css
  })
  return { dark, cssVars }
}
