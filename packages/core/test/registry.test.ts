/**
 * The backend registry and dispatch: registration checks, default selection, per-call override,
 * 'auto' ranking, moving tensors between backends, fallback to 'js' with a one-time warning.
 *
 * The backend here is a test double: it stores data as Float32Array copies, implements only
 * `emPool` (delegating to the reference kernel) and counts what the op layer asks of it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  avgPool2d,
  createJsBackend,
  emPool,
  emPool2d,
  getBackend,
  listBackends,
  maxPool2d,
  registerBackend,
  removeBackend,
  setBackend,
  softPool2d,
  tensor,
  type Backend,
  type KernelName,
  type PoolPlan,
  type Tensor,
  type TypedArray,
} from '@adapool/core';
import { expectCode } from './helpers/expect-error.js';

interface Handle {
  data: Float32Array;
}

interface FakeOptions {
  supports?: (kernel: KernelName, plan: PoolPlan) => true | string;
  auto?: { priority: number; minWork?: number };
  /** Leave out readSync (data not CPU-visible). */
  noReadSync?: boolean;
  /** emPool throws. */
  throwing?: boolean;
  dtypes?: readonly ('float32' | 'int32')[];
}

function makeFake(name: string, o: FakeOptions = {}) {
  const ref = createJsBackend().kernels.emPool!;
  const calls = { upload: 0, read: 0, readSync: 0, dispose: 0, emPool: 0 };
  const live = new Set<Handle>();
  const plans: PoolPlan[] = [];
  const make = (data: TypedArray): Handle => {
    const h = { data: Float32Array.from(data) };
    live.add(h);
    return h;
  };
  const backend: Backend<Handle> = {
    name,
    upload(data) {
      calls.upload++;
      return make(data);
    },
    read(h) {
      calls.read++;
      return h.data.slice();
    },
    ...(o.noReadSync
      ? {}
      : {
          readSync(h: Handle) {
            calls.readSync++;
            return h.data.slice();
          },
        }),
    dispose(h) {
      calls.dispose++;
      expect(live.has(h), `${name}: dispose of an unknown or already freed handle`).toBe(true);
      live.delete(h);
    },
    kernels: {
      emPool(plan, x, beta) {
        calls.emPool++;
        plans.push(plan);
        expect(live.has(x), `${name}: kernel got a handle it does not hold`).toBe(true);
        if (o.throwing) throw new Error(`${name}: boom`);
        const r = ref(plan, x.data, beta?.data);
        return { output: make(r.output), mask: r.mask && make(r.mask) };
      },
    },
    ...(o.supports ? { supports: o.supports } : {}),
    ...(o.auto ? { auto: o.auto } : {}),
    ...(o.dtypes ? { dtypes: o.dtypes } : {}),
  };
  return { backend, calls, live, plans };
}

const xData = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.9) * 3);
const x4 = () => tensor(xData(2 * 3 * 4 * 4), [2, 3, 4, 4]);


const warnSpy = () => vi.spyOn(console, 'warn').mockImplementation(() => {});

