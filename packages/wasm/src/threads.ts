/**
 * Threads for the `wasm` backend: a shared `WebAssembly.Memory`, and a pool of workers that each
 * instantiate the same build over it. A call is split into parts (src/backend.ts `call`): the
 * calling thread runs part 0, worker w part w + 1, each from its own parameter block; the calling
 * thread then waits for the workers. Control is a few ints per worker in the shared memory (no
 * messages per call): gen (the job count, the worker waits on it), done (the last job it
 * finished), the parameter block, the job, an error flag and quit.
 */

/** Why threads cannot run here, or undefined when they can. */
export function threadsUnavailable(): string | undefined {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (g.crossOriginIsolated === false) return 'the page is not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp)';
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return 'this runtime has no SharedArrayBuffer';
  if (typeof g.Worker !== 'function' && !nodeBuiltin('node:worker_threads')) return 'this runtime has no workers';
  return undefined;
}

/** The core count: `navigator.hardwareConcurrency`, or Node's `os.availableParallelism()`. */
export function coreCount(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (typeof n === 'number' && n >= 1) return n;
  const os = nodeBuiltin('node:os') as { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
  return Math.max(1, os?.availableParallelism?.() ?? os?.cpus().length ?? 1);
}

function nodeBuiltin(name: string): unknown {
  const p = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  try {
    return p?.getBuiltinModule?.(name);
  } catch {
    return undefined;
  }
}

/**
 * The bytes of a build whose memory import is shared: the import's limits flag 1 (min, max)
 * becomes 3 (shared, min, max). Undefined when the bytes have no such import.
 */
export function sharedBuild(bytes: Uint8Array): Uint8Array | undefined {
  let i = 8;
  const leb = () => {
    let v = 0;
    for (let s = 0; ; s += 7) {
      const b = bytes[i++]!;
      v += (b & 0x7f) * 2 ** s;
      if (b < 0x80) return v;
    }
  };
  while (i < bytes.length) {
    const id = bytes[i++];
    const size = leb();
    const end = i + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        for (let name = 0; name < 2; name++) {
          const len = leb(); // module, then field name
          i += len;
        }
        const kind = bytes[i++];
        if (kind === 2) {
          if (bytes[i] !== 1) return undefined;
          const out = bytes.slice();
          out[i] = 3;
          return out;
        }
        // the builds import nothing else; any other import kind is not ours
        return undefined;
      }
    }
    i = end;
  }
  return undefined;
}

/** Ints of a control record (CTRL_INTS × 4 bytes; record 0: the job, record w + 1: worker w). */
export const CTRL_INTS = 8;
// a worker's record: the wake count (it waits on it), its parameter block, quit
const GEN = 0, PARAMS = 2, QUIT = 5;
// the job record: CLAIM = epoch << 16 | the next chunk (taken by compare-and-swap, so that a thread
// that wakes late can only take chunks of the job that is open), the chunks, their table (ints
// begin, end), the job, the chunks completed, an error flag
const CLAIM = 0, CHUNKS = 1, TABLE = 2, JOB = 3, COMPLETED = 4, ERROR = 5;
/**
 * How long a thread that waits spins before it sleeps (ms): waking a sleeping thread costs tens of
 * microseconds to milliseconds on a VM, longer than a chunk; calls in a loop find the workers awake,
 * and a call that finds them asleep does not wait for them (the calling thread takes every chunk
 * they have not taken).
 */
const SPIN_MS = 2;
/** The parameter slots of a part's units (assembly/call.ts PART_BEGIN, PART_END). */
const PART = 39;

