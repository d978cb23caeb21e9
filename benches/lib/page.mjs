// The browser side of browser.mjs: the same adapters as the Node harness (ours, tfjs-wasm,
// ort-web) on one cross-origin-isolated page, every engine with the page's thread count, timed
// together by measureTogether. Bundled by browser.mjs (esbuild); onnxruntime-web is not bundled
// but imported from where the server serves its dist (/ort/), so its workers load its own glue.
import * as wasmPackage from '../../packages/wasm/dist/index.js';
import { ortWeb, tfjsWasm } from './anchors.mjs';
import { caseData, compare, measureTogether, median } from './data.mjs';
import { ours } from './ours.mjs';

// tfjs is bundled where benches/ has it installed (browser.mjs leaves it external otherwise, and
// then these imports fail in the page: the adapter says it is not installed)
const INSTALL = 'not installed: cd benches && ONNXRUNTIME_NODE_INSTALL=skip npm ci';
const loaded = (load) => load().then((mod) => ({ mod }), () => ({ error: `@tensorflow/tfjs-backend-wasm ${INSTALL}` }));
const TFJS_IN_PAGE = {
  core: () => loaded(() => import('@tensorflow/tfjs-core')),
  wasm: () => loaded(() => import('@tensorflow/tfjs-backend-wasm')),
  gradients: async () => {
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  },
  wasmPath: () => '/tfjs/',
  threadsAvailable: globalThis.crossOriginIsolated === true,
};

async function ortInPage() {
  try {
    const mod = await import('/ort/ort.wasm.min.mjs');
    mod.env.wasm.wasmPaths = '/ort/';
    return { mod };
  } catch (e) {
    return { error: `onnxruntime-web ${INSTALL} (served from /ort/: ${String(e?.message ?? e)})` };
  }
}

const oursInPage = async () => ({ module: wasmPackage, from: 'the page bundle' });

/**
 * { threads, cases, ops, reps, reference } -> { results, unavailable, info }: ms medians, each
 * output checked against the reference backend `js` where `reference` (the dry run: it is slow on
 * big shapes), else against ours (which the Node harness checks against it).
 */
globalThis.adapoolBench = async ({ threads, cases, ops, reps, reference }) => {
  const oursName = threads === 1 ? 'wasm' : `wasm-t${threads}`;
  const all = [ours(oursName, 'resident', oursInPage), ours(oursName, 'into', oursInPage), tfjsWasm(threads, TFJS_IN_PAGE), ortWeb(threads, ortInPage)];
  const loaded = [];
  const unavailable = [];
  const info = { crossOriginIsolated: globalThis.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent };
  for (const a of all) {
    const why = await a.load();
    if (why) unavailable.push({ backend: a.name, reason: why });
    else {
      loaded.push(a);
      info[a.name] = a.info;
    }
  }
  const results = [];
  for (const c of cases) {
    const data = caseData(c);
    for (const op of ops) {
      for (const dir of ['forward', 'backward']) {
        const entries = [];
        let mine;
        if (reference) {
          const r = ours('js').prepare(op, dir, c, data);
          mine = await r.run();
          r.dispose();
        }
        for (const a of loaded) {
          const base = { threads, backend: a.name, engine: a.name.replace(/-t\d+/, ''), case: c.name, op, dir };
          const ok = a.supports(op, dir, c);
          if (ok !== true) continue;
          try {
            const prep = await a.prepare(op, dir, c, data);
            const first = prep.toChannelsFirst(await prep.run());
            // without the reference, ours (first in the list) is what the others are checked against
            const check = mine ? compare(first, mine, dir) : { ok: true };
            mine ??= first;
            entries.push({ base, prep, samples: [], check, cfg: { warmup: 2, reps, minReps: Math.min(5, reps), budgetMs: 4000 } });
          } catch (e) {
            results.push({ ...base, error: String(e?.message ?? e).split('\n')[0] });
          }
        }
        await measureTogether(entries);
        for (const e of entries) {
          results.push({ ...e.base, median: median(e.samples), n: e.samples.length, check: e.check.ok, maxAbs: e.check.maxAbs });
          await e.prep.dispose();
        }
      }
    }
  }
  return { results, unavailable, info };
};
document.body.textContent = 'ready';
