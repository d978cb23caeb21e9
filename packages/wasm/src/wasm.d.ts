// Default entry (index.ts): esbuild's `binary` loader inlines the bytes of wasm-build/*.wasm.
declare module '*/wasm-build/simd.wasm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
declare module '*/wasm-build/scalar.wasm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
// workerd entry: the import stays external; the runtime supplies a compiled module.
declare module '*/adapool.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*/adapool-scalar.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