// The worker, as source (no file to resolve or bundle): Node's worker_threads (eval: CommonJS, or
// ESM under --input-type=module, so no `require`), or a Web Worker (module, from a Blob URL). It
// instantiates the build over the shared memory, says ready, then each time it is woken takes
// chunks (units [begin, end)) of the open job until none is left.
const WORKER = `const start=async(d,post,close)=>{try{const m=d.memory,{instance}=await WebAssembly.instantiate(d.bytes,{env:{memory:m}});` +
  `const x=instance.exports,I=new Int32Array(m.buffer,d.ctrl,${CTRL_INTS}),J=new Int32Array(m.buffer,d.job,${CTRL_INTS});post({ready:1});let seen=0;` +
  `const now=()=>performance.now();for(;;){for(let t=now(),i=0;Atomics.load(I,${GEN})===seen;i++)if((i&1023)===1023&&now()-t>${SPIN_MS})Atomics.wait(I,${GEN},seen);seen=Atomics.load(I,${GEN});if(Atomics.load(I,${QUIT}))break;` +
  `for(;;){const v=Atomics.load(J,${CLAIM}),k=v&65535,n=J[${CHUNKS}];if(k>=n)break;const tb=J[${TABLE}],job=J[${JOB}];` +
  `if(Atomics.compareExchange(J,${CLAIM},v,v+1)!==v)continue;` +
  `try{const b=m.buffer,p=I[${PARAMS}],P=new Int32Array(b,p,${PART + 2}),T=new Int32Array(b,tb,2*n);if(job<0)new Uint8Array(b).fill(-1-job,T[2*k],T[2*k+1]);else{P[${PART}]=T[2*k];P[${PART + 1}]=T[2*k+1];x.runPart(p,job)}}catch{Atomics.store(J,${ERROR},1)}` +
  `Atomics.add(J,${COMPLETED},1);Atomics.notify(J,${COMPLETED})}}}` +
  `catch(e){post({error:String(e&&e.message||e)})}close()};`;
/** The worker's source for Node's worker_threads (also Deno's and Bun's) or a Web Worker. */
const workerSource = (node: boolean) => WORKER + (node
  ? `const{parentPort:p}=process.getBuiltinModule('node:worker_threads');p.once('message',(d)=>start(d,(m)=>p.postMessage(m),()=>p.close()))`
  : `self.onmessage=(e)=>{self.onmessage=null;start(e.data,(m)=>self.postMessage(m),()=>self.close())}`);

interface AnyWorker {
  postMessage(m: unknown): void;
  terminate(): unknown;
}

/** A pool of `count − 1` workers; the calling thread is the first of `count`. */
export interface ThreadPool {
  readonly count: number;
  /**
   * Runs `job` over `chunks` chunks (the table at `table`: ints begin, end of each chunk's units;
   * a job −1 − v fills the byte ranges begin..end with v),
   * each taken by the first thread free: here by `here(begin, end)`, on worker w from parameter
   * block w + 1. Returns when every chunk is done; throws what a chunk threw.
   */
  run(job: number, chunks: number, table: number, here: (begin: number, end: number) => void): void;
  /** Ends the workers (idempotent). */
  destroy(): void;
}

/**
 * Starts `count − 1` workers over `memory` (the build's `bytes`, memory import shared): the
 * control records at `ctrl` (CTRL_INTS ints each: the job's, then one a worker), worker w + 1
 * running from the parameter block at `blocks[w + 1]` (numbers, not a closure: the pool must
 * not keep the backend alive, so that a backend dropped without destroy() is collected and its
 * workers ended). Resolves once every worker has instantiated;
 * rejects (the started workers ended) when one cannot.
 */
