/**
 * @adapool/layers/with-tfjs: `withTfjs(tf)` alone, importing no tfjs at run time, for a page that
 * loads TensorFlow.js by a `<script>` tag or from a CDN: `const ap = withTfjs(window.tf)` gives the
 * exports of `@adapool/layers/tfjs` bound to that tfjs (no second tfjs-core in the bundle).
 */
export { withTfjs } from './tfjs-bind.js';
export type * from './tfjs-bind.js';
