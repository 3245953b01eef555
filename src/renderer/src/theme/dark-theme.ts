// Naive UI's dark theme, for the components this app draws only. Naive's own `darkTheme` imports the dark styles of
// all ~90 of its components (date pickers, trees, uploads…), and App.vue needs it on the first screen, so every
// visitor downloaded and evaluated them. A component missing here would still get the dark common colours, with
// its light theme's per-component tweaks: test/unit/renderer/dark-theme.test.ts checks every Naive component the
// renderer imports has its entry.
import {
  alertDark,
  buttonDark,
  cardDark,
  commonDark,
  dataTableDark,
  descriptionsDark,
  dialogDark,
  dropdownDark,
  dynamicTagsDark,
  formDark,
  inputDark,
  inputNumberDark,
  messageDark,
  modalDark,
  popconfirmDark,
  popoverDark,
  radioDark,
  scrollbarDark,
  selectDark,
  spinDark,
  switchDark,
  tagDark,
  tooltipDark,
  type GlobalTheme
} from 'naive-ui'

export const darkTheme: GlobalTheme = {
  name: 'dark',
  common: commonDark,
  Alert: alertDark,
  Button: buttonDark,
  Card: cardDark,
  DataTable: dataTableDark,
  Descriptions: descriptionsDark,
  Dialog: dialogDark,
  Dropdown: dropdownDark,
  DynamicTags: dynamicTagsDark,
  Form: formDark,
  Input: inputDark,
  InputNumber: inputNumberDark,
  Message: messageDark,
  Modal: modalDark,
  Popconfirm: popconfirmDark,
  Popover: popoverDark,
  Radio: radioDark,
  Scrollbar: scrollbarDark,
  Select: selectDark,
  Spin: spinDark,
  Switch: switchDark,
  Tag: tagDark,
  Tooltip: tooltipDark
}