export async function startPool(count: number, bytes: Uint8Array, memory: { readonly buffer: ArrayBufferLike }, ctrl: number, blocks: readonly number[], name: string): Promise<ThreadPool> {
  const workers: AnyWorker[] = [];
  const ctrls: Int32Array[] = [];
  const J = new Int32Array(memory.buffer, ctrl, CTRL_INTS);
  J.fill(0);
  let epoch = 0;
  let ended = false;
  const destroy = () => {
    if (ended) return;
    ended = true;
    for (const I of ctrls) {
      Atomics.store(I, QUIT, 1);
      Atomics.add(I, GEN, 1);
      Atomics.notify(I, GEN);
    }
    for (const w of workers) void w.terminate();
  };
  // Atomics.wait throws on a browser's main thread: there the calling thread spins
  let canWait = true;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
  } catch {
    canWait = false;
  }
  // Node's worker_threads where there are (Node, Deno, Bun: unref'd workers let the process exit), else Web Workers
  const NodeWorker = (nodeBuiltin('node:worker_threads') as { Worker?: new (src: string, o: object) => AnyWorker & { on(e: string, f: (v: unknown) => void): void; unref(): void } } | undefined)?.Worker;
  const url = NodeWorker ? '' : URL.createObjectURL(new Blob([workerSource(false)], { type: 'text/javascript' }));
  try {
    await Promise.all(Array.from({ length: count - 1 }, (_, w) => new Promise<void>((resolve, reject) => {
      const at = ctrl + 4 * CTRL_INTS * (w + 1);
      const I = new Int32Array(memory.buffer, at, CTRL_INTS);
      I.fill(0);
      ctrls.push(I);
      const said = (m: unknown) => {
        const d = m as { ready?: number; error?: string };
        if (d?.ready) resolve();
        else reject(new Error(d?.error ?? 'the worker ended'));
      };
      const label = `${name} thread ${w + 1}`;
      if (NodeWorker) {
        const worker = new NodeWorker(workerSource(true), { eval: true, name: label });
        worker.on('message', (m) => {
          said(m);
          worker.unref(); // once started: an app that never destroys the backend still exits
        });
        worker.on('error', (e) => reject(e as Error));
        worker.on('exit', () => reject(new Error('the worker ended')));
        workers.push(worker);
      } else {
        const W = (globalThis as unknown as { Worker: new (u: string, o: object) => AnyWorker & { onmessage: unknown; onerror: unknown } }).Worker;
        const worker = new W(url, { type: 'module', name: label });
        worker.onmessage = (e: { data: unknown }) => said(e.data);
        worker.onerror = (e: { message?: string; preventDefault?: () => void }) => {
          e.preventDefault?.();
          reject(new Error(e.message ?? 'the worker failed to start'));
        };
        workers.push(worker);
      }
      I[PARAMS] = blocks[w + 1]!;
      workers[workers.length - 1]!.postMessage({ bytes, memory, ctrl: at, job: ctrl });
    })));
  } catch (e) {
    destroy();
    throw e;
  } finally {
    if (url) URL.revokeObjectURL(url);
  }
  return {
    count,
    destroy,
    run(job, chunks, table, here) {
      // a new epoch opens the job; the chunks go to whoever takes them first (the calling thread
      // at once, a worker when it wakes): a chunk's result does not depend on the thread
      epoch = (epoch + 1) & 0x7fff;
      J[CHUNKS] = chunks;
      J[TABLE] = table;
      J[JOB] = job;
      J[COMPLETED] = 0;
      J[ERROR] = 0;
      Atomics.store(J, CLAIM, epoch << 16);
      for (const I of ctrls) {
        Atomics.add(I, GEN, 1);
        Atomics.notify(I, GEN);
      }
      let failed: unknown;
      const T = new Int32Array(memory.buffer, table, 2 * chunks);
      let mine = 0;
      for (;;) {
        const v = Atomics.load(J, CLAIM);
        const k = v & 0xffff;
        if (k >= chunks) break;
        if (Atomics.compareExchange(J, CLAIM, v, v + 1) !== v) continue;
        mine++;
        if (failed === undefined) {
          try {
            here(T[2 * k]!, T[2 * k + 1]!);
          } catch (e) {
            failed = e;
          }
        }
      }
      // the chunks the workers took must end before the call's memory is freed, whatever happened here
      const t = performance.now();
      for (let c = Atomics.load(J, COMPLETED), i = 0; c !== chunks - mine; c = Atomics.load(J, COMPLETED), i++) {
        if (canWait && (i & 1023) === 1023 && performance.now() - t > SPIN_MS) Atomics.wait(J, COMPLETED, c);
      }
      if (failed !== undefined) throw failed;
      if (J[ERROR]) throw new WebAssembly.RuntimeError('unreachable (a kernel trapped in a worker)');
    },
  };
}
