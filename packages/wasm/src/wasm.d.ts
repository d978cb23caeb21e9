// Default entry (index.ts): esbuild's `binary` loader inlines the bytes of wasm-build/builds.wasm.gz.
declare module '*/wasm-build/builds.wasm.gz' {
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
