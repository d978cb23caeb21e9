/**
 * The built package as users get it: conditional exports for `.` and `./tfjs`, tfjs external,
 * every class and factory exported, no import side effects, and a model saved here loads in a
 * fresh Node process that only imports the built `@adapool/layers/tfjs` and calls registerLayers().
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
const STEMS = ['AdaPool', 'SoftPool', 'EmPool', 'EDSCWPool', 'IDWPool', 'MaxPool', 'AvgPool', 'AdaUnpool'];
const FNS = ['adaPool', 'softPool', 'emPool', 'edscwPool', 'idwPool', 'maxPool', 'avgPool', 'adaUnpool'];

describe('@adapool/layers package', () => {
  it('is ESM with conditional exports for . and ./tfjs; tfjs and core are (optional) peers', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    for (const [entry, file] of [['.', 'index'], ['./tfjs', 'tfjs']]) {
      expect(pkg.exports[entry]).toEqual({ types: `./dist/${file}.d.ts`, import: `./dist/${file}.js`, default: `./dist/${file}.js` });
      expect(existsSync(`${root}/dist/${file}.js`), `${file}.js built`).toBe(true);
      expect(existsSync(`${root}/dist/${file}.d.ts`)).toBe(true);
    }
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies['@adapool/core']).toBe('0.x');
    for (const t of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm']) {
      expect(pkg.peerDependenciesMeta[t]?.optional, t).toBe(true);
      expect(pkg.devDependencies[t], t).toBe('4.22.0');
    }
    // tfjs stays external: the bundles import it, they do not contain it
    const js = readFileSync(`${root}/dist/tfjs.js`, 'utf8');
    expect(js).toMatch(/from "@tensorflow\/tfjs-core"/);
    expect(js).toMatch(/from "@tensorflow\/tfjs-layers"/);
    expect(js.length).toBeLessThan(100_000);
    expect(readFileSync(`${root}/dist/index.js`, 'utf8')).not.toMatch(/tensorflow/);
  });

  it('exports every class (1d/2d/3d) from both entries and every factory/op from ./tfjs', async () => {
    const L = await import(/* @vite-ignore */ `${root}/dist/index.js`);
    const T = await import(/* @vite-ignore */ `${root}/dist/tfjs.js`);
    for (const stem of STEMS) {
      for (const d of [1, 2, 3]) {
        expect(typeof L[`${stem}${d}d`], `${stem}${d}d`).toBe('function');
        expect(typeof T[`${stem}${d}d`], `tfjs ${stem}${d}d`).toBe('function');
      }
    }
    for (const fn of FNS) {
      for (const d of [1, 2, 3]) {
        expect(typeof T[`${fn}${d}d`], `${fn}${d}d`).toBe('function');
        expect(typeof T.ops[`${fn}${d}d`], `ops.${fn}${d}d`).toBe('function');
      }
    }
    expect(typeof T.registerLayers).toBe('function');
    expect(typeof L.AdaPoolError).toBe('function');
  });

  it('a saved model loads in a fresh process that imports the built package and calls registerLayers()', async () => {
    const { adaPool2d, softPool1d } = await import(/* @vite-ignore */ `${root}/dist/tfjs.js`);
    await tf.setBackend('cpu');
    const model = tfl.sequential();
    model.add(tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, padding: 'same' }));
    model.add(adaPool2d({ poolSize: 2 }));
    model.add(tfl.layers.reshape({ targetShape: [9, 2] }));
    model.add(softPool1d({ outputSize: 4 }));
    model.add(tfl.layers.flatten());
    const x = tf.tensor(Array.from({ length: 72 }, (_, i) => Math.sin(i)), [2, 6, 6, 1]);
    const expected = Array.from((model.predict(x) as tf.Tensor).dataSync());
    const dir = mkdtempSync(join(tmpdir(), 'adapool-layers-'));
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...a, weightData: undefined }));
        writeFileSync(join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      import '@tensorflow/tfjs-backend-cpu';
      import * as tfl from '@tensorflow/tfjs-layers';
      import { readFileSync } from 'node:fs';
      import { registerLayers } from '@adapool/layers/tfjs';
      await tf.setBackend('cpu');
      const a = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'model.json'))}, 'utf8'));
      a.weightData = new Uint8Array(readFileSync(${JSON.stringify(join(dir, 'weights.bin'))})).buffer;
      let before = 'loaded without registerLayers';
      try { await tfl.loadLayersModel(tf.io.fromMemory(a)); } catch (e) { before = 'unregistered: ' + e.message.split('\\n')[0]; }
      registerLayers();
      const m = await tfl.loadLayersModel(tf.io.fromMemory(a));
      const x = tf.tensor(Array.from({ length: 72 }, (_, i) => Math.sin(i)), [2, 6, 6, 1]);
      console.log(JSON.stringify({ before, y: Array.from(m.predict(x).dataSync()) }));
    `;
    // inside the package directory, so `@adapool/layers/tfjs` resolves by self-reference to dist/
    const scriptPath = join(root, '.load-check.mjs');
    writeFileSync(scriptPath, script);
    let out: string;
    try {
      out = execFileSync(process.execPath, [scriptPath], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } finally {
      rmSync(scriptPath, { force: true });
    }
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.before).toMatch(/^unregistered: Unknown layer: AdaPool2d/); // nothing registered on import
    expect(r.y).toEqual(expected);
  }, 60_000);
});