afterEach(() => {
  setBackend('auto');
  for (const name of listBackends()) if (name !== 'js') removeBackend(name);
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------

describe('initial state (must run first)', () => {
  it("listBackends() holds 'js' from the start, and only it", () => {
    expect(listBackends()).toEqual(['js']);
  });
  it("getBackend() defaults to 'auto'", () => {
    expect(getBackend()).toBe('auto');
  });
});

describe('setBackend / getBackend', () => {
  it("switches to 'js' and back to 'auto'", () => {
    setBackend('js');
    expect(getBackend()).toBe('js');
    expect(emPool2d(x4()).backend).toBe('js');
    setBackend('auto');
    expect(getBackend()).toBe('auto');
  });

  it('rejects an unknown name and keeps the current one', () => {
    setBackend('js');
    expectCode(() => setBackend('fake'), 'BACKEND', 'setBackend');
    expect(getBackend()).toBe('js');
  });
});

describe('registerBackend validation (BACKEND)', () => {
  const good = () => makeFake('valid').backend as unknown as Record<string, unknown>;
  const without = (key: string) => {
    const b = { ...good() };
    delete b[key];
    return b;
  };
  const cases: [string, unknown, string][] = [
    ['undefined', undefined, 'got undefined'],
    ['null', null, 'got null'],
    ['a number', 42, 'got 42'],
    ['a string', 'wasm', 'got "wasm"'],
    ['a function', () => 0, 'got a function'],
    ["name 'auto'", { ...good(), name: 'auto' }, 'got "auto"'],
    ["name 'js'", { ...good(), name: 'js' }, 'got "js"'],
    ['name missing', without('name'), 'got undefined'],
    ['name empty', { ...good(), name: '' }, 'got ""'],
    ['name with a space', { ...good(), name: 'my gpu' }, 'got "my gpu"'],
    ['name starting with a digit', { ...good(), name: '1gpu' }, 'got "1gpu"'],
    ['name not a string', { ...good(), name: 7 }, 'got 7'],
    ['upload missing', without('upload'), 'backend.upload must be a function, got undefined'],
    ['read missing', without('read'), 'backend.read must be a function, got undefined'],
    ['dispose missing', without('dispose'), 'backend.dispose must be a function, got undefined'],
    ['upload not a function', { ...good(), upload: 1 }, 'backend.upload must be a function, got 1'],
    ['kernels missing', without('kernels'), 'backend.kernels must be an object, got undefined'],
    ['kernels null', { ...good(), kernels: null }, 'backend.kernels must be an object, got null'],
    ['kernels a string', { ...good(), kernels: 'emPool' }, 'backend.kernels must be an object, got "emPool"'],
  ];
  it.each(cases)('%s', (_name, b, got) => {
    const e = expectCode(() => registerBackend(b as Backend), 'BACKEND', 'registerBackend');
    expect(e.message).toContain(got);
    expect(listBackends()).toEqual(['js']);
  });

  it("'js' cannot be removed", () => {
    expectCode(() => removeBackend('js'), 'BACKEND', 'removeBackend');
    expect(listBackends()).toContain('js');
  });

  it('accepts a minimal valid backend and lists it', () => {
    registerBackend(makeFake('minimal').backend);
    expect(listBackends()).toEqual(['js', 'minimal']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('(a) running on a registered backend', () => {
  it("{ backend: name } runs its kernel; the result lives there and matches 'js'", async () => {
    const f = makeFake('fakeA');
    registerBackend(f.backend);
    const warn = warnSpy();
    const x = x4();
    const y = emPool2d(x, { backend: 'fakeA', kernelSize: 2 });
    expect(f.calls.emPool).toBe(1);
    expect(f.plans[0].op).toBe('emPool2d');
    expect(y.backend).toBe('fakeA');
    expect(y.shape).toEqual([2, 3, 2, 2]);
    const ref = emPool2d(x, { backend: 'js' });
    expect(ref.backend).toBe('js');
    expect(await y.read()).toEqual(ref.readSync());
    expect(y.readSync()).toEqual(ref.readSync());
    expect(f.calls.read).toBe(1);
    // generic name and alias alike, mask too
    const r = emPool(x, { backend: 'fakeA', returnMask: true });
    expect(r.output.backend).toBe('fakeA');
    expect(r.mask.backend).toBe('fakeA');
    expect(r.mask.readSync()).toEqual(emPool(x, { returnMask: true, backend: 'js' }).mask.readSync());
    expect(f.calls.emPool).toBe(2);
    expect(warn).not.toHaveBeenCalled();
    // disposing a result frees its handle on the backend
    const before = f.live.size;
    y.dispose();
    expect(f.live.size).toBe(before - 1);
    expect(y.isDisposed).toBe(true);
  });

  it('an op can take its input from another op on the same backend without moving it', () => {
    const f = makeFake('fakeA2');
    registerBackend(f.backend);
    const y = emPool2d(x4(), { backend: 'fakeA2' });
    const uploads = f.calls.upload;
    const z = emPool2d(y, { backend: 'fakeA2', kernelSize: 1 });
    expect(f.calls.upload).toBe(uploads);
    expect(f.calls.readSync).toBe(0);
    expect(z.backend).toBe('fakeA2');
    expect(z.readSync()).toEqual(y.readSync());
  });
});

describe('(b) fallback when a kernel is missing', () => {
  it("avgPool on a backend without avgPool computes on 'js' and warns exactly once", () => {
    const f = makeFake('fakeB');
    registerBackend(f.backend);
    const warn = warnSpy();
    const x = x4();
    const ref = avgPool2d(x, { backend: 'js' }).readSync();
    for (let i = 0; i < 4; i++) {
      const y = avgPool2d(x, { backend: 'fakeB' });
      expect(y.backend).toBe('js');
      expect(y.readSync()).toEqual(ref);
    }
    expect(warn).toHaveBeenCalledTimes(1);
    const msg = String(warn.mock.calls[0][0]);
    expect(msg).toContain("'fakeB'");
    expect(msg).toContain('avgPool');
    expect(msg).toContain("'js'");
    expect(f.calls.upload + f.calls.emPool + f.calls.readSync).toBe(0);
    // a different missing kernel gets its own (single) warning
    maxPool2d(x, { backend: 'fakeB' });
    maxPool2d(x, { backend: 'fakeB' });
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1][0])).toContain('maxPool');
  });

  it('with a default backend set by setBackend the fallback also warns once', () => {
    const f = makeFake('fakeB2');
    registerBackend(f.backend);
    setBackend('fakeB2');
    const warn = warnSpy();
    const x = x4();
    expect(avgPool2d(x).backend).toBe('js');
    expect(avgPool2d(x).backend).toBe('js');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(emPool2d(x).backend).toBe('fakeB2');
  });
});

describe('(c) fallback when supports() declines', () => {
  it("a reason string sends the call to 'js' with one warning that carries the reason", () => {
    const seen: [KernelName, PoolPlan][] = [];
    const f = makeFake('fakeC', {
      supports: (kernel, plan) => {
        seen.push([kernel, plan]);
        return plan.channelsLast ? 'does not do channels-last' : true;
      },
    });
    registerBackend(f.backend);
    const warn = warnSpy();
    const xcl = tensor(xData(2 * 4 * 4 * 3), [2, 4, 4, 3]);
    const ref = emPool2d(xcl, { channelsLast: true, backend: 'js' }).readSync();
    for (let i = 0; i < 3; i++) {
      const y = emPool2d(xcl, { channelsLast: true, backend: 'fakeC' });
      expect(y.backend).toBe('js');
      expect(y.readSync()).toEqual(ref);
    }
    expect(f.calls.emPool).toBe(0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('does not do channels-last');
    expect(String(warn.mock.calls[0][0])).toContain("'fakeC'");
    expect(seen[0][0]).toBe('emPool');
    expect(seen[0][1].op).toBe('emPool2d');
    expect(seen[0][1].channelsLast).toBe(true);
    // the plans it accepts run on it
    expect(emPool2d(x4(), { backend: 'fakeC' }).backend).toBe('fakeC');
    expect(f.calls.emPool).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe("(d) 'auto'", () => {
  // x [1,1,4,4], kernel 2: 16 inputs × 4 taps = 64; x [1,4,64,64]: 16384 × 4 = 65536
  // on 'js' explicitly: under 'auto', tensor() would place them on the highest-ranked backend
  const small = () => tensor(xData(16), [1, 1, 4, 4], { backend: 'js' });
  const large = () => tensor(xData(4 * 64 * 64), [1, 4, 64, 64], { backend: 'js' });

  it("picks 'js' when no other backend ranks itself", () => {
    registerBackend(makeFake('plain').backend);
    expect(emPool2d(small()).backend).toBe('js');
    expect(emPool2d(large()).backend).toBe('js');
  });

  it('prefers the highest priority whose minWork is met, silently', () => {
    const hi = makeFake('fakeHi', { auto: { priority: 10, minWork: 10_000 } });
    const lo = makeFake('fakeLo', { auto: { priority: 5 } });
    const none = makeFake('fakeNone');
    registerBackend(hi.backend); // registration order must not matter
    registerBackend(none.backend);
    registerBackend(lo.backend);
    const warn = warnSpy();
    expect(emPool2d(large()).backend).toBe('fakeHi');
    expect(emPool2d(small()).backend).toBe('fakeLo');
    expect(emPool2d(small(), { backend: 'auto' }).backend).toBe('fakeLo');
    expect(hi.calls.emPool).toBe(1);
    expect(lo.calls.emPool).toBe(2);
    expect(none.calls.emPool).toBe(0);
    // nobody ranked has avgPool: 'js', and 'auto' does not warn
    expect(avgPool2d(large()).backend).toBe('js');
    expect(warn).not.toHaveBeenCalled();
  });

  it('a higher-priority backend that declines the plan is skipped', () => {
    const hi = makeFake('fakeHi2', { auto: { priority: 10 }, supports: (_k, plan) => (plan.returnMask ? 'no masks' : true) });
    const lo = makeFake('fakeLo2', { auto: { priority: 1 } });
    registerBackend(hi.backend);
    registerBackend(lo.backend);
    const warn = warnSpy();
    expect(emPool2d(small()).backend).toBe('fakeHi2');
    expect(emPool2d(small(), { returnMask: true }).output.backend).toBe('fakeLo2');
    expect(warn).not.toHaveBeenCalled();
  });

  it('passes over a backend that says it is unusable (a lost device), for ops and for new tensors, until it is usable again', () => {
    let gone: string | undefined = 'whose device was lost';
    const hi = makeFake('fakeLost', { auto: { priority: 20 } });
    const lo = makeFake('fakeOk', { auto: { priority: 1 } });
    (hi.backend as { unusable?: () => string | undefined }).unusable = () => gone;
    registerBackend(hi.backend);
    registerBackend(lo.backend);
    expect(emPool2d(small()).backend).toBe('fakeOk');
    expect(tensor([1, 2, 3, 4], [1, 1, 2, 2]).backend).toBe('fakeOk');
    gone = undefined;
    expect(emPool2d(small()).backend).toBe('fakeLost');
    expect(tensor([1, 2, 3, 4], [1, 1, 2, 2]).backend).toBe('fakeLost');
  });

  it('uses the backend where the input already lives, even without auto ranking', () => {
    const home = makeFake('fakeHome');
    const hi = makeFake('fakeHi3', { auto: { priority: 10 } });
    registerBackend(home.backend);
    registerBackend(hi.backend);
    const y = emPool2d(small(), { backend: 'fakeHome' });
    const uploads = home.calls.upload;
    const z = emPool2d(y, { kernelSize: 1 });
    expect(z.backend).toBe('fakeHome');
    expect(home.calls.emPool).toBe(2);
    expect(home.calls.upload).toBe(uploads);
    expect(hi.calls.emPool).toBe(0);
    // an input at home whose backend lacks the kernel goes to the ranking instead (moved via readSync)
    const m = avgPool2d(y, { kernelSize: 1 });
    expect(m.backend).toBe('js');
    expect(home.calls.readSync).toBe(1);
    expect(m.readSync()).toEqual(y.readSync());
  });
});

describe('(e) moving tensors between backends', () => {
  it('uploads a temporary copy of a js input and disposes it after the call', () => {
    const f = makeFake('fakeE');
    registerBackend(f.backend);
    const x = x4();
    const xBefore = x.readSync();
    const y = emPool2d(x, { backend: 'fakeE' });
    expect(f.calls.upload).toBe(1);
    expect(f.calls.dispose).toBe(1);
    expect(f.live.size).toBe(1); // only the output
    expect(x.backend).toBe('js');
    expect(x.isDisposed).toBe(false);
    expect(x.readSync()).toEqual(xBefore);
    const r = emPool2d(x, { backend: 'fakeE', returnMask: true });
    expect(f.calls.upload).toBe(2);
    expect(f.calls.dispose).toBe(2);
    expect(f.live.size).toBe(3); // y, r.output, r.mask
    y.dispose();
    r.output.dispose();
    r.mask.dispose();
    expect(f.live.size).toBe(0);
  });

  it('disposes the temporary copy when the kernel throws, and the error propagates', () => {
    const f = makeFake('fakeThrow', { throwing: true });
    registerBackend(f.backend);
    const x = x4();
    const xBefore = x.readSync();
    for (let i = 1; i <= 2; i++) {
      expect(() => emPool2d(x, { backend: 'fakeThrow' })).toThrow('fakeThrow: boom');
      expect(f.calls.upload).toBe(i);
      expect(f.calls.dispose).toBe(i);
      expect(f.live.size).toBe(0);
    }
    expect(x.readSync()).toEqual(xBefore);
  });

  it('moves an input off the backend with readSync when the op runs on js, without disposing it', () => {
    const f = makeFake('fakeE2');
    registerBackend(f.backend);
    const x = x4();
    const y = emPool2d(x, { backend: 'fakeE2' });
    const disposes = f.calls.dispose;
    const viaJs = emPool2d(y, { backend: 'js' });
    const direct = emPool2d(emPool2d(x, { backend: 'js' }), { backend: 'js' });
    expect(viaJs.backend).toBe('js');
    expect(viaJs.readSync()).toEqual(direct.readSync());
    expect(f.calls.readSync).toBe(1);
    expect(f.calls.dispose).toBe(disposes);
    expect(y.isDisposed).toBe(false);
    expect(y.backend).toBe('fakeE2');
  });

  it('nothing is uploaded when the call is rejected before running', () => {
    const f = makeFake('fakeE3');
    registerBackend(f.backend);
    expectCode(() => emPool2d(x4(), { backend: 'fakeE3', kernelSize: 0 }), 'OPTION', 'emPool2d');
    expectCode(() => emPool2d(tensor(xData(8), [1, 1, 8]), { backend: 'fakeE3' }), 'SHAPE', 'emPool2d');
    expect(f.calls.upload).toBe(0);
    expect(f.calls.emPool).toBe(0);
  });
});

describe('(f) a backend without readSync', () => {
  it('its tensors cannot be moved synchronously: BACKEND when the op must run elsewhere', async () => {
    const f = makeFake('fakeF', { noReadSync: true });
    registerBackend(f.backend);
    const warn = warnSpy();
    const x = x4();
    const y = emPool2d(x, { backend: 'fakeF' });
    expect(y.backend).toBe('fakeF');
    const e1 = expectCode(() => emPool2d(y, { backend: 'js' }), 'BACKEND', 'emPool2d');
    expect(e1.message).toContain("got a tensor on 'fakeF'");
    expect(e1.message).toContain("'js'");
    // 'auto' with a kernel fakeF lacks must compute on js: same error
    const e2 = expectCode(() => avgPool2d(y), 'BACKEND', 'avgPool2d');
    expect(e2.message).toContain("got a tensor on 'fakeF'");
    // explicit fallback (fakeF lacks avgPool) needs the move too
    expectCode(() => avgPool2d(y, { backend: 'fakeF' }), 'BACKEND', 'avgPool2d');
    expect(warn).toHaveBeenCalledTimes(1);
    // nothing leaked, y untouched and still usable where it lives
    expect(f.live.size).toBe(1);
    expect(y.isDisposed).toBe(false);
    expectCode(() => y.readSync(), 'UNSUPPORTED', 'Tensor.readSync');
    expect(await y.read()).toEqual(emPool2d(x, { backend: 'js' }).readSync());
    expect(emPool2d(y).backend).toBe('fakeF'); // 'auto' stays home
  });
});

describe('(g) removeBackend', () => {
  it("removes a backend and resets the default to 'auto' when it was selected", () => {
    registerBackend(makeFake('fakeG').backend);
    setBackend('fakeG');
    expect(getBackend()).toBe('fakeG');
    expect(removeBackend('fakeG')).toBe(true);
    expect(getBackend()).toBe('auto');
    expect(listBackends()).toEqual(['js']);
    expect(removeBackend('fakeG')).toBe(false);
    expectCode(() => emPool2d(x4(), { backend: 'fakeG' }), 'BACKEND', 'emPool2d');
    expectCode(() => setBackend('fakeG'), 'BACKEND', 'setBackend');
    expect(emPool2d(x4()).backend).toBe('js');
  });

  it('keeps the default when another backend is removed', () => {
    registerBackend(makeFake('fakeG1').backend);
    registerBackend(makeFake('fakeG2').backend);
    setBackend('fakeG1');
    expect(removeBackend('fakeG2')).toBe(true);
    expect(getBackend()).toBe('fakeG1');
    expect(listBackends()).toEqual(['js', 'fakeG1']);
    expect(removeBackend('never-registered')).toBe(false);
    expect(getBackend()).toBe('fakeG1');
  });

  it('registering a name again replaces the backend', () => {
    const a = makeFake('fakeR');
    const b = makeFake('fakeR');
    registerBackend(a.backend);
    registerBackend(b.backend);
    expect(listBackends().filter((n) => n === 'fakeR')).toHaveLength(1);
    emPool2d(x4(), { backend: 'fakeR' });
    expect(a.calls.emPool).toBe(0);
    expect(b.calls.emPool).toBe(1);
  });
});

describe('(h) default backend vs per-call override', () => {
  it('setBackend persists across calls; a per-call backend overrides it for that call only', () => {
    const f = makeFake('fakeH');
    registerBackend(f.backend);
    setBackend('fakeH');
    const x = x4();
    expect(x.backend).toBe('fakeH'); // tensor() places on the active backend
    const outs: Tensor[] = [];
    for (let i = 0; i < 3; i++) outs.push(softPool2d(x));
    expect(outs.map((t) => t.backend)).toEqual(['fakeH', 'fakeH', 'fakeH']);
    expect(f.calls.emPool).toBe(3);
    expect(softPool2d(x, { backend: 'js' }).backend).toBe('js');
    const xj = tensor(xData(16), [1, 1, 4, 4], { backend: 'js' });
    expect(softPool2d(xj, { backend: 'auto' }).backend).toBe('js'); // xj on js, fakeH is not ranked
    expect(softPool2d(x, { backend: 'auto' }).backend).toBe('fakeH'); // 'auto' keeps work where x lives
    expect(f.calls.emPool).toBe(4);
    expect(getBackend()).toBe('fakeH');
    expect(softPool2d(x).backend).toBe('fakeH');
    expect(f.calls.emPool).toBe(5);
    setBackend('js');
    expect(softPool2d(x, { backend: 'fakeH' }).backend).toBe('fakeH');
    expect(softPool2d(x).backend).toBe('js');
    expect(f.calls.emPool).toBe(6);
  });
});

describe('(i) tensor placement and x.to() through the Backend interface', () => {
  it('a backend without write gets one upload of a fresh copy; tensor() on it moves nothing per op', () => {
    const f = makeFake('fakeP');
    registerBackend(f.backend);
    setBackend('fakeP');
    const data = xData(16);
    const x = tensor(data, [1, 1, 4, 4]);
    expect(x.backend).toBe('fakeP');
    expect(f.calls.upload).toBe(1);
    emPool2d(x);
    emPool2d(x);
    expect(f.calls.upload).toBe(1);
    expect(f.calls.readSync).toBe(0);
  });

  it("under 'auto', tensor() goes to the highest-ranked backend that 'auto' can run ops on (finite minWork), else js", () => {
    registerBackend(makeFake('fakeNever', { auto: { priority: 50, minWork: Infinity } }).backend);
    expect(tensor([1], [1]).backend).toBe('js');
    registerBackend(makeFake('fakeBig', { auto: { priority: 20, minWork: 1e6 } }).backend);
    registerBackend(makeFake('fakeSmall', { auto: { priority: 10 } }).backend);
    expect(tensor([1], [1]).backend).toBe('fakeBig');
    setBackend('fakeSmall');
    expect(tensor([1], [1]).backend).toBe('fakeSmall');
  });

  it("a dtype the backend cannot hold is DTYPE, in tensor() and in to(); nothing is uploaded", async () => {
    const f = makeFake('fakeF32', { dtypes: ['float32'] });
    registerBackend(f.backend);
    expect(expectCode(() => tensor([1, 2], [2], { backend: 'fakeF32', dtype: 'int32' }), 'DTYPE').message).toMatch(/^tensor: dtype must be one backend 'fakeF32' can hold \(float32\), got 'int32'$/);
    const i = tensor([1, 2], [2], { backend: 'js', dtype: 'int32' });
    await expect(i.to('fakeF32')).rejects.toMatchObject({ code: 'DTYPE', message: expect.stringMatching(/^Tensor\.to: dtype must be one backend 'fakeF32'/) });
    expect(f.calls.upload).toBe(0);
    expect(tensor([1, 2], [2], { backend: 'fakeF32' }).backend).toBe('fakeF32');
  });

  it('to() from a backend without synchronous reads goes through read(); to a backend without write through upload', async () => {
    const gpu = makeFake('fakeGpu', { noReadSync: true });
    const cpu = makeFake('fakeCpu');
    registerBackend(gpu.backend);
    registerBackend(cpu.backend);
    const x = tensor([1, 2, 3], [3], { backend: 'fakeGpu' });
    const y = await x.to('fakeCpu');
    expect(gpu.calls.read).toBe(1);
    expect(cpu.calls.upload).toBe(1);
    expect(Array.from(await y.read())).toEqual([1, 2, 3]);
    const z = await y.to('js');
    expect(z.backend).toBe('js');
    expect(Array.from(await z.read())).toEqual([1, 2, 3]);
    // an op cannot move a tensor off a backend without synchronous reads: BACKEND, pointing at to()
    expect(expectCode(() => emPool2d(tensor(xData(16), [1, 1, 4, 4], { backend: 'fakeGpu' }), { backend: 'js' }), 'BACKEND').message).toMatch(/await x\.to\('js'\)/);
  });

  it('bad options: unknown keys → OPTION, unknown backend → BACKEND, bad dtype → DTYPE', () => {
    expect(expectCode(() => tensor([1], [1], { dtype: 'float32', device: 'gpu' } as never), 'OPTION').message).toMatch(/^tensor: options must be among dtype, backend, got unknown option "device"$/);
    expect(expectCode(() => tensor([1], [1], { backend: 'nope' }), 'BACKEND').message).toMatch(/^tensor: backend must be 'auto' or a registered backend \(.*\), got "nope"$/);
    expectCode(() => tensor([1], [1], { backend: 7 } as never), 'BACKEND');
    expectCode(() => tensor([1], [1], { dtype: null } as never), 'DTYPE');
    expectCode(() => tensor([1], [1], { dtype: 'float64' } as never), 'DTYPE');
    expectCode(() => tensor([1], [1], null as never), 'DTYPE');
    expectCode(() => tensor([1], [1], [] as never), 'OPTION');
  });
});
