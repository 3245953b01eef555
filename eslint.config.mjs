// ESLint flat config: typescript-eslint + eslint-plugin-vue, Prettier owns formatting (eslint-config-prettier last).
// The import blocks below hold the architecture's layers (see README "Layout").
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

const noElectron = {
  name: 'electron',
  message: 'Only src/main/index.ts (and window modules) and src/preload may import electron.'
}
const noVue = { name: 'vue', message: 'Vue belongs to src/renderer.' }

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'artifacts/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off'
    }
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } }
  },
  // Layering: the library is Node-only; shared code is runtime-free; the renderer never reaches into main.
  {
    files: ['src/main/chaski/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron, noVue], patterns: ['**/renderer/**', '**/preload/**'] }
      ],
      'no-console': 'error'
    }
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron, noVue], patterns: ['node:*', '**/main/**', '**/renderer/**', '**/preload/**'] }
      ]
    }
  },
  {
    files: ['src/renderer/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: ['node:*', '**/main/**'] }] }
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/index.ts', 'src/main/window-security.ts', 'src/main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron, noVue], patterns: ['**/renderer/**'] }]
    }
  },
  prettier
)
