// The encoder of the `qrcode` package without its renderers: the package's main module also loads the PNG renderer,
// which requires `fs` when the module loads, and an ESM bundle cannot `require` Node built-ins.
declare module 'qrcode/lib/core/qrcode.js' {
  export { create } from 'qrcode';
}
