/**
 * The checked-in files TypeScript needs static names in, rendered from core's op descriptors
 * (packages/core/src/ops/index.ts): core's op exports and their option types, the layer classes
 * and the tfjs adapter's names. `npm run generate` writes them; tests/generated.test.ts fails
 * when one is stale. Nothing here is shipped.
 */
import type { OptionSpec, PoolOpDef } from '../packages/core/src/ops/region.js';
import { layerStems, opNames } from '../packages/layers/src/methods.js';

const HEADER = (what: string) =>
  `// ${what}\n// Generated from core's op descriptors (packages/core/src/ops/) by scripts/generate.ts: do not edit.\n// \`npm run generate\` rewrites it; tests/generated.test.ts fails when it is stale.\n`;

const RANKS = [1, 2, 3] as const;
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** The descriptor's variable name in core (`emPoolDef`). */
const defVar = (d: PoolOpDef) => `${d.name}Def`;
/** The options type of an op in core: `PoolOptions`, or `${Name}Options` when it has its own. */
export const optionsType = (d: PoolOpDef): string => (Object.keys(d.options).length ? `${cap(d.name)}Options` : 'PoolOptions');
const tsType = (s: OptionSpec) => (s.kind === 'boolean' ? 'boolean' : 'number');

/** packages/core/src/ops.generated.ts */
export function renderCoreOps(defs: readonly PoolOpDef[]): string {
  const lines: string[] = [HEADER("@adapool/core: every pooling op's exports, from its descriptor.")];
  lines.push(`import { ada, adaGrad, pool, poolGrad } from './api.js';`);
  lines.push(`import { ${defs.map(defVar).join(', ')} } from './ops/index.js';`);
  lines.push(`import type { PoolOptions } from './plan.js';`, '');
  for (const d of defs) {
    const own = Object.entries(d.options);
    if (!own.length) continue;
    lines.push(`/** ${d.name}'s options: the common ones and its own (OPERATORS.md ${d.section}). */`);
    lines.push(`export interface ${optionsType(d)} extends PoolOptions {`);
    for (const [k, s] of own) lines.push(`  /** ${s.doc} */`, `  ${k}?: ${tsType(s)};`);
    lines.push('}', '');
  }
  const picks = defs.filter((d) => Object.keys(d.options).length).map((d) => `Pick<${optionsType(d)}, ${Object.keys(d.options).map((k) => `'${k}'`).join(' | ')}>`);
  lines.push("/** Every op's own options together (what a layer may pass through to its op). */");
  lines.push(`export type OwnPoolOptions = ${picks.length ? picks.join(' & ') : 'object'};`, '');
  lines.push('// The factories are pure: a bundle keeps only the wrappers (and reference math) it imports.');
  for (const d of defs) {
    for (const name of opNames(d)) {
      for (const [suffix, rank] of [['', undefined], ...RANKS.map((r) => [`${r}d`, r])] as const) {
        const r = rank === undefined ? '' : `, ${rank}`;
        if (d.beta) {
          lines.push(`export const ${name}${suffix} = /* @__PURE__ */ ada(${defVar(d)}, '${name}${suffix}'${r});`);
          lines.push(`export const ${name}${suffix}Grad = /* @__PURE__ */ adaGrad(${defVar(d)}, '${name}${suffix}Grad'${r});`);
        } else {
          lines.push(`export const ${name}${suffix} = /* @__PURE__ */ pool<${optionsType(d)}>(${defVar(d)}, '${name}${suffix}'${r});`);
          lines.push(`export const ${name}${suffix}Grad = /* @__PURE__ */ poolGrad<${optionsType(d)}>(${defVar(d)}, '${name}${suffix}Grad'${r});`);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}


/** Framework-free layers' options type of an op. */
const layerOptionsType = (d: PoolOpDef) => (d.beta ? 'AdaPoolLayerOptions' : Object.keys(d.options).length ? `PoolLayerOptions & Pick<core.${optionsType(d)}, ${Object.keys(d.options).map((k) => `'${k}'`).join(' | ')}>` : 'PoolLayerOptions');

/** packages/layers/src/classes.generated.ts */
export function renderLayerClasses(defs: readonly PoolOpDef[]): string {
  const lines: string[] = [HEADER('@adapool/layers: a class per pooling method and rank (and adaUnpool), from the op descriptors.')];
  lines.push(`import type * as core from '@adapool/core';`);
  lines.push(`import { methodSpec } from './methods.js';`);
  lines.push(`import { poolLayerClass, unpoolLayerClass, type AdaPoolLayerOptions, type PoolLayer, type PoolLayerOptions, type UnpoolLayer } from './layers.js';`, '');
  for (const d of defs.filter((d) => Object.keys(d.options).length && !d.beta)) {
    lines.push(`/** The options of a ${d.layer.cls} layer: geometry, layout, keepMask and ${d.name}'s own. */`);
    lines.push(`export type ${cap(d.name)}LayerOptions = ${layerOptionsType(d)};`);
  }
  lines.push('');
  for (const d of defs) {
    const [main, ...others] = layerStems(d);
    const o = d.beta ? 'AdaPoolLayerOptions' : Object.keys(d.options).length ? `${cap(d.name)}LayerOptions` : 'PoolLayerOptions';
    for (const r of RANKS) lines.push(`export const ${main}${r}d = /* @__PURE__ */ poolLayerClass<${o}>(methodSpec('${d.method}'), ${r});`);
    for (const o of others) {
      lines.push(`/** ${o} is ${main} (${d.name} = ${d.layer.op}): the same classes. */`);
      for (const r of RANKS) lines.push(`export const ${o}${r}d = ${main}${r}d;`);
    }
  }
  for (const r of RANKS) lines.push(`export const AdaUnpool${r}d = /* @__PURE__ */ unpoolLayerClass(${r});`);
  lines.push('', '// Instance types under the class names (`const p: AdaPool2d = new AdaPool2d()`).');
  for (const d of defs) for (const s of layerStems(d)) for (const r of RANKS) lines.push(`export type ${s}${r}d = PoolLayer;`);
  for (const r of RANKS) lines.push(`export type AdaUnpool${r}d = UnpoolLayer;`);
  return `${lines.join('\n')}\n`;
}

/** The tfjs adapter's option and config types of an op (named interfaces: declarations refer to them by name). */
const own = (d: PoolOpDef) => Object.keys(d.options).length > 0;
const tfOptions = (d: PoolOpDef) => (d.beta ? 'TfAdaPoolOptions' : own(d) ? `Tf${optionsType(d)}` : 'TfPoolOptions');
const tfConfig = (d: PoolOpDef) => (d.beta ? 'TfAdaPoolConfig' : own(d) ? `Tf${cap(d.name)}Config` : 'TfPoolConfig');
const tfClass = (d: PoolOpDef) => `TfPoolLayerClass<${tfConfig(d)}>`;
const tfFactory = (d: PoolOpDef) => (d.beta ? 'TfAdaPoolFactory' : `TfPoolFactory<${tfOptions(d)}>`);
const tfOp = (d: PoolOpDef) => (d.beta ? 'TfAdaPoolOp' : `TfPoolOp<${tfOptions(d)}>`);

/** Every run-time name of the tfjs adapter: [name, type] (classes, factories, `ops` members apart). */
function tfjsMembers(defs: readonly PoolOpDef[]): { classes: [string, string][]; factories: [string, string][]; ops: [string, string][] } {
  const classes: [string, string][] = [];
  const factories: [string, string][] = [];
  const ops: [string, string][] = [];
  for (const d of defs) for (const s of layerStems(d)) for (const r of RANKS) classes.push([`${s}${r}d`, tfClass(d)]);
  for (const r of RANKS) classes.push([`AdaUnpool${r}d`, 'TfUnpoolLayerClass']);
  for (const d of defs) for (const name of opNames(d)) for (const r of RANKS) factories.push([`${name}${r}d`, tfFactory(d)]), ops.push([`${name}${r}d`, tfOp(d)]);
  for (const r of RANKS) factories.push([`adaUnpool${r}d`, 'TfUnpoolFactory']), ops.push([`adaUnpool${r}d`, 'TfUnpoolOp']);
  return { classes, factories, ops };
}

/** packages/layers/src/tfjs-names.generated.ts: the adapter's static names and types. */
export function renderTfjsNames(defs: readonly PoolOpDef[]): string {
  const { classes, factories, ops } = tfjsMembers(defs);
  const lines: string[] = [HEADER("@adapool/layers/tfjs: the adapter's names and their types, from the op descriptors.")];
  lines.push(`import type * as core from '@adapool/core';`);
  lines.push(`import type { LayerArgs, TfAdaPoolConfig, TfAdaPoolFactory, TfAdaPoolOp, TfPoolConfig, TfPoolFactory, TfPoolLayerClass, TfPoolOp, TfPoolOptions, TfUnpoolFactory, TfUnpoolLayerClass, TfUnpoolOp } from './tfjs-bind.js';`, '');
  for (const d of defs.filter((d) => own(d) && !d.beta)) {
    const keys = Object.keys(d.options).map((k) => `'${k}'`).join(' | ');
    lines.push(`/** ${d.name}'s options in the adapter: the common ones and its own (OPERATORS.md ${d.section}). */`);
    lines.push(`export interface ${tfOptions(d)} extends TfPoolOptions, Pick<core.${optionsType(d)}, ${keys}> {}`);
    lines.push(`export interface ${tfConfig(d)} extends ${tfOptions(d)}, LayerArgs {}`, '');
  }
  lines.push('/** The layer classes, by class name (a saved model names them so: `"class_name": "AdaPool2d"`). */');
  lines.push('export interface TfjsClasses {', ...classes.map(([n, t]) => `  readonly ${n}: ${t};`), '}', '');
  lines.push('/** Layer factory with a config (or nothing), functional op when the first argument is a tf.Tensor. */');
  lines.push('export interface TfjsFactories {', ...factories.map(([n, t]) => `  readonly ${n}: ${t};`), '}', '');
  lines.push('/** Functional ops only (`ops.softPool2d(x, options)`). */');
  lines.push('export interface TfOps {', ...ops.map(([n, t]) => `  readonly ${n}: ${t};`), '}', '');
  lines.push(`export const CLASS_NAMES = [${classes.map(([n]) => `'${n}'`).join(', ')}] as const;`);
  lines.push(`export const FACTORY_NAMES = [${factories.map(([n]) => `'${n}'`).join(', ')}] as const;`);
  return `${lines.join('\n')}\n`;
}

/** packages/layers/src/tfjs.ts's export list (between its generated-list markers). */
export function renderTfjsExports(defs: readonly PoolOpDef[]): string {
  const { classes, factories } = tfjsMembers(defs);
  const lines = ['export const {', '  TfPoolLayer, TfUnpoolLayer, registerLayers, ops,'];
  lines.push(`  ${classes.map(([n]) => n).join(', ')},`);
  lines.push(`  ${factories.map(([n]) => n).join(', ')},`);
  lines.push('} = bound;', '');
  for (const [n] of classes) lines.push(`export type ${n} = ${n.startsWith('AdaUnpool') ? 'UnpoolLayerType' : 'PoolLayerType'};`);
  return lines.join('\n');
}
